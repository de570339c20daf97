"""Intent evaluation on a held-out NLU set, shared by `make test` and the benchmark.

Retrieval intents are scored by their full name (``faq/how_long``), the label a visitor's
question really gets after the ResponseSelector, so a question answered with the wrong
FAQ counts as wrong even if the ``faq`` intent was right.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class IntentScore:
    """Precision, recall and F1 of one intent over the evaluation set."""

    intent: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class EntityResult:
    """Value-level precision/recall/F1 of one entity type (spans may differ, values not)."""

    entity: str
    precision: float
    recall: float
    f1: float
    support: int
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class EvaluationResult:
    """Macro-F1 over the gold intents, per-intent scores and the misclassified examples."""

    macro_f1: float
    accuracy: float
    scores: list[IntentScore]
    errors: list[dict[str, str]] = field(default_factory=list)
    entities: list[EntityResult] = field(default_factory=list)


@dataclass
class SafetyResult:
    """Recall per alarm class, the false-alarm rate on look-alikes, and every mistake."""

    recall: dict[str, float]
    support: dict[str, int]
    false_alarm_rate: float
    benign: int
    errors: list[dict[str, str]] = field(default_factory=list)


# where a ResponseSelector without ``retrieval_intent`` (Rasa's stock one) files its answer
DEFAULT_SELECTOR = "default"


def predicted_label(parse: dict[str, Any]) -> str:
    """The full intent of a parse result: ``faq/how_long`` rather than ``faq``.

    A selector keyed by the intent wins; otherwise the ``default`` selector's answer
    counts when it belongs to the predicted retrieval intent, as Rasa's own utter_faq
    action reads it (the stock configuration's selector is keyed ``default``).
    """
    intent = (parse.get("intent") or {}).get("name") or ""
    selectors = parse.get("response_selector") or {}
    for key in (intent, DEFAULT_SELECTOR):
        full_name = ((selectors.get(key) or {}).get("response") or {}).get("intent_response_key")
        if full_name and str(full_name).split("/")[0] == intent:
            return str(full_name)
    return intent


def score(gold: Sequence[str], predicted: Sequence[str], texts: Sequence[str]) -> EvaluationResult:
    """Per-intent precision/recall/F1 and their unweighted (macro) mean over gold intents.

    Predictions outside the gold intents (``nlu_fallback`` say) count as misses.
    """
    if len(gold) != len(predicted) or not gold:
        raise ValueError("gold and predicted labels must be non-empty and the same length")
    scores = []
    for intent in sorted(set(gold)):
        true_pos = sum(g == p == intent for g, p in zip(gold, predicted, strict=True))
        n_pred = sum(p == intent for p in predicted)
        n_gold = sum(g == intent for g in gold)
        precision = true_pos / n_pred if n_pred else 0.0
        recall = true_pos / n_gold
        f1 = 2 * precision * recall / (precision + recall) if true_pos else 0.0
        scores.append(IntentScore(intent, precision, recall, f1, n_gold))
    errors = [
        {"text": t, "gold": g, "predicted": p}
        for t, g, p in zip(texts, gold, predicted, strict=True)
        if g != p
    ]
    return EvaluationResult(
        macro_f1=sum(s.f1 for s in scores) / len(scores),
        accuracy=sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold),
        scores=scores,
        errors=errors,
    )


def score_entity(
    entity: str,
    gold: Sequence[set[str]],
    predicted: Sequence[set[str]],
    texts: Sequence[str],
) -> EntityResult:
    """Micro precision/recall/F1 of one entity's values over the examples."""
    true_pos = sum(len(g & p) for g, p in zip(gold, predicted, strict=True))
    n_pred = sum(len(p) for p in predicted)
    n_gold = sum(len(g) for g in gold)
    precision = true_pos / n_pred if n_pred else 0.0
    recall = true_pos / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if true_pos else 0.0
    errors = [
        {"text": t, "gold": sorted(g), "predicted": sorted(p)}
        for t, g, p in zip(texts, gold, predicted, strict=True)
        if g != p
    ]
    return EntityResult(entity, precision, recall, f1, n_gold, errors)


def load_annotated(data_path: str | Path) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(text, full intent, annotated entities) triples from a Rasa NLU file or directory."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(data_path))
    return [
        (m.get("text"), m.get("intent_response_key") or m.get("intent"), m.get("entities") or [])
        for m in data.intent_examples
    ]


def _values(entities: Iterable[dict[str, Any]], entity: str) -> set[str]:
    return {e.get("value") for e in entities if e.get("entity") == entity}


def _quiet_rasa() -> None:
    """Rasa logs every parse at debug level unless its logging is configured as its CLI does."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


async def _parse_all(model_path: str, texts: Iterable[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    _quiet_rasa()
    agent = Agent.load(model_path)
    return [await agent.parse_message(text) for text in texts]


def evaluate_model(
    model_path: str | Path, data_path: str | Path, entities: Sequence[str] = ()
) -> EvaluationResult:
    """Parse every held-out example with the trained model; score intents and ``entities``."""
    examples = load_annotated(data_path)
    texts = [text for text, _, _ in examples]
    parses = asyncio.run(_parse_all(str(model_path), texts))
    result = score([gold for _, gold, _ in examples], [predicted_label(p) for p in parses], texts)
    for entity in entities:
        # Only intents whose examples are annotated with this entity are scored: the FAQ
        # and chit-chat sets mention conditions ("is it good for sciatica?") unannotated.
        annotated_intents = {
            intent for _, intent, annotated in examples if _values(annotated, entity)
        }
        scored = [i for i, (_, intent, _) in enumerate(examples) if intent in annotated_intents]
        gold = [_values(examples[i][2], entity) for i in scored]
        predicted = [_values(parses[i].get("entities") or [], entity) for i in scored]
        result.entities.append(score_entity(entity, gold, predicted, [texts[i] for i in scored]))
    return result


def predicted_alarm(parse: dict[str, Any]) -> str:
    """The alarm a parse raised (``emergency``, ``urgent``, ``crisis``) or ``none``."""
    from bot.clinic.safety import INTENT_ALARMS

    return INTENT_ALARMS.get(predicted_label(parse), "none")


def score_safety(
    expected: Sequence[str], raised: Sequence[str], texts: Sequence[str]
) -> SafetyResult:
    """Recall of each alarm class (the exact class) and false alarms on ``none`` examples."""
    classes = ["emergency", "crisis", "urgent"]
    support = {c: sum(e == c for e in expected) for c in classes}
    recall = {
        c: sum(e == r == c for e, r in zip(expected, raised, strict=True)) / support[c]
        for c in classes
        if support[c]
    }
    benign = [r for e, r in zip(expected, raised, strict=True) if e == "none"]
    errors = [
        {"text": t, "expected": e, "raised": r}
        for t, e, r in zip(texts, expected, raised, strict=True)
        if e != r
    ]
    return SafetyResult(
        recall=recall,
        support=support,
        false_alarm_rate=sum(r != "none" for r in benign) / len(benign) if benign else 0.0,
        benign=len(benign),
        errors=errors,
    )


def evaluate_safety(model_path: str | Path, safety_path: str | Path) -> SafetyResult:
    """Screen every utterance of the safety set through the trained model and component."""
    import yaml

    examples = yaml.safe_load(Path(safety_path).read_text(encoding="utf-8"))["examples"]
    texts = [e["text"] for e in examples]
    parses = asyncio.run(_parse_all(str(model_path), texts))
    return score_safety(
        [e["expect"] for e in examples], [predicted_alarm(p) for p in parses], texts
    )


def format_safety_report(result: SafetyResult) -> str:
    """Recall per alarm class and the false-alarm rate, then every mistake."""
    lines = [
        f"{level:10} recall {value:6.1%}  ({result.support[level]} utterances)"
        for level, value in result.recall.items()
    ]
    lines.append(f"false alarms {result.false_alarm_rate:6.1%}  ({result.benign} look-alikes)")
    lines += [
        f"  expected {e['expected']:9} raised {e['raised']:9} {e['text']}" for e in result.errors
    ]
    return "\n".join(lines)


def format_report(result: EvaluationResult) -> str:
    """A table a person can read in the test log."""
    lines = [f"{'intent':32} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>4}"]
    lines += [
        f"{s.intent:32} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:4d}"
        for s in result.scores
    ]
    lines.append(f"accuracy {result.accuracy:.3f}   intent macro-F1 {result.macro_f1:.3f}")
    if result.errors:
        lines.append("misclassified:")
        lines += [f"  {e['gold']:>26} -> {e['predicted']:26} {e['text']}" for e in result.errors]
    for entity in result.entities:
        lines.append(
            f"entity {entity.entity}: precision {entity.precision:.3f} recall {entity.recall:.3f}"
            f" F1 {entity.f1:.3f} ({entity.support} annotated values)"
        )
        lines += [f"  {e['gold']} -> {e['predicted']} {e['text']}" for e in entity.errors]
    return "\n".join(lines)


def write_report(result: EvaluationResult, path: str | Path) -> None:
    """The same result as JSON, for the benchmark and CI artefacts."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(asdict(result), indent=2), encoding="utf-8")
