"""The TF-IDF logistic regression behind the intent classifier and the FAQ selector."""

import numpy as np
import pytest
import scipy.sparse as sp
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression

from bot.nlu.linear import LinearModel, count_entries, sentence_blocks

WORDS, CHARS = "words", "chars"


def message(words: list[int], chars: list[int] | None = None, sizes=(6, 4)) -> Message:
    """A message whose featurizers counted these column indices (repeats count twice)."""
    msg = Message(data={TEXT: "..."})
    for origin, cols, size in ((WORDS, words, sizes[0]), (CHARS, chars, sizes[1])):
        if cols is None:
            continue
        counts = sp.coo_matrix(
            (np.ones(len(cols)), (np.zeros(len(cols), dtype=int), cols)), shape=(1, size)
        )
        msg.add_features(Features(counts, FEATURE_TYPE_SENTENCE, TEXT, origin))
    return msg


# two labels told apart by words 0/1 and chars 0/1, plus noise the model must weigh down
TRAIN = [
    (message([0, 0, 2], [0]), "a"),
    (message([0, 3], [0, 2]), "a"),
    (message([0, 4], [0, 3]), "a"),
    (message([1, 2], [1]), "b"),
    (message([1, 1, 3], [1, 2]), "b"),
    (message([1, 5], [1, 3]), "b"),
    (message([5, 2], [2]), "c"),
    (message([5, 4], [3, 2]), "c"),
]


def fit(train=TRAIN, **kwargs) -> LinearModel:
    messages, labels = zip(*train, strict=True)
    return LinearModel.fit(
        messages, labels, c=kwargs.pop("c", 10.0), max_iter=1000, random_seed=1, **kwargs
    )


def dense_counts(msg: Message, origin: str, size: int) -> np.ndarray:
    block = sentence_blocks(msg).get(origin)
    return np.zeros(size) if block is None else block.toarray()[0]


def test_only_sentence_features_of_the_text_count():
    msg = message([0], [1])
    msg.add_features(Features(sp.coo_matrix(np.ones((3, 6))), FEATURE_TYPE_SEQUENCE, TEXT, WORDS))
    msg.add_features(
        Features(sp.coo_matrix(np.ones((1, 6))), FEATURE_TYPE_SENTENCE, "response", WORDS)
    )
    msg.add_features(Features(np.ones((1, 5)), FEATURE_TYPE_SENTENCE, TEXT, "dense"))
    assert set(sentence_blocks(msg)) == {WORDS, CHARS}
    assert set(sentence_blocks(msg, [CHARS])) == {CHARS}


def test_counts_are_merged_and_blocks_laid_side_by_side():
    cols, values = count_entries(sentence_blocks(message([3, 0, 3], [1])), [WORDS, CHARS], [6, 4])
    assert cols.tolist() == [0, 3, 7] and values.tolist() == [1.0, 2.0, 1.0]
    # a featurizer that gave nothing leaves its block empty
    cols, _ = count_entries(sentence_blocks(message([2], None)), [WORDS, CHARS], [6, 4])
    assert cols.tolist() == [2]


def test_a_block_of_the_wrong_size_is_an_error():
    with pytest.raises(ValueError, match="shape"):
        count_entries(sentence_blocks(message([1], [1], sizes=(7, 4))), [WORDS, CHARS], [6, 4])


def test_predicts_the_labels_it_learnt():
    model = fit()
    assert model.labels == ["a", "b", "c"] and model.featurizers == [CHARS, WORDS]
    assert model.ranking(message([0], [0]), 0)[0][0] == "a"
    assert model.ranking(message([1, 1], [1]), 0)[0][0] == "b"
    assert model.ranking(message([5], [2]), 0)[0][0] == "c"


def test_ranking_is_sorted_sums_to_one_and_is_cut_to_length():
    model = fit()
    full = model.ranking(message([0, 1], [0]), 0)
    assert [p for _, p in full] == sorted((p for _, p in full), reverse=True)
    assert sum(p for _, p in full) == pytest.approx(1.0)
    assert all(isinstance(label, str) and isinstance(p, float) for label, p in full)
    assert model.ranking(message([0, 1], [0]), 2) == full[:2]


def test_matches_scikit_learn_tfidf_per_featurizer_and_logistic_regression():
    """The hand-written weighting is exactly TfidfTransformer(sublinear_tf=True) applied
    to each featurizer's block, so the model is what the module docstring says."""
    model = fit()
    messages, labels = zip(*TRAIN, strict=True)
    blocks = []
    for origin, size in ((CHARS, 4), (WORDS, 6)):
        counts = np.array([dense_counts(m, origin, size) for m in messages])
        blocks.append(TfidfTransformer(sublinear_tf=True).fit(counts))
    probe = [message([0, 2, 2], [0, 3]), message([4], None), message([1, 5], [2])]

    def weigh(msgs):
        parts = [
            t.transform(np.array([dense_counts(m, o, s) for m in msgs]))
            for t, (o, s) in zip(blocks, ((CHARS, 4), (WORDS, 6)), strict=True)
        ]
        return sp.hstack(parts).tocsr()

    reference = LogisticRegression(C=10.0, max_iter=1000, random_state=1).fit(
        weigh(messages), labels
    )
    expected = reference.predict_proba(weigh(probe))
    got = np.array([[dict(model.ranking(m, 0))[label] for label in model.labels] for m in probe])
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)


def test_each_block_is_scaled_to_unit_length():
    model = fit()
    counts = count_entries(
        sentence_blocks(message([0, 0, 2], [1, 3])), model.featurizers, model.sizes
    )
    cols, values = model.weigh(counts)
    chars, words = values[cols < 4], values[cols >= 4]
    assert np.linalg.norm(chars) == pytest.approx(1.0) and np.linalg.norm(words) == pytest.approx(
        1.0
    )


def test_a_message_without_features_gets_the_prior():
    model = fit()
    ranking = model.ranking(Message(data={TEXT: "/greet"}), 0)
    assert sum(p for _, p in ranking) == pytest.approx(1.0)


def test_two_labels_give_scikit_learns_binary_probabilities():
    two = [(m, label) for m, label in TRAIN if label != "c"]
    model = fit(two)
    probs = dict(model.ranking(message([0], [0]), 0))
    assert set(probs) == {"a", "b"} and probs["a"] > 0.5
    assert sum(probs.values()) == pytest.approx(1.0)


def test_a_single_label_is_always_certain():
    model = fit([(m, "only") for m, _ in TRAIN[:3]])
    assert model.ranking(message([1], [1]), 0) == [("only", 1.0)]


def test_featurizers_restrict_the_input():
    model = fit(featurizers=[WORDS])
    assert model.featurizers == [WORDS] and model.sizes == [6]


def test_no_sparse_features_is_an_error():
    with pytest.raises(ValueError, match="CountVectorsFeaturizer"):
        LinearModel.fit([Message(data={TEXT: "x"})], ["a"], c=1.0, max_iter=10, random_seed=1)


def test_saved_and_loaded_model_predicts_the_same(tmp_path):
    model = fit()
    model.save(tmp_path)
    loaded = LinearModel.load(tmp_path)
    probe = message([0, 1, 5], [2, 3])
    assert loaded.labels == model.labels and loaded.sizes == model.sizes
    assert loaded.ranking(probe, 0) == model.ranking(probe, 0)
