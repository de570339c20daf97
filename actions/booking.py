"""Scan-review booking: offer free slots as buttons, book, move and cancel.

The booking rules (atomic, one active booking per slot and per lead) live in
bot/clinic/booking.py; these actions only talk to the visitor.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import clinic_profile, settings, utc_now
from actions.faq import answer_follow_up
from bot.clinic.booking import (
    BookingError,
    BookingNotFound,
    SlotTaken,
    SlotUnavailable,
    book,
    booking_by_reference,
    cancel,
    free_slots,
    move,
)
from bot.clinic.booking_talk import asks_for_review, find_reference
from bot.clinic.contact import find_email, find_phone
from bot.db.models import ReviewSlot
from bot.db.session import session_factory, session_scope
from bot.intake.answers.imaging import REVIEWED_SCANS
from bot.notices import queue as notices

logger = logging.getLogger(__name__)
ORDINALS = {
    "first": 0, "1st": 0, "one": 0, "1": 0,
    "second": 1, "2nd": 1, "two": 1, "2": 1,
    "third": 2, "3rd": 2, "three": 2, "3": 2,
}  # fmt: skip
# what the confirmation adds: the notices on their way (bot/notices/queue.py coming), or,
# with none, that the reference finds the booking again (recall_booking); never empty
FOLLOW_UPS = {
    (): "Keep your reference: with your phone number or email address it finds this "
    "booking again in another chat.",
    ("email",): "We're also emailing you the details, with a calendar invitation and a "
    "link to change or cancel.",
    ("sms",): "We're also texting you the details, with a link to change or cancel.",
    ("email", "sms"): "We're also sending you the details by email and text, with a link "
    "to change or cancel.",
}
_ORDINAL = re.compile(r"\b(" + "|".join(ORDINALS) + r")\b", re.IGNORECASE)


# an MRI or CT named in any message ("had an mri in march"), unless denied ("no mri yet")
_SCAN_SAID = re.compile(r"\b(mri|mris|ct|cat scan|ct scan|cts)\b", re.IGNORECASE)
_SCAN_DENIED = re.compile(
    r"\b(no|not|never|haven'?t|havent|hasn'?t|without|yet to)\b(?:\W+\w+){0,3}\W+$",
    re.IGNORECASE,
)


def scan_said(text: str) -> bool:
    """The message says the visitor has (or had) an MRI or CT scan."""
    return any(
        not _SCAN_DENIED.search(text[: match.start()]) for match in _SCAN_SAID.finditer(text)
    )


def scan_on_file(tracker: Tracker) -> bool:
    """The visitor has had an MRI or CT: the intake's answer, or said in any message, so
    that a scan named in the first message is not asked about again at booking time."""
    imaging = tracker.get_slot("imaging")
    if isinstance(imaging, list):
        return bool(set(REVIEWED_SCANS) & set(imaging))
    return any(
        event.get("event") == "user" and scan_said(event.get("text") or "")
        for event in tracker.events
    )


def review_requested(tracker: Tracker) -> bool:
    """The visitor asked for a scan review at some point in the conversation, alone or
    within a description of the pain ("... had physio, could you look at my scan")."""
    return any(
        event.get("event") == "user"
        and (
            (event.get("parse_data") or {}).get("intent", {}).get("name") == "request_review"
            or asks_for_review(event.get("text") or "")
        )
        for event in tracker.events
    )


def slot_label(slot: ReviewSlot) -> str:
    """ "Tue 1 Dec, 9:00 AM" in the clinic's time zone."""
    local = slot.starts_at.astimezone(ZoneInfo(clinic_profile().timezone))
    return f"{local:%a} {local.day} {local:%b}, {local:%I:%M %p}".replace(" 0", " ")


def _slot_buttons(slots: list[ReviewSlot]) -> list[dict[str, str]]:
    buttons = [
        {"title": slot_label(s), "payload": f'/choose_slot{{"review_slot": "{s.id}"}}'}
        for s in slots
    ]
    return buttons + [
        {"title": "Another time", "payload": "/another_time"},
        {"title": "Just call me", "payload": "/just_call"},
    ]


def offer_review(
    dispatcher: CollectingDispatcher,
    after: datetime | None,
    response: str = "utter_offer_review",
    slots: list[ReviewSlot] | None = None,
) -> list[EventType]:
    """Show the next three free review slots (after ``after``) as buttons."""
    if slots is None:
        with session_scope(settings().database_url) as session:
            slots = free_slots(session, after=max(after or utc_now(), utc_now()), limit=3)
    if not slots:
        dispatcher.utter_message(response="utter_review_no_slots")
        return [SlotSet("offered_slot_ids", None)]
    dispatcher.utter_message(response=response, buttons=_slot_buttons(slots))
    return [SlotSet("offered_slot_ids", [s.id for s in slots])]


def _last_offered_start(tracker: Tracker) -> datetime | None:
    ids = tracker.get_slot("offered_slot_ids") or []
    if not ids:
        return None
    with session_scope(settings().database_url) as session:
        slot = session.get(ReviewSlot, ids[-1])
        return slot.starts_at if slot else None


class ActionOfferReview(Action):
    """Offers review slots: after an ask, for "another time" (later ones) or a move."""

    def name(self) -> str:
        return "action_offer_review"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if intent == "move_booking" and not tracker.get_slot("booking_reference"):
            return recall_booking(dispatcher, tracker)
        if intent == "another_time" and not _booking_under_way(tracker):
            # "what else is there" after an answer asks for other treatments, not times
            answered = answer_follow_up(dispatcher, tracker)
            if answered is not None:
                return answered
        if intent != "another_time" and not scan_on_file(tracker) and not review_requested(tracker):
            dispatcher.utter_message(response="utter_review_needs_scan")
            return []
        try:
            if intent == "another_time":
                after = _last_offered_start(tracker)
                return offer_review(dispatcher, after, response="utter_review_more_times")
            if intent == "move_booking":
                dispatcher.utter_message(
                    response="utter_review_move_offer",
                    booking_reference=tracker.get_slot("booking_reference"),
                    booking_starts=tracker.get_slot("booking_starts"),
                )
                return offer_review(dispatcher, after=None, response="utter_review_more_times")
            return offer_review(dispatcher, after=None)
        except SQLAlchemyError as error:
            logger.error("review slots not read: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_review_failed")
            return []


def _booking_under_way(tracker: Tracker) -> bool:
    """Whether times were offered or a review is booked: "another one" then asks for times."""
    return bool(tracker.get_slot("offered_slot_ids") or tracker.get_slot("booking_reference"))


def chosen_slot_id(tracker: Tracker) -> int | None:
    """The slot from a button's payload, or "the second one" among those offered."""
    message = tracker.latest_message or {}
    for entity in message.get("entities") or []:
        if entity.get("entity") == "review_slot":
            try:
                return int(entity.get("value"))
            except (TypeError, ValueError):
                return None
    offered = tracker.get_slot("offered_slot_ids") or []
    found = _ORDINAL.search(message.get("text") or "")
    if found and ORDINALS[found.group(1).lower()] < len(offered):
        return offered[ORDINALS[found.group(1).lower()]]
    return None


class ActionBookReview(Action):
    """Books the chosen slot (or moves an existing booking to it); a lost race offers
    the next free slots."""

    def name(self) -> str:
        return "action_book_review"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        lead_id = tracker.get_slot("lead_id")
        slot_id = chosen_slot_id(tracker)
        if lead_id is None:
            dispatcher.utter_message(response="utter_review_needs_details")
            return []
        if slot_id is None:
            dispatcher.utter_message(response="utter_review_pick_again")
            return []
        reference = tracker.get_slot("booking_reference")
        if reference:
            return ask_change(dispatcher, tracker, f"move:{slot_id}")
        return book_or_move(dispatcher, tracker, slot_id)


def ask_change(dispatcher: CollectingDispatcher, tracker: Tracker, change: str) -> list[EventType]:
    """A move ("move:<slot id>") or a cancellation ("cancel") is made only once the
    visitor says yes to it: one tap on a time, or one "cancel", must not change a
    booking. The change waits in the booking_change slot."""
    current = {
        "booking_reference": tracker.get_slot("booking_reference"),
        "booking_starts": tracker.get_slot("booking_starts"),
    }
    if change.startswith("move:"):
        with session_scope(settings().database_url) as session:
            slot = session.get(ReviewSlot, int(change.split(":", 1)[1]))
            if slot is None:
                dispatcher.utter_message(response="utter_review_unavailable")
                return []
            label = slot_label(slot)
        dispatcher.utter_message(
            response="utter_review_confirm_move", booking_new_starts=label, **current
        )
        return [SlotSet("booking_change", change), SlotSet("booking_new_starts", label)]
    dispatcher.utter_message(response="utter_review_confirm_cancel", **current)
    return [SlotSet("booking_change", change)]


def book_or_move(
    dispatcher: CollectingDispatcher, tracker: Tracker, slot_id: int
) -> list[EventType]:
    """Book the slot, or move the conversation's booking to it; a lost race offers the
    next free slots."""
    lead_id = tracker.get_slot("lead_id")
    factory = session_factory(settings().database_url)
    now = utc_now()
    reference = tracker.get_slot("booking_reference")
    try:
        if reference:
            booking = move(factory, int(lead_id), reference, slot_id, now)
        else:
            booking = book(factory, int(lead_id), slot_id, now)
    except SlotTaken as taken:
        dispatcher.utter_message(response="utter_review_taken")
        return offer_review(dispatcher, None, slots=taken.alternatives)
    except (SlotUnavailable, BookingNotFound):
        dispatcher.utter_message(response="utter_review_unavailable")
        return offer_review(dispatcher, after=None)
    except (BookingError, SQLAlchemyError) as error:
        logger.error("review not booked: %s", type(error).__name__)
        dispatcher.utter_message(response="utter_review_failed")
        return []
    with session_scope(settings().database_url) as session:
        label = slot_label(session.get(ReviewSlot, booking.slot_id))
        channels = notices.coming(session, booking.id, settings())
    dispatcher.utter_message(
        response="utter_review_booked",
        booking_reference=booking.reference,
        booking_starts=label,
        booking_follow_up=FOLLOW_UPS[tuple(channels)],
    )
    return [
        SlotSet("booking_reference", booking.reference),
        SlotSet("booking_starts", label),
        SlotSet("offered_slot_ids", None),
        SlotSet("booking_change", None),
    ]


class ActionCancelReview(Action):
    """Cancels the conversation's booking, which frees its slot for others: at once when
    the visitor types it ("please cancel my review"), after a yes when they tap the
    "Cancel it" button (one tap must not change a booking)."""

    def name(self) -> str:
        return "action_cancel_review"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        lead_id, reference = tracker.get_slot("lead_id"), tracker.get_slot("booking_reference")
        if lead_id is None or not reference:
            return recall_booking(dispatcher, tracker)
        text = ((tracker.latest_message or {}).get("text") or "").strip()
        if text.startswith("/"):  # a tap on "Cancel it": asked first
            return ask_change(dispatcher, tracker, "cancel")
        return cancel_booking(dispatcher, tracker)  # typed: the visitor's own words


def recall_booking(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A booking made in another conversation, found by the reference and the phone or
    email it was made with, both in the visitor's message ("cancel ABCD2345, my email is
    ..."): the conversation then holds it, and the visitor chooses what to do. Without
    both, or when they don't match, the visitor is told how (a wrong reference and a
    wrong contact read the same)."""
    text = (tracker.latest_message or {}).get("text") or ""
    reference = find_reference(text)
    email, phone = find_email(text), find_phone(text, settings().phone_region)
    found = None
    if reference and (email or phone):
        try:
            with session_scope(settings().database_url) as session:
                found = booking_by_reference(session, reference, email, phone)
                label = slot_label(found.slot) if found else None
        except SQLAlchemyError as error:
            logger.error("booking not looked up: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_review_failed")
            return []
    if found is None:
        dispatcher.utter_message(response="utter_review_no_booking")
        return []
    dispatcher.utter_message(
        response="utter_review_found", booking_reference=found.reference, booking_starts=label
    )
    return [
        SlotSet("lead_id", found.lead_id),
        SlotSet("booking_reference", found.reference),
        SlotSet("booking_starts", label),
        SlotSet("booking_change", None),
    ]


def cancel_booking(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Cancel the conversation's booking (the visitor said yes), which frees its slot."""
    lead_id, reference = tracker.get_slot("lead_id"), tracker.get_slot("booking_reference")
    if lead_id is None or not reference:
        dispatcher.utter_message(response="utter_review_no_booking")
        return [SlotSet("booking_change", None)]
    try:
        cancel(session_factory(settings().database_url), int(lead_id), reference, utc_now())
    except BookingNotFound:
        dispatcher.utter_message(response="utter_review_no_booking")
        return [SlotSet("booking_change", None)]
    except SQLAlchemyError as error:
        logger.error("review not cancelled: %s", type(error).__name__)
        dispatcher.utter_message(response="utter_review_failed")
        return []
    dispatcher.utter_message(response="utter_review_cancelled", booking_reference=reference)
    return [
        SlotSet("booking_reference", None),
        SlotSet("booking_starts", None),
        SlotSet("booking_change", None),
    ]


class ActionConfirmBookingChange(Action):
    """The visitor's yes or no to a move or a cancellation asked about (ask_change)."""

    def name(self) -> str:
        return "action_confirm_booking_change"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        change = tracker.get_slot("booking_change") or ""
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if intent != "affirm":
            dispatcher.utter_message(
                response="utter_review_kept",
                booking_reference=tracker.get_slot("booking_reference"),
                booking_starts=tracker.get_slot("booking_starts"),
            )
            return [SlotSet("booking_change", None)]
        if change == "cancel":
            events = cancel_booking(dispatcher, tracker)
        else:
            events = book_or_move(dispatcher, tracker, int(change.split(":", 1)[1]))
        cleared = SlotSet("booking_change", None)
        return events if cleared in events else [*events, cleared]
