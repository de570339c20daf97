"""Leads and scan-review booking end to end: the real Rasa and action servers over REST,
the real leads database (SQLite, and PostgreSQL), and the `bot` command line.
"""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.settings import Settings
from tests.live import expected, say
from tests.visitors import (
    add_review_slots,
    book_first_offered,
    bot,
    herniated_disc_visitor,
    texts,
)


def check_one_booked_lead(settings: Settings, sender: str, domain, clinic) -> None:
    leads = [
        lead
        for lead in json.loads(bot(settings, "leads", "list", "--json"))
        if lead["conversation_id"] == sender
    ]
    assert len(leads) == 1
    (lead,) = leads
    assert lead["name"] == "Ana Test" and lead["phone"] == "+13125550142"
    assert lead["conditions"] == ["herniated_disc"]
    assert lead["triage_level"] == "routine"
    assert lead["status"] == "booked"
    assert lead["intake"]["answers"]["imaging"] == ["mri"]
    assert lead["intake"]["duration_category"] == "chronic"
    assert "Condition: a herniated (slipped) disc." in lead["intake"]["summary"]
    assert lead["consent"]["agreed"] is True and lead["consent"]["contact_opt_in"] is True
    assert lead["consent"]["notice_version"]
    (booking,) = lead["bookings"]
    assert booking["status"] == "active" and len(booking["reference"]) == 8


def test_a_herniated_disc_visitor_becomes_one_lead_with_a_booking(servers, domain, clinic):
    add_review_slots(servers)
    sender, saved = herniated_disc_visitor(servers, domain, clinic)
    book_first_offered(servers, sender, saved, domain, clinic)
    # saving again in the same conversation (a new email) updates the same lead
    assert texts(say(servers, sender, "sorry, add my email too: ana@example.org")) == [
        expected(domain, clinic, "utter_contact_updated")
    ]
    check_one_booked_lead(servers, sender, domain, clinic)


def test_the_same_visitor_against_postgresql(postgres_servers, domain, clinic):
    add_review_slots(postgres_servers)
    sender, saved = herniated_disc_visitor(postgres_servers, domain, clinic)
    book_first_offered(postgres_servers, sender, saved, domain, clinic)
    check_one_booked_lead(postgres_servers, sender, domain, clinic)


def test_declining_consent_keeps_nothing(servers, domain, clinic):
    sender = uuid.uuid4().hex
    say(servers, sender, "can someone from the clinic call me back")
    assert texts(say(servers, sender, "no thanks")) == [
        expected(domain, clinic, "utter_consent_declined")
    ]
    leads = json.loads(bot(servers, "leads", "list", "--json"))
    assert sender not in {lead["conversation_id"] for lead in leads}


def set_connections(url: str, allowed: bool) -> None:
    """Make the leads database unreachable (or reachable again) for every client."""
    target = make_url(url)
    admin = sa.create_engine(
        target.set(database="postgres"),
        future=True,
        isolation_level="AUTOCOMMIT",
        poolclass=sa.pool.NullPool,
    )
    with admin.connect() as connection:
        flag = "true" if allowed else "false"
        connection.exec_driver_sql(
            f'ALTER DATABASE "{target.database}" WITH ALLOW_CONNECTIONS {flag}'
        )
        if not allowed:
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{target.database}' AND pid <> pg_backend_pid()"
            )
    admin.dispose()


def test_database_down_mid_conversation_loses_nothing(postgres_servers, domain, clinic):
    sender = uuid.uuid4().hex
    say(postgres_servers, sender, "can someone from the clinic call me back")
    for answer in ["/affirm", "/deny", "Sam Ortiz"]:
        say(postgres_servers, sender, answer)
    # down from the moment a way to reach the visitor is known (when the lead would first
    # be saved) to the last answer
    # (an email needs no time of day: the address is the last answer)
    set_connections(postgres_servers.database_url, allowed=False)
    try:
        replies = say(postgres_servers, sender, "sam.ortiz@example.net")
    finally:
        set_connections(postgres_servers.database_url, allowed=True)
    assert texts(replies) == [expected(domain, clinic, "utter_lead_save_failed")]
    assert clinic.phone in replies[0]["text"]
    leads = json.loads(bot(postgres_servers, "leads", "list", "--json"))
    assert sender not in {lead["conversation_id"] for lead in leads}
    tracker_db = str(postgres_servers.tracker_store_db)
    bot(postgres_servers, "leads", "recover", "--tracker-db", tracker_db)
    bot(postgres_servers, "leads", "recover", "--tracker-db", tracker_db)  # idempotent
    leads = [
        lead
        for lead in json.loads(bot(postgres_servers, "leads", "list", "--json"))
        if lead["conversation_id"] == sender
    ]
    assert len(leads) == 1
    assert leads[0]["email"] == "sam.ortiz@example.net" and leads[0]["phone"] is None
    assert leads[0]["preferred_contact"] == "email"
    assert leads[0]["preferred_time"] is None


def test_cancel_after_booking(servers, domain, clinic):
    add_review_slots(servers)
    sender, saved = herniated_disc_visitor(servers, domain, clinic)
    book_first_offered(servers, sender, saved, domain, clinic)
    # a tap on "Cancel it" asks first, naming the booking
    (asked,) = say(servers, sender, "/cancel_booking")
    assert asked["text"].startswith("Cancel your scan review on ")
    assert [b["payload"] for b in asked["buttons"]] == ["/affirm", "/deny"]
    (cancelled,) = say(servers, sender, "/affirm")
    assert cancelled["text"].startswith("Your scan review ")
    assert cancelled["text"].endswith("is cancelled. If you'd like another time later, just ask.")


def test_a_booking_is_found_again_in_a_new_conversation(servers, domain, clinic):
    """A new tab has no booking of its own: the reference with the phone it was made
    with finds it, and it can be cancelled there; a wrong phone finds nothing."""
    add_review_slots(servers)
    sender, saved = herniated_disc_visitor(servers, domain, clinic)
    booked = book_first_offered(servers, sender, saved, domain, clinic)
    reference = booked["text"].split("Your reference is ")[1][:8]
    other_tab = f"new-tab-{uuid.uuid4().hex[:8]}"
    (refused,) = say(servers, other_tab, f"change my booking {reference}, phone 312 555 0100")
    assert refused["text"] == expected(domain, clinic, "utter_review_no_booking")
    (found,) = say(servers, other_tab, f"change my booking {reference}, phone 312 555 0142")
    assert found["text"].startswith("I found your booking: a scan review on ")
    assert reference in found["text"]
    assert [b["payload"] for b in found["buttons"]] == ["/move_booking", "/cancel_booking"]
    (asked,) = say(servers, other_tab, "/cancel_booking")
    assert asked["text"].startswith("Cancel your scan review on ")
    (cancelled,) = say(servers, other_tab, "/affirm")
    assert cancelled["text"].startswith("Your scan review ")
