"""The staff back-office under /staff: server-rendered pages, no JavaScript needed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.web.staff import admin, auth, leads, overview, queue


async def _home(request: Request) -> Response:
    return RedirectResponse("/staff/leads", status_code=303)


def staff_routes() -> list[BaseRoute]:
    """Every back-office URL. Ids are checked by the pages (path_id): anything but a
    number an id column holds is a 404 with a reason, not a database error."""
    get, post = ["GET"], ["POST"]
    return [
        Route("/staff", _home, methods=get),
        Route("/staff/", _home, methods=get),
        Route("/staff/login", auth.login_form, methods=get, name="staff_login"),
        Route("/staff/login", auth.login, methods=post),
        Route("/staff/logout", auth.logout, methods=post),
        Route("/staff/leads", leads.inbox, methods=get, name="staff_inbox"),
        Route("/staff/queue", queue.queue, methods=get),
        Route("/staff/leads/export.csv", leads.export, methods=get),
        Route("/staff/leads/{id}", leads.lead_detail, methods=get),
        Route("/staff/leads/{id}/reveal", leads.reveal, methods=post),
        Route("/staff/leads/{id}/status", leads.change_status, methods=post),
        Route("/staff/leads/{id}/notes", leads.note, methods=post),
        Route("/staff/leads/{id}/assign", leads.assign_lead, methods=post),
        Route("/staff/leads/{id}/erase", leads.erase_confirm, methods=get),
        Route("/staff/leads/{id}/erase", leads.erase, methods=post),
        Route("/staff/overview", overview.overview, methods=get),
        Route("/staff/slots", admin.slots, methods=get),
        Route("/staff/slots", admin.add_slots, methods=post),
        Route("/staff/slots/{id}/remove", admin.remove_slot_confirm, methods=get),
        Route("/staff/slots/{id}/remove", admin.remove_slot, methods=post),
        Route("/staff/bookings/{id}/cancel", admin.cancel_booking_confirm, methods=get),
        Route("/staff/bookings/{id}/cancel", admin.cancel_booking, methods=post),
        Route("/staff/users", admin.users, methods=get),
        Route("/staff/users", admin.add_user, methods=post),
        Route("/staff/users/{id}", admin.change_user, methods=post),
        Route("/staff/audit", admin.audit, methods=get),
    ]
