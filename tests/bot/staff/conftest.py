from __future__ import annotations

import pytest

from bot.db.models import StaffUser
from bot.staff.administration import create_user
from tests.bot.staff.staff_accounts import NOW, PASSWORD


@pytest.fixture
def make_user(session):
    """Adds an account (committed), with any fields set as given."""

    def make(email: str = "ana@clinic.example", role: str = "staff", **fields) -> StaffUser:
        user = create_user(session, email, PASSWORD, role, now=NOW)
        for name, value in fields.items():
            setattr(user, name, value)
        session.commit()
        return user

    return make
