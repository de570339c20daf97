"""Clinical concepts as sparse features for the intent classifier."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.component import CLINICAL_CONCEPTS
from bot.nlu.concept_features import (
    ClinicalConceptFeaturizer,
    concept_feature_names,
    message_feature_names,
)

TEXTS = [
    "i think i have sciatica",
    "no numbness in my groin",
    "can it cause bladder issues?",
    "hello there",
]


def concept(kind, value, **flags):
    return {"type": kind, "value": value, **flags}


def test_each_concept_gives_its_type_and_value_under_its_flag():
    assert concept_feature_names(concept("condition", "sciatica")) == [
        "asserted:condition",
        "asserted:condition=sciatica",
    ]
    assert concept_feature_names(concept("red_flag", "saddle", negated=True))[0] == (
        "negated:red_flag"
    )
    assert concept_feature_names(concept("symptom", "x", hypothetical=True))[0] == (
        "hypothetical:symptom"
    )
    assert concept_feature_names(concept("symptom", "x", other_experiencer=True))[0] == (
        "other:symptom"
    )


def test_a_message_counts_each_feature_once():
    names = message_feature_names([concept("symptom", "a"), concept("symptom", "b")])
    assert names == {"asserted:symptom", "asserted:symptom=a", "asserted:symptom=b"}


def make(storage, config=None):
    context = ExecutionContext(GraphSchema({}), node_name="run_concepts")
    full = {**ClinicalConceptFeaturizer.get_default_config(), "alias": "concepts", **(config or {})}
    return full, context


@pytest.fixture(scope="module")
def featurizer(tmp_path_factory) -> ClinicalConceptFeaturizer:
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    config, context = make(storage)
    data = TrainingData([Message(data={TEXT: t, "intent": "x"}) for t in TEXTS])
    ClinicalConceptFeaturizer.create(config, storage, Resource("concepts"), context).train(data)
    return ClinicalConceptFeaturizer.load(config, storage, Resource("concepts"), context)


def sentence_features(message: Message):
    [features] = [f for f in message.features if f.origin == "concepts"]
    return features


def test_training_learns_the_vocabulary_from_the_patterns(featurizer):
    vocabulary = featurizer._vocabulary
    assert "asserted:condition=sciatica" in vocabulary
    assert any(name.startswith("negated:red_flag") for name in vocabulary)
    assert "hypothetical:red_flag=bladder_bowel" in vocabulary
    assert sorted(vocabulary.values()) == list(range(len(vocabulary)))


def test_reads_the_extractors_concepts_when_it_ran(featurizer):
    message = Message(data={TEXT: "anything at all"})
    message.set(CLINICAL_CONCEPTS, [concept("condition", "sciatica")])
    featurizer.process([message])
    features = sentence_features(message)
    assert features.origin == "concepts" and features.type == "sentence"
    row = features.features.toarray()[0]
    vocabulary = featurizer._vocabulary
    assert row.sum() == 2
    assert (
        row[vocabulary["asserted:condition"]] == row[vocabulary["asserted:condition=sciatica"]] == 1
    )
    # the extractor's output was used: no spaCy pipeline of its own was built
    assert featurizer._extractor is None


def test_extracts_the_concepts_itself_when_the_extractor_did_not_run(featurizer):
    message = Message(data={TEXT: "i think i have sciatica"})
    featurizer.process([message])
    row = sentence_features(message).features.toarray()[0]
    assert row[featurizer._vocabulary["asserted:condition=sciatica"]] == 1


def test_unknown_concepts_and_no_concepts_give_an_empty_row(featurizer):
    message = Message(data={TEXT: "hi"})
    message.set(CLINICAL_CONCEPTS, [concept("kind_never_seen", "value_never_seen")])
    featurizer.process([message])
    features = sentence_features(message).features
    assert features.shape == (1, len(featurizer._vocabulary)) and features.nnz == 0


def test_messages_without_text_get_no_features(featurizer):
    message = Message(data={"intent": "greet"})
    featurizer.process([message])
    assert message.features == []


def test_training_data_is_featurized_for_the_classifiers(featurizer):
    data = TrainingData([Message(data={TEXT: t, "intent": "x"}) for t in TEXTS[:2]])
    featurizer.process_training_data(data)
    assert all(sentence_features(m) is not None for m in data.training_examples)
