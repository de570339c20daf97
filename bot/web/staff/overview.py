"""The overview page: leads per week by condition and by triage level, the funnel
from conversations to leads to bookings, as charts with their numbers in tables, and
the time to first contact per week."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from starlette.responses import Response

from bot.staff.charts import funnel_chart, stacked_bar_chart
from bot.staff.inputs import InputError, day
from bot.staff.overview import first_contact_by_week, funnel, weekly_leads
from bot.staff.transcript import count_conversations
from bot.web.staff.context import StaffContext, staff_page

DEFAULT_WEEKS = 8
MAX_DAYS = 366


def wait_text(wait: timedelta | None) -> str:
    """A wait as staff say it: "45 min", "3 h 20 min", "2 d 4 h"; "—" for none."""
    if wait is None:
        return "—"
    minutes = int(wait.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def _period(ctx: StaffContext) -> tuple[date, date, str | None]:
    """The chosen local dates (inclusive), by default the last eight weeks."""
    today = ctx.now.astimezone(ctx.app.zone).date()
    default = (today - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1), today)
    params = ctx.request.query_params
    try:
        start = day(params["from"], "The start") if params.get("from") else default[0]
        end = day(params["to"], "The end") if params.get("to") else default[1]
    except InputError as error:
        return (*default, f"{error}.")
    if start > end:
        return (*default, "The start date is after the end date.")
    if (end - start).days > MAX_DAYS:
        return (*default, "Choose a period of at most a year.")
    return start, end, None


@staff_page()
def overview(ctx: StaffContext) -> Response:
    zone = ctx.app.zone
    start, end, error = _period(ctx)
    since = datetime.combine(start, time(), zone)
    until = datetime.combine(end + timedelta(days=1), time(), zone)
    by_condition = weekly_leads(ctx.db, start, end, zone, by="condition")
    by_triage = weekly_leads(ctx.db, start, end, zone, by="triage")
    conversations = count_conversations(ctx.app.tracker_url, since, until)
    figures = funnel(ctx.db, conversations, since, until)
    return ctx.render(
        "staff/overview.html",
        status_code=400 if error else 200,
        start=start,
        end=end,
        error=error,
        by_condition=by_condition,
        by_triage=by_triage,
        figures=figures,
        first_contact=first_contact_by_week(ctx.db, start, end, zone),
        wait_text=wait_text,
        condition_chart=stacked_bar_chart(
            by_condition, "Leads per week by condition", prefix="by-condition"
        ),
        triage_chart=stacked_bar_chart(
            by_triage, "Leads per week by triage level", prefix="by-triage"
        ),
        funnel_svg=funnel_chart(figures, "Conversations, leads and bookings"),
    )
