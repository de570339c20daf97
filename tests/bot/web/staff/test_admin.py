from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clinic import booking
from bot.db.models import (
    AuditEvent,
    BookingNotice,
    Consent,
    Lead,
    ReviewSlot,
    StaffSession,
    StaffUser,
    utcnow,
)
from bot.staff.accounts import find_user
from tests.bot.web.staff.conftest import ADMIN, STAFF, post_form, sign_in


def _future_day() -> str:
    return (utcnow() + timedelta(days=10)).date().isoformat()


def test_admins_add_slots_for_several_weeks(site, admin):
    response = post_form(
        admin,
        "/staff/slots",
        "/staff/slots",
        {"date": _future_day(), "time": "09:30", "duration": "30", "weeks": "3"},
    )
    assert response.status_code == 303
    page = admin.get(response.headers["location"]).text
    assert "3 slot(s) added" in page
    assert page.count("Free") == 3
    with site.factory() as session:
        assert len(session.execute(select(ReviewSlot)).scalars().all()) == 3
        added = (
            session.execute(select(AuditEvent).where(AuditEvent.action == "slot_added"))
            .scalars()
            .all()
        )
    assert len(added) == 3


def test_bad_slot_input_is_explained(admin):
    past = post_form(admin, "/staff/slots", "/staff/slots", {"date": "2020-01-06", "time": "09:00"})
    assert past.status_code == 400 and "in the past" in past.text
    nonsense = post_form(admin, "/staff/slots", "/staff/slots", {"date": "soon", "time": "9"})
    assert nonsense.status_code == 400 and "the day must be a date like" in nonsense.text
    no_time = post_form(admin, "/staff/slots", "/staff/slots", {"date": _future_day(), "time": "9"})
    assert no_time.status_code == 400 and "YYYY-MM-DD HH:MM" in no_time.text
    weeks = post_form(
        admin,
        "/staff/slots",
        "/staff/slots",
        {"date": _future_day(), "time": "09:00", "weeks": "99"},
    )
    assert weeks.status_code == 400 and "weeks" in weeks.text


def test_a_booked_slot_is_removed_only_after_its_booking_is_cancelled(site, admin):
    now = utcnow()
    with site.factory.begin() as session:
        slot = booking.add_slots(session, [now + timedelta(days=3)])[0]
        lead = Lead(conversation_id="c1", name="Ana Test", email="ana@example.com")
        session.add(lead)
        session.flush()
        slot_id, lead_id = slot.id, lead.id
    held = booking.book(site.factory, lead_id, slot_id, now)
    page = admin.get("/staff/slots").text
    assert f"Lead #{lead_id}" in page and held.reference in page
    refused = post_form(admin, "/staff/slots", f"/staff/slots/{slot_id}/remove")
    assert refused.status_code == 409
    assert "cancel the booking first" in refused.text
    cancelled = post_form(admin, "/staff/slots", f"/staff/bookings/{held.id}/cancel")
    assert cancelled.status_code == 303
    removed = post_form(admin, "/staff/slots", f"/staff/slots/{slot_id}/remove")
    assert removed.status_code == 303
    with site.factory() as session:
        kept = session.get(ReviewSlot, slot_id)
        assert kept is not None and kept.removed_at is not None  # the cancelled booking's record
        assert session.get(Lead, lead_id).status == "new"
        actions = session.execute(
            select(AuditEvent.action).where(AuditEvent.actor_email == ADMIN[0])
        ).scalars()
        assert {"booking_cancelled", "slot_removed"} <= set(actions)
    assert f"#{slot_id}" not in admin.get("/staff/slots").text.split("<tbody>")[1]
    assert post_form(admin, "/staff/slots", f"/staff/slots/{slot_id}/remove").status_code == 404


def test_a_booking_staff_cancel_queues_the_visitors_notice(site, admin):
    now = utcnow()
    with site.factory.begin() as session:
        slot = booking.add_slots(session, [now + timedelta(days=3)])[0]
        lead = Lead(conversation_id="c1", name="Ana Test", email="ana@example.com")
        lead.consent = Consent(notice_version="v1", agreed=True, contact_opt_in=False, given_at=now)
        session.add(lead)
        session.flush()
        slot_id, lead_id = slot.id, lead.id
    held = booking.book(site.factory, lead_id, slot_id, now)
    assert post_form(admin, "/staff/slots", f"/staff/bookings/{held.id}/cancel").status_code == 303
    with site.factory() as session:
        queued = session.execute(
            select(BookingNotice.kind, BookingNotice.status).where(
                BookingNotice.booking_id == held.id
            )
        ).all()
    assert ("cancelled", "queued") in queued
    assert ("reminder", "queued") not in queued


def test_admins_manage_accounts(site, admin):
    created = post_form(
        admin,
        "/staff/users",
        "/staff/users",
        {"email": "New.Person@clinic.example", "role": "staff", "password": "river stone 42 maple"},
    )
    assert created.status_code == 303
    assert "new.person@clinic.example" in admin.get("/staff/users").text
    weak = post_form(
        admin, "/staff/users", "/staff/users", {"email": "x@clinic.example", "password": "short"}
    )
    assert weak.status_code == 400 and "too short" in weak.text
    duplicate = post_form(
        admin,
        "/staff/users",
        "/staff/users",
        {"email": STAFF[0], "password": "another long passphrase"},
    )
    assert duplicate.status_code == 400 and "already exists" in duplicate.text


def test_deactivating_an_account_signs_it_out(site, admin):
    desk = site.client()
    sign_in(desk, STAFF)
    with site.factory() as session:
        desk_id = find_user(session, STAFF[0]).id
    response = post_form(admin, "/staff/users", f"/staff/users/{desk_id}", {"change": "deactivate"})
    assert response.status_code == 303
    assert desk.get("/staff/leads").status_code == 303
    with site.factory() as session:
        assert session.get(StaffUser, desk_id).active is False
        assert (
            session.execute(select(StaffSession).where(StaffSession.user_id == desk_id)).first()
            is None
        )


def test_the_last_admin_cannot_demote_themselves(site, admin):
    with site.factory() as session:
        admin_id = find_user(session, ADMIN[0]).id
    response = post_form(
        admin, "/staff/users", f"/staff/users/{admin_id}", {"change": "role", "role": "staff"}
    )
    assert response.status_code == 400
    assert admin.get("/staff/users").status_code == 200


def test_unknown_accounts_are_not_found(admin):
    response = post_form(admin, "/staff/users", "/staff/users/9999", {"change": "deactivate"})
    assert response.status_code == 404


def test_the_audit_log_is_filtered(site, admin):
    page = admin.get("/staff/audit?action=login").text
    assert ADMIN[0] in page and "login" in page
    assert "<td>user created</td>" not in page
    everything = admin.get("/staff/audit").text
    assert "<td>user created</td>" in everything
    bad = admin.get("/staff/audit?action=rewrite&from=nope")
    assert bad.status_code == 400


def test_the_audit_log_has_no_edit_or_delete_route(admin):
    for method in ("put", "delete", "patch"):
        assert getattr(admin, method)("/staff/audit").status_code == 405
