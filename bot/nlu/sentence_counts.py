"""Rasa's CountVectorsFeaturizer, making only the sentence features the classifiers read.

Why: for each message Rasa's featurizer runs its vectorizer twice per attribute: once
over each token on its own (sequence features, a row per token) and once over the whole
text (sentence features). The classifiers (bot/nlu/linear.py) read only the sentence
features of the text, so the token-by-token pass was wasted: half of the featurizers'
time, which was ~9% of the Rasa process's CPU under load. Vocabulary, training and the
sentence features are Rasa's own, so the classifiers see exactly what they saw before.
Attributes without sentence features (intent and action names) are featurized as Rasa
does.
"""

from __future__ import annotations

from typing import Any

import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """Count vectors of the whole text (sentence features), none per token."""

    def _create_features(
        self, attribute: str, all_tokens: list[list[str]]
    ) -> tuple[list[Any], list[scipy.sparse.spmatrix | None]]:
        """Rasa's sentence features, and no sequence features, for text attributes."""
        vectorizer = (self.vectorizers or {}).get(attribute)
        if attribute not in DENSE_FEATURIZABLE_ATTRIBUTES or vectorizer is None:
            return super()._create_features(attribute, all_tokens)
        sentence_features: list[scipy.sparse.spmatrix | None] = []
        for tokens in all_tokens:
            if not tokens:
                sentence_features.append(None)
                continue
            sentence = vectorizer.transform([" ".join(tokens)])
            sentence.sort_indices()
            sentence_features.append(sentence.tocoo())
        return [None] * len(all_tokens), sentence_features
