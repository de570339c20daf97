"""`make fuzz` (not part of `make test`): hypothesis-generated input against the NLU
pipeline and the chat channels' parsing, for as long as asked (30 minutes by default).

Each example is a body as a browser could post it: raw bytes, JSON of any shape, or a
message of generated text (any Unicode but lone surrogates; floods of the patterns'
words, triggers, punctuation and emoji) up to the size limit. It goes through the
channels' checks (bot/rasa_plugins/chat_checks.py: decoding, validation, cleaning, the limits on
characters and words), and what they admit through the trained model's NLU pipeline in
this process, with the project's patches of Rasa installed, as the server runs it.

Reported, and kept in var/fuzz/ with the input: any exception (the checks must answer
every body with a message or a reason, the pipeline every admitted text with a parse),
and any admitted message whose parse took more CPU time than WORST_MS (the bound of
`make bench`'s worst case, which also counts the dialogue: a parse alone above it is a
finding). Exit status 1 when anything was found.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
WORST_MS = 50.0
LIMIT = 2000

WORDS = [
    "no", "not", "never", "can", "could", "it", "my", "i", "a", "the", "and", "or", "but",
    "back", "pain", "numbness", "numb", "legs", "leg", "groin", "bladder", "bowel", "wipe",
    "weakness", "tingling", "sciatica", "duloxetine", "cymbalta", "amitriptyline", "mri",
    "ct", "fell", "asleep", "suicide", "kill", "myself", "cancer", "fever", "l4", "l5",
    "siatica", "herniatd", "is", "normal", "fine", "if", "what", "does", "cause",
]  # fmt: skip
MARKS = [
    ",",
    ".",
    "!",
    "?",
    "-",
    "/",
    "'",
    "(",
    ")",
    "\n",
    "\t",
    "😀",
    "👨\u200d👩\u200d👧",
    "\u0301",
]

texts = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=LIMIT),
    st.lists(st.sampled_from(WORDS + MARKS), max_size=700).map(" ".join),
    st.lists(st.sampled_from(WORDS + MARKS), max_size=1000).map("".join),
    st.builds(lambda unit, n: unit * n, st.text(min_size=1, max_size=8), st.integers(1, 2000)),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=30,
)
message_bodies = st.builds(
    lambda sender, text, metadata: json.dumps(
        {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
    ).encode(),
    st.from_regex(r"[A-Za-z0-9_.:@-]{1,128}", fullmatch=True) | st.text(max_size=200),
    texts,
    st.none() | json_values,
)
# mostly messages (what reaches the pipeline), the rest anything a body could be
bodies = st.one_of(
    message_bodies,
    message_bodies,
    message_bodies,
    st.binary(max_size=4096),
    json_values.map(lambda value: json.dumps(value).encode()),
)


@dataclass
class Findings:
    """What the run saw."""

    examples: int = 0
    admitted: int = 0
    parsed_ms: list[float] = field(default_factory=list)
    exceptions: list[dict[str, str]] = field(default_factory=list)
    slow: list[dict[str, Any]] = field(default_factory=list)


def run(minutes: float, out: Path, model: Path) -> Findings:
    """Generate and check examples until ``minutes`` have passed."""
    import logging

    import structlog

    from bot.processes import rasa_runtime

    # Rasa's debug events would print every parsed text
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger().setLevel(logging.WARNING)
    rasa_runtime.install()
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage

    from bot.rasa_plugins.chat_checks import Admitted, ChatGuard, read_json
    from bot.settings import load_settings

    agent = Agent.load(str(model))
    # as the server does once its model is loaded (bot/rasa_patches/speedups/model_loading.py):
    # otherwise the collector's full collections walk every object of the model, ~0.5 s of CPU now
    # and then, whatever the message
    gc.collect()
    gc.freeze()
    guard = ChatGuard("rest", load_settings({"CHAT_LIMIT_PER_SENDER": "1000000000"}, root=ROOT))
    guard.settings  # noqa: B018 (read now, not inside the first example)
    found = Findings()
    deadline = time.monotonic() + minutes * 60
    loop = asyncio.new_event_loop()

    def check(body: bytes) -> None:
        found.examples += 1
        try:
            data = read_json(body)
        except ValueError:
            return
        try:
            admitted = guard.admit(data, None)
        except Exception:
            found.exceptions.append({"where": "checks", "input": repr(body[:5000]),
                                     "error": traceback.format_exc()})  # fmt: skip
            return
        if not isinstance(admitted, Admitted) or admitted.answer_here:
            return
        found.admitted += 1
        started = time.process_time()
        try:
            loop.run_until_complete(agent.processor.parse_message(UserMessage(admitted.text)))
        except Exception:
            found.exceptions.append({"where": "nlu", "input": admitted.text,
                                     "error": traceback.format_exc()})  # fmt: skip
            return
        ms = (time.process_time() - started) * 1000
        found.parsed_ms.append(ms)
        if ms > WORST_MS:
            found.slow.append({"ms": round(ms, 1), "input": admitted.text})

    batch = settings(
        max_examples=500,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(given(bodies)(check))
    while time.monotonic() < deadline:
        batch()
    out.mkdir(parents=True, exist_ok=True)
    return found


def summary(found: Findings) -> dict[str, Any]:
    parsed = sorted(found.parsed_ms)
    return {
        "examples": found.examples,
        "admitted_and_parsed": len(parsed),
        "exceptions": len(found.exceptions),
        "parses_over_bound": len(found.slow),
        "parse_ms_median": parsed[len(parsed) // 2] if parsed else None,
        "parse_ms_max": parsed[-1] if parsed else None,
        "bound_ms": WORST_MS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "assistant.tar.gz")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "fuzz")
    args = parser.parse_args(argv)
    found = run(args.minutes, args.out, args.model)
    report = summary(found)
    (args.out / "report.json").write_text(
        json.dumps({**report, "exceptions": found.exceptions, "slow": found.slow}, indent=2),
        encoding="utf-8",
    )
    print("FUZZ " + " ".join(f"{key}={value}" for key, value in report.items()))
    return 1 if found.exceptions or found.slow else 0


if __name__ == "__main__":
    sys.exit(main())
