"""The sentence-only featurizer makes Rasa's sentence features, and no per-token ones."""

from __future__ import annotations

import copy

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    FEATURE_TYPE_SEQUENCE,
    INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.sentence_counts import SentenceCountVectorsFeaturizer

CONFIGS = [
    {"alias": "words"},
    {"alias": "chars", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
]
NEW_TEXTS = ["duloxitine side affects??", "my neck hurts 😣", "quiero una cita", "ok", "   "]


def features(message: Message, attribute: str, kind: str):
    return [f for f in message.features if f.attribute == attribute and f.type == kind]


@pytest.fixture(scope="module")
def trained(project_root, tmp_path_factory):
    """Rasa's featurizer and ours, each trained on the project's NLU data."""
    data = load_data(str(project_root / "data" / "nlu"))
    storage = LocalModelStorage(tmp_path_factory.mktemp("counts"))
    tokenizer = WhitespaceTokenizer.create(
        WhitespaceTokenizer.get_default_config(),
        storage,
        Resource("tok"),
        ExecutionContext(GraphSchema({}), "tok"),
    )
    tokenizer.process_training_data(data)
    made = {}
    for cls in (CountVectorsFeaturizer, SentenceCountVectorsFeaturizer):
        for config in CONFIGS:
            name = f"{cls.__name__}-{config['alias']}"
            featurizer = cls.create(
                {**cls.get_default_config(), **config},
                storage,
                Resource(name),
                ExecutionContext(GraphSchema({}), name),
            )
            featurizer.train(data)
            made[cls, config["alias"]] = featurizer
    return tokenizer, data, made


def featurized(featurizer, tokenizer, messages: list[Message]) -> list[Message]:
    messages = [copy.deepcopy(message) for message in messages]
    tokenizer.process(messages)
    return featurizer.process(messages)


@pytest.mark.parametrize("alias", ["words", "chars"])
def test_sentence_features_are_rasas_and_no_token_features_are_made(trained, alias):
    tokenizer, data, made = trained
    rasas, ours = made[CountVectorsFeaturizer, alias], made[SentenceCountVectorsFeaturizer, alias]
    messages = [Message(data={TEXT: m.get(TEXT)}) for m in data.intent_examples]
    messages += [Message(data={TEXT: text}) for text in NEW_TEXTS]
    compared = 0
    for expected, got in zip(
        featurized(rasas, tokenizer, messages), featurized(ours, tokenizer, messages), strict=True
    ):
        assert not features(got, TEXT, FEATURE_TYPE_SEQUENCE)
        want = features(expected, TEXT, FEATURE_TYPE_SENTENCE)
        have = features(got, TEXT, FEATURE_TYPE_SENTENCE)
        assert len(have) == len(want)
        for a, b in zip(have, want, strict=True):
            assert a.origin == b.origin and a.features.shape == b.features.shape
            assert a.features.format == b.features.format == "coo"
            assert a.features.dtype == b.features.dtype
            assert a.features.col.tolist() == b.features.col.tolist()  # sorted, as Rasa's
            assert a.features.data.tolist() == b.features.data.tolist()
            compared += 1
    assert compared > 1000


def test_intent_labels_are_featurized_as_rasa_does(trained):
    tokenizer, data, made = trained
    rasas = made[CountVectorsFeaturizer, "words"]
    ours = made[SentenceCountVectorsFeaturizer, "words"]
    tokens = [["greet"], ["ask", "side", "effects"]]
    expected_seq, expected_sentence = rasas._create_features(INTENT, tokens)
    seq, sentence = ours._create_features(INTENT, tokens)
    assert sentence == expected_sentence
    assert all((a != b).nnz == 0 for a, b in zip(seq, expected_seq, strict=True))


def test_binary_counts_are_ones_as_scikit_learns():
    from sklearn.feature_extraction.text import CountVectorizer

    from bot.nlu.sentence_counts import sentence_counts

    texts = ["pain pain in my back", "back back back", "no words known here"]
    for binary in (False, True):
        vectorizer = CountVectorizer(binary=binary).fit(texts[:2])
        for text in texts:
            expected = vectorizer.transform([text])
            expected.sort_indices()
            got = sentence_counts(vectorizer, text)
            assert got.shape == expected.shape and got.dtype == expected.dtype
            assert got.col.tolist() == expected.indices.tolist()
            assert got.data.tolist() == expected.data.tolist()
