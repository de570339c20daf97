"""Simulated visitors: scripted conversations, and the load generator that runs many at once.

A visitor follows a fixed script whatever the assistant answers, so that every set-up gets
the same messages; the stock model answers differently, and that is counted (divergent
replies), never a failure. Only a non-200 answer, a timeout or a dropped connection is an
error. Turns are timed from sending the message to having the whole response.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from tests.visitors import texts

Replies = list[dict[str, Any]]

# a visitor whose message failed waits this long before the next one
ERROR_PAUSE_SECONDS = 1.0


@dataclass(frozen=True)
class Step:
    """One message. ``choose`` picks it from the previous reply (a booking button) and
    falls back to ``text``; ``expect`` names the response the project's reply includes."""

    text: str
    expect: str | None = None
    choose: Callable[[Replies], str | None] | None = None


@dataclass(frozen=True)
class Script:
    """A whole conversation of one kind (faq, booking, decline, long, probe)."""

    kind: str
    steps: tuple[Step, ...]


# ---- what visitors say

FAQ_QUESTIONS = (
    ("how do antidepressants help back pain", "utter_faq/how_they_work"),
    ("how long until duloxetine works", "utter_faq/how_long"),
    ("what are the side effects", "utter_faq/side_effects"),
    ("is it addictive", "utter_faq/addictive"),
    ("do antidepressants really work for back pain", "utter_faq/do_they_work"),
    ("how do i come off it safely", "utter_faq/stopping"),
    ("does it help with neck pain too", "utter_faq/neck_pain"),
    ("how much does it cost", "utter_faq/cost"),
)

CHIT_CHAT = (
    ("thanks", "utter_thank"),
    ("are you a bot?", "utter_iamabot"),
    ("thank you so much", "utter_thank"),
    ("hello", "utter_greet"),
)

FIRST_NAMES = (
    "Ana", "Ben", "Carla", "David", "Elena", "Frank", "Grace", "Hugo", "Irene", "James",
    "Karen", "Luis", "Maria", "Noah", "Olivia", "Peter", "Rosa", "Samuel", "Tina", "Victor",
)  # fmt: skip
LAST_NAMES = (
    "Garcia", "Smith", "Nguyen", "Johnson", "Brown", "Lopez", "Miller", "Davis", "Wilson",
    "Moore", "Taylor", "Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright",
    "Scott", "Green",
)  # fmt: skip
AREA_CODES = (312, 773, 415, 617, 206, 303, 512, 404, 213, 646)


def identity(index: int) -> tuple[str, str]:
    """A distinct name and a fictional (555-01xx) US phone number for visitor ``index``."""
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    area = AREA_CODES[(index // 100) % len(AREA_CODES)]
    return f"{first} {last}", f"({area}) 555-01{index % 100:02d}"


def offered_slot(replies: Replies, choice: int = 0) -> str | None:
    """The ``choice``-th review time offered as a button (the first when fewer are), the
    one the visitor books; None when no time is offered."""
    slots = [
        str(button["payload"])
        for reply in replies
        for button in reply.get("buttons") or []
        if str(button.get("payload", "")).startswith("/choose_slot")
    ]
    return (slots[choice] if choice < len(slots) else slots[0]) if slots else None


def _rotate(items: Sequence[Any], by: int) -> list[Any]:
    by %= len(items)
    return list(items[by:]) + list(items[:by])


def faq_chat(index: int) -> Script:
    """Questions only: greets, asks, turns down the intake offered after the first answer."""
    questions = _rotate(FAQ_QUESTIONS, index)[:4]
    steps = [Step("hi", "utter_greet"), Step(*questions[0]), Step("no thanks")]
    steps += [Step(*q) for q in questions[1:]]
    steps += [Step("thanks", "utter_thank"), Step("bye", "utter_goodbye")]
    return Script("faq", tuple(steps))


def booking_chat(index: int) -> Script:
    """The intake, consent, contact details and a scan review booked (tests/visitors.py's
    herniated-disc visitor, with this visitor's own name and phone)."""
    name, phone = identity(index)
    return Script(
        "booking",
        (
            Step("i have a herniated disc in my lower back", "utter_intake_start"),
            Step("no"),
            Step("3 months", "utter_ask_pain_score"),
            Step("6", "utter_ask_neuro_symptoms"),
            Step("none of these", "utter_ask_imaging"),
            Step("an mri last year", "utter_ask_treatments"),
            Step("physical therapy", "utter_ask_intake_confirmed"),
            Step("/affirm", "utter_ask_consent_given"),
            Step("/affirm", "utter_ask_contact_name_opt_in"),
            Step("/affirm", "utter_ask_contact_name"),
            Step(name, "utter_ask_contact_phone"),
            Step(phone, "utter_ask_contact_method"),
            Step("call", "utter_ask_contact_time"),
            Step("morning", "utter_offer_review"),
            # visitors spread over the three times offered; two may still want the same
            # one at once, and the loser is offered others (counted as divergent)
            Step(
                "the first one",
                "utter_review_booked",
                choose=partial(offered_slot, choice=index % 3),
            ),
        ),
    )


def decline_chat(index: int) -> Script:
    """The intake from a description, then "no thanks" to keeping any details."""
    question, expect = FAQ_QUESTIONS[index % len(FAQ_QUESTIONS)]
    return Script(
        "decline",
        (
            Step("sciatic pain running down my right calf", "utter_intake_start"),
            Step("lower back", "utter_ask_pain_duration"),
            Step("since last summer", "utter_ask_pain_score"),
            Step("about a 7", "utter_ask_neuro_symptoms"),
            Step("some tingling in my foot but no numbness", "utter_ask_imaging"),
            Step("no scans", "utter_ask_treatments"),
            Step("physio and cymbalta", "utter_ask_intake_confirmed"),
            Step("/affirm", "utter_ask_consent_given"),
            Step("no thanks", "utter_consent_declined"),
            Step(question, expect),
        ),
    )


MIX = (faq_chat, booking_chat, faq_chat, decline_chat)


def conversation_plan(count: int) -> list[Script]:
    """``count`` conversations mixing kinds as MIX does: half questions only, a quarter
    booking, a quarter declining."""
    return [MIX[i % len(MIX)](i) for i in range(count)]


def long_chat(turns: int) -> Script:
    """Questions and chit-chat alternating, no form; the last turn repeats the first, so
    turn 1 and turn ``turns`` differ only by the conversation's length."""
    pool = [item for pair in zip(FAQ_QUESTIONS, CHIT_CHAT * 2, strict=True) for item in pair]
    steps = [Step(*pool[i % len(pool)]) for i in range(turns - 1)]
    return Script("long", (*steps, steps[0]))


def probe_chat() -> Script:
    """A short conversation timed with no other load (stored-conversations growth)."""
    return Script(
        "probe",
        (Step("hi", "utter_greet"), Step(*FAQ_QUESTIONS[1]), Step("thanks", "utter_thank")),
    )


# ---- telling the project's replies from others


def template_pattern(template: str) -> re.Pattern[str]:
    """A response text with its ``{placeholders}`` (clinic facts, slots) matching anything."""
    parts = re.split(r"\{[^{}\n]+\}", template)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)


def response_patterns(domain_file: Path) -> dict[str, re.Pattern[str]]:
    """Every response of domain.yml as a pattern over its first variation's text."""
    responses = yaml.safe_load(domain_file.read_text(encoding="utf-8"))["responses"]
    return {
        name: template_pattern(variations[0]["text"])
        for name, variations in responses.items()
        if variations and "text" in variations[0]
    }


def diverges(replies: Replies, expect: str | None, patterns: Mapping[str, re.Pattern]) -> bool:
    """True if the reply lacks the response the project's model gives at this step."""
    if expect is None or expect not in patterns:
        return False
    return not any(patterns[expect].fullmatch(text) for text in texts(replies))


# ---- sending


def sender_id(tag: str, index: int) -> str:
    """The conversation id of a bench visitor: findable in the tracker store afterwards."""
    return f"bench-{tag}-{index:05d}"


@dataclass
class Turn:
    """One message's outcome."""

    kind: str
    number: int  # 1-based position in its conversation
    sent: str
    seconds: float
    ok: bool
    divergent: bool = False
    error: str | None = None
    messages: int = 0  # how many messages the reply held (0: none, or an error)
    at: float = 0.0  # time.monotonic() when it was sent (the soak's per-minute figures)


async def send(
    session: aiohttp.ClientSession, url: str, sender: str, text: str
) -> tuple[float, Replies | None, str | None]:
    """POST one message; (seconds to the whole response, replies or None, error or None)."""
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.read()
            seconds = time.perf_counter() - started
            if response.status != 200:
                return seconds, None, f"HTTP {response.status}"
            return seconds, _json_list(body), None
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        return time.perf_counter() - started, None, type(error).__name__


def _json_list(body: bytes) -> Replies:
    """The REST channel's answer: a JSON list of messages."""
    parsed = json.loads(body)
    if not isinstance(parsed, list):
        raise ValueError("not a list of messages")
    return parsed


async def converse(
    session: aiohttp.ClientSession,
    url: str,
    sender: str,
    script: Script,
    patterns: Mapping[str, re.Pattern],
) -> list[Turn]:
    """Run one script turn by turn, as fast as answers come (no think time; a pause
    after a failed message only)."""
    turns: list[Turn] = []
    previous: Replies = []
    for number, step in enumerate(script.steps, start=1):
        text = (step.choose(previous) if step.choose else None) or step.text
        chosen_missing = step.choose is not None and text == step.text
        at = time.monotonic()
        seconds, replies, error = await send(session, url, sender, text)
        divergent = replies is not None and (
            chosen_missing or diverges(replies, step.expect, patterns)
        )
        turns.append(
            Turn(
                script.kind,
                number,
                text,
                seconds,
                error is None,
                divergent,
                error,
                messages=len(replies or []),
                at=at,
            )
        )
        previous = replies or []
        if error:
            # as a person would, rather than firing the rest of the script at a failure
            await asyncio.sleep(ERROR_PAUSE_SECONDS)
    return turns


def client(timeout_seconds: float, connections: int) -> aiohttp.ClientSession:
    """An HTTP client with a per-turn timeout and enough connections for every visitor."""
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout_seconds),
        connector=aiohttp.TCPConnector(limit=connections),
    )


@dataclass
class LoadResult:
    """Every turn of a load phase and how long the phase took."""

    turns: list[Turn] = field(default_factory=list)
    wall_seconds: float = 0.0
    conversations: int = 0


async def run_load(
    url: str,
    scripts: Sequence[Script],
    visitors: int,
    patterns: Mapping[str, re.Pattern],
    tag: str,
    timeout_seconds: float = 60.0,
) -> LoadResult:
    """``visitors`` concurrent visitors working through ``scripts``: each takes the next
    conversation as soon as its last one ends, until none are left."""
    queue: asyncio.Queue[tuple[int, Script]] = asyncio.Queue()
    for item in enumerate(scripts):
        queue.put_nowait(item)
    result = LoadResult(conversations=len(scripts))

    async def visitor(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            index, script = queue.get_nowait()
            sender = sender_id(tag, index)
            result.turns += await converse(session, url, sender, script, patterns)

    async with client(timeout_seconds, visitors) as session:
        started = time.perf_counter()
        await asyncio.gather(*(visitor(session) for _ in range(visitors)))
        result.wall_seconds = time.perf_counter() - started
    return result


async def run_sequentially(
    url: str,
    scripts: Sequence[Script],
    patterns: Mapping[str, re.Pattern],
    tag: str,
    timeout_seconds: float = 60.0,
) -> list[list[Turn]]:
    """Conversations one after another, alone on the server (growth measurements)."""
    async with client(timeout_seconds, 1) as session:
        return [
            await converse(session, url, sender_id(tag, index), script, patterns)
            for index, script in enumerate(scripts)
        ]
