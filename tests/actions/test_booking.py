"""Scan-review booking actions on real Trackers and a real database."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import (
    FOLLOW_UPS,
    ActionBookReview,
    ActionCancelReview,
    ActionConfirmBookingChange,
    ActionOfferReview,
    scan_said,
)
from bot.clinic.booking import add_slots, book
from bot.db.models import Lead
from bot.db.session import session_factory, session_scope
from tests.actions.trackers import listening_tracker
from tests.conftest import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def tracker(text="", intent="choose_slot", entities=(), events=(), **slots):
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": list(entities),
    }
    return listening_tracker("conversation-7", slots, message, events)


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


def setup(url, n_slots=5):
    """Two leads and ``n_slots`` future review slots; returns their ids."""
    now = datetime.now(timezone.utc)
    with session_scope(url) as session:
        leads = [
            Lead(conversation_id=f"c{i}", name="Test", email=f"t{i}@example.com") for i in (1, 2)
        ]
        session.add_all(leads)
        slots = add_slots(session, [now + timedelta(days=d + 1) for d in range(n_slots)])
        session.flush()
        return [lead.id for lead in leads], [slot.id for slot in slots]


def entity(slot_id):
    return [{"entity": "review_slot", "value": str(slot_id)}]


def test_offer_lists_three_free_times_plus_choices(leads_db):
    _, slot_ids = setup(leads_db)
    slots, messages = run(ActionOfferReview(), tracker(intent="request_review", imaging=["ct"]))
    assert slots["offered_slot_ids"] == slot_ids[:3]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[-2:] == ["Another time", "Just call me"]


def test_another_time_offers_later_ones(leads_db):
    _, slot_ids = setup(leads_db)
    slots, messages = run(
        ActionOfferReview(), tracker(intent="another_time", offered_slot_ids=slot_ids[:3])
    )
    assert slots["offered_slot_ids"] == slot_ids[3:5]
    assert messages[0]["response"] == "utter_review_more_times"


def test_what_else_after_an_answer_asks_for_other_treatments_not_times(leads_db):
    setup(leads_db)
    t = tracker("and what else is there", intent="another_time", faq_topic="do_they_work")
    slots, messages = run(ActionOfferReview(), t)
    assert slots == {"faq_topic": "other_treatments"}
    assert [m["response"] for m in messages] == ["utter_faq/other_treatments"]


def test_another_time_while_times_are_offered_is_about_times_even_after_an_answer(leads_db):
    _, slot_ids = setup(leads_db)
    t = tracker(
        "what else is there",
        intent="another_time",
        offered_slot_ids=slot_ids[:3],
        faq_topic="do_they_work",
    )
    slots, messages = run(ActionOfferReview(), t)
    assert slots["offered_slot_ids"] == slot_ids[3:5]
    assert messages[0]["response"] == "utter_review_more_times"


def test_no_scan_no_offer(leads_db):
    setup(leads_db)
    _, messages = run(
        ActionOfferReview(),
        tracker(intent="move_booking", imaging=["none"], booking_reference="ABCDEFGH"),
    )
    assert messages[0]["response"] == "utter_review_needs_scan"


def test_booking_by_button_and_by_ordinal(leads_db):
    (lead, _), slot_ids = setup(leads_db)
    slots, messages = run(ActionBookReview(), tracker(entities=entity(slot_ids[0]), lead_id=lead))
    assert len(slots["booking_reference"]) == 8
    assert messages[0]["response"] == "utter_review_booked"
    assert messages[0]["booking_reference"] == slots["booking_reference"]
    # no mail server or text provider here: nothing is said to be on its way
    assert messages[0]["booking_follow_up"] == FOLLOW_UPS[()]
    # moving by "the second one" among the times offered: asked first, moved on "yes"
    current = {
        "lead_id": lead,
        "booking_reference": slots["booking_reference"],
        "booking_starts": slots["booking_starts"],
    }
    asked, messages = run(
        ActionBookReview(), tracker("the second one", offered_slot_ids=slot_ids[2:5], **current)
    )
    assert asked["booking_change"] == f"move:{slot_ids[3]}"
    assert messages[0]["response"] == "utter_review_confirm_move"
    with session_scope(leads_db) as session:
        assert [b.slot_id for b in session.get(Lead, lead).bookings] == [slot_ids[0]]
    moved, _ = run(
        ActionConfirmBookingChange(),
        tracker("yes", "affirm", booking_change=asked["booking_change"], **current),
    )
    assert moved["booking_reference"] != slots["booking_reference"]
    assert moved["booking_change"] is None
    with session_scope(leads_db) as session:
        booked = session.get(Lead, lead).bookings
        assert {(b.slot_id, b.status) for b in booked} == {
            (slot_ids[0], "cancelled"),
            (slot_ids[3], "active"),
        }


def test_a_lost_race_offers_the_next_free_times(leads_db):
    (lead, rival), slot_ids = setup(leads_db)
    book(session_factory(leads_db), rival, slot_ids[0], datetime.now(timezone.utc))
    slots, messages = run(ActionBookReview(), tracker(entities=entity(slot_ids[0]), lead_id=lead))
    assert [m["response"] for m in messages] == ["utter_review_taken", "utter_offer_review"]
    assert slots["offered_slot_ids"] == slot_ids[1:4]
    assert "booking_reference" not in slots


def test_booking_needs_the_lead(leads_db):
    _, slot_ids = setup(leads_db)
    _, messages = run(ActionBookReview(), tracker(entities=entity(slot_ids[0])))
    assert messages[0]["response"] == "utter_review_needs_details"


def test_cancel_frees_the_slot(leads_db):
    (lead, rival), slot_ids = setup(leads_db)
    slots, _ = run(ActionBookReview(), tracker(entities=entity(slot_ids[0]), lead_id=lead))
    cancelled, messages = run(
        ActionConfirmBookingChange(),
        tracker(
            intent="affirm",
            lead_id=lead,
            booking_reference=slots["booking_reference"],
            booking_change="cancel",
        ),
    )
    assert cancelled == {"booking_reference": None, "booking_starts": None, "booking_change": None}
    assert messages[0]["response"] == "utter_review_cancelled"
    assert book(session_factory(leads_db), rival, slot_ids[0], datetime.now(timezone.utc))


def test_a_cancellation_waits_for_a_yes(leads_db):
    (lead, _), slot_ids = setup(leads_db)
    booked, _ = run(ActionBookReview(), tracker(entities=entity(slot_ids[1]), lead_id=lead))
    current = {"lead_id": lead, **{k: v for k, v in booked.items() if k != "booking_change"}}
    asked, messages = run(
        ActionCancelReview(), tracker("/cancel_booking", "cancel_booking", **current)
    )
    assert asked == {"booking_change": "cancel"}
    assert messages[0]["response"] == "utter_review_confirm_cancel"
    kept, messages = run(
        ActionConfirmBookingChange(), tracker("no", "deny", booking_change="cancel", **current)
    )
    assert kept == {"booking_change": None}
    assert messages[0]["response"] == "utter_review_kept"
    with session_scope(leads_db) as session:
        assert [b.status for b in session.get(Lead, lead).bookings] == ["active"]
    done, messages = run(
        ActionConfirmBookingChange(), tracker("yes", "affirm", booking_change="cancel", **current)
    )
    assert done["booking_reference"] is None
    assert messages[0]["response"] == "utter_review_cancelled"


def test_a_question_about_the_booking_states_it_before_any_times(leads_db):
    setup(leads_db)
    _, messages = run(
        ActionOfferReview(),
        tracker(
            "is it still on?",
            "move_booking",
            imaging=["mri"],
            booking_reference="ABCD2345",
            booking_starts="Tue 1 Dec, 9:00 AM",
        ),
    )
    assert messages[0]["response"] == "utter_review_move_offer"
    assert messages[0]["booking_reference"] == "ABCD2345"
    assert messages[1]["response"] == "utter_review_more_times"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("neck hurts, the ct last month showed a bulge", True),
        ("got an MRI done in the spring", True),
        ("no mri yet, only an xray", False),
        ("i havent had a ct", False),
    ],
)
def test_a_scan_named_in_any_message_is_known(text, said):
    assert scan_said(text) is said


def test_a_typed_cancellation_is_the_visitors_own_words(leads_db):
    (lead, _), slot_ids = setup(leads_db)
    booked, _ = run(ActionBookReview(), tracker(entities=entity(slot_ids[2]), lead_id=lead))
    current = {"lead_id": lead, "booking_reference": booked["booking_reference"]}
    done, messages = run(
        ActionCancelReview(), tracker("please call off my review", "cancel_booking", **current)
    )
    assert done["booking_reference"] is None
    assert messages[0]["response"] == "utter_review_cancelled"


def test_a_booking_made_in_another_chat_is_found_by_reference_and_contact(leads_db):
    (lead, _), slot_ids = setup(leads_db)
    made = book(session_factory(leads_db), lead, slot_ids[0], datetime.now(timezone.utc))
    # a new conversation: no lead, no booking of its own
    asked = f"change my booking {made.reference.lower()}, my email is T1@example.com"
    slots, messages = run(ActionOfferReview(), tracker(asked, intent="move_booking"))
    assert messages[0]["response"] == "utter_review_found"
    assert slots["lead_id"] == lead and slots["booking_reference"] == made.reference
    (found,) = DOMAIN["responses"]["utter_review_found"]
    assert [b["payload"] for b in found["buttons"]] == ["/move_booking", "/cancel_booking"]
    # the right reference with another's contact, or no contact, finds nothing
    for text in (f"cancel {made.reference} t2@example.com", f"cancel {made.reference}"):
        slots, messages = run(ActionCancelReview(), tracker(text, intent="cancel_booking"))
        assert slots == {} and messages[0]["response"] == "utter_review_no_booking"
