"""Rasa NLU component: clinical concepts with canonical values and assertion flags.

Add it to ``config.yml`` after the tokenizer (it does its own spaCy tokenisation on the
message text, so it does not depend on which Rasa tokenizer is used)::

    - name: bot.nlu.component.ClinicalConceptExtractor
      # patterns_dir: path/to/patterns   # optional; default: the packaged patterns

For each message it sets:

- ``entities``: one entity per *asserted* concept, appended to other extractors' entities,
  with the canonical value (``{"entity": "condition", "value": "sciatica", ...}``), so that
  ``from_entity`` slot mappings get canonical values and a negated or hypothetical mention
  ("I don't have sciatica", "can it cause bladder problems?") never fills a slot;
- ``clinical_concepts`` (in the parse data, so actions read it from
  ``tracker.latest_message``): every concept as a dict with ``negated``, ``hypothetical``,
  ``other_experiencer``, ``asserted`` and, for red flags, ``severity``; the safety screen
  reads red flags from here.

Both hold each distinct concept once, at its first mention (``distinct_concepts``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.language import Language

from bot.nlu.concepts import (
    Concept,
    build_pipeline,
    distinct_concepts,
    message_concepts,
    shared_pipeline,
)

CLINICAL_CONCEPTS = "clinical_concepts"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ClinicalConceptExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts conditions, symptoms, body locations, medications and red flags."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``patterns_dir``: a folder of pattern files; None means the packaged ones."""
        return {"patterns_dir": None}

    @staticmethod
    def required_packages() -> list[str]:
        """spaCy builds the matching pipeline (blank English: no model download)."""
        return ["spacy"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ClinicalConceptExtractor:
        """Build the component; rule-based, so there is nothing to train or persist."""
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}
        patterns_dir = self._config.get("patterns_dir")
        # built here, on model load, never at import; the packaged patterns' pipeline is
        # the one the intake's readers use too (shared_pipeline)
        self._nlp: Language = (
            build_pipeline(Path(patterns_dir)) if patterns_dir else shared_pipeline()
        )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged: the patterns are not learnt from it."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Append asserted concepts to ``entities`` and set ``clinical_concepts``."""
        for message in messages:
            concepts = distinct_concepts(self.concepts(message.get(TEXT)))
            entities = [self._entity(c) for c in concepts if c.asserted]
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
            message.set(CLINICAL_CONCEPTS, [c.to_dict() for c in concepts], add_to_output=True)
        return messages

    def concepts(self, text: str | None) -> list[Concept]:
        """Concepts of one message (``message_concepts``)."""
        return message_concepts(self._nlp, text)

    def _entity(self, concept: Concept) -> dict[str, Any]:
        return {
            ENTITY_ATTRIBUTE_TYPE: concept.type,
            ENTITY_ATTRIBUTE_VALUE: concept.value,
            ENTITY_ATTRIBUTE_START: concept.start,
            ENTITY_ATTRIBUTE_END: concept.end,
            EXTRACTOR: self.name,
            ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: 1.0,
        }
