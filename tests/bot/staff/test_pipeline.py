from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from bot.db.models import Lead, LeadNote, StaffUser
from bot.staff.audit import AuditQuery, search
from bot.staff.pipeline import PipelineError, add_note, assign, set_status

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)
CREATED = NOW - timedelta(days=1)
ALLOWED = {
    ("new", "contacted"),
    ("new", "booked"),
    ("new", "closed"),
    ("contacted", "booked"),
    ("contacted", "closed"),
    ("booked", "contacted"),
    ("booked", "closed"),
    ("closed", "contacted"),
}
STATUSES = ("new", "contacted", "booked", "closed")


@pytest.fixture
def staff(factory) -> dict[str, int]:
    """Two active staff members and a deactivated one: their ids by name."""
    with factory.begin() as session:
        users = {
            "alice": StaffUser(email="alice@clinic.example", password_hash="x"),
            "bob": StaffUser(email="bob@clinic.example", password_hash="x", role="admin"),
            "carol": StaffUser(email="carol@clinic.example", password_hash="x", active=False),
        }
        session.add_all(users.values())
        session.flush()
        return {name: user.id for name, user in users.items()}


@pytest.fixture
def lead_id(make_lead) -> int:
    return make_lead("c1", created_at=CREATED, updated_at=CREATED)


def _events(factory, action: str) -> list[tuple]:
    with factory() as session:
        events = search(session, AuditQuery(action=action)).items
        return [(e.actor_email, e.target_type, e.target_id, e.details, e.at) for e in events]


def _lead(factory, lead_id: int) -> Lead:
    with factory() as session:
        return session.get(Lead, lead_id)


# --- status ----------------------------------------------------------------------------


def test_which_moves_are_allowed(factory, make_lead, staff):
    outcomes = {}
    for before in STATUSES:
        for after in STATUSES:
            closed = {"closed_reason": "duplicate"} if before == "closed" else {}
            lead_id = make_lead(f"{before}-{after}", status=before, **closed)
            reason = "spam" if after == "closed" else None
            with factory() as session:
                lead = session.get(Lead, lead_id)
                try:
                    set_status(
                        session, lead, after, session.get(StaffUser, staff["alice"]), NOW, reason
                    )
                except PipelineError as error:
                    assert str(error) == f"a {before} lead can't be marked {after}"
                    outcomes[(before, after)] = False
                else:
                    outcomes[(before, after)] = True
                session.commit()
            assert _lead(factory, lead_id).status == (
                after if outcomes[(before, after)] else before
            )
    assert {move for move, allowed in outcomes.items() if allowed} == ALLOWED
    assert len(_events(factory, "status_changed")) == len(ALLOWED)


def test_contacting_a_lead(factory, lead_id, staff):
    with factory() as session:
        lead = session.get(Lead, lead_id)
        set_status(session, lead, "contacted", session.get(StaffUser, staff["alice"]), NOW)
        session.commit()
    stored = _lead(factory, lead_id)
    assert (stored.status, stored.closed_reason, stored.updated_at) == ("contacted", None, NOW)
    assert _events(factory, "status_changed") == [
        ("alice@clinic.example", "lead", lead_id, {"from": "new", "to": "contacted"}, NOW)
    ]


def test_closing_needs_a_reason_and_records_it(factory, lead_id, staff):
    with factory() as session:
        lead = session.get(Lead, lead_id)
        alice = session.get(StaffUser, staff["alice"])
        for reason in (None, "", "moved away"):
            with pytest.raises(PipelineError, match="choose why the lead is closed"):
                set_status(session, lead, "closed", alice, NOW, reason)
        assert (lead.status, lead.closed_reason) == ("new", None)
        set_status(session, lead, "closed", alice, NOW, "unreachable")
        session.commit()
    stored = _lead(factory, lead_id)
    assert (stored.status, stored.closed_reason, stored.updated_at) == (
        "closed",
        "unreachable",
        NOW,
    )
    assert _events(factory, "status_changed") == [
        (
            "alice@clinic.example",
            "lead",
            lead_id,
            {"from": "new", "to": "closed", "reason": "unreachable"},
            NOW,
        )
    ]


@pytest.mark.parametrize("status", ["contacted", "booked"])
def test_a_reason_is_refused_unless_closing(factory, lead_id, staff, status):
    with factory() as session:
        lead = session.get(Lead, lead_id)
        with pytest.raises(PipelineError, match="only given when closing"):
            set_status(session, lead, status, session.get(StaffUser, staff["alice"]), NOW, "spam")
        assert lead.status == "new"
        session.commit()
    assert _lead(factory, lead_id).status == "new"
    assert _events(factory, "status_changed") == []


def test_an_unknown_status_is_refused(factory, lead_id, staff):
    with factory() as session:
        lead = session.get(Lead, lead_id)
        with pytest.raises(PipelineError, match="unknown status 'lost'"):
            set_status(session, lead, "lost", session.get(StaffUser, staff["alice"]), NOW)
        assert lead.status == "new"


def test_reopening_clears_the_reason(factory, make_lead, staff):
    lead_id = make_lead("c1", status="closed", closed_reason="not_interested")
    later = NOW + timedelta(hours=1)
    with factory() as session:
        lead = session.get(Lead, lead_id)
        set_status(session, lead, "contacted", session.get(StaffUser, staff["bob"]), later)
        session.commit()
    stored = _lead(factory, lead_id)
    assert (stored.status, stored.closed_reason, stored.updated_at) == ("contacted", None, later)
    assert _events(factory, "status_changed") == [
        ("bob@clinic.example", "lead", lead_id, {"from": "closed", "to": "contacted"}, later)
    ]


def test_a_booked_lead_can_go_back_to_contacted(factory, make_lead, staff):
    lead_id = make_lead("c1", status="booked")
    with factory() as session:
        lead = session.get(Lead, lead_id)
        set_status(session, lead, "contacted", session.get(StaffUser, staff["alice"]), NOW)
        session.commit()
    assert _lead(factory, lead_id).status == "contacted"
    assert [e[3] for e in _events(factory, "status_changed")] == [
        {"from": "booked", "to": "contacted"}
    ]


# --- notes -----------------------------------------------------------------------------


def test_add_note(factory, lead_id, staff):
    body = "  Called back, pain 7/10 down the left leg; wants Tuesday.\n"
    with factory() as session:
        lead = session.get(Lead, lead_id)
        note = add_note(session, lead, session.get(StaffUser, staff["alice"]), body, NOW)
        session.commit()
        note_id = note.id
    with factory() as session:
        stored = session.get(LeadNote, note_id)
        assert (stored.lead_id, stored.author_id, stored.created_at) == (
            lead_id,
            staff["alice"],
            NOW,
        )
        assert stored.body == "Called back, pain 7/10 down the left leg; wants Tuesday."
        assert stored.author.email == "alice@clinic.example"
    events = _events(factory, "note_added")
    assert events == [("alice@clinic.example", "lead", lead_id, {"note_id": note_id}, NOW)]
    assert "pain" not in json.dumps(events[0][3])


def test_notes_are_kept_in_order(factory, lead_id, staff):
    with factory() as session:
        lead = session.get(Lead, lead_id)
        add_note(session, lead, session.get(StaffUser, staff["alice"]), "first", NOW)
        add_note(session, lead, session.get(StaffUser, staff["bob"]), "second", NOW)
        session.commit()
    with factory() as session:
        notes = session.get(Lead, lead_id).notes
        assert [(n.body, n.author.email) for n in notes] == [
            ("first", "alice@clinic.example"),
            ("second", "bob@clinic.example"),
        ]
    assert len(_events(factory, "note_added")) == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "the note is empty"),
        ("   \n\t ", "the note is empty"),
        (None, "the note is empty"),
        ("x" * 5001, "at most 5000 characters"),
    ],
)
def test_bad_notes_are_refused(factory, lead_id, staff, body, message):
    with factory() as session:
        lead = session.get(Lead, lead_id)
        with pytest.raises(PipelineError, match=message):
            add_note(session, lead, session.get(StaffUser, staff["alice"]), body, NOW)
        session.commit()
    with factory() as session:
        assert session.execute(select(func.count(LeadNote.id))).scalar_one() == 0
    assert _events(factory, "note_added") == []


def test_a_note_of_the_longest_length_is_kept(factory, lead_id, staff):
    with factory() as session:
        lead = session.get(Lead, lead_id)
        alice = session.get(StaffUser, staff["alice"])
        note = add_note(session, lead, alice, "  " + "x" * 5000 + "  ", NOW)
        session.commit()
        assert note.body == "x" * 5000


# --- assignment ------------------------------------------------------------------------


def test_assign_and_unassign(factory, lead_id, staff):
    later = NOW + timedelta(hours=1)
    with factory() as session:
        lead = session.get(Lead, lead_id)
        assign(session, lead, staff["bob"], session.get(StaffUser, staff["alice"]), NOW)
        session.commit()
    stored = _lead(factory, lead_id)
    assert (stored.assigned_to_id, stored.updated_at) == (staff["bob"], NOW)
    with factory() as session:
        lead = session.get(Lead, lead_id)
        assign(session, lead, None, session.get(StaffUser, staff["bob"]), later)
        session.commit()
    stored = _lead(factory, lead_id)
    assert (stored.assigned_to_id, stored.updated_at) == (None, later)
    assert _events(factory, "lead_assigned") == [
        ("bob@clinic.example", "lead", lead_id, {"to": None}, later),
        ("alice@clinic.example", "lead", lead_id, {"to": staff["bob"]}, NOW),
    ]


def test_assigning_to_the_same_person_changes_nothing(factory, make_lead, staff):
    lead_id = make_lead("c1", assigned_to_id=staff["alice"], updated_at=CREATED)
    unassigned = make_lead("c2", updated_at=CREATED)
    with factory() as session:
        alice = session.get(StaffUser, staff["alice"])
        assign(session, session.get(Lead, lead_id), staff["alice"], alice, NOW)
        assign(session, session.get(Lead, unassigned), None, alice, NOW)
        session.commit()
    assert (_lead(factory, lead_id).assigned_to_id, _lead(factory, lead_id).updated_at) == (
        staff["alice"],
        CREATED,
    )
    assert (_lead(factory, unassigned).assigned_to_id, _lead(factory, unassigned).updated_at) == (
        None,
        CREATED,
    )
    assert _events(factory, "lead_assigned") == []


@pytest.mark.parametrize("who", ["carol", "nobody"])
def test_only_active_staff_can_be_assigned(factory, lead_id, staff, who):
    assignee = staff.get(who, 9999)
    with factory() as session:
        lead = session.get(Lead, lead_id)
        with pytest.raises(PipelineError, match="no active staff member with that id"):
            assign(session, lead, assignee, session.get(StaffUser, staff["alice"]), NOW)
        session.commit()
    assert _lead(factory, lead_id).assigned_to_id is None
    assert _events(factory, "lead_assigned") == []
