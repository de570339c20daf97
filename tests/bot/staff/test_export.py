from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.db.models import Booking, Lead, ReviewSlot, StaffUser
from bot.staff.export import HEADER, leads_csv, leads_for_export, neutralise

CHICAGO = ZoneInfo("America/Chicago")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+15551234567", "'+15551234567"),
        ("-1", "'-1"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Ana López", "Ana López"),
        ("a=b-c", "a=b-c"),
        (" =1", " =1"),
        ("", ""),
        (None, ""),
        (42, "42"),
        (-3, "'-3"),
    ],
)
def test_neutralise(value, cell):
    assert neutralise(value) == cell


def _lead(**fields) -> Lead:
    values = {
        "id": 7,
        "conversation_id": "c7",
        "name": "Ana López",
        "email": "ana@example.com",
        "phone": None,
        "triage_level": "routine",
        "conditions": [],
        "status": "new",
        "created_at": datetime(2026, 11, 27, 15, 5, tzinfo=timezone.utc),
        "bookings": [],
    }
    values.update(fields)
    return Lead(**values)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_header_and_a_plain_row():
    text = leads_csv([_lead()], CHICAGO)
    assert text.startswith(",".join(HEADER) + "\r\n") and text.endswith("\r\n")
    header, row = _rows(text)
    assert header == [
        "id",
        "created",
        "name",
        "email",
        "phone",
        "preferred contact",
        "preferred time",
        "triage",
        "conditions",
        "status",
        "closed reason",
        "assigned to",
        "booking reference",
        "booking time",
    ]
    # 15:05 UTC is 09:05 in Chicago in November (CST, UTC-6)
    assert row == ["7", "2026-11-27 09:05", "Ana López", "ana@example.com"] + [""] * 3 + [
        "routine",
        "",
        "new",
        "",
        "",
        "",
        "",
    ]


def test_csv_cells_typed_by_visitors_are_neutralised():
    lead = _lead(
        name='=HYPERLINK("http://evil.example","click")',
        email="@SUM(1+1)@example.com",
        phone="+15551234567",
        conditions=["-1", "sciatica"],
    )
    text = leads_csv([lead], CHICAGO)
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in text
    row = _rows(text)[1]
    assert row[2:5] == [
        '\'=HYPERLINK("http://evil.example","click")',
        "'@SUM(1+1)@example.com",
        "'+15551234567",
    ]
    assert row[8] == "'-1; sciatica"
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_csv_booking_assignee_and_summer_time():
    slot = ReviewSlot(starts_at=datetime(2027, 7, 1, 15, 30, tzinfo=timezone.utc))
    old_slot = ReviewSlot(starts_at=datetime(2027, 6, 1, 15, 30, tzinfo=timezone.utc))
    lead = _lead(
        created_at=datetime(2027, 6, 20, 4, 59, tzinfo=timezone.utc),
        phone="+15551234567",
        preferred_contact="text",
        preferred_time="morning",
        triage_level="urgent",
        conditions=["sciatica", "herniated_disc"],
        status="closed",
        closed_reason="booked_and_seen",
        assigned_to=StaffUser(email="maria@clinic.example"),
        bookings=[
            Booking(reference="OLD111", status="cancelled", slot=old_slot),
            Booking(reference="K7Q2MX", status="active", slot=slot),
        ],
    )
    row = _rows(leads_csv([lead], CHICAGO))[1]
    assert dict(zip(HEADER, row, strict=True)) == {
        "id": "7",
        "created": "2027-06-19 23:59",  # CDT, UTC-5: the day before in Chicago
        "name": "Ana López",
        "email": "ana@example.com",
        "phone": "'+15551234567",
        "preferred contact": "text",
        "preferred time": "morning",
        "triage": "urgent",
        "conditions": "sciatica; herniated_disc",
        "status": "closed",
        "closed reason": "booked_and_seen",
        "assigned to": "maria@clinic.example",
        "booking reference": "K7Q2MX",
        "booking time": "2027-07-01 10:30",
    }


def test_leads_for_export_filters_by_status_and_loads_the_csv_fields(factory, make_lead):
    first = make_lead("c1", phone="+15551234567")
    make_lead("c2", status="contacted")
    third = make_lead("c3", email="c3@example.com")
    with factory.begin() as session:
        slot = ReviewSlot(starts_at=datetime(2030, 1, 2, 15, 0, tzinfo=timezone.utc))
        session.add(Booking(lead_id=third, slot=slot, reference="ABC123"))
    with factory() as session:
        everyone = leads_for_export(session)
        new = leads_for_export(session, "new")
    assert [lead.conversation_id for lead in everyone] == ["c1", "c2", "c3"]
    assert [lead.id for lead in new] == [first, third]
    rows = _rows(leads_csv(new, CHICAGO))  # the session is closed: all was loaded
    assert [row[-2:] for row in rows[1:]] == [["", ""], ["ABC123", "2030-01-02 09:00"]]
