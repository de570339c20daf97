"""What the tests of staff accounts, sessions, sign-in and administration share."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.db.models import AuditEvent
from bot.staff.sign_in import authenticate

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery"
IDLE = timedelta(minutes=30)


def audit_events(session, action: str) -> list[AuditEvent]:
    return list(
        session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).scalars()
    )


def login(session, email: str = "ana@clinic.example", password: str = PASSWORD, **kw):
    kw.setdefault("now", NOW)
    try:
        return authenticate(session, email, password, **kw)
    finally:
        session.commit()  # failures are kept too: the counter and the audit entry
