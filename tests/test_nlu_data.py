"""The NLU training data and the held-out set: enough examples, and no leak between them."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.devtools.nlu_eval import load_annotated

MIN_TRAINING_EXAMPLES = 20
MIN_HELD_OUT_EXAMPLES = 8


def load_examples(data_path) -> list[tuple[str, str]]:
    """(text, full intent) pairs from a Rasa NLU file or directory."""
    return [(text, intent) for text, intent, _ in load_annotated(data_path)]


def normalise(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


@pytest.fixture(scope="module")
def training(project_root):
    return load_examples(project_root / "data" / "nlu")


@pytest.fixture(scope="module")
def held_out(project_root):
    return load_examples(project_root / "tests" / "nlu_heldout")


def test_every_intent_has_enough_training_examples(training):
    counts = Counter(intent for _, intent in training)
    thin = {intent: n for intent, n in counts.items() if n < MIN_TRAINING_EXAMPLES}
    assert not thin, f"intents with fewer than {MIN_TRAINING_EXAMPLES} examples: {thin}"


def test_every_trained_intent_is_held_out_enough(training, held_out):
    trained = {intent for _, intent in training}
    counts = Counter(intent for _, intent in held_out)
    assert set(counts) == trained
    thin = {intent: n for intent, n in counts.items() if n < MIN_HELD_OUT_EXAMPLES}
    assert not thin, f"held-out intents with fewer than {MIN_HELD_OUT_EXAMPLES}: {thin}"


def test_no_held_out_example_is_in_training(training, held_out):
    seen = {normalise(text) for text, _ in training}
    leaked = [text for text, _ in held_out if normalise(text) in seen]
    assert not leaked, f"held-out examples also in training: {leaked}"


def test_no_example_is_labelled_twice(training):
    labels: dict[str, set[str]] = {}
    for text, intent in training:
        labels.setdefault(normalise(text), set()).add(intent)
    conflicts = {text: intents for text, intents in labels.items() if len(intents) > 1}
    assert not conflicts


def test_every_faq_topic_has_a_response(training, domain):
    topics = {intent for _, intent in training if intent.startswith("faq/")}
    missing = {topic for topic in topics if f"utter_{topic}" not in domain.responses}
    assert not missing
