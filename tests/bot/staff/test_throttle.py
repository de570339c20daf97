"""The sign-in counters, on SQLite and PostgreSQL: limits, windows, and parallel
attempts counted exactly (each thread its own connection, as the web app's are)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from bot.db.models import LoginCounter
from bot.staff import throttle
from bot.staff.throttle import Refused, SignInLimits, address_key, count_attempt

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
LIMITS = SignInLimits()
IP, OTHER_IP = "203.0.113.7", "198.51.100.1"
EMAIL = "ana@clinic.example"


def _refusal(factory, email: str = EMAIL, ip: str = IP, now: datetime = NOW) -> Refused | None:
    try:
        count_attempt(factory, LIMITS, email, ip, now)
    except Refused as refused:
        return refused
    return None


def _rows(factory) -> int:
    with factory() as db:
        return db.execute(select(func.count()).select_from(LoginCounter)).scalar_one()


def test_an_email_from_one_address_gets_five_attempts_a_window(factory):
    assert [_refusal(factory, now=NOW + timedelta(seconds=i)) for i in range(5)] == [None] * 5
    sixth, seventh = _refusal(factory), _refusal(factory)
    assert (sixth.scope, sixth.first) == ("email", True)
    assert (seventh.scope, seventh.first) == ("email", False)  # audited once, not per attempt
    # the same email from another address, and another email from this one, still may
    assert _refusal(factory, ip=OTHER_IP) is None
    assert _refusal(factory, email="bo@clinic.example") is None
    # the window is fixed: it ends 15 minutes after its first attempt
    assert _refusal(factory, now=NOW + timedelta(minutes=14, seconds=59)) is not None
    assert _refusal(factory, now=NOW + timedelta(minutes=15)) is None


def test_an_address_gets_twenty_attempts_whatever_the_emails(factory):
    for i in range(20):
        assert _refusal(factory, email=f"guess{i}@clinic.example") is None
    refused = _refusal(factory, email="guess20@clinic.example")
    assert (refused.scope, refused.first) == ("address", True)
    rows = _rows(factory)
    for i in range(100):  # a refused address adds no counters: the table can't be filled
        assert _refusal(factory, email=f"more{i}@clinic.example").scope == "address"
    assert _rows(factory) == rows == 21
    assert _refusal(factory, email="guess0@clinic.example", ip=OTHER_IP) is None


def test_ipv6_counts_per_slash_64():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert address_key("::ffff:203.0.113.7") == address_key(IP) == IP
    assert address_key(None) == "unknown" and address_key("testclient") == "testclient"


def test_a_right_password_uncounts_its_attempt_and_restarts_the_emails_count(factory):
    for i in range(4):
        assert _refusal(factory, email=f"guess{i}@clinic.example") is None
    for _ in range(4):  # three wrong passwords, then the right one
        assert _refusal(factory) is None
    throttle.signed_in(factory, EMAIL, IP)
    assert [_refusal(factory) for _ in range(5)] == [None] * 5  # a fresh five for the email
    # the address has counted 4 guesses + 3 failures + 5 = 12 of its 20 (not 13, not 5)
    assert [_refusal(factory, email=f"x{i}@clinic.example") for i in range(8)] == [None] * 8
    assert _refusal(factory, email="x8@clinic.example").scope == "address"


def test_forget_account_clears_the_email_from_every_address(factory):
    for ip in (IP, OTHER_IP):
        for _ in range(6):
            _refusal(factory, ip=ip)
    with factory.begin() as db:
        throttle.forget_account(db, EMAIL)
    assert _refusal(factory) is None and _refusal(factory, ip=OTHER_IP) is None


def test_ended_windows_are_deleted_when_an_address_starts_a_new_one(factory):
    for i in range(10):
        _refusal(factory, ip=f"192.0.2.{i}")
    assert _rows(factory) == 20
    _refusal(factory, ip="192.0.2.200", now=NOW + timedelta(minutes=16))
    assert _rows(factory) == 2  # only the new address's counters are left


def _in_parallel(factory, emails: list[str]) -> list[Refused | None]:
    """Every attempt released at once, each in a thread of its own."""
    start = threading.Barrier(len(emails))

    def attempt(email: str) -> Refused | None:
        start.wait()
        return _refusal(factory, email=email)

    with ThreadPoolExecutor(max_workers=len(emails)) as pool:
        return list(pool.map(attempt, emails))


@pytest.mark.parametrize("run", range(2))
def test_parallel_attempts_at_one_email_are_counted_exactly(factory, run):
    outcomes = _in_parallel(factory, [EMAIL] * 15)
    assert outcomes.count(None) == LIMITS.per_email
    refused = [o for o in outcomes if o is not None]
    assert {o.scope for o in refused} == {"email"}
    assert [o.first for o in refused].count(True) == 1


@pytest.mark.parametrize("run", range(2))
def test_parallel_attempts_from_one_address_are_counted_exactly(factory, run):
    outcomes = _in_parallel(factory, [f"guess{i}@clinic.example" for i in range(40)])
    assert outcomes.count(None) == LIMITS.per_address
    assert {o.scope for o in outcomes if o is not None} == {"address"}
