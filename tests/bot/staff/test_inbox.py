from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.clinic.booking import add_slots, book, cancel
from bot.db.models import StaffUser
from bot.staff.inbox import (
    FilterError,
    LeadFilter,
    all_matching,
    find_leads,
    parse_filter,
)

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)
CONDITIONS = ("sciatica", "herniated_disc", "spinal_stenosis", "back_pain", "other")


def _names(session, flt: LeadFilter, **page) -> list[str]:
    return [lead.name for lead in find_leads(session, flt, CHICAGO, **page).items]


def _hours_ago(hours: int) -> datetime:
    return NOW - timedelta(hours=hours)


# --- filters ---------------------------------------------------------------------------


def test_no_filter_shows_every_lead_newest_first(factory, make_lead):
    make_lead("c1", name="Old", created_at=_hours_ago(3))
    make_lead("c2", name="Newest", created_at=_hours_ago(1))
    make_lead("c3", name="Middle", created_at=_hours_ago(2))
    with factory() as session:
        page = find_leads(session, LeadFilter(), CHICAGO)
        assert [lead.name for lead in page.items] == ["Newest", "Middle", "Old"]
        assert (page.total, page.page, page.pages, page.per_page) == (3, 1, 1, 25)


def test_filter_by_status(factory, make_lead):
    make_lead("c1", name="New", created_at=_hours_ago(3))
    make_lead("c2", name="Contacted", status="contacted", created_at=_hours_ago(2))
    make_lead("c3", name="Contacted too", status="contacted", created_at=_hours_ago(1))
    make_lead("c4", name="Closed", status="closed", closed_reason="spam")
    with factory() as session:
        assert _names(session, LeadFilter(status="contacted")) == ["Contacted too", "Contacted"]
        assert _names(session, LeadFilter(status="new")) == ["New"]
        assert _names(session, LeadFilter(status="booked")) == []


def test_filter_by_triage(factory, make_lead):
    make_lead("c1", name="Routine")
    make_lead("c2", name="Urgent", triage_level="urgent")
    make_lead("c3", name="Emergency", triage_level="emergency")
    with factory() as session:
        assert _names(session, LeadFilter(triage="urgent")) == ["Urgent"]
        assert _names(session, LeadFilter(triage="emergency")) == ["Emergency"]
        assert _names(session, LeadFilter(triage="routine")) == ["Routine"]


def test_filter_by_condition_matches_any_of_the_leads_conditions(factory, make_lead):
    make_lead("c1", name="Both", conditions=["sciatica", "herniated_disc"], created_at=NOW)
    make_lead("c2", name="Other", conditions=["other"], created_at=_hours_ago(1))
    make_lead("c3", name="None", conditions=[], created_at=_hours_ago(2))
    make_lead("c4", name="Stenosis", conditions=["spinal_stenosis"], created_at=_hours_ago(3))
    with factory() as session:
        assert _names(session, LeadFilter(condition="sciatica")) == ["Both"]
        assert _names(session, LeadFilter(condition="herniated_disc")) == ["Both"]
        assert _names(session, LeadFilter(condition="other")) == ["Other"]
        assert _names(session, LeadFilter(condition="spinal_stenosis")) == ["Stenosis"]
        assert _names(session, LeadFilter(condition="back_pain")) == []


def test_filter_by_having_an_active_booking(factory, make_lead):
    active = make_lead("c1", name="Active", created_at=_hours_ago(3))
    cancelled = make_lead("c2", name="Cancelled", created_at=_hours_ago(2))
    make_lead("c3", name="Never", created_at=_hours_ago(1))
    with factory.begin() as session:
        first, second = add_slots(session, [NOW + timedelta(days=1), NOW + timedelta(days=2)])
        slot_ids = [first.id, second.id]
    book(factory, active, slot_ids[0], NOW)
    reference = book(factory, cancelled, slot_ids[1], NOW).reference
    cancel(factory, cancelled, reference, NOW)
    with factory() as session:
        assert _names(session, LeadFilter(has_booking="yes")) == ["Active"]
        assert _names(session, LeadFilter(has_booking="no")) == ["Never", "Cancelled"]


def test_created_dates_are_the_clinics_local_days_inclusive(factory, make_lead):
    # Chicago is UTC-6 in November (daylight saving time ended on Nov 1)
    make_lead("c1", name="Nov 2 late", created_at=datetime(2026, 11, 3, 3, 0, tzinfo=timezone.utc))
    make_lead("c2", name="Nov 2 last", created_at=datetime(2026, 11, 3, 5, 59, tzinfo=timezone.utc))
    make_lead("c3", name="Nov 3 first", created_at=datetime(2026, 11, 3, 6, 0, tzinfo=timezone.utc))
    make_lead("c4", name="Nov 1 last", created_at=datetime(2026, 11, 2, 5, 59, tzinfo=timezone.utc))
    nov2, nov3 = date(2026, 11, 2), date(2026, 11, 3)
    with factory() as session:
        one_day = LeadFilter(created_from=nov2, created_to=nov2)
        assert _names(session, one_day) == ["Nov 2 last", "Nov 2 late"]
        assert _names(session, LeadFilter(created_from=nov3)) == ["Nov 3 first"]
        assert _names(session, LeadFilter(created_to=nov2)) == [
            "Nov 2 last",
            "Nov 2 late",
            "Nov 1 last",
        ]
        assert _names(session, LeadFilter(created_from=nov2, created_to=nov3)) == [
            "Nov 3 first",
            "Nov 2 last",
            "Nov 2 late",
        ]


def test_created_dates_on_the_day_daylight_saving_ends(factory, make_lead):
    # Nov 1 2026 starts at 05:00 UTC (CDT) and ends at 06:00 UTC the next day (CST)
    make_lead("c1", name="Oct 31", created_at=datetime(2026, 11, 1, 4, 59, tzinfo=timezone.utc))
    make_lead("c2", name="Nov 1 a", created_at=datetime(2026, 11, 1, 5, 0, tzinfo=timezone.utc))
    make_lead("c3", name="Nov 1 b", created_at=datetime(2026, 11, 2, 5, 30, tzinfo=timezone.utc))
    make_lead("c4", name="Nov 2", created_at=datetime(2026, 11, 2, 6, 0, tzinfo=timezone.utc))
    nov1 = date(2026, 11, 1)
    with factory() as session:
        assert _names(session, LeadFilter(created_from=nov1, created_to=nov1)) == [
            "Nov 1 b",
            "Nov 1 a",
        ]


@pytest.fixture
def searchable(make_lead):
    make_lead("c1", name="Ana López", email="ana.lopez@example.com", created_at=_hours_ago(1))
    make_lead(
        "c2",
        name="Bob Stone",
        email=None,
        phone="+15550123456",
        created_at=_hours_ago(2),
    )
    make_lead(
        "c3",
        name="Carla 100% Sure",
        email="carla_ruiz@clinic.example",
        phone="+13125550142",
        created_at=_hours_ago(3),
    )
    make_lead("c4", name="Dan Park", email="lia.ruiz@example.org", created_at=_hours_ago(4))


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("ana", ["Ana López"]),
        ("ANA LÓ", ["Ana López"]),
        ("bOb sToNe", ["Bob Stone"]),
        ("example.org", ["Dan Park"]),
        ("LOPEZ@", ["Ana López"]),
        ("ruiz", ["Carla 100% Sure", "Dan Park"]),
        ("(555) 012-3456", ["Bob Stone"]),
        ("012-3456", ["Bob Stone"]),
        ("0142", ["Carla 100% Sure"]),
        ("%", ["Carla 100% Sure"]),
        ("_", ["Carla 100% Sure"]),
        ("a_r", ["Carla 100% Sure"]),  # as a wildcard, "a_r" would also match "lia.ruiz"
        ("0% s", ["Carla 100% Sure"]),
        ("nobody", []),
    ],
)
def test_search_by_name_email_or_phone(factory, searchable, search, expected):
    with factory() as session:
        assert _names(session, LeadFilter(search=search)) == expected


def test_search_is_case_insensitive_beyond_ascii(factory, make_lead):
    make_lead("c1", name="Óscar Ñúñez", email="oscar@example.com")
    with factory() as session:
        # the name exactly as the inbox shows it, and in lower case
        assert _names(session, LeadFilter(search="Óscar")) == ["Óscar Ñúñez"]
        assert _names(session, LeadFilter(search="óscar ñúñez")) == ["Óscar Ñúñez"]


def test_mine_shows_the_leads_assigned_to_the_user(factory, make_lead):
    with factory.begin() as session:
        me = StaffUser(email="me@clinic.example", password_hash="x")
        other = StaffUser(email="other@clinic.example", password_hash="x")
        session.add_all([me, other])
        session.flush()
        me_id, other_id = me.id, other.id
    make_lead("c1", name="Mine", assigned_to_id=me_id, created_at=_hours_ago(2))
    make_lead("c2", name="Theirs", assigned_to_id=other_id, created_at=_hours_ago(1))
    make_lead("c3", name="Nobody's")
    make_lead("c4", name="Mine too", assigned_to_id=me_id, created_at=_hours_ago(1))
    with factory() as session:
        assert _names(session, LeadFilter(assigned_to_id=me_id)) == ["Mine too", "Mine"]
        mine = parse_filter({"mine": "1"}, CONDITIONS, user_id=me_id)
        assert _names(session, mine) == ["Mine too", "Mine"]
        page = find_leads(session, mine, CHICAGO)
        assert {lead.assigned_to.email for lead in page.items} == {"me@clinic.example"}


def test_filters_combine(factory, make_lead):
    make_lead("c1", name="Ana Urgent", triage_level="urgent", conditions=["sciatica"])
    make_lead("c2", name="Ana Routine", conditions=["sciatica"])
    make_lead(
        "c3",
        name="Bob Urgent",
        email="bob@example.com",
        triage_level="urgent",
        conditions=["sciatica"],
    )
    make_lead("c4", name="Ana Urgent Other", triage_level="urgent", conditions=["other"])
    flt = LeadFilter(triage="urgent", condition="sciatica", search="ana")
    with factory() as session:
        assert _names(session, flt) == ["Ana Urgent"]


# --- order and pages -------------------------------------------------------------------


def test_sort_by_triage_then_newest(factory, make_lead):
    make_lead("c1", name="routine old", created_at=_hours_ago(10))
    make_lead("c2", name="emergency old", triage_level="emergency", created_at=_hours_ago(9))
    make_lead("c3", name="urgent", triage_level="urgent", created_at=_hours_ago(8))
    make_lead("c4", name="emergency new", triage_level="emergency", created_at=_hours_ago(7))
    make_lead("c5", name="routine new", created_at=_hours_ago(6))
    make_lead("c6", name="urgent new", triage_level="urgent", created_at=_hours_ago(5))
    with factory() as session:
        assert _names(session, LeadFilter(sort="triage")) == [
            "emergency new",
            "emergency old",
            "urgent new",
            "urgent",
            "routine new",
            "routine old",
        ]
        assert _names(session, LeadFilter(sort="newest")) == [
            "urgent new",
            "routine new",
            "emergency new",
            "urgent",
            "emergency old",
            "routine old",
        ]
        by_triage = [
            lead.name for lead in all_matching(session, LeadFilter(sort="triage"), CHICAGO)
        ]
        assert by_triage == _names(session, LeadFilter(sort="triage"))


def test_pages(factory, make_lead):
    for i in range(7):
        make_lead(f"c{i}", name=f"Lead {i}", created_at=_hours_ago(10 - i))
    with factory() as session:
        second = find_leads(session, LeadFilter(), CHICAGO, page=2, per_page=3)
        assert (second.total, second.pages, second.page) == (7, 3, 2)
        assert [lead.name for lead in second.items] == ["Lead 3", "Lead 2", "Lead 1"]
        last = find_leads(session, LeadFilter(), CHICAGO, page=3, per_page=3)
        assert [lead.name for lead in last.items] == ["Lead 0"]
        beyond = find_leads(session, LeadFilter(), CHICAGO, page=4, per_page=3)
        assert (beyond.items, beyond.total, beyond.pages, beyond.page) == ([], 7, 3, 4)
        first = find_leads(session, LeadFilter(), CHICAGO, page=0, per_page=3)
        assert first.page == 1
        assert [lead.name for lead in first.items] == ["Lead 6", "Lead 5", "Lead 4"]
        filtered = find_leads(session, LeadFilter(search="Lead 1"), CHICAGO, per_page=3)
        assert (filtered.total, filtered.pages) == (1, 1)
        nothing = find_leads(session, LeadFilter(status="closed"), CHICAGO)
        assert (nothing.items, nothing.total, nothing.pages) == ([], 0, 1)
        everything = all_matching(session, LeadFilter(), CHICAGO)
        assert [lead.name for lead in everything] == [f"Lead {i}" for i in range(6, -1, -1)]


def test_all_matching_applies_the_filter(factory, make_lead):
    make_lead("c1", name="Urgent", triage_level="urgent", created_at=_hours_ago(2))
    make_lead("c2", name="Routine", created_at=_hours_ago(1))
    make_lead("c3", name="Urgent too", triage_level="urgent", created_at=_hours_ago(1))
    with factory() as session:
        leads = all_matching(session, LeadFilter(triage="urgent"), CHICAGO)
        assert [lead.name for lead in leads] == ["Urgent too", "Urgent"]


# --- parsing ---------------------------------------------------------------------------


def test_parse_filter_reads_every_field():
    params = {
        "status": "contacted",
        "triage": "urgent",
        "condition": "sciatica",
        "has_booking": "no",
        "from": "2026-11-02",
        "to": " 2026-11-05 ",
        "q": "  ana  ",
        "mine": "1",
        "sort": "triage",
    }
    assert parse_filter(params, CONDITIONS, user_id=7) == LeadFilter(
        status="contacted",
        triage="urgent",
        condition="sciatica",
        has_booking="no",
        created_from=date(2026, 11, 2),
        created_to=date(2026, 11, 5),
        search="ana",
        assigned_to_id=7,
        sort="triage",
    )


def test_parse_filter_defaults():
    assert parse_filter({}, CONDITIONS) == LeadFilter()
    blank = {"status": " ", "q": "   ", "from": "", "sort": "", "mine": ""}
    assert parse_filter(blank, CONDITIONS, user_id=7) == LeadFilter()
    assert parse_filter({"q": "x" * 150}, CONDITIONS).search == "x" * 100


def test_mine_is_the_given_user():
    assert parse_filter({"mine": "1"}, CONDITIONS, user_id=3).assigned_to_id == 3
    assert parse_filter({"mine": "on"}, CONDITIONS, user_id=4).assigned_to_id == 4
    assert parse_filter({"mine": "0"}, CONDITIONS, user_id=3).assigned_to_id is None
    assert parse_filter({}, CONDITIONS, user_id=3).assigned_to_id is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "lost"}, "status must be one of new, contacted, booked, closed"),
        ({"triage": "severe"}, "triage must be one of routine, urgent, emergency"),
        ({"condition": "gout"}, "condition must be one of sciatica,"),
        ({"condition": "neck_pain"}, "condition must be one of"),  # not in these conditions
        ({"has_booking": "maybe"}, "has_booking must be one of yes, no"),
        ({"sort": "oldest"}, "sort must be one of newest, triage"),
        ({"from": "2026-13-01"}, "from must be a date"),
        ({"to": "yesterday"}, "to must be a date"),
        ({"from": "2026-11-05", "to": "2026-11-02"}, "the start date is after the end date"),
    ],
)
def test_parse_filter_explains_bad_values(params, message):
    with pytest.raises(FilterError) as error:
        parse_filter(params, CONDITIONS, user_id=1)
    assert str(error.value).startswith(message)


def test_a_one_day_range_is_fine():
    flt = parse_filter({"from": "2026-11-02", "to": "2026-11-02"}, CONDITIONS)
    assert (flt.created_from, flt.created_to) == (date(2026, 11, 2), date(2026, 11, 2))


def test_query_items():
    assert LeadFilter().query_items() == {}
    flt = LeadFilter(
        status="closed",
        triage="emergency",
        condition="herniated_disc",
        has_booking="yes",
        created_from=date(2026, 11, 2),
        created_to=date(2026, 11, 30),
        search="555",
        assigned_to_id=9,
        sort="triage",
    )
    assert flt.query_items() == {
        "status": "closed",
        "triage": "emergency",
        "condition": "herniated_disc",
        "has_booking": "yes",
        "from": "2026-11-02",
        "to": "2026-11-30",
        "q": "555",
        "mine": "1",
        "sort": "triage",
    }
    assert parse_filter(flt.query_items(), CONDITIONS, user_id=9) == flt
    newest = LeadFilter(search="ana", sort="newest")
    assert newest.query_items() == {"q": "ana"}
    assert parse_filter(newest.query_items(), CONDITIONS) == newest
