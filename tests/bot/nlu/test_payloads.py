"""Which texts are a button's payload (and skip free-text reading), on Rasa's own
RegexMessageHandler and real Message objects."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.payloads import is_button_payload, payloads_only

ROOT = Path(__file__).resolve().parents[3]

# typed by visitors, not sent by a button: each must be read and screened
TYPED = [
    "/ I have numbness in my groin",
    "/greet ... lost bladder control",
    "/deny I lost bladder control",
    '/deny{"x": "y"} I lost bladder control',
    '/affirm{"note": "numb groin"}',
    "/affirm@1.0",
    "/Greet",
    "//deny",
    "/",
    "I can't feel my legs /deny",
]


def domain_payloads() -> list[str]:
    """Every "/" payload of a button in domain.yml."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    found = []
    for variations in domain["responses"].values():
        for variation in variations:
            for button in variation.get("buttons", []):
                if str(button["payload"]).startswith("/"):
                    found.append(button["payload"])
    return found


def action_payloads() -> list[str]:
    """The payloads actions/ and the widget write themselves ("/choose_slot{...}")."""
    sources = [*(ROOT / "actions").glob("*.py")]
    sources.append(ROOT / "bot/web/static/widget/widget.js")
    found = []
    for source in sources:
        for literal in re.findall(r"""["'](/[a-z_]+)""", source.read_text(encoding="utf-8")):
            found.append(literal)
    return found


def test_every_payload_the_assistant_sends_is_one():
    payloads = domain_payloads() + action_payloads()
    assert len(payloads) > 10 and "/affirm" in payloads and "/greet" in payloads
    assert all(is_button_payload(p) for p in payloads), payloads
    from actions.booking import _slot_buttons  # the review times offered, built as sent

    slot = SimpleNamespace(id=123456, starts_at=datetime(2030, 1, 7, 15, tzinfo=timezone.utc))
    buttons = _slot_buttons([slot])
    assert buttons[0]["payload"] == '/choose_slot{"review_slot": "123456"}'
    assert all(is_button_payload(b["payload"]) for b in buttons)


@pytest.mark.parametrize("text", TYPED)
def test_anything_else_starting_with_a_slash_is_not(text):
    assert not is_button_payload(text)


@pytest.fixture
def handler(tmp_path) -> RegexMessageHandler:
    return RegexMessageHandler.create(
        {}, LocalModelStorage(tmp_path), Resource("regex"), ExecutionContext(GraphSchema({}))
    )


def test_only_payloads_are_unpacked_and_typed_text_is_left_to_the_screen(handler, domain):
    process = payloads_only(RegexMessageHandler.process)
    typed = Message(data={TEXT: '/deny{"x": "y"} I lost bladder control', INTENT: {"name": "x"}})
    button = Message(data={TEXT: "/deny"})
    plain = Message(data={TEXT: "hello"})
    out = process(handler, [typed, button, plain], domain)
    assert out[0] is typed and out[0].get(INTENT) == {"name": "x"}  # the screen's intent stays
    assert out[1].get(INTENT)["name"] == "deny"
    assert out[2] is plain
    # Rasa's own handler would have overridden the screen with "deny"
    (rasa_reads,) = RegexMessageHandler.process(handler, [typed], domain)
    assert rasa_reads.get(INTENT)["name"] == "deny"


def test_a_payload_shape_with_an_intent_the_domain_lacks_is_left_as_typed(handler, domain):
    process = payloads_only(RegexMessageHandler.process)
    typed = Message(data={TEXT: "/mynameisannsmith", INTENT: {"name": "inform"}})
    (out,) = process(handler, [typed], domain)
    assert out is typed and out.get(INTENT) == {"name": "inform"}
