"""Administrators' pages: review slots, staff accounts and the audit log. Staff see the
review schedule too, read-only; every change to it is an administrator's."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from starlette.responses import Response

from bot.clinic import booking
from bot.db.models import STAFF_ROLES, Booking, ReviewSlot, StaffUser
from bot.staff.accounts import AccountError
from bot.staff.administration import (
    create_user,
    list_users,
    reset_password,
    set_active,
    set_role,
)
from bot.staff.audit import ACTIONS, AuditQuery, record, search
from bot.staff.inputs import day, record_id, whole_number
from bot.web.staff.context import PageError, StaffContext, page_number, path_id, staff_page

MAX_WEEKS = 52
DURATIONS = (15, 20, 30, 45, 60)


def _slots_page(ctx: StaffContext, status_code: int = 200, **context: object) -> Response:
    show_past = ctx.request.query_params.get("past") == "1"
    rows = booking.slots_with_bookings(ctx.db, None if show_past else ctx.now)
    return ctx.render(
        "staff/slots.html",
        status_code=status_code,
        rows=rows,
        show_past=show_past,
        durations=DURATIONS,
        **context,
    )


@staff_page()
def slots(ctx: StaffContext) -> Response:
    """Upcoming slots, which are booked and by which lead; the forms only for admins."""
    return _slots_page(ctx, message=ctx.take_notice())


def _confirm(ctx: StaffContext, **page: object) -> Response:
    """A destructive action's question, with the form that does it and a way back."""
    return ctx.render("staff/confirm.html", back="/staff/slots", **page)


def _offered_slot(ctx: StaffContext) -> ReviewSlot:
    slot = ctx.db.get(ReviewSlot, path_id(ctx))
    if slot is None or slot.removed_at is not None:
        raise PageError(404, "There is no such slot (it may have been removed already).")
    return slot


def _active_booking(ctx: StaffContext) -> Booking:
    held = ctx.db.get(Booking, path_id(ctx))
    if held is None or held.status != "active":
        raise PageError(404, "There is no active booking with that number.")
    return held


@staff_page(role="admin")
def remove_slot_confirm(ctx: StaffContext) -> Response:
    """Ask before a slot stops being offered."""
    slot = _offered_slot(ctx)
    return _confirm(
        ctx,
        title=f"Remove slot #{slot.id}?",
        moment=slot.starts_at,
        explanation="Visitors will no longer be offered this time.",
        action=f"/staff/slots/{slot.id}/remove",
        button=f"Remove slot #{slot.id}",
    )


@staff_page(role="admin")
def cancel_booking_confirm(ctx: StaffContext) -> Response:
    """Ask before a visitor's booking is cancelled."""
    held = _active_booking(ctx)
    return _confirm(
        ctx,
        title=f"Cancel booking {held.reference}?",
        moment=held.slot.starts_at,
        explanation=(
            f"Lead #{held.lead_id} loses this scan review (a booked lead goes back to "
            "new) and the slot is free again. The visitor is sent a cancellation notice "
            "where they gave an email or allowed texts and the clinic's sending is set up."
        ),
        action=f"/staff/bookings/{held.id}/cancel",
        button=f"Cancel booking {held.reference}",
    )


def _int_field(ctx: StaffContext, name: str, default: int, low: int, high: int) -> int:
    return whole_number(ctx.field(name) or str(default), name, low, high)


@staff_page(role="admin")
def add_slots(ctx: StaffContext) -> Response:
    """Offer a time, optionally the same time for several weeks."""
    zone = ctx.app.zone
    try:
        weeks = _int_field(ctx, "weeks", 1, 1, MAX_WEEKS)
        duration = _int_field(ctx, "duration", 30, 5, 240)
        when = day(ctx.field("date"), "the day")
        first = booking.parse_local(f"{when.isoformat()} {ctx.field('time')}", zone.key)
        starts = booking.weekly(first, weeks)
        if starts[0] <= ctx.now:
            raise ValueError("that time is in the past")
    except ValueError as error:
        return _slots_page(ctx, 400, error=str(error))
    created = booking.add_slots(ctx.db, starts, duration)
    for slot in created:
        record(
            ctx.db,
            "slot_added",
            ctx.user,
            target_type="slot",
            target_id=slot.id,
            details={"starts_at": slot.starts_at.isoformat()},
            ip_address=ctx.ip,
            now=ctx.now,
        )
    skipped = len(starts) - len(created)
    done = f"{len(created)} slot(s) added" + (f", {skipped} already offered" if skipped else "")
    return ctx.redirect("/staff/slots", done)


@staff_page(role="admin")
def remove_slot(ctx: StaffContext) -> Response:
    slot_id = path_id(ctx)
    try:
        slot = booking.remove_slot(ctx.db, slot_id, ctx.now)
    except booking.SlotUnavailable:
        raise PageError(404, "There is no such slot (it may have been removed already).") from None
    except booking.SlotBooked as error:
        ctx.db.rollback()
        return _slots_page(ctx, 409, error=f"Not removed: {error}.")
    record(
        ctx.db,
        "slot_removed",
        ctx.user,
        target_type="slot",
        target_id=slot_id,
        details={"starts_at": slot.starts_at.isoformat()},
        ip_address=ctx.ip,
        now=ctx.now,
    )
    return ctx.redirect("/staff/slots", f"Slot #{slot_id} removed.")


@staff_page(role="admin")
def cancel_booking(ctx: StaffContext) -> Response:
    """Cancel a slot's booking (the lead goes back to new), e.g. before removing it."""
    held = _active_booking(ctx)
    lead_id, reference, slot_id = held.lead_id, held.reference, held.slot_id
    ctx.db.rollback()  # booking.cancel runs its own transaction
    try:
        booking.cancel(ctx.app.factory, lead_id, reference, ctx.now)
    except booking.BookingNotFound:
        raise PageError(404, "That booking is no longer active.") from None
    record(
        ctx.db,
        "booking_cancelled",
        ctx.user,
        target_type="lead",
        target_id=lead_id,
        details={"slot_id": slot_id},
        ip_address=ctx.ip,
        now=ctx.now,
    )
    return ctx.redirect("/staff/slots", f"Booking {reference} cancelled.")


def _users_page(ctx: StaffContext, status_code: int = 200, **context: object) -> Response:
    return ctx.render(
        "staff/users.html",
        status_code=status_code,
        users=list_users(ctx.db),
        roles=STAFF_ROLES,
        **context,
    )


@staff_page(role="admin")
def users(ctx: StaffContext) -> Response:
    return _users_page(ctx, message=ctx.take_notice())


@staff_page(role="admin")
def add_user(ctx: StaffContext) -> Response:
    try:
        user = create_user(
            ctx.db,
            ctx.field("email"),
            ctx.field("password"),
            ctx.field("role") or "staff",
            now=ctx.now,
            actor=ctx.user,
        )
    except AccountError as error:
        ctx.db.rollback()
        return _users_page(ctx, 400, error=str(error), email=ctx.field("email"))
    return ctx.redirect("/staff/users", f"Account created for {user.email}")


def _target(ctx: StaffContext) -> int:
    user_id = path_id(ctx)
    if ctx.db.get(StaffUser, user_id) is None:
        raise PageError(404, "There is no such account.")
    return user_id


@staff_page(role="admin")
def change_user(ctx: StaffContext) -> Response:
    """Activate, deactivate, change the role or reset the password of an account."""
    user_id = _target(ctx)
    change = ctx.field("change")
    try:
        if change in {"activate", "deactivate"}:
            set_active(ctx.db, user_id, change == "activate", ctx.user, ctx.now)
        elif change == "role":
            set_role(ctx.db, user_id, ctx.field("role"), ctx.user, ctx.now)
        elif change == "password":
            reset_password(ctx.db, user_id, ctx.field("password"), ctx.user, ctx.now)
        else:
            raise AccountError("choose what to change")
    except AccountError as error:
        ctx.db.rollback()
        return _users_page(ctx, 400, error=str(error))
    return ctx.redirect("/staff/users", "Account updated")


def _audit_query(ctx: StaffContext) -> tuple[AuditQuery, dict[str, str], str | None]:
    params = ctx.request.query_params
    kept = {k: params[k] for k in ("action", "actor", "from", "to", "lead") if params.get(k)}
    zone = ctx.app.zone
    try:
        action = kept.get("action")
        if action and action not in ACTIONS:
            raise ValueError("choose an action from the list")
        actor = record_id(kept["actor"], "the person") if "actor" in kept else None
        lead = record_id(kept["lead"], "the lead number") if "lead" in kept else None
        start = day(kept["from"], "from") if "from" in kept else None
        end = day(kept["to"], "to") if "to" in kept else None
        query = AuditQuery(
            action=action,
            actor_id=actor,
            target_type="lead" if lead else None,
            target_id=lead,
            since=datetime.combine(start, time(), zone) if start else None,
            until=datetime.combine(end + timedelta(days=1), time(), zone) if end else None,
        )
    except ValueError as error:
        return AuditQuery(), {}, str(error)
    return query, kept, None


@staff_page(role="admin")
def audit(ctx: StaffContext) -> Response:
    """The audit log, newest first, filtered by action, person, lead and dates."""
    query, kept, error = _audit_query(ctx)
    page, page_error = page_number(ctx)
    error = error or page_error
    result = search(ctx.db, query, page=page)
    people = ctx.db.execute(select(StaffUser).order_by(StaffUser.email)).scalars()
    return ctx.render(
        "staff/audit.html",
        status_code=400 if error else 200,
        result=result,
        kept=kept,
        actions=ACTIONS,
        people=list(people),
        filter_error=error,
    )
