"""The booking page's signed, expiring links."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.notices.links import (
    MAX_TOKEN_CHARS,
    LinkError,
    booking_page_url,
    link_secret,
    make_token,
    read_token,
)
from bot.settings import load_settings
from tests.bot.notices.conftest import NOW

SECRET = "s" * 43


def test_a_token_names_its_lead_until_it_expires():
    token = make_token(SECRET, 42, NOW + timedelta(days=2))
    holder = read_token(SECRET, token, NOW)
    assert holder.lead_id == 42 and holder.expires == NOW + timedelta(days=2)
    with pytest.raises(LinkError) as expired:
        read_token(SECRET, token, NOW + timedelta(days=2))
    assert expired.value.expired is True


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace("42.", "43.", 1),  # another lead
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
        lambda t: t.rsplit(".", 1)[0],  # no signature
        lambda t: "",
        lambda t: "x" * (MAX_TOKEN_CHARS + 1),
        lambda t: "42.99999999999999999999." + t.rsplit(".", 1)[1],
        lambda t: t + "é",
    ],
)
def test_a_changed_token_is_refused(change):
    token = make_token(SECRET, 42, NOW + timedelta(days=2))
    with pytest.raises(LinkError) as refused:
        read_token(SECRET, change(token), NOW)
    assert refused.value.expired is False


def test_another_key_signs_differently():
    token = make_token(SECRET, 42, NOW + timedelta(days=2))
    with pytest.raises(LinkError):
        read_token("t" * 43, token, NOW)


def test_the_generated_key_is_kept_per_installation(tmp_path):
    settings = load_settings({}, root=tmp_path)
    assert link_secret(settings) == link_secret(settings)
    assert (tmp_path / "var" / "booking-link.secret").stat().st_mode & 0o777 == 0o600
    configured = load_settings({"BOOKING_LINK_SECRET": SECRET}, root=tmp_path)
    assert link_secret(configured) == SECRET


def test_the_url_holds_the_token_only(tmp_path):
    settings = load_settings({"PUBLIC_BASE_URL": "https://clinic.example/"}, root=tmp_path)
    assert booking_page_url(settings, "1.2.abc") == "https://clinic.example/booking/1.2.abc"
