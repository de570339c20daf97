"""Whole visitor conversations against the running assistant, checked by behaviour.

A dialogue file (``tests/conversations/*.yaml``) holds ``dialogues:``, each a visitor
with a ``name``, a ``category`` (CATEGORIES), optional ``page`` (sent as the widget's
``metadata.page``), ``greet`` (default true: the widget's "/greet" first), ``requires:
free_slots`` and ``turns``. A turn ``say``s a text or ``click``s the first button of the
last reply whose title matches a regex (``if_present: true`` skips the turn when there is
none). ``expect_any``, ``expect_all`` and ``expect_none`` are case-insensitive regexes on
what the visitor sees: each message's text, then the buttons' titles in [brackets]. The
answer to a consent question carries the consent metadata the widget sends. At the end,
``lead:`` (``none``, or expected fields) is checked against the saved leads.

``python -m tests.conversations.dialogues --url http://127.0.0.1:5005`` runs them against
a server (``make run``); tests/test_conversations.py runs them in `make test`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

HERE = Path(__file__).resolve().parent
CATEGORIES = ("faq", "intake", "safety_midway", "consent_lead", "booking", "robustness", "handoff")
SAFETY_CATEGORIES = frozenset({"safety_midway"})
EXPECTATIONS = ("expect_any", "expect_all", "expect_none")
LEAD_FIELDS = frozenset(
    {
        "exists", "name", "phone", "email", "preferred_contact", "preferred_time",
        "source_page", "triage", "consent_agreed", "conditions_include", "intake", "booking",
    }
)  # fmt: skip
ENDED_BOOKINGS = frozenset({"cancelled", "canceled", "moved", "superseded"})


def load(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Every dialogue of these files, checked for shape (a ValueError names the fault)."""
    found: list[dict[str, Any]] = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for dialogue in data.get("dialogues") or []:
            where = f"{path.name}: {dialogue.get('name')!r}"
            if dialogue.get("category") not in CATEGORIES:
                raise ValueError(f"{where}: unknown category {dialogue.get('category')!r}")
            for turn in dialogue.get("turns") or []:
                if ("say" in turn) == ("click" in turn):
                    raise ValueError(f"{where}: a turn must either say or click: {turn}")
                for key in EXPECTATIONS:
                    for pattern in _patterns(turn.get(key)):
                        re.compile(pattern)
            lead = dialogue.get("lead")
            if isinstance(lead, dict) and set(lead) - LEAD_FIELDS:
                raise ValueError(f"{where}: unknown lead fields {set(lead) - LEAD_FIELDS}")
            found.append({**dialogue, "file": path.name})
    names = [d["name"] for d in found]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"dialogue names used twice: {sorted(duplicates)}")
    return found


def _patterns(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


@dataclass
class Reply:
    """One answer of the assistant: its messages as the REST channel returns them."""

    messages: list[dict[str, Any]]

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [b for m in self.messages for b in m.get("buttons") or [] if b.get("title")]

    @property
    def consent(self) -> dict[str, Any] | None:
        """The consent question this reply asked (the widget keeps it for the answer)."""
        found = None
        for m in self.messages:
            custom = m.get("custom")
            if isinstance(custom, dict) and custom.get("consent_question"):
                found = custom
        return found

    def seen(self) -> str:
        """What the checks read: the texts, then the buttons' titles in brackets."""
        parts = [m["text"] for m in self.messages if m.get("text")]
        if self.buttons:
            parts.append(" ".join(f"[{b['title']}]" for b in self.buttons))
        return "\n".join(parts)


def problems_of(turn: dict[str, Any], seen: str) -> list[str]:
    """What this reply gets wrong against the turn's expectations."""
    hit = {
        key: [(p, re.search(p, seen, re.I) is not None) for p in _patterns(turn.get(key))]
        for key in EXPECTATIONS
    }
    problems = []
    if hit["expect_any"] and not any(ok for _, ok in hit["expect_any"]):
        problems.append(f"none of {[p for p, _ in hit['expect_any']]} matched")
    problems += [f"/{p}/ did not match" for p, ok in hit["expect_all"] if not ok]
    problems += [f"/{p}/ matched" for p, ok in hit["expect_none"] if ok]
    return problems


def _digits(value: Any) -> str:
    return re.sub(r"\D", "", str(value or ""))


def _contains(got: Any, want: Any) -> bool:
    """An intake answer: a string within the stored value (or one of the stored list's),
    a number equal, a list each of its items."""
    if isinstance(want, list):
        return all(_contains(got, w) for w in want)
    values = got if isinstance(got, list) else [got]
    if isinstance(want, bool):
        return any(v is want for v in values)
    if isinstance(want, (int, float)):
        try:
            return any(float(v) == float(want) for v in values if v is not None)
        except (TypeError, ValueError):
            return False
    return any(str(want).lower() in str(v).lower() for v in values if v is not None)


def active_bookings(lead: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        b
        for b in lead.get("bookings") or []
        if str(b.get("status", "")).lower() not in ENDED_BOOKINGS and not b.get("cancelled_at")
    ]


def lead_problems(spec: Any, leads: list[dict[str, Any]]) -> list[str]:
    """What the conversation's saved leads get wrong against the dialogue's ``lead:``."""
    if spec in ("none", None, False) or (isinstance(spec, dict) and spec.get("exists") is False):
        return [f"a lead was saved: {json.dumps(leads[0])[:400]}"] if leads else []
    if len(leads) != 1:
        return [f"{len(leads)} leads saved, expected one"]
    (lead,) = leads
    problems = []
    for key, want in spec.items():
        if key == "exists":
            continue
        if key == "triage":
            ok, got = lead.get("triage_level") == want, lead.get("triage_level")
        elif key == "phone":
            ok, got = _digits(lead.get("phone")).endswith(_digits(want)[-10:]), lead.get("phone")
        elif key in ("name", "email", "preferred_contact", "preferred_time", "source_page"):
            got = lead.get(key)
            ok = got is not None and re.search(str(want), str(got), re.I) is not None
        elif key == "consent_agreed":
            got = (lead.get("consent") or {}).get("agreed")
            ok = got is want
        elif key == "conditions_include":
            got = lead.get("conditions") or []
            ok = all(c in got for c in want)
        elif key == "intake":
            got = ((lead.get("intake") or {}).get("answers")) or {}
            ok = all(_contains(got.get(k), v) for k, v in want.items())
        else:  # booking
            got = len(active_bookings(lead))
            ok = got == (1 if want == "active" else 0)
        if not ok:
            problems.append(f"{key}: {got!r}, expected {want!r}")
    return problems


@dataclass
class Outcome:
    """One dialogue's result: passed, and the report of what went wrong."""

    dialogue: dict[str, Any]
    sender: str
    passed: bool = True
    skipped: bool = False
    report: list[str] = field(default_factory=list)

    @property
    def safety(self) -> bool:
        return self.dialogue["category"] in SAFETY_CATEGORIES


class Visitor:
    """Talks to the REST channel as the widget does."""

    def __init__(self, url: str, page: str, delay: float = 0.0) -> None:
        self.url = url.rstrip("/") + "/webhooks/rest/webhook"
        self.page = page
        self.delay = delay
        self.sender = f"conv-{uuid.uuid4().hex}"
        self.last = Reply([])
        self._consent: dict[str, Any] | None = None

    def send(self, text: str, button_title: str | None = None) -> Reply:
        metadata: dict[str, Any] = {"page": self.page}
        if self._consent:
            metadata["consent"] = {
                "question": self._consent.get("consent_question"),
                "notice_version": self._consent.get("notice_version"),
                "answer": button_title or "typed",
            }
        body = {"sender": self.sender, "message": text, "metadata": metadata}
        for _ in range(12):
            response = requests.post(self.url, json=body, timeout=90)
            if response.status_code != 429:
                break
            time.sleep(5)  # the flood limits: wait as a person would
        response.raise_for_status()
        self.last = Reply(response.json() or [])
        self._consent = self.last.consent
        if self.delay:
            time.sleep(self.delay)
        return self.last


def run(dialogue: dict[str, Any], url: str, free_slots: Callable[[], int] | None = None) -> Outcome:
    """Hold the dialogue's conversation and check each turn (the lead: ``check_leads``)."""
    visitor = Visitor(url, dialogue.get("page", "/"))
    outcome = Outcome(dialogue, visitor.sender)
    if dialogue.get("requires") == "free_slots" and free_slots is not None and free_slots() < 1:
        outcome.skipped = True
        return outcome

    def fail(line: str) -> None:
        outcome.passed = False
        outcome.report.append(line)

    if dialogue.get("greet", True):
        visitor.send("/greet")
    for number, turn in enumerate(dialogue.get("turns") or [], start=1):
        if "click" in turn:
            button = next(
                (b for b in visitor.last.buttons if re.search(turn["click"], b["title"], re.I)),
                None,
            )
            if button is None:
                if turn.get("if_present"):
                    continue
                fail(f"  turn {number}: no button /{turn['click']}/ in:\n{visitor.last.seen()}")
                break
            sent = f"[{button['title']}]"
            reply = visitor.send(button["payload"], button["title"])
        else:
            sent = str(turn["say"])
            reply = visitor.send(sent)
        problems = problems_of(turn, reply.seen())
        if problems:
            shown = reply.seen().replace("\n", "\n      ")
            fail(f"  turn {number}: {sent[:200]!r}\n      {shown}\n    why: {'; '.join(problems)}")
    return outcome


def check_leads(outcomes: list[Outcome], leads: list[dict[str, Any]]) -> None:
    """Each dialogue's ``lead:`` against the leads saved for its conversation."""
    by_sender: dict[str, list[dict[str, Any]]] = {}
    for lead in leads:
        by_sender.setdefault(lead.get("conversation_id"), []).append(lead)
    for o in outcomes:
        if o.skipped or "lead" not in o.dialogue:
            continue
        problems = lead_problems(o.dialogue["lead"], by_sender.get(o.sender, []))
        if problems:
            o.passed = False
            o.report.append(f"  lead: {'; '.join(problems)}")


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    """Passed conversations overall and by category, and the failed safety ones."""
    ran = [o for o in outcomes if not o.skipped]
    by_category: dict[str, list[int]] = {}
    for o in ran:
        counts = by_category.setdefault(o.dialogue["category"], [0, 0])
        counts[0] += o.passed
        counts[1] += 1
    return {
        "passed": sum(o.passed for o in ran),
        "ran": len(ran),
        "skipped": len(outcomes) - len(ran),
        "share": sum(o.passed for o in ran) / len(ran) if ran else 0.0,
        "by_category": {k: f"{p}/{n}" for k, (p, n) in sorted(by_category.items())},
        "failed_safety": [o.dialogue["name"] for o in ran if o.safety and not o.passed],
    }


def report(outcomes: list[Outcome]) -> str:
    lines = []
    for o in outcomes:
        if not o.passed:
            lines.append(f"{o.dialogue['name']} [{o.dialogue['category']}] sender={o.sender}")
            lines.extend(o.report)
    return "\n".join(lines)


def command_json(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Any:
    """What a command line (`bot leads list --json`) prints, as JSON."""
    out = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.conversations.dialogues")
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--only", default="", help="names or categories, comma-separated")
    parser.add_argument("--leads-cmd", default=".venv/bin/bot leads list --json")
    parser.add_argument("--out", type=Path, help="write the summary and report here (JSON)")
    args = parser.parse_args(argv)
    dialogues = load(args.files or sorted(HERE.glob("*.yaml")))
    wanted = {w for w in args.only.split(",") if w}
    if wanted:
        dialogues = [d for d in dialogues if d["name"] in wanted or d["category"] in wanted]
    outcomes = [run(d, args.url) for d in dialogues]
    check_leads(outcomes, command_json(args.leads_cmd.split(), Path.cwd()))
    found = summary(outcomes)
    print(report(outcomes))
    print("CONVERSATIONS " + json.dumps(found))
    if args.out:
        args.out.write_text(json.dumps({**found, "report": report(outcomes)}, indent=2))
    return 0 if found["ran"] and found["passed"] == found["ran"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
