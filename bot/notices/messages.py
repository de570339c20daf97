"""The words of a booking notice, by email and by text.

What a visitor needs and nothing more: the clinic, the date and time in the clinic's
time zone, the reference, what to bring, the clinic's phone and the link to their
booking page. Never a symptom, a condition, a triage level or anything said in the
chat: a message can be read by whoever sees the visitor's screen or inbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from bot.clinic.profile import ClinicProfile
from bot.notices.calendar import invitation
from bot.settings import Settings
from bot.staff.notify import new_message

WHAT_TO_BRING = "your MRI or CT scan, on a disc or as the written report"
_HEADLINES = {
    "confirmation": "Your free scan review at {clinic} is booked.",
    "reminder": "A reminder: your free scan review at {clinic} is tomorrow.",
    "moved": "Your free scan review at {clinic} has moved to a new time.",
    "cancelled": "Your scan review at {clinic} has been cancelled.",
}
_SUBJECTS = {
    "confirmation": "Your scan review at {clinic}: {day}",
    "reminder": "Reminder: your scan review at {clinic} tomorrow, {time}",
    "moved": "Your scan review at {clinic} has moved: {day}",
    "cancelled": "Cancelled: your scan review at {clinic}, {day}",
}
_TEXTS = {
    "confirmation": "{clinic}: your scan review is booked for {short}{zone_note}, ref "
    "{reference}. Bring your MRI/CT scan (disc or report). Details, change or cancel: {url}",
    "reminder": "{clinic}: reminder, your scan review is tomorrow, {short}{zone_note}, ref "
    "{reference}. Bring your MRI/CT scan (disc or report). Change or cancel: {url}",
    "moved": "{clinic}: your scan review has moved to {short}{zone_note}, ref {reference}. "
    "Bring your MRI/CT scan (disc or report). Details: {url}",
    "cancelled": "{clinic}: your scan review on {short}{zone_note} (ref {reference}) is "
    "cancelled. To book another time: {url} or call {phone}",
}


@dataclass(frozen=True)
class NoticeFacts:
    """Everything a notice says, gathered by the scheduler from the booking."""

    kind: str
    reference: str
    starts_at: datetime
    duration_minutes: int
    clinic: ClinicProfile
    page_url: str

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.clinic.timezone))

    @property
    def day(self) -> str:
        """ "Tuesday 15 December 2026" (no locale: the same on every server)."""
        start = self.local_start
        return f"{start:%A} {start.day} {start:%B %Y}"

    @property
    def time(self) -> str:
        return f"{self.local_start:%H:%M}"

    @property
    def short(self) -> str:
        start = self.local_start
        return f"{start:%a} {start.day} {start:%b}, {start:%H:%M}"

    @property
    def zone_name(self) -> str:
        """The clinic's time zone as people read it ("EST", or the IANA name)."""
        return self.local_start.tzname() or self.clinic.timezone

    def values(self) -> dict[str, str]:
        return {
            "clinic": self.clinic.name,
            "phone": self.clinic.phone,
            "day": self.day,
            "time": self.time,
            "short": self.short,
            "zone_note": f" {self.zone_name}",
            "reference": self.reference,
            "url": self.page_url,
        }


def email_body(facts: NoticeFacts) -> str:
    """The plain-text email."""
    values = facts.values()
    lines = [
        "Hello,",
        "",
        _HEADLINES[facts.kind].format(**values),
        "",
        f"  When:      {facts.day}, {facts.time} (clinic time, {facts.zone_name})",
        f"  Reference: {facts.reference}",
        f"  Where:     {facts.clinic.address}",
        "",
    ]
    if facts.kind == "cancelled":
        lines += ["To choose another time, open your booking page:", facts.page_url]
    else:
        lines += [
            f"Please bring {WHAT_TO_BRING}.",
            "",
            "To see your booking, change the time or cancel it, open your booking page:",
            facts.page_url,
        ]
    lines += [
        "",
        f"Questions? Call {facts.clinic.name} on {facts.clinic.phone} ({facts.clinic.hours}).",
        "",
        f"This message was sent automatically by {facts.clinic.name}. Please don't reply",
        "with health details: email is not a private place for them.",
    ]
    return "\n".join(lines) + "\n"


def booking_email(
    settings: Settings,
    facts: NoticeFacts,
    to: str,
    calendar: tuple[str, int],
    now: datetime,
) -> EmailMessage:
    """The email, with the calendar invitation attached except on a reminder (the
    calendar already holds the event). ``calendar`` is the event's UID and SEQUENCE."""
    message = new_message(settings, to, _SUBJECTS[facts.kind].format(**facts.values()))
    message.set_content(email_body(facts))
    if facts.kind == "reminder":
        return message
    cancelled = facts.kind == "cancelled"
    domain = settings.smtp_from.rpartition("@")[2].strip("<> ") or "localhost"
    ics = invitation(
        cancelled=cancelled,
        uid=f"{calendar[0]}@{domain}",
        sequence=calendar[1],
        starts_at=facts.starts_at,
        duration_minutes=facts.duration_minutes,
        summary=f"Scan review at {facts.clinic.name}",
        location=facts.clinic.address,
        description=(
            f"Reference {facts.reference}. Bring {WHAT_TO_BRING}. "
            f"Your booking: {facts.page_url} Questions: {facts.clinic.phone}"
        ),
        organizer=settings.smtp_from.strip("<> "),
        organizer_name=facts.clinic.name,
        attendee=to,
        now=now,
    )
    message.add_attachment(
        ics,
        maintype="text",
        subtype="calendar",
        filename="scan-review.ics",
        params={"method": "CANCEL" if cancelled else "REQUEST"},
    )
    return message


def text_message(facts: NoticeFacts) -> str:
    """The text message: the same facts, short."""
    return _TEXTS[facts.kind].format(**facts.values())
