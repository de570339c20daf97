from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.staff.transcript import (
    CHOSE_AN_OPTION,
    Turn,
    conversation_activity,
    count_conversations,
    erase_conversations,
    read_transcript,
)
from tests.tracker_events import chat_at, event_counts, save_conversations

T0 = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)
LOWER_BACK = '/inform{"pain_location": "lower_back"}'
BUTTONS = [
    {"title": "Lower back", "payload": LOWER_BACK},
    {"title": "Neck", "payload": '/inform{"pain_location": "neck"}'},
]


def _at(seconds: float) -> float:
    return (T0 + timedelta(seconds=seconds)).timestamp()


def _intake() -> list:
    from rasa.shared.core.events import (
        ActionExecuted,
        ActiveLoop,
        BotUttered,
        SessionStarted,
        SlotSet,
        UserUttered,
    )

    return [
        ActionExecuted("action_session_start", timestamp=_at(0)),
        SessionStarted(timestamp=_at(0)),
        ActionExecuted("action_listen", timestamp=_at(0)),
        BotUttered(
            "Hi! What brings you here?",
            metadata={"utter_action": "utter_greet"},
            timestamp=_at(1),
        ),
        UserUttered(
            "I have sciatica", {"name": "describe_condition", "confidence": 0.9}, timestamp=_at(2)
        ),
        SlotSet("condition", ["sciatica"], timestamp=_at(2)),
        ActiveLoop("intake_form", timestamp=_at(2)),
        ActionExecuted("utter_ask_pain_location", timestamp=_at(3)),
        BotUttered(
            "Thanks. Where is the pain?",
            data={"buttons": BUTTONS},
            metadata={"utter_action": "utter_ask_pain_location"},
            timestamp=_at(3),
        ),
        UserUttered(LOWER_BACK, {"name": "inform", "confidence": 1.0}, timestamp=_at(5)),
        SlotSet("pain_location", "lower_back", timestamp=_at(5)),
        # a clock running behind: stored order, not timestamps, is the conversation's order
        BotUttered(
            "How long has it hurt?",
            data={"buttons": [{"title": "Weeks", "payload": '/inform{"duration": "weeks"}'}]},
            timestamp=_at(4),
        ),
        UserUttered('/inform{"duration": "months"}', {"name": "inform"}, timestamp=_at(6)),
    ]


@pytest.fixture
def tracker(tmp_path) -> str:
    path = tmp_path / "trackers.db"
    save_conversations(path, {"visitor-1": _intake(), "visitor-2": chat_at(T0, "neck pain")})
    return str(path)


def test_transcript_is_the_messages_in_stored_order(tracker):
    turns = read_transcript(tracker, "visitor-1")
    assert [(turn.speaker, turn.text) for turn in turns] == [
        ("assistant", "Hi! What brings you here?"),
        ("visitor", "I have sciatica"),
        ("assistant", "Thanks. Where is the pain?"),
        ("visitor", "Lower back"),
        ("assistant", "How long has it hurt?"),
        ("visitor", CHOSE_AN_OPTION),
    ]
    assert turns[2] == Turn(
        "assistant", "Thanks. Where is the pain?", T0 + timedelta(seconds=3), ("Lower back", "Neck")
    )
    assert turns[1].at == T0 + timedelta(seconds=2) and turns[1].at.tzinfo is not None
    assert turns[1].buttons == ()
    assert turns[4].at == T0 + timedelta(seconds=4)


def test_payloads_never_reach_the_transcript(tracker):
    texts = " ".join(turn.text for turn in read_transcript(tracker, "visitor-1"))
    assert "/inform" not in texts and "pain_location" not in texts and "{" not in texts


def test_each_sender_sees_only_their_conversation(tracker):
    assert [turn.text for turn in read_transcript(tracker, "visitor-2")] == [
        "Hello! How can I help?",
        "neck pain",
    ]
    assert read_transcript(tracker, "nobody") == []


def test_a_missing_store_or_table_is_an_empty_transcript(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="bot.staff.transcript")
    missing = tmp_path / "missing.db"
    assert read_transcript(str(missing), "visitor-secret-7") == []
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    sa.create_engine(f"sqlite:///{empty}").connect().close()
    assert read_transcript(f"sqlite:///{empty}", "visitor-secret-7") == []
    assert "no tracker store" in caplog.text and "no Rasa events table" in caplog.text
    assert "visitor-secret-7" not in caplog.text
    assert erase_conversations(str(missing), ["visitor-secret-7"]) == 0
    assert conversation_activity(str(missing)) == {}
    assert count_conversations(str(empty), T0, T0 + timedelta(days=1)) == 0


def test_erasing_one_conversation_deletes_only_that_sender(tracker):
    before = event_counts(tracker)
    assert before["visitor-1"] > 10
    assert erase_conversations(tracker, ["visitor-1"]) == before["visitor-1"]
    assert read_transcript(tracker, "visitor-1") == []
    assert event_counts(tracker) == {"visitor-2": before["visitor-2"]}
    assert erase_conversations(tracker, ["visitor-1"]) == 0


def test_conversation_activity_is_the_last_event_per_sender(tracker):
    assert conversation_activity(tracker) == {
        "visitor-1": T0 + timedelta(seconds=6),
        "visitor-2": T0,
    }


def test_count_conversations_counts_visitors_who_wrote_in_the_period(tmp_path):
    from rasa.shared.core.events import BotUttered

    path = tmp_path / "trackers.db"
    day = timedelta(days=1)
    save_conversations(
        path,
        {
            "at-start": chat_at(T0),
            "inside": chat_at(T0 + day / 2) + chat_at(T0 + day / 2 + timedelta(hours=1)),
            "at-end": chat_at(T0 + day),
            "before": chat_at(T0 - timedelta(seconds=1)),
            "greeted-only": [BotUttered("Hello!", timestamp=(T0 + day / 2).timestamp())],
        },
    )
    assert count_conversations(str(path), T0, T0 + day) == 2
    assert count_conversations(str(path), T0 - day, T0 + 2 * day) == 4
    with pytest.raises(ValueError, match="naive"):
        count_conversations(str(path), T0.replace(tzinfo=None), T0 + day)


def test_the_widgets_own_greeting_and_its_consent_marker_read_plainly(tmp_path):
    from rasa.shared.core.events import BotUttered, UserUttered

    path = tmp_path / "trackers.db"
    events = [
        UserUttered("/greet", {"name": "greet"}, timestamp=_at(0)),
        BotUttered("Hello!", timestamp=_at(1)),
        BotUttered(None, data={"custom": {"consent_question": "consent_given"}}, timestamp=_at(2)),
    ]
    save_conversations(path, {"widget": events})
    assert [(t.speaker, t.text) for t in read_transcript(str(path), "widget")] == [
        ("visitor", "(opened the chat)"),
        ("assistant", "Hello!"),
    ]
