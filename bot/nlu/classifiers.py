"""Intent classifier and FAQ selector without TensorFlow: logistic regression on TF-IDF.

They take the places of Rasa's DIETClassifier and ResponseSelector in config.yml and
write the same message properties, so the FallbackClassifier, SafetyTriage, the rules,
Rasa's ``utter_faq`` (ActionRetrieveResponse) and bot/devtools/nlu_eval.py read them unchanged:

- ``LinearIntentClassifier`` sets ``intent`` (``{"name", "confidence"}``) and
  ``intent_ranking`` (the ``ranking_length`` most likely, best first), as DIET does;
- ``LinearResponseSelector`` predicts the sub-intent of a retrieval intent
  (``faq/how_long``) and sets ``response_selector`` exactly as Rasa's ResponseSelector
  does: ``all_retrieval_intents``, and under the retrieval intent's name (``default``
  when no ``retrieval_intent`` is configured) the ``response`` (``responses``,
  ``confidence``, ``intent_response_key``, ``utter_action``) and the ``ranking``
  (``confidence`` and ``intent_response_key`` of each candidate).

Why: the TensorFlow models were most of the time of every message (about 25 of 35 ms
on 2 cores), most of the model file (180 of 280 MB unpacked) and of a Rasa process's
memory, and they were built at every start. See linear.py for the model itself.
"""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_DEFAULT_INTENT,
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key

from bot.nlu.linear import ARRAYS_FILE, LinearModel

logger = logging.getLogger(__name__)

SELECTOR_FILE = "selector.json"


class _LinearComponent(GraphComponent):
    """What both components share: configuration, training, persistence and loading."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Sparse features come from featurizers earlier in the pipeline."""
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        """scikit-learn fits the regression (at training only)."""
        return ["sklearn"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``C``: inverse regularisation strength (chosen by 5-fold cross-validation on
        the training data); ``featurizers``: names of the featurizers whose features are
        used, all when empty; ``ranking_length``: candidates kept in rankings (0: all)."""
        return {
            "C": 100.0,
            "max_iter": 1000,
            "random_seed": 2718,
            "featurizers": [],
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LinearModel | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _LinearComponent:
        """An untrained component."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> _LinearComponent:
        """The trained component (untrained if training had no examples to learn from).

        Unlike Rasa's own classifiers, a missing or unreadable model is an error, not an
        untrained component: a classifier that silently predicts nothing is worse."""
        component = cls(config, model_storage, resource)
        with model_storage.read_from(resource) as directory:
            if (directory / ARRAYS_FILE).exists():
                component._model = LinearModel.load(directory)
                component._load_extra(directory)
            else:
                logger.debug(f"{cls.__name__}: nothing was trained for '{resource.name}'.")
        return component

    def _train(self, messages: list[Message], labels: list[str]) -> Resource:
        """Fit the model on labelled messages (if any) and persist it; an empty
        directory records that there was nothing to learn."""
        if messages:
            self._model = LinearModel.fit(
                messages,
                labels,
                c=float(self._config["C"]),
                max_iter=int(self._config["max_iter"]),
                random_seed=int(self._config["random_seed"]),
                featurizers=self._config["featurizers"] or None,
            )
        with self._model_storage.write_to(self._resource) as directory:
            if self._model is not None:
                self._model.save(directory)
                self._save_extra(directory)
        return self._resource

    def _save_extra(self, directory: Path) -> None:
        """Anything besides the model a subclass needs at prediction time."""

    def _load_extra(self, directory: Path) -> None:
        """Read back what ``_save_extra`` wrote."""


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(_LinearComponent, IntentClassifier):
    """The intent of each message (retrieval intents as a whole: ``faq``)."""

    def train(self, training_data: TrainingData) -> Resource:
        """Learn the intents of the training examples."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        return self._train(examples, [e.get(INTENT) for e in examples])

    def process(self, messages: list[Message]) -> list[Message]:
        """Set ``intent`` and ``intent_ranking`` as Rasa's DIETClassifier does."""
        for message in messages:
            intent: dict[str, Any] = {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}
            ranking: list[dict[str, Any]] = []
            if self._model is not None:
                ranked = self._model.ranking(message, int(self._config["ranking_length"]))
                ranking = [
                    {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
                    for name, confidence in ranked
                ]
                intent = dict(ranking[0])
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearResponseSelector(_LinearComponent, IntentClassifier):
    """The sub-intent (``faq/how_long``) of every message, for ``utter_faq`` to answer."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``retrieval_intent``: the one to learn (``faq``); None learns all of them,
        with the prediction under ``default``, as Rasa's ResponseSelector does."""
        return {**_LinearComponent.get_default_config(), "retrieval_intent": None}

    # set by train() or _load_extra(); read only when a model exists
    _responses: dict[str, list[dict[str, Any]]]
    _all_retrieval_intents: list[str]

    @property
    def selector_key(self) -> str:
        """Where the prediction goes in ``response_selector``."""
        return self._config["retrieval_intent"] or RESPONSE_SELECTOR_DEFAULT_INTENT

    def _learns(self, example: Message) -> bool:
        retrieval_intent = self._config["retrieval_intent"]
        return bool(
            example.get(INTENT_RESPONSE_KEY)
            and example.get(TEXT)
            and (retrieval_intent is None or example.get(INTENT) == retrieval_intent)
        )

    def train(self, training_data: TrainingData) -> Resource:
        """Learn the sub-intents of the retrieval intent's examples; keep its responses."""
        self._all_retrieval_intents = sorted(training_data.retrieval_intents)
        examples = [e for e in training_data.intent_examples if self._learns(e)]
        templates = {
            intent_response_key_to_template_key(e.get(INTENT_RESPONSE_KEY)) for e in examples
        }
        self._responses = {
            template: responses
            for template, responses in training_data.responses.items()
            if template in templates
        }
        return self._train(examples, [e.get(INTENT_RESPONSE_KEY) for e in examples])

    def _save_extra(self, directory: Path) -> None:
        (directory / SELECTOR_FILE).write_text(
            json.dumps(
                {"responses": self._responses, "all_retrieval_intents": self._all_retrieval_intents}
            ),
            encoding="utf-8",
        )

    def _load_extra(self, directory: Path) -> None:
        saved = json.loads((directory / SELECTOR_FILE).read_text(encoding="utf-8"))
        self._responses = saved["responses"]
        self._all_retrieval_intents = saved["all_retrieval_intents"]

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the prediction to ``response_selector`` as Rasa's ResponseSelector does."""
        if self._model is None:
            return messages
        for message in messages:
            ranked = self._model.ranking(message, int(self._config["ranking_length"]))
            key, confidence = ranked[0]
            utter_action = intent_response_key_to_template_key(key)
            responses = self._responses.get(utter_action)
            if not responses:
                logger.warning(f"No responses for {key}: add {utter_action} to the domain.")
                responses = [{TEXT: key}]
            prediction = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: copy.deepcopy(responses),
                    PREDICTED_CONFIDENCE_KEY: confidence,
                    INTENT_RESPONSE_KEY: key,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
                },
                RESPONSE_SELECTOR_RANKING_KEY: [
                    {PREDICTED_CONFIDENCE_KEY: c, INTENT_RESPONSE_KEY: k} for k, c in ranked
                ],
            }
            properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {})
            properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = list(self._all_retrieval_intents)
            properties[self.selector_key] = prediction
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
        return messages
