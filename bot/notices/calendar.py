"""The calendar invitation attached to a booking email (an ``.ics`` file, RFC 5545 with
iTIP's METHOD), made with the ``icalendar`` package.

One event per booking, whatever happens to it: its UID stays the same when the booking
moves and SEQUENCE rises with each change, so a calendar that took the invitation
updates (REQUEST) or removes (CANCEL) the same entry instead of adding another.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from icalendar import Calendar, Event, vCalAddress, vText

PRODUCT_ID = "-//Spine clinic intake assistant//Scan review booking//EN"


def invitation(
    *,
    cancelled: bool,
    uid: str,
    sequence: int,
    starts_at: datetime,
    duration_minutes: int,
    summary: str,
    location: str,
    description: str,
    organizer: str,
    organizer_name: str,
    attendee: str,
    now: datetime,
) -> bytes:
    """The ``.ics`` bytes: METHOD:REQUEST for a booked or moved review, CANCEL for a
    cancelled one. Times are written in UTC, which every calendar converts."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", now.astimezone(timezone.utc))
    start = starts_at.astimezone(timezone.utc)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=duration_minutes))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    host = vCalAddress(f"mailto:{organizer}")
    host.params["cn"] = vText(organizer_name)
    event.add("organizer", host)
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params["role"] = vText("REQ-PARTICIPANT")
    guest.params["rsvp"] = vText("FALSE")
    event.add("attendee", guest)
    calendar.add_component(event)
    return calendar.to_ical()
