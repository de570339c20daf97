"""The "To call" page: new leads in the order the front desk should call them, each
with its call-by time, overdue ones marked (bot/staff/queue.py)."""

from __future__ import annotations

from starlette.responses import Response

from bot.staff.queue import to_call
from bot.web.staff.context import StaffContext, page_number, staff_page
from bot.web.staff.leads import row_helpers


@staff_page()
def queue(ctx: StaffContext) -> Response:
    number, error = page_number(ctx)
    listed = to_call(ctx.db, ctx.app.hours, ctx.app.zone, ctx.now, number)
    return ctx.render(
        "staff/queue.html",
        status_code=400 if error else 200,
        queue=listed,
        page=listed.page,
        leads=[entry.lead for entry in listed.page.items],
        filter_error=error,
        **row_helpers(ctx),
    )
