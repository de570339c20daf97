"""The staff back-office end to end: a visitor chats with the real
assistant (Rasa and the action server) until a lead is saved; a staff member made with
`bot users add` signs in to the real web app in headless Chromium, finds the lead,
reads the conversation and the intake, marks it contacted with a note and exports it;
the audit log holds each of those steps, in order.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from bot.db.models import AuditEvent, Lead
from bot.settings import Settings
from tests.browser import conftest as browsers
from tests.browser.conftest import expect
from tests.visitors import bot, herniated_disc_visitor, texts

# the browser fixtures of tests/browser, for this module outside that directory
browser = browsers.browser
page = browsers.page

PASSWORD = "quiet harbour 42 lantern"
NOTE = "Called Ana, she'd like a scan review next week."
# what the staff member does, in this order, as the audit log must show it
STEPS = ["login", "lead_viewed", "status_changed", "note_added", "leads_exported"]


def _read(settings: Settings, query):
    engine = sa.create_engine(settings.database_url, future=True, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(query).all()
    finally:
        engine.dispose()


def _search_inbox(tab, name: str) -> None:
    tab.get_by_label("Search name, email or phone").fill(name)
    tab.get_by_role("button", name="Apply filters").click()
    query = re.escape(urlencode({"q": name}))
    expect(tab).to_have_url(re.compile(rf"/staff/leads\?(.*&)?{query}(&|$)"))


def test_a_visitors_lead_is_followed_up_in_the_back_office(servers, domain, clinic, page):
    # a visitor talks to the assistant until the lead is saved
    sender, saved = herniated_disc_visitor(servers, domain, clinic)
    assert texts(saved)[0].startswith("Thank you, Ana Test.")
    ((lead_id, status),) = _read(
        servers, sa.select(Lead.id, Lead.status).where(Lead.conversation_id == sender)
    )
    assert status == "new"

    # an account from the command line, the password on standard input
    email = f"desk-{uuid.uuid4().hex[:8]}@clinic.example"
    out = bot(servers, "users", "add", email, "--role", "staff", stdin=PASSWORD + "\n")
    assert f"created staff account {email} (role staff)" in out

    # the back-office sends a stranger to sign in, then back to the inbox
    page.goto(f"{servers.web_url}/staff")
    expect(page).to_have_url(re.compile(r"/staff/login\?next=%2Fstaff%2Fleads$"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/staff/leads$"))

    # found by the visitor's name, and opened
    _search_inbox(page, "Ana Test")
    page.get_by_role("link", name=f"#{lead_id}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Lead #{lead_id}: Ana Test")
    conversation = page.get_by_role("region", name="Conversation")
    for words in ["i have a herniated disc in my lower back", "an mri last year", "Ana Test"]:
        expect(conversation).to_contain_text(words)
    expect(conversation).to_contain_text("Thank you, Ana Test.")  # the assistant's reply
    intake = page.get_by_role("region", name="Intake")
    expect(intake).to_contain_text("Condition: a herniated (slipped) disc.")
    expect(intake).to_contain_text("herniated disc")

    # marked contacted, with a note
    follow_up = page.get_by_role("region", name="Follow-up")
    page.locator("#new-status").select_option("contacted")
    page.get_by_role("button", name="Update status").click()
    expect(follow_up).to_contain_text("Status: Contacted.")
    page.locator("#note").fill(NOTE)
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("ol.notes li")).to_contain_text(NOTE)
    expect(page.locator("ol.notes li")).to_contain_text(email)

    # exported from the inbox, searched again
    page.get_by_role("link", name="← Inbox").click()
    _search_inbox(page, "Ana Test")
    with page.expect_download() as info:
        page.get_by_role("link", name="Export these as CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    rows = {row[0]: row for row in csv.reader(io.StringIO(text))}
    row = rows[str(lead_id)]
    assert row[2] == "Ana Test" and row[4] == "'+13125550142"
    assert row[8] == "herniated_disc" and row[9] == "contacted"

    # the audit log: each step, by this staff member, on this lead, in order
    events = _read(
        servers,
        sa.select(
            AuditEvent.action, AuditEvent.target_type, AuditEvent.target_id, AuditEvent.details
        )
        .where(AuditEvent.actor_email == email)
        .order_by(AuditEvent.id),
    )
    actions = [event.action for event in events]
    assert set(actions) == set(STEPS), actions  # nothing else (no failed sign-in, no reveal)
    first = [actions.index(step) for step in STEPS]
    assert first == sorted(first), actions
    for event in events:
        if event.action in {"lead_viewed", "status_changed", "note_added"}:
            assert (event.target_type, event.target_id) == ("lead", lead_id)
    changed = [e.details for e in events if e.action == "status_changed"]
    assert changed == [{"from": "new", "to": "contacted"}]
    (exported,) = [e.details for e in events if e.action == "leads_exported"]
    assert exported["filter"] == {"q": "Ana Test"} and exported["count"] >= 1
