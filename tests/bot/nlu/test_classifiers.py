"""The intent classifier and FAQ selector on real Rasa messages, featurizers and storage.

The selector's output is checked against what Rasa itself reads from it: the
``utter_faq`` action (ActionRetrieveResponse) and the held-out evaluation.
"""

import pytest
from rasa.core.actions.action import ActionRetrieveResponse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.devtools.nlu_eval import predicted_label
from bot.nlu.classifiers import LinearIntentClassifier, LinearResponseSelector

EXAMPLES = {
    "greet": ["hi", "hello there", "good morning", "hey", "hello"],
    "goodbye": ["bye", "see you later", "goodbye", "talk to you soon", "bye bye"],
    "faq/cost": ["how much does it cost", "what is the price", "is it expensive", "price?"],
    "faq/dose": ["what dose should i take", "how many mg", "how much should i take daily"],
    "chitchat/weather": ["how is the weather", "is it raining", "sunny today?"],
    "chitchat/joke": ["tell me a joke", "say something funny", "make me laugh"],
}
RESPONSES = {
    "utter_faq/cost": [{"text": "It depends on your insurance."}],
    "utter_faq/dose": [{"text": "Ask your prescriber."}],
    "utter_chitchat/weather": [{"text": "I can't see outside."}],
    "utter_chitchat/joke": [{"text": "Why did the disc slip?"}],
}


def context(name: str) -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name=name)


def training_data(examples=EXAMPLES) -> TrainingData:
    messages = []
    for label, texts in examples.items():
        intent = label.split("/")[0]
        for text in texts:
            data = {"text": text, "intent": intent}
            if "/" in label:
                data["intent_response_key"] = label
            messages.append(Message(data=data))
    return TrainingData(training_examples=messages, responses=dict(RESPONSES))


class Pipeline:
    """Tokenizer and featurizers trained on the data, then the component under test."""

    def __init__(self, storage: LocalModelStorage, data: TrainingData) -> None:
        self.storage = storage
        self.tokenizer = WhitespaceTokenizer.create(
            WhitespaceTokenizer.get_default_config(), storage, Resource("tok"), context("tok")
        )
        self.featurizers = [
            CountVectorsFeaturizer.create(
                {**CountVectorsFeaturizer.get_default_config(), **config},
                storage,
                Resource(config["alias"]),
                context(config["alias"]),
            )
            for config in (
                {"alias": "words"},
                {"alias": "chars", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
            )
        ]
        self.tokenizer.process_training_data(data)
        for featurizer in self.featurizers:
            featurizer.train(data)
            featurizer.process_training_data(data)
        self.data = data

    def train(self, cls, name: str, **config):
        """Train a component, then load it from storage as Rasa does."""
        full = {**cls.get_default_config(), **config}
        cls.create(full, self.storage, Resource(name), context(name)).train(self.data)
        return cls.load(full, self.storage, Resource(name), context(name))

    def message(self, text: str) -> Message:
        message = Message(data={"text": text})
        self.tokenizer.process([message])
        for featurizer in self.featurizers:
            featurizer.process([message])
        return message


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> Pipeline:
    return Pipeline(LocalModelStorage(tmp_path_factory.mktemp("storage")), training_data())


@pytest.fixture(scope="module")
def classifier(pipeline) -> LinearIntentClassifier:
    return pipeline.train(LinearIntentClassifier, "intent", C=10.0)


@pytest.fixture(scope="module")
def faq_selector(pipeline) -> LinearResponseSelector:
    return pipeline.train(LinearResponseSelector, "faq", C=10.0, retrieval_intent="faq")


def run(component, pipeline, text) -> Message:
    [message] = component.process([pipeline.message(text)])
    return message


def test_intent_and_ranking_as_diet_sets_them(classifier, pipeline):
    message = run(classifier, pipeline, "hello hello")
    intent, ranking = message.get("intent"), message.get("intent_ranking")
    assert intent["name"] == "greet" and set(intent) == {"name", "confidence"}
    assert type(intent["name"]) is str and type(intent["confidence"]) is float
    assert ranking[0] == intent
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)
    # retrieval intents are classified as a whole
    assert {r["name"] for r in ranking} == {"greet", "goodbye", "faq", "chitchat"}
    assert {"intent", "intent_ranking"} <= set(message.as_dict_nlu())


def test_ranking_length_cuts_the_ranking(pipeline):
    short = pipeline.train(LinearIntentClassifier, "intent_short", C=10.0, ranking_length=2)
    assert len(run(short, pipeline, "what is the price").get("intent_ranking")) == 2


def test_selector_writes_what_the_response_selector_writes(faq_selector, pipeline):
    message = run(faq_selector, pipeline, "how much is the price")
    selector = message.get("response_selector")
    assert selector["all_retrieval_intents"] == ["chitchat", "faq"]
    assert set(selector) == {"all_retrieval_intents", "faq"}
    response, ranking = selector["faq"]["response"], selector["faq"]["ranking"]
    assert response == {
        "responses": RESPONSES["utter_faq/cost"],
        "confidence": ranking[0]["confidence"],
        "intent_response_key": "faq/cost",
        "utter_action": "utter_faq/cost",
    }
    assert all(set(r) == {"confidence", "intent_response_key"} for r in ranking)
    assert {r["intent_response_key"] for r in ranking} == {"faq/cost", "faq/dose"}
    assert "response_selector" in message.as_dict_nlu()


def test_rasas_retrieval_action_and_the_evaluation_read_the_prediction(faq_selector, pipeline):
    message = run(faq_selector, pipeline, "how many mg should i take")
    parse = {"intent": {"name": "faq", "confidence": 0.9}, **message.as_dict_nlu()}
    tracker = DialogueStateTracker.from_events(
        "visitor", [UserUttered("how many mg should i take", parse["intent"], parse_data=parse)]
    )
    assert ActionRetrieveResponse("utter_faq").get_full_retrieval_name(tracker) == "utter_faq/dose"
    assert predicted_label(parse) == "faq/dose"


def test_without_a_retrieval_intent_it_learns_all_under_default(pipeline):
    selector = pipeline.train(LinearResponseSelector, "all", C=10.0)
    message = run(selector, pipeline, "tell me something funny")
    prediction = message.get("response_selector")["default"]
    assert prediction["response"]["intent_response_key"] == "chitchat/joke"
    keys = {r["intent_response_key"] for r in prediction["ranking"]}
    assert keys == {key.removeprefix("utter_") for key in RESPONSES}


def test_two_selectors_keep_each_others_predictions(faq_selector, pipeline):
    chitchat = pipeline.train(
        LinearResponseSelector, "chitchat", C=10.0, retrieval_intent="chitchat"
    )
    [message] = chitchat.process(faq_selector.process([pipeline.message("is it raining")]))
    assert set(message.get("response_selector")) == {"all_retrieval_intents", "faq", "chitchat"}
    assert message.get("response_selector")["chitchat"]["response"]["utter_action"] == (
        "utter_chitchat/weather"
    )


def test_responses_are_copied_not_shared(faq_selector, pipeline):
    message = run(faq_selector, pipeline, "what is the price")
    message.get("response_selector")["faq"]["response"]["responses"][0]["text"] = "changed"
    again = run(faq_selector, pipeline, "what is the price")
    assert (
        again.get("response_selector")["faq"]["response"]["responses"]
        == RESPONSES["utter_faq/cost"]
    )


def test_nothing_to_learn_leaves_messages_alone(tmp_path):
    pipeline = Pipeline(LocalModelStorage(tmp_path), training_data({"greet": ["hi", "hello"]}))
    selector = pipeline.train(LinearResponseSelector, "faq", retrieval_intent="faq")
    assert run(selector, pipeline, "hi").get("response_selector") is None
    classifier = pipeline.train(LinearIntentClassifier, "intent")
    assert run(classifier, pipeline, "anything").get("intent") == {
        "name": "greet",
        "confidence": 1.0,
    }


def test_an_untrained_classifier_predicts_no_intent(tmp_path):
    classifier = LinearIntentClassifier.create(
        LinearIntentClassifier.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("never_trained"),
        context("never_trained"),
    )
    [message] = classifier.process([Message(data={"text": "hi"})])
    assert message.get("intent") == {"name": None, "confidence": 0.0}
    assert message.get("intent_ranking") == []


def test_a_missing_model_is_an_error_not_a_silent_classifier(tmp_path):
    config = LinearIntentClassifier.get_default_config()
    with pytest.raises(ValueError, match="does not exist"):
        LinearIntentClassifier.load(
            config, LocalModelStorage(tmp_path), Resource("lost"), context("lost")
        )
