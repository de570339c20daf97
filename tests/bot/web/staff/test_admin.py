from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clinic import booking
from bot.db.models import (
    AuditEvent,
    Booking,
    BookingNotice,
    Consent,
    Lead,
    ReviewSlot,
    StaffSession,
    StaffUser,
    utcnow,
)
from bot.staff.accounts import find_user
from tests.bot.web.staff.conftest import ADMIN, STAFF, csrf_of, post_form, sign_in


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
    cancel = f"/staff/bookings/{held.id}/cancel"
    cancelled = post_form(admin, cancel, cancel)  # from its confirmation page
    assert cancelled.status_code == 303
    assert f"Booking {held.reference} cancelled." in admin.get("/staff/slots").text
    remove = f"/staff/slots/{slot_id}/remove"
    removed = post_form(admin, remove, remove)
    assert removed.status_code == 303
    assert f"Slot #{slot_id} removed." in admin.get("/staff/slots").text
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


def _booked_slot(site) -> tuple[int, object]:
    now = utcnow()
    with site.factory.begin() as session:
        slot = booking.add_slots(session, [now + timedelta(days=3)])[0]
        lead = Lead(conversation_id="c1", name="Ana Test", email="ana@example.com")
        session.add(lead)
        session.flush()
        slot_id, lead_id = slot.id, lead.id
    return slot_id, booking.book(site.factory, lead_id, slot_id, now)


def test_cancelling_a_booking_and_removing_a_slot_ask_first(site, admin):
    slot_id, held = _booked_slot(site)
    schedule = admin.get("/staff/slots").text
    # the schedule links to the questions; nothing on it changes anything by itself
    assert f'href="/staff/bookings/{held.id}/cancel"' in schedule
    assert f'href="/staff/slots/{slot_id}/remove"' in schedule
    assert f'action="/staff/bookings/{held.id}/cancel"' not in schedule
    question = admin.get(f"/staff/bookings/{held.id}/cancel")
    assert question.status_code == 200
    assert f"Cancel booking {held.reference}?" in question.text
    assert f'action="/staff/bookings/{held.id}/cancel"' in question.text
    assert 'href="/staff/slots">Keep it and go back' in question.text
    with site.factory() as session:
        assert session.get(Booking, held.id).status == "active"  # asking changed nothing
    removal = admin.get(f"/staff/slots/{slot_id}/remove")
    assert removal.status_code == 200 and f"Remove slot #{slot_id}?" in removal.text


def test_confirmation_pages_of_what_is_gone_are_not_found(site, admin):
    slot_id, held = _booked_slot(site)
    cancel = f"/staff/bookings/{held.id}/cancel"
    assert post_form(admin, cancel, cancel).status_code == 303
    assert admin.get(cancel).status_code == 404
    remove = f"/staff/slots/{slot_id}/remove"
    assert post_form(admin, remove, remove).status_code == 303
    assert admin.get(remove).status_code == 404


def test_staff_see_the_review_schedule_read_only(site, staff):
    slot_id, held = _booked_slot(site)
    response = staff.get("/staff/slots")
    assert response.status_code == 200
    page = response.text
    assert held.reference in page and "Read-only" in page
    assert 'action="/staff/slots"' not in page and "/remove" not in page and "/cancel" not in page
    assert 'href="/staff/slots"' in staff.get("/staff/leads").text  # in the navigation


def test_staff_cannot_change_the_schedule(site, staff):
    slot_id, held = _booked_slot(site)
    token = csrf_of(staff.get("/staff/slots").text)
    posts = {
        "/staff/slots": {"date": _future_day(), "time": "09:30"},
        f"/staff/slots/{slot_id}/remove": {},
        f"/staff/bookings/{held.id}/cancel": {},
    }
    for path, fields in posts.items():
        response = staff.post(path, data={"csrf_token": token, **fields})
        assert response.status_code == 403, path
        assert "administrators" in response.text
    with site.factory() as session:
        assert session.get(Booking, held.id).status == "active"
        assert session.get(ReviewSlot, slot_id).removed_at is None
        assert len(session.execute(select(ReviewSlot)).scalars().all()) == 1
