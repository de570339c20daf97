"""Consent, contact details and saving the lead: thin adapters over bot/.

The form's reading is bot/clinic/lead_form.py; the one mapping from the conversation to a lead
is bot.clinic.leads.draft_from_slots (also used by `bot leads recover`), so a lead that could
not be saved is rebuilt from the same slots once the database is back.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.booking import offer_review, review_requested, scan_on_file
from actions.common import ReadingFormValidation, clinic_profile, settings, utc_now
from actions.intake import answers_said
from bot.clinic.form_reading import Reading, looks_like_question
from bot.clinic.lead_form import (
    LEAD_FORM_SLOTS,
    agrees_to_notice,
    contact_changes,
    contact_methods,
    details_before_consent,
    offer_opt_in_with_name,
    read_message,
)
from bot.clinic.lead_form import required_slots as lead_required_slots
from bot.clinic.leads import draft_from_slots, page_without_query, save_lead_reporting_new
from bot.db.session import session_scope
from bot.staff.notify import notice_enabled, send_in_background

logger = logging.getLogger(__name__)
CONTACT_SLOTS = ("contact_name", "contact_email", "contact_phone", "contact_method", "contact_time")
LEAD_SLOTS = LEAD_FORM_SLOTS + CONTACT_SLOTS + ("consent_version", "consent_at", "source_page")
METHOD_BUTTONS = {"call": "A phone call", "text": "A text message", "email": "An email"}


def lead_values(tracker: Tracker) -> dict[str, Any]:
    """The consent and contact answers so far."""
    return {slot: tracker.get_slot(slot) for slot in LEAD_SLOTS}


# the alarms whose message's contact details are read with the next message
READ_AFTER_ALARM = frozenset({"urgent_symptom", "emergency"})


def unread_after_alarm(tracker: Tracker) -> list[str]:
    """The earlier messages after consent that the safety rules answered instead of the
    form (an urgent or emergency sign said with a name: "linda brooks. i've had a fever
    since ..."): the form did not read them, so their details are read with this one,
    before it, so that what the visitor says now wins. A crisis is not among them: no
    lead questions follow a crisis."""
    consented = False
    unread: list[str] = []
    users = [e for e in tracker.events if e.get("event") == "user"]
    latest = users[-1] if users else None
    for event in tracker.events:
        if event.get("event") == "slot" and event.get("name") == "consent_given":
            consented = event.get("value") is True
            if not consented:
                unread = []
        if event.get("event") != "user" or event is latest or not consented:
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in READ_AFTER_ALARM:
            unread.append(event.get("text") or "")
    return unread


def said_before_consent(tracker: Tracker) -> list[str]:
    """The messages of this run of the form before the visitor's answer to the notice:
    the one that started it ("ring me at 773 ...") and any typed at the notice.
    The form read nothing personal in them; their details are read once the visitor
    agrees (bot/clinic/lead_form.py details_before_consent)."""
    events = tracker.events
    started = max(
        (
            i
            for i, e in enumerate(events)
            if e.get("event") == "active_loop" and e.get("name") == "lead_form"
        ),
        default=None,
    )
    if started is None:
        return []
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    before = [i for i in users if i < started][-1:]
    after = [i for i in users if i > started][:-1]
    return [events[i].get("text") or "" for i in before + after]


class ValidateLeadForm(ReadingFormValidation):
    """Reads each message of the consent and contact form (bot/clinic/lead_form.py)."""

    def name(self) -> str:
        return "validate_lead_form"

    def questions(self, tracker: Tracker) -> list[str]:
        """The consent and contact questions still to ask (bot/clinic/lead_form.py)."""
        return lead_required_slots(lead_values(tracker))

    def read(
        self, text: str, intent: str | None, requested: str | None, tracker: Tracker
    ) -> Reading:
        values = lead_values(tracker)
        if requested != "consent_given":
            text = "\n".join([*unread_after_alarm(tracker), text])
        reading = read_message(text, intent, requested, values, utc_now(), settings().phone_region)
        if requested == "consent_given" and reading.slots.get("consent_given") is True:
            earlier = details_before_consent(
                [*said_before_consent(tracker), text],
                {**values, **reading.slots},
                settings().phone_region,
            )
            reading.slots.update(earlier.slots)
            reading.responses.extend(earlier.responses)
        return reading

    def derived(self, slots: dict[str, Any], tracker: Tracker) -> dict[str, Any]:
        """With consent, the page the visitor chats from (widget metadata) is kept; and
        once a name and a way to reach the visitor are known, the lead is saved, so
        that details already given are not lost if the visitor leaves before the last
        question (the thanks and the review offer come when the form is complete)."""
        derived: dict[str, Any] = {}
        if slots.get("consent_given") is True:
            metadata = (tracker.latest_message or {}).get("metadata") or {}
            page = metadata.get("page") if isinstance(metadata, dict) else None
            derived["source_page"] = page_without_query(page)
        values = {**tracker.current_slot_values(), **slots, **derived}
        if slots and draft_from_slots(tracker.sender_id, values) is not None:
            derived.update(save_quietly(tracker.sender_id, values))
        return derived


class ActionAskContactName(Action):
    """Asks for the name; while the call/text opt-in is open, it is offered with it as
    buttons, so that one tap answers it and the name can be typed all the same."""

    def name(self) -> str:
        return "action_ask_contact_name"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with_opt_in = offer_opt_in_with_name(lead_values(tracker))
        dispatcher.utter_message(
            response="utter_ask_contact_name_opt_in" if with_opt_in else "utter_ask_contact_name"
        )
        return []


class ActionAskContactPoint(Action):
    """Asks for a phone number (or an email), or for an email address when calls and
    texts are off."""

    def name(self) -> str:
        return "action_ask_contact_point"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        opted_out = tracker.get_slot("contact_opt_in") is False
        dispatcher.utter_message(
            response="utter_ask_contact_email" if opted_out else "utter_ask_contact_phone"
        )
        return []


class ActionAskContactMethod(Action):
    """Offers only the ways of contact the visitor's details and opt-in allow."""

    def name(self) -> str:
        return "action_ask_contact_method"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        buttons = [
            {"title": METHOD_BUTTONS[method], "payload": method}
            for method in contact_methods(lead_values(tracker))
        ]
        dispatcher.utter_message(response="utter_ask_contact_method", buttons=buttons)
        return []


def save_conversation_lead(
    dispatcher: CollectingDispatcher, tracker: Tracker, slots: dict[str, Any]
) -> list[EventType]:
    """Save (or update) the conversation's lead; on a database failure apologise with
    the clinic's phone and keep everything on the conversation for `bot leads recover`.
    A lead saved for the first time is announced to staff by email, in the background."""
    draft = draft_from_slots(tracker.sender_id, slots)
    if draft is None:
        return []
    try:
        with session_scope(settings().database_url) as session:
            lead, created = save_lead_reporting_new(session, draft)
            lead_id = lead.id
    except SQLAlchemyError as error:
        # no personal data in logs: the error class and the conversation only
        logger.error("lead not saved for a conversation: %s", type(error).__name__)
        dispatcher.utter_message(response="utter_lead_save_failed")
        return [SlotSet("lead_saved", False)]
    if created and notice_enabled(settings()):
        send_in_background(settings(), lead_id, clinic_profile().name)
    return [SlotSet("lead_saved", True), SlotSet("lead_id", lead_id)]


def save_quietly(conversation_id: str, slots: dict[str, Any]) -> dict[str, Any]:
    """Save the lead mid-form; a failure is only logged (the form's end reports it)."""
    draft = draft_from_slots(conversation_id, slots)
    if draft is None:
        return {}
    try:
        with session_scope(settings().database_url) as session:
            lead, _ = save_lead_reporting_new(session, draft)
            return {"lead_id": lead.id}
    except SQLAlchemyError as error:
        logger.error("lead not saved mid-form: %s", type(error).__name__)
        return {}


class ActionKeepAlarmDetails(Action):
    """An emergency said while the contact form runs ends the form (no more questions:
    the visitor must call 911), but the contact details said with it are kept: with
    consent already given and a way to reach the visitor known, the lead is saved,
    flagged as an emergency for the staff who see it (data/rules/safety.yml)."""

    def name(self) -> str:
        return "action_keep_alarm_details"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        values = lead_values(tracker)
        requested = tracker.get_slot("requested_slot")
        if values.get("consent_given") is not True or requested not in LEAD_SLOTS:
            return []
        text = (tracker.latest_message or {}).get("text") or ""
        reading = read_message(text, None, requested, values, utc_now(), settings().phone_region)
        slots = dict(reading.slots)
        slots.update(save_quietly(tracker.sender_id, {**tracker.current_slot_values(), **slots}))
        return [SlotSet(name, value) for name, value in slots.items()]


class ActionStartLeadForm(Action):
    """Before the consent and contact form starts: a visitor who declined the notice
    earlier is shown it again (consent is only ever the answer to the notice), and the
    intake answers of the request's message are recorded on the conversation."""

    def name(self) -> str:
        return "action_start_lead_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events = answers_said(tracker)
        if tracker.get_slot("consent_given") is False:
            events.append(SlotSet("consent_given", None))
        return events


class ActionConsentInWords(Action):
    """A privacy remark outside the form after a "no thanks": agreement in words
    ("actually fine, you can keep my details") opens the form again, which shows the
    notice to agree to (a rule); a privacy question is explained; a bare "yes" is not
    understood."""

    def name(self) -> str:
        return "action_consent_in_words"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        if not looks_like_question(text) and agrees_to_notice(text):
            return [SlotSet("consent_given", None)]
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        explained = intent == "consent_question"
        dispatcher.utter_message(
            response="utter_consent_explained" if explained else "utter_ask_rephrase"
        )
        return [SlotSet("consent_given", tracker.get_slot("consent_given"))]


class ActionSaveLead(Action):
    """Saves the lead after consent and contact, then offers a scan review if it fits."""

    def name(self) -> str:
        return "action_save_lead"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events = save_conversation_lead(dispatcher, tracker, tracker.current_slot_values())
        if SlotSet("lead_saved", True) not in events:
            return events
        already_saved = tracker.get_slot("lead_saved")
        if not already_saved:
            dispatcher.utter_message(response="utter_lead_saved")
        if not tracker.get_slot("booking_reference"):
            if scan_on_file(tracker):
                events += offer_review(dispatcher, after=None)
            elif review_requested(tracker):
                dispatcher.utter_message(response="utter_review_needs_scan")
        return events


class ActionUpdateContact(Action):
    """ "Sorry, my email is ..." after the lead was saved: update it, then save again."""

    def name(self) -> str:
        return "action_update_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        values = tracker.current_slot_values()
        changes = contact_changes(
            (tracker.latest_message or {}).get("text") or "", values, settings().phone_region
        )
        if not changes:
            dispatcher.utter_message(response="utter_contact_update_unclear")
            return []
        events: list[EventType] = [SlotSet(slot, value) for slot, value in changes.items()]
        saved = save_conversation_lead(dispatcher, tracker, {**values, **changes})
        if SlotSet("lead_saved", True) in saved:
            dispatcher.utter_message(response="utter_contact_updated")
        return events + saved
