from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.clinic import booking
from bot.clinic.booking import (
    BookingError,
    BookingNotFound,
    SlotBooked,
    SlotTaken,
    SlotUnavailable,
    active_booking,
    add_slots,
    book,
    cancel,
    free_slots,
    move,
    new_reference,
    parse_local,
    remove_slot,
    slots_with_bookings,
    weekly,
)
from bot.db.models import Booking, Lead, ReviewSlot

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def slot_ids(factory) -> list[int]:
    """Five slots, an hour apart, the first a day after NOW."""
    first = NOW + timedelta(days=1)
    with factory.begin() as session:
        slots = add_slots(session, [first + timedelta(hours=h) for h in range(5)])
        return [slot.id for slot in slots]


def _lead_status(factory, lead_id: int) -> str:
    with factory() as session:
        return session.get(Lead, lead_id).status


# --- times -----------------------------------------------------------------------------


def test_weekly_keeps_the_local_time_across_daylight_saving():
    # US daylight saving time ends on 2026-11-01
    starts = weekly(datetime(2026, 10, 20, 9, 0, tzinfo=CHICAGO), 3)
    assert [s.strftime("%Y-%m-%d %H:%M") for s in starts] == [
        "2026-10-20 09:00",
        "2026-10-27 09:00",
        "2026-11-03 09:00",
    ]
    assert [s.astimezone(timezone.utc).hour for s in starts] == [14, 14, 15]


@pytest.mark.parametrize("weeks", [0, -1])
def test_weekly_needs_at_least_one_week(weeks):
    with pytest.raises(ValueError, match="at least 1"):
        weekly(datetime(2026, 10, 20, 9, 0, tzinfo=CHICAGO), weeks)


def test_weekly_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        weekly(datetime(2026, 10, 20, 9, 0), 2)


def test_parse_local_is_in_the_clinics_zone():
    parsed = parse_local("2026-12-01 09:00", "America/Chicago")
    assert parsed == datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "zone", "message"),
    [
        ("next tuesday", "America/Chicago", "YYYY-MM-DD HH:MM"),
        ("2026-13-01 09:00", "America/Chicago", "YYYY-MM-DD HH:MM"),
        ("2026-12-01 09:00", "Mars/Olympus", "unknown time zone"),
        ("2027-03-14 02:30", "America/Chicago", "does not exist"),
    ],
)
def test_parse_local_explains_bad_input(text, zone, message):
    with pytest.raises(ValueError, match=message):
        parse_local(text, zone)


def test_references_are_8_unambiguous_characters():
    references = {new_reference() for _ in range(200)}
    assert len(references) == 200
    for reference in references:
        assert len(reference) == 8 and set(reference) <= set(booking.REFERENCE_ALPHABET)


# --- slots -----------------------------------------------------------------------------


def test_add_slots_skips_times_already_offered(session):
    start = NOW + timedelta(days=1)
    assert len(add_slots(session, [start, start + timedelta(hours=1)])) == 2
    again = add_slots(session, [start.astimezone(CHICAGO), start + timedelta(hours=2)], 45)
    assert [(s.starts_at, s.duration_minutes) for s in again] == [(start + timedelta(hours=2), 45)]


def test_add_slots_refuses_naive_times_and_bad_durations(session):
    with pytest.raises(ValueError, match="timezone-aware"):
        add_slots(session, [datetime(2026, 12, 1, 9, 0)])
    with pytest.raises(ValueError, match="positive"):
        add_slots(session, [NOW], duration_minutes=0)


def test_free_slots_are_the_soonest_unbooked_after_a_time(factory, slot_ids, make_lead):
    book(factory, make_lead("c1"), slot_ids[1], NOW)
    with factory() as session:
        assert [s.id for s in free_slots(session, NOW)] == [slot_ids[0], slot_ids[2], slot_ids[3]]
        after_first = free_slots(session, NOW + timedelta(days=1), limit=10)
        assert [s.id for s in after_first] == [slot_ids[2], slot_ids[3], slot_ids[4]]


# --- booking ---------------------------------------------------------------------------


def test_book(factory, slot_ids, make_lead):
    lead_id = make_lead()
    made = book(factory, lead_id, slot_ids[0], NOW)
    assert len(made.reference) == 8 and made.status == "active"
    assert made.created_at == NOW and made.slot.id == slot_ids[0]
    assert _lead_status(factory, lead_id) == "booked"
    with factory() as session:
        assert active_booking(session, lead_id).reference == made.reference


def test_booking_the_same_slot_again_returns_the_booking(factory, slot_ids, make_lead):
    lead_id = make_lead()
    made = book(factory, lead_id, slot_ids[0], NOW)
    assert book(factory, lead_id, slot_ids[0], NOW).reference == made.reference


def test_a_second_slot_for_one_lead_must_be_a_move(factory, slot_ids, make_lead):
    lead_id = make_lead()
    book(factory, lead_id, slot_ids[0], NOW)
    with pytest.raises(BookingError, match="move"):
        book(factory, lead_id, slot_ids[1], NOW)


def test_a_taken_slot_offers_the_next_free_ones(factory, slot_ids, make_lead):
    book(factory, make_lead("c1"), slot_ids[0], NOW)
    loser = make_lead("c2")
    with pytest.raises(SlotTaken) as taken:
        book(factory, loser, slot_ids[0], NOW)
    assert [s.id for s in taken.value.alternatives] == slot_ids[1:4]
    assert _lead_status(factory, loser) == "new"


@pytest.mark.parametrize("when", ["past", "unknown"])
def test_past_or_unknown_slots_are_unavailable(factory, slot_ids, make_lead, when):
    slot_id = slot_ids[0] if when == "past" else 9999
    now = NOW + timedelta(days=2) if when == "past" else NOW
    with pytest.raises(SlotUnavailable):
        book(factory, make_lead(), slot_id, now)


def test_booking_for_an_unknown_lead_fails(factory, slot_ids):
    with pytest.raises(BookingError, match="no lead"):
        book(factory, 9999, slot_ids[0], NOW)


def test_naive_now_is_refused(factory, slot_ids, make_lead):
    with pytest.raises(ValueError, match="timezone-aware"):
        book(factory, make_lead(), slot_ids[0], datetime(2026, 11, 27, 9, 0))


def test_cancel_frees_the_slot(factory, slot_ids, make_lead):
    lead_id = make_lead("c1")
    made = book(factory, lead_id, slot_ids[0], NOW)
    later = NOW + timedelta(minutes=5)
    cancelled = cancel(factory, lead_id, made.reference.lower(), later)
    assert (cancelled.status, cancelled.cancelled_at) == ("cancelled", later)
    assert _lead_status(factory, lead_id) == "new"
    assert cancel(factory, lead_id, made.reference, later).status == "cancelled"
    other = book(factory, make_lead("c2"), slot_ids[0], later)
    assert other.status == "active"


def test_cancel_needs_the_leads_own_reference(factory, slot_ids, make_lead):
    made = book(factory, make_lead("c1"), slot_ids[0], NOW)
    with pytest.raises(BookingNotFound):
        cancel(factory, make_lead("c2"), made.reference, NOW)


def test_move(factory, slot_ids, make_lead):
    lead_id = make_lead()
    old = book(factory, lead_id, slot_ids[0], NOW)
    new = move(factory, lead_id, old.reference, slot_ids[2], NOW)
    assert new.slot.id == slot_ids[2] and new.reference != old.reference
    with factory() as session:
        statuses = dict(session.execute(select(Booking.reference, Booking.status)).all())
        assert statuses == {old.reference: "cancelled", new.reference: "active"}
        assert [s.id for s in free_slots(session, NOW, limit=1)] == [slot_ids[0]]
    assert _lead_status(factory, lead_id) == "booked"


def test_a_move_to_a_taken_slot_keeps_the_old_booking(factory, slot_ids, make_lead):
    lead_id = make_lead("c1")
    old = book(factory, lead_id, slot_ids[0], NOW)
    book(factory, make_lead("c2"), slot_ids[1], NOW)
    with pytest.raises(SlotTaken) as taken:
        move(factory, lead_id, old.reference, slot_ids[1], NOW)
    assert [s.id for s in taken.value.alternatives] == slot_ids[2:5]
    with factory() as session:
        assert active_booking(session, lead_id).reference == old.reference


def test_a_cancelled_booking_cannot_be_moved(factory, slot_ids, make_lead):
    lead_id = make_lead()
    old = book(factory, lead_id, slot_ids[0], NOW)
    cancel(factory, lead_id, old.reference, NOW)
    with pytest.raises(BookingNotFound):
        move(factory, lead_id, old.reference, slot_ids[1], NOW)


def test_a_move_to_a_past_slot_keeps_the_old_booking(factory, slot_ids, make_lead):
    lead_id = make_lead()
    old = book(factory, lead_id, slot_ids[4], NOW)
    with pytest.raises(SlotUnavailable):
        move(factory, lead_id, old.reference, slot_ids[0], NOW + timedelta(days=1, hours=1))
    with factory() as session:
        assert active_booking(session, lead_id).reference == old.reference


def test_20_visitors_racing_for_one_slot_get_one_booking(factory, slot_ids, make_lead):
    lead_ids = [make_lead(f"racer-{i}") for i in range(20)]
    barrier = threading.Barrier(len(lead_ids))
    outcomes: dict[int, object] = {}

    def attempt(lead_id: int) -> None:
        barrier.wait()
        try:
            outcomes[lead_id] = book(factory, lead_id, slot_ids[0], NOW)
        except Exception as error:  # every outcome is checked below
            outcomes[lead_id] = error

    threads = [threading.Thread(target=attempt, args=(lead_id,)) for lead_id in lead_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    winners = [lead for lead, outcome in outcomes.items() if isinstance(outcome, Booking)]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, SlotTaken)]
    assert len(outcomes) == 20
    assert (len(winners), len(losers)) == (1, 19), outcomes
    assert all([s.id for s in loser.alternatives] == slot_ids[1:4] for loser in losers)
    with factory() as session:
        assert session.execute(select(func.count(Booking.id))).scalar_one() == 1
        booked = session.execute(select(Lead.id).where(Lead.status == "booked")).scalars()
        assert list(booked) == winners


# --- slots staff manage ----------------------------------------------------------------


def _listed(session, after=None) -> list[tuple[int, str | None]]:
    return [
        (slot.id, held.reference if held else None)
        for slot, held in slots_with_bookings(session, after)
    ]


def test_slots_with_bookings_pairs_each_slot_with_its_active_booking(factory, slot_ids, make_lead):
    held = book(factory, make_lead("c1", name="Holder"), slot_ids[0], NOW)
    dropped = make_lead("c2")
    cancel(factory, dropped, book(factory, dropped, slot_ids[1], NOW).reference, NOW)
    rebooked = make_lead("c3")
    cancel(factory, rebooked, book(factory, rebooked, slot_ids[2], NOW).reference, NOW)
    again = book(factory, make_lead("c4", name="Second"), slot_ids[2], NOW)
    with factory() as session:
        assert _listed(session) == [
            (slot_ids[0], held.reference),
            (slot_ids[1], None),
            (slot_ids[2], again.reference),
            (slot_ids[3], None),
            (slot_ids[4], None),
        ]
        rows = slots_with_bookings(session)
        assert [held.lead.name for _, held in rows if held] == ["Holder", "Second"]
        # strictly after: the first slot starts exactly a day after NOW
        assert _listed(session, NOW + timedelta(days=1)) == [
            (slot_ids[1], None),
            (slot_ids[2], again.reference),
            (slot_ids[3], None),
            (slot_ids[4], None),
        ]
        assert _listed(session, NOW + timedelta(days=2)) == []


def test_slots_with_bookings_refuses_a_naive_time(session):
    with pytest.raises(ValueError, match="timezone-aware"):
        slots_with_bookings(session, datetime(2026, 11, 27, 9, 0))


def test_removing_a_slot_never_booked_deletes_it(factory, slot_ids):
    with factory.begin() as session:
        removed = remove_slot(session, slot_ids[0], NOW)
        assert removed.id == slot_ids[0]
        assert removed.starts_at == NOW + timedelta(days=1)
    with factory() as session:
        assert session.get(ReviewSlot, slot_ids[0]) is None
        assert [s.id for s in free_slots(session, NOW)] == slot_ids[1:4]
        assert [slot_id for slot_id, _ in _listed(session)] == slot_ids[1:]


def test_removing_a_slot_with_only_cancelled_bookings_keeps_it_withdrawn(
    factory, slot_ids, make_lead
):
    lead_id = make_lead("c1")
    made = book(factory, lead_id, slot_ids[0], NOW)
    cancel(factory, lead_id, made.reference, NOW)
    later = NOW + timedelta(minutes=10)
    with factory.begin() as session:
        assert remove_slot(session, slot_ids[0], later).removed_at == later
    with factory() as session:
        kept = session.get(ReviewSlot, slot_ids[0])
        assert kept.removed_at == later
        assert [(b.reference, b.status) for b in kept.bookings] == [(made.reference, "cancelled")]
        assert [s.id for s in free_slots(session, NOW)] == slot_ids[1:4]
        assert [slot_id for slot_id, _ in _listed(session)] == slot_ids[1:]
    with pytest.raises(SlotUnavailable):
        book(factory, make_lead("c2"), slot_ids[0], later)
    assert _lead_status(factory, lead_id) == "new"


def test_a_booking_cannot_be_moved_to_a_removed_slot(factory, slot_ids, make_lead):
    first = make_lead("c1")
    cancel(factory, first, book(factory, first, slot_ids[1], NOW).reference, NOW)
    with factory.begin() as session:
        remove_slot(session, slot_ids[1], NOW)
    lead_id = make_lead("c2")
    old = book(factory, lead_id, slot_ids[0], NOW)
    with pytest.raises(SlotUnavailable):
        move(factory, lead_id, old.reference, slot_ids[1], NOW)
    with factory() as session:
        assert active_booking(session, lead_id).reference == old.reference


def test_a_booked_slot_cannot_be_removed(factory, slot_ids, make_lead):
    made = book(factory, make_lead(), slot_ids[0], NOW)
    with factory() as session, pytest.raises(SlotBooked) as refused:
        remove_slot(session, slot_ids[0], NOW)
    assert made.reference in str(refused.value)
    with factory() as session:
        slot = session.get(ReviewSlot, slot_ids[0])
        assert slot.removed_at is None
        assert _listed(session)[0] == (slot_ids[0], made.reference)
        assert active_booking(session, made.lead_id).slot_id == slot_ids[0]


def test_removing_a_missing_or_removed_slot_is_unavailable(factory, slot_ids, make_lead):
    lead_id = make_lead()
    cancel(factory, lead_id, book(factory, lead_id, slot_ids[0], NOW).reference, NOW)
    with factory.begin() as session:
        remove_slot(session, slot_ids[0], NOW)  # withdrawn, kept
        remove_slot(session, slot_ids[1], NOW)  # deleted
    for slot_id in (slot_ids[0], slot_ids[1], 9999):
        with factory() as session, pytest.raises(SlotUnavailable, match=f"no slot {slot_id}"):
            remove_slot(session, slot_id, NOW)
    with factory() as session:
        assert session.get(ReviewSlot, slot_ids[0]).removed_at == NOW


def test_remove_slot_refuses_a_naive_time(factory, slot_ids):
    with factory() as session, pytest.raises(ValueError, match="timezone-aware"):
        remove_slot(session, slot_ids[0], datetime(2026, 11, 27, 9, 0))


def test_a_removed_time_can_be_offered_again(factory, slot_ids, make_lead):
    lead_id = make_lead()
    cancel(factory, lead_id, book(factory, lead_id, slot_ids[0], NOW).reference, NOW)
    with factory.begin() as session:
        remove_slot(session, slot_ids[0], NOW)
    with factory.begin() as session:
        add_slots(session, [NOW + timedelta(days=1)])
    with factory() as session:
        offered = free_slots(session, NOW, limit=1)
        assert [s.starts_at for s in offered] == [NOW + timedelta(days=1)]


# --- finding a booking again -------------------------------------------------------------


def test_a_booking_is_found_by_its_reference_and_its_contact(factory, make_lead, slot_ids):
    lead_id = make_lead(email="Ana@Example.com", phone="+13125550142")
    made = book(factory, lead_id, slot_ids[0], NOW)
    with factory() as session:
        find = booking.booking_by_reference
        assert find(session, made.reference.lower(), "ana@example.com", None).id == made.id
        assert find(session, made.reference, None, "+13125550142").id == made.id
        assert find(session, made.reference, "other@example.com", "+13125550100") is None
        assert find(session, made.reference, None, None) is None
        assert find(session, "ZZZZZZZZ", "ana@example.com", None) is None
    cancel(factory, lead_id, made.reference, NOW)
    with factory() as session:
        assert (
            booking.booking_by_reference(session, made.reference, "ana@example.com", None) is None
        )
