"""The words of each notice: what the visitor needs, in the clinic's time, nothing more."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.db.models import NOTICE_KINDS
from bot.notices.messages import NoticeFacts, email_body, text_message

# 15:00 UTC is 09:00 in the default clinic's zone (America/Chicago, CST in December)
START = datetime(2026, 12, 15, 15, 0, tzinfo=timezone.utc)
FORBIDDEN = ["pain", "symptom", "herniated", "sciatica", "triage", "urgent", "diagnos"]


def facts(clinic, kind: str) -> NoticeFacts:
    return NoticeFacts(kind, "ABCD2345", START, 30, clinic, "https://c.example/booking/t")


@pytest.mark.parametrize("kind", NOTICE_KINDS)
def test_each_notice_gives_the_clinic_time_reference_phone_and_link(clinic, kind):
    body, text = email_body(facts(clinic, kind)), text_message(facts(clinic, kind))
    for words in (body, text):
        assert "ABCD2345" in words and "https://c.example/booking/t" in words
        assert "09:00" in words and "15:00" not in words
        assert [w for w in FORBIDDEN if w in words.lower()] == []
    assert "Tuesday 15 December 2026, 09:00 (clinic time, CST)" in body
    assert clinic.phone in body and clinic.address in body
    assert len(text) < 320


def test_what_to_bring_is_said_unless_cancelled(clinic):
    assert "on a disc or as the written report" in email_body(facts(clinic, "confirmation"))
    assert "disc" not in email_body(facts(clinic, "cancelled"))
