"""Rasa's CountVectorsFeaturizer, making only the sentence features the classifiers read.

Why: for each message Rasa's featurizer runs its vectorizer twice per attribute: once
over each token on its own (sequence features, a row per token) and once over the whole
text (sentence features). The classifiers (bot/nlu/linear.py) read only the sentence
features of the text, so the token-by-token pass was wasted: half of the featurizers'
time, which was ~9% of the Rasa process's CPU under load. Vocabulary, training and the
sentence features are Rasa's own, so the classifiers see exactly what they saw before.
Attributes without sentence features (intent and action names) are featurized as Rasa
does.

A message's counts are made by the vectorizer's own analyzer and vocabulary, not through
scikit-learn's ``transform``, which for one text builds the analyzer anew, checks the
vectorizer, and makes a CSR matrix that was then converted: ~125 against ~65 µs a
message for the two featurizers, the same matrix (tests/bot/nlu/test_sentence_counts.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from sklearn.feature_extraction.text import CountVectorizer

from bot.rasa_patches.speedups.remembered import remembered


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
            sentence_features.append(sentence_counts(vectorizer, " ".join(tokens)))
        return [None] * len(all_tokens), sentence_features


ANALYZER = "_remembered_analyzer"


def sentence_counts(vectorizer: CountVectorizer, text: str) -> scipy.sparse.coo_matrix:
    """``vectorizer.transform([text])`` with sorted indices, as a one-row COO matrix (the
    counts of the text's terms in the vocabulary, or ones if ``binary``)."""
    # a fitted vectorizer's settings are not changed afterwards
    analyze = remembered(vectorizer, ANALYZER, vectorizer.build_analyzer)
    vocabulary = vectorizer.vocabulary_
    counts: dict[int, int] = {}
    for term in analyze(text):
        column = vocabulary.get(term)
        if column is not None:
            counts[column] = counts.get(column, 0) + 1
    columns = sorted(counts)
    values = [1 if vectorizer.binary else counts[column] for column in columns]
    return scipy.sparse.coo_matrix(
        (
            np.array(values, dtype=vectorizer.dtype),
            (np.zeros(len(columns), dtype=np.int32), np.array(columns, dtype=np.int32)),
        ),
        shape=(1, len(vocabulary)),
    )
