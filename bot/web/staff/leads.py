"""The inbox, a lead's page, the changes staff make to it, the CSV export and erasure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from starlette.responses import RedirectResponse, Response

from bot.db.dialects import scrub_sqlite_log
from bot.db.models import Booking, Lead, LeadNote, StaffUser
from bot.intake.summary import LABELS
from bot.staff.audit import record
from bot.staff.duplicates import possible_duplicates
from bot.staff.export import leads_csv
from bot.staff.inbox import (
    FilterError,
    LeadFilter,
    all_matching,
    find_leads,
    parse_filter,
)
from bot.staff.inputs import InputError, record_id
from bot.staff.masking import mask_contact_points, mask_email, mask_phone
from bot.staff.pipeline import (
    CLOSE_REASON_LABELS,
    NEXT_STATUSES,
    PipelineError,
    add_note,
    assign,
    set_status,
)
from bot.staff.privacy import erase_lead
from bot.staff.queue import Due, lead_due
from bot.staff.transcript import Turn, read_transcript
from bot.staff.visits import count_new, mark_inbox_seen, new_since
from bot.web.staff.context import PageError, StaffContext, page_number, path_id, staff_page

# the canonical values of the condition entity, as the inbox filter offers them
CONDITIONS = (
    "sciatica",
    "herniated_disc",
    "pinched_nerve",
    "degenerative_disc_disease",
    "spinal_stenosis",
    "back_pain",
    "neck_pain",
    "other",
)
ERASE_WORD = "ERASE"


def _filter(ctx: StaffContext) -> tuple[LeadFilter, str | None]:
    try:
        return parse_filter(ctx.request.query_params, CONDITIONS, ctx.user.id), None
    except FilterError as error:
        return LeadFilter(), str(error)


def _erased(ctx: StaffContext) -> int | None:
    """The lead number erase() sent back here, to say it's gone; only ever a number,
    so the link can't carry a message of its own."""
    try:
        return record_id(ctx.request.query_params.get("erased", ""))
    except InputError:
        return None


def auto_refreshed(ctx: StaffContext) -> bool:
    """The page reloaded itself (static/staff-refresh.js adds ``refreshed=1``): not a
    visit by the person, so what is new to them stays marked."""
    return ctx.request.query_params.get("refreshed") == "1"


def due_of(ctx: StaffContext) -> Callable[[Lead], Due]:
    """A lead's call-by time at this request's moment, for the templates."""
    hours, zone = ctx.app.hours, ctx.app.zone
    return lambda lead: lead_due(lead, hours, zone, ctx.now)


def row_helpers(ctx: StaffContext) -> dict[str, object]:
    """What the leads' table (staff/_lead_rows.html) needs besides the leads."""
    return {
        "new_after": new_since(ctx.user),
        "due": due_of(ctx),
        "condition_labels": LABELS,
        "mask_email": mask_email,
        "mask_phone": mask_phone,
    }


@staff_page()
def inbox(ctx: StaffContext) -> Response:
    """Leads newest first (or by triage), filtered, searched, a page at a time; those
    that arrived since the user's last visit are marked new."""
    flt, error = _filter(ctx)
    number, page_error = page_number(ctx)
    page = find_leads(ctx.db, flt, ctx.app.zone, number)
    error = error or page_error
    helpers = row_helpers(ctx)  # "new" as it was before this visit
    new_count = count_new(ctx.db, ctx.user)
    if not auto_refreshed(ctx):
        mark_inbox_seen(ctx.user, ctx.now)
    return ctx.render(
        "staff/inbox.html",
        status_code=400 if error else 200,
        page=page,
        flt=flt,
        query=flt.query_items(),
        filter_error=error,
        erased=_erased(ctx),
        conditions=CONDITIONS,
        new_count=new_count,
        **helpers,
    )


@staff_page()
def export(ctx: StaffContext) -> Response:
    """The current filter's leads as CSV; contact details included, so it is logged."""
    flt, error = _filter(ctx)
    if error:
        raise PageError(400, error)
    leads = all_matching(ctx.db, flt, ctx.app.zone)
    record(
        ctx.db,
        "leads_exported",
        ctx.user,
        details={"count": len(leads), "filter": flt.query_items(), "via": "web"},
        ip_address=ctx.ip,
        now=ctx.now,
    )
    stamp = ctx.now.astimezone(ctx.app.zone).strftime("%Y%m%d-%H%M")
    return Response(
        leads_csv(leads, ctx.app.zone),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="leads-{stamp}.csv"'},
    )


def _lead(ctx: StaffContext) -> Lead:
    lead = ctx.db.execute(
        select(Lead)
        .where(Lead.id == path_id(ctx))
        .options(
            selectinload(Lead.intake),
            selectinload(Lead.consent),
            selectinload(Lead.bookings).selectinload(Booking.slot),
            selectinload(Lead.notes).selectinload(LeadNote.author),
            selectinload(Lead.assigned_to),
        )
    ).scalar_one_or_none()
    if lead is None:
        raise PageError(404, "There is no lead with that number. It may have been erased.")
    return lead


def _transcript(ctx: StaffContext, lead: Lead, revealed: bool) -> list[Turn]:
    """The conversation, with contact details masked like the rest of the page until
    they are revealed."""
    turns = read_transcript(ctx.app.tracker_url, lead.conversation_id)
    if revealed:
        return turns
    region = ctx.app.settings.phone_region
    return [replace(turn, text=mask_contact_points(turn.text, region)) for turn in turns]


def _detail(
    ctx: StaffContext, lead: Lead, revealed: bool = False, error: str | None = None
) -> Response:
    staff = ctx.db.execute(
        select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.email)
    ).scalars()
    return ctx.render(
        "staff/lead.html",
        status_code=400 if error else 200,
        lead=lead,
        revealed=revealed,
        error=error,
        message=ctx.take_notice(),
        due=lead_due(lead, ctx.app.hours, ctx.app.zone, ctx.now),
        duplicates=possible_duplicates(ctx.db, lead, ctx.app.settings.phone_region),
        transcript=_transcript(ctx, lead, revealed),
        next_statuses=NEXT_STATUSES[lead.status],
        close_reasons=CLOSE_REASON_LABELS,
        staff_members=list(staff),
        condition_labels=LABELS,
        mask_email=mask_email,
        mask_phone=mask_phone,
    )


def _logged_view(ctx: StaffContext, action: str, revealed: bool) -> Response:
    lead = _lead(ctx)
    record(ctx.db, action, ctx.user, target_type="lead", target_id=lead.id,
           ip_address=ctx.ip, now=ctx.now)  # fmt: skip
    return _detail(ctx, lead, revealed=revealed)


@staff_page()
def lead_detail(ctx: StaffContext) -> Response:
    """Everything about one lead; contact details stay masked until revealed."""
    return _logged_view(ctx, "lead_viewed", revealed=False)


@staff_page()
def reveal(ctx: StaffContext) -> Response:
    """Show the contact details (a deliberate, logged step)."""
    return _logged_view(ctx, "contact_revealed", revealed=True)


def _change(ctx: StaffContext, apply: Callable[[Lead], str]) -> Response:
    """Apply a pipeline change to the lead, then back to its page, which says what was
    done (``apply``'s words); a refused change is shown on the page with the reason."""
    lead = _lead(ctx)
    try:
        done = apply(lead)
    except PipelineError as error:
        ctx.db.rollback()
        return _detail(ctx, _lead(ctx), error=str(error))
    return ctx.redirect(f"/staff/leads/{lead.id}", done)


@staff_page()
def change_status(ctx: StaffContext) -> Response:
    reason = ctx.field("reason") or None

    def apply(lead: Lead) -> str:
        set_status(ctx.db, lead, ctx.field("status"), ctx.user, ctx.now, reason)
        label = CLOSE_REASON_LABELS.get(reason or "")
        return f"Status changed to {lead.status}" + (f" ({label})." if label else ".")

    return _change(ctx, apply)


@staff_page()
def note(ctx: StaffContext) -> Response:
    def apply(lead: Lead) -> str:
        add_note(ctx.db, lead, ctx.user, ctx.field("body"), ctx.now)
        return "Note added."

    return _change(ctx, apply)


def _assignee(ctx: StaffContext) -> int | None:
    raw = ctx.field("assignee")
    if raw == "me":
        return ctx.user.id
    if raw == "":
        return None
    try:
        return record_id(raw, "the staff member")
    except InputError:
        raise PageError(400, "Choose a staff member from the list.") from None


@staff_page()
def assign_lead(ctx: StaffContext) -> Response:
    def apply(lead: Lead) -> str:
        assign(ctx.db, lead, _assignee(ctx), ctx.user, ctx.now)
        member = ctx.db.get(StaffUser, lead.assigned_to_id) if lead.assigned_to_id else None
        return f"Assigned to {member.email}." if member else "Assigned to nobody."

    return _change(ctx, apply)


@staff_page(role="admin")
def erase_confirm(ctx: StaffContext) -> Response:
    """First confirmation: what will be erased, and the word to type."""
    return ctx.render("staff/erase.html", lead=_lead(ctx), word=ERASE_WORD, error=None)


@staff_page(role="admin")
def erase(ctx: StaffContext) -> Response:
    """Second confirmation: the typed word; then the lead and its conversation go."""
    lead = _lead(ctx)
    if ctx.field("confirm") != ERASE_WORD:
        error = f"Type {ERASE_WORD} in capitals to confirm."
        return ctx.render(
            "staff/erase.html", status_code=400, lead=lead, word=ERASE_WORD, error=error
        )
    lead_id = lead.id
    erase_lead(ctx.db, lead_id, ctx.app.tracker_url, ctx.user, ctx.now, ip_address=ctx.ip)
    ctx.db.commit()
    scrub_sqlite_log(ctx.db)
    return RedirectResponse(f"/staff/leads?erased={lead_id}", status_code=303)
