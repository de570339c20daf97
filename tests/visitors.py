"""Visitors of the live tests and the `bot` command line against the servers' database,
shared by the tests that talk to the real servers (tests/live.py starts them)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

from bot.clinic.consent import CONSENT_NOTICE_VERSION as NOTICE
from bot.settings import Settings
from tests.live import expected, say

BOT = str(Path(sys.executable).with_name("bot"))


def bot(settings: Settings, *args: str, stdin: str | None = None) -> str:
    """Run the `bot` command line against the servers' databases; ``stdin`` is
    written to its standard input (a password for `bot users add`)."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "TRACKER_STORE_DB": str(settings.tracker_store_db),
    }
    done = subprocess.run(
        [BOT, *args],
        env=env,
        cwd=settings.root,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


_SLOT_DAYS = itertools.count(2)


def add_review_slots(settings: Settings) -> None:
    """Four more free slots, on a day no earlier call used: tests sharing the servers
    book some, and every visitor must still be offered three."""
    day = date.today() + timedelta(days=next(_SLOT_DAYS))
    bot(settings, "slots", "add", "--at", f"{day} 09:00", "--weekly", "3")
    bot(settings, "slots", "add", "--at", f"{day} 14:30")


def texts(replies: list[dict]) -> list[str]:
    """What the visitor reads: messages without text (the consent questions' ``custom``
    marker for the widget) are not shown."""
    return [r["text"] for r in replies if "text" in r]


def herniated_disc_visitor(
    settings: Settings, domain, clinic, name: str = "Ana Test"
) -> tuple[str, list[dict]]:
    """A visitor tells about a herniated disc, agrees, leaves their name and a phone
    number: the replies to the last answer (lead saved, review offered)."""
    sender = uuid.uuid4().hex

    def r(name: str) -> str:
        return expected(domain, clinic, name)

    first = say(settings, sender, "i have a herniated disc in my lower back")
    assert texts(first)[0] == r("utter_intake_start")
    for answer in ["no", "3 months", "6", "none of these", "an mri last year", "physical therapy"]:
        say(settings, sender, answer)
    done = say(settings, sender, "/affirm")
    assert texts(done)[0] == r("utter_intake_done")
    assert texts(done)[1] == r("utter_ask_consent_given")
    assert clinic.privacy_policy_url.rstrip("/") in done[1]["text"]
    # the widget learns which question this is, to send the answer back as metadata
    marker = {"consent_question": "consent_given", "notice_version": NOTICE}
    assert marker in [r.get("custom") for r in done]
    # the name is asked first, with the call/text opt-in offered beside it as buttons
    assert texts(say(settings, sender, "/affirm")) == [r("utter_ask_contact_name_opt_in")]
    assert texts(say(settings, sender, "/affirm")) == [r("utter_ask_contact_name")]
    assert texts(say(settings, sender, name)) == [r("utter_ask_contact_phone")]
    methods = say(settings, sender, "(312) 555-0142")
    assert [b["payload"] for b in methods[0]["buttons"]] == ["call", "text"]
    assert texts(say(settings, sender, "call")) == [r("utter_ask_contact_time")]
    return sender, say(settings, sender, "morning")


def book_first_offered(settings: Settings, sender: str, saved: list[dict], domain, clinic):
    assert texts(saved)[0].startswith("Thank you, Ana Test.")
    offer = saved[1]
    assert offer["text"] == expected(domain, clinic, "utter_offer_review")
    assert len(offer["buttons"]) == 5
    (booked,) = say(settings, sender, offer["buttons"][0]["payload"])
    assert booked["text"].startswith("You're booked for a scan review on ")
    assert [b["payload"] for b in booked["buttons"]] == ["/move_booking", "/cancel_booking"]
    return booked
