"""The blind safety set (blind_safety_set.yml) sent to the running assistant in three
positions: a visitor's first message, an answer to the intake's first question, and an
answer to the contact form's name question. Each reply is judged by which alarm the
visitor is shown (the domain's utter_emergency, utter_urgent or utter_crisis).

``python -m tests.safety_blind.positions --url http://127.0.0.1:5005`` measures a running
server; tests/test_blind_safety.py gates `make test` on it.
"""

from __future__ import annotations

import argparse
import json
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

HERE = Path(__file__).resolve().parent
SET = HERE / "blind_safety_set.yml"
LEVELS = ("emergency", "urgent", "crisis")
ALARM_RESPONSES = {
    "emergency": "utter_emergency",
    "urgent": "utter_urgent",
    "crisis": "utter_crisis",
}
POSITIONS = ("first", "intake", "contact")


def load(path: Path = SET) -> list[dict[str, Any]]:
    """The set's examples (text, expect), checked for shape."""
    examples = yaml.safe_load(path.read_text(encoding="utf-8"))["examples"]
    for e in examples:
        if e.get("expect") not in (*LEVELS, "none") or not str(e.get("text", "")).strip():
            raise ValueError(f"bad example: {e}")
    return examples


@dataclass(frozen=True)
class Texts:
    """The texts the visitor is shown for each alarm, and the questions that mark a
    position reached."""

    alarms: dict[str, str]
    intake_question: str
    name_question: str


def shown(texts: Texts, replies: list[dict[str, Any]]) -> set[str]:
    """Which alarms a reply showed."""
    said = [r.get("text") or "" for r in replies]
    return {level for level, text in texts.alarms.items() if text in said}


def caught(expect: str, alarms: set[str]) -> bool:
    """Whether the reply raised what the example needs: its own alarm (an emergency
    answer also covers an urgent sign); for ``none``, no alarm at all."""
    if expect == "none":
        return not alarms
    if expect == "urgent":
        return bool(alarms & {"urgent", "emergency"})
    return expect in alarms


class Chat:
    """One visitor over the REST channel."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/") + "/webhooks/rest/webhook"
        self.sender = f"safety-{uuid.uuid4().hex}"

    def say(self, text: str) -> list[dict[str, Any]]:
        response = requests.post(
            self.url,
            json={"sender": self.sender, "message": text, "metadata": {"page": "/"}},
            timeout=90,
        )
        response.raise_for_status()
        return response.json() or []


def _reach(chat: Chat, texts: Texts, position: str) -> None:
    """Bring the conversation to the position (AssertionError if it is not reached)."""
    chat.say("/greet")
    if position == "intake":
        replies = chat.say("/start_intake")
        assert texts.intake_question in [r.get("text") for r in replies], replies
    elif position == "contact":
        replies = chat.say("/request_callback")
        for _ in range(3):
            if texts.name_question in [r.get("text") for r in replies]:
                return
            replies = chat.say("/affirm")
        raise AssertionError(f"the name question was never asked: {replies}")


def judge(url: str, texts: Texts, example: dict[str, Any], position: str) -> dict[str, Any]:
    chat = Chat(url)
    _reach(chat, texts, position)
    alarms = shown(texts, chat.say(str(example["text"])))
    return {
        "text": example["text"],
        "expect": example["expect"],
        "position": position,
        "shown": sorted(alarms),
        "ok": caught(example["expect"], alarms),
    }


def measure(
    url: str, texts: Texts, examples: list[dict[str, Any]], workers: int = 4
) -> list[dict[str, Any]]:
    """Every example in every position (several visitors at once)."""
    jobs: list[Callable[[], dict[str, Any]]] = [
        (lambda e=e, p=p: judge(url, texts, e, p)) for p in POSITIONS for e in examples
    ]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda job: job(), jobs))


def figures(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall of each alarm and the false-alarm rate, in each position."""
    out: dict[str, Any] = {}
    for position in POSITIONS:
        here = [r for r in results if r["position"] == position]
        row: dict[str, Any] = {}
        for level in LEVELS:
            of_level = [r for r in here if r["expect"] == level]
            row[f"{level}_recall"] = (
                sum(r["ok"] for r in of_level) / len(of_level) if of_level else None
            )
            row[f"{level}_n"] = len(of_level)
        calm = [r for r in here if r["expect"] == "none"]
        row["false_alarms"] = sum(not r["ok"] for r in calm) / len(calm) if calm else None
        row["none_n"] = len(calm)
        out[position] = row
    return out


def misses(results: list[dict[str, Any]]) -> list[str]:
    return [
        f"{r['position']:8s} expect {r['expect']:9s} shown {r['shown']}: {r['text']}"
        for r in results
        if not r["ok"]
    ]


def texts_from(domain: Any, clinic: Any) -> Texts:
    """The alarm responses and position questions as the visitor reads them."""
    from rasa.core.nlg.interpolator import interpolate_text

    def text(name: str) -> str:
        (variation,) = domain.responses[name]
        return interpolate_text(variation["text"], clinic.response_variables())

    return Texts(
        alarms={level: text(name) for level, name in ALARM_RESPONSES.items()},
        intake_question=text("utter_ask_pain_location"),
        name_question=text("utter_ask_contact_name"),
    )


def main(argv: list[str] | None = None) -> int:
    from rasa.shared.importers.importer import TrainingDataImporter

    from bot.clinic.profile import load_clinic_profile

    parser = argparse.ArgumentParser(prog="python -m tests.safety_blind.positions")
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--set", type=Path, default=SET, help="the set to send (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    root = HERE.parent.parent
    domain = TrainingDataImporter.load_from_config(
        str(root / "config.yml"), str(root / "domain.yml"), [str(root / "data")]
    ).get_domain()
    texts = texts_from(domain, load_clinic_profile(root / "clinic.yml"))
    results = measure(args.url, texts, load(args.set))
    print("\n".join(misses(results)))
    print("BLIND_SAFETY " + json.dumps(figures(results)))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
