"""A multinomial logistic regression on a message's sparse sentence features, with TF-IDF.

Shared by the intent classifier and the FAQ selector (bot/nlu/classifiers.py), which
replace Rasa's TensorFlow DIETClassifier and ResponseSelector: on this project's data
they score as well on the held-out set, train in seconds instead of minutes, load in
milliseconds and answer in a fraction of a millisecond (no TensorFlow model is built
or run).

Why TF-IDF rather than the raw counts Rasa's featurizers emit (as Rasa's own
LogisticRegressionClassifier uses them): the character n-gram featurizer counts ~19
times as much per message as the word featurizer (114 against 6 on the training data),
so on raw counts it drowns the words, and long messages get larger scores than short
ones. Each featurizer's block is weighted like scikit-learn's
``TfidfTransformer(sublinear_tf=True)`` (1 + log count, times a smoothed idf learnt at
training) and scaled to unit length separately, so every featurizer counts alike. With
the same features, held-out intent macro-F1 goes from 0.911 (Rasa's
LogisticRegressionClassifier) to 0.918, and the safety set's false alarms from 6.3% to
1.6%.

A message's features are handled as a few arrays (column, value) rather than scipy
matrices: building one-row sparse matrices cost ~1 ms a message, the arrays ~0.1 ms.
The fitted model is kept as plain arrays (``numpy.savez``, loaded with
``allow_pickle=False``), so loading a model never unpickles anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message

ARRAYS_FILE = "linear_model.npz"

# (columns, values) of one message's features: columns ascending and unique
Entries = tuple[np.ndarray, np.ndarray]


def sentence_blocks(
    message: Message, featurizers: Sequence[str] | None = None
) -> dict[str, sp.spmatrix]:
    """The message's sparse sentence features of its text, by featurizer name."""
    return {
        str(f.origin): f.features
        for f in message.features
        if f.attribute == TEXT
        and f.type == FEATURE_TYPE_SENTENCE
        and f.is_sparse()
        and (featurizers is None or f.origin in featurizers)
    }


def count_entries(
    blocks: dict[str, sp.spmatrix], names: Sequence[str], sizes: Sequence[int]
) -> Entries:
    """One message's counts side by side, blocks in ``names`` order (missing: none)."""
    columns, counts = [], []
    offset = 0
    for name, size in zip(names, sizes, strict=True):
        block = blocks.get(name)
        if block is not None:
            if block.shape != (1, size):
                raise ValueError(f"{name} features have shape {block.shape}, not (1, {size})")
            coo = block.tocoo()
            columns.append(coo.col.astype(np.int64) + offset)
            counts.append(coo.data.astype(np.float64))
        offset += size
    if not columns:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    cols, inverse = np.unique(np.concatenate(columns), return_inverse=True)
    values = np.bincount(inverse, weights=np.concatenate(counts))
    if (values < 0).any():
        raise ValueError("negative feature values: only count features can be weighted")
    keep = values > 0
    return cols[keep], values[keep]


@dataclass
class LinearModel:
    """Per-featurizer TF-IDF weighting followed by a softmax over linear label scores.

    ``featurizers`` and ``sizes`` fix the layout of the input (one block per featurizer,
    in this order); ``idf`` holds the idf weights of all blocks one after the other;
    ``coef`` (labels x features) and ``intercept`` the fitted regression.
    """

    labels: list[str]
    featurizers: list[str]
    sizes: list[int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    _weights: np.ndarray | None = field(default=None, init=False, repr=False)

    @classmethod
    def fit(
        cls,
        messages: Sequence[Message],
        labels: Sequence[str],
        c: float,
        max_iter: int,
        random_seed: int,
        featurizers: Sequence[str] | None = None,
    ) -> LinearModel:
        """Learn idf weights and an L2-regularised logistic regression (strength 1/c)."""
        from sklearn.linear_model import LogisticRegression

        if len(messages) != len(labels) or not messages:
            raise ValueError("need as many labels as messages, and at least one of each")
        blocks = [sentence_blocks(m, featurizers) for m in messages]
        names = sorted({name for b in blocks for name in b})
        if not names:
            raise ValueError("no sparse sentence features: put a CountVectorsFeaturizer first")
        sizes = [next(b[name].shape[1] for b in blocks if name in b) for name in names]
        counts = [count_entries(b, names, sizes) for b in blocks]
        # scikit-learn's smooth idf: ln((1 + n) / (1 + df)) + 1
        df = np.bincount(np.concatenate([cols for cols, _ in counts]), minlength=sum(sizes))
        idf = np.log((1.0 + len(messages)) / (1.0 + df)) + 1.0
        classes = sorted(set(labels))
        model = cls(classes, names, sizes, idf, np.zeros((1, sum(sizes))), np.zeros(1))
        if len(classes) == 1:
            return model  # one label: nothing to learn, it is always the answer
        regression = LogisticRegression(
            C=c, max_iter=max_iter, random_state=random_seed, solver="lbfgs"
        )
        regression.fit(model._matrix([model.weigh(e) for e in counts]), np.array(labels))
        coef, intercept = regression.coef_, regression.intercept_
        if len(classes) == 2:
            # scikit-learn keeps one row for two labels; a softmax over (-z/2, z/2)
            # gives the same probabilities as its sigmoid(z)
            coef = np.vstack([-coef, coef]) / 2.0
            intercept = np.array([-intercept[0], intercept[0]]) / 2.0
        model.labels = [str(label) for label in regression.classes_]
        model.coef, model.intercept = coef, intercept
        return model

    def weigh(self, counts: Entries) -> Entries:
        """TF-IDF of one message's counts, each featurizer's block scaled to length 1."""
        cols, values = counts
        # 1 + log(count): the tenth "pain" in a message adds little
        weighted = (1.0 + np.log(values)) * self.idf[cols]
        block = np.searchsorted(np.cumsum(self.sizes), cols, side="right")
        norms = np.sqrt(np.bincount(block, weights=weighted**2, minlength=len(self.sizes)))
        return cols, weighted / norms[block]

    def _matrix(self, rows: Sequence[Entries]) -> sp.csr_matrix:
        """Messages' weighted entries as one sparse matrix (for training)."""
        indptr = np.cumsum([0, *(len(cols) for cols, _ in rows)])
        indices = np.concatenate([cols for cols, _ in rows])
        data = np.concatenate([values for _, values in rows])
        return sp.csr_matrix((data, indices, indptr), shape=(len(rows), sum(self.sizes)))

    def scores(self, message: Message) -> np.ndarray:
        """The linear score of every label for one message."""
        if self._weights is None:
            # features x labels, contiguous, so picking a message's rows is cheap
            self._weights = np.ascontiguousarray(self.coef.T)
        blocks = sentence_blocks(message, self.featurizers)
        cols, values = self.weigh(count_entries(blocks, self.featurizers, self.sizes))
        return values @ self._weights[cols] + self.intercept

    def probabilities(self, message: Message) -> np.ndarray:
        """Label probabilities, in ``labels`` order (a softmax of the scores)."""
        scores = self.scores(message)
        exp = np.exp(scores - scores.max())
        return exp / exp.sum()

    def ranking(self, message: Message, length: int) -> list[tuple[str, float]]:
        """(label, probability) pairs, most likely first; all of them if ``length`` < 1."""
        probs = self.probabilities(message)
        order = np.argsort(-probs, kind="stable")
        if length > 0:
            order = order[:length]
        return [(self.labels[i], float(probs[i])) for i in order]

    def save(self, directory: Path) -> None:
        """Write the model as plain arrays (no pickle)."""
        np.savez(
            directory / ARRAYS_FILE,
            labels=np.array(self.labels, dtype=str),
            featurizers=np.array(self.featurizers, dtype=str),
            sizes=np.array(self.sizes, dtype=np.int64),
            idf=self.idf,
            coef=self.coef,
            intercept=self.intercept,
        )

    @classmethod
    def load(cls, directory: Path) -> LinearModel:
        """Read a model written by ``save``."""
        with np.load(directory / ARRAYS_FILE, allow_pickle=False) as arrays:
            return cls(
                labels=[str(x) for x in arrays["labels"]],
                featurizers=[str(x) for x in arrays["featurizers"]],
                sizes=[int(x) for x in arrays["sizes"]],
                idf=arrays["idf"],
                coef=arrays["coef"],
                intercept=arrays["intercept"],
            )
