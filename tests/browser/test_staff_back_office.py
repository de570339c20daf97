"""The staff back-office in headless Chromium, against the web app as a real process
(`bot serve web`, as `make run` starts it) with its own SQLite leads database and
tracker store: an account made with `bot users add`, leads seeded through SQLAlchemy.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.db.models import Consent, Intake, Lead
from bot.settings import Settings
from bot.staff.sign_in import LOGIN_FAILED_MESSAGE
from tests import live
from tests.browser.conftest import (
    AXE,
    TIMEOUT_MS,
    axe_violations,
    described,
    expect,
    outside_the_browsers_loop,
    sign_in,
)
from tests.tracker_events import chat_at, save_conversations
from tests.visitors import bot

STAFF = ("desk@clinic.example", "blue kettle 7 morning")
WEB_PORT = "19010"
T0 = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=1)
FORMULA = '=HYPERLINK("http://evil.example")'
VISITOR_SAYS = "I have sciatica down my left leg"
SUMMARY = "Lower back pain with sciatica for 3 months."


@dataclass(frozen=True)
class Office:
    settings: Settings
    leads: dict[str, int]  # by name

    @property
    def url(self) -> str:
        return self.settings.web_url


def _add_lead(session: Session, conversation_id: str, name: str, **fields) -> int:
    lead = Lead(
        conversation_id=conversation_id,
        name=name,
        email=fields.pop("email", f"{conversation_id}@example.com"),
        phone=fields.pop("phone", "+15550123456"),
        created_at=fields.pop("created_at", T0),
        **fields,
    )
    lead.intake = Intake(
        answers={"pain_location": ["lower_back"], "pain_duration": "3 months"},
        summary=SUMMARY,
        pain_score=7,
        duration_category="chronic",
    )
    lead.consent = Consent(
        notice_version="2026-11-27", agreed=True, contact_opt_in=True, given_at=T0
    )
    session.add(lead)
    session.flush()
    return lead.id


def _seed(settings: Settings) -> dict[str, int]:
    """Three leads (the web server has migrated the database) and one conversation."""
    outside_the_browsers_loop(
        save_conversations,
        Path(settings.tracker_store_db),
        {"conv-maya": chat_at(T0, VISITOR_SAYS)},
    )
    engine = sa.create_engine(settings.database_url, future=True, poolclass=sa.pool.NullPool)
    try:
        with Session(engine) as session, session.begin():
            return {
                "Maya Sciatica": _add_lead(
                    session,
                    "conv-maya",
                    "Maya Sciatica",
                    email="maya.sciatica@example.com",
                    conditions=["sciatica"],
                ),
                "Neck Person": _add_lead(
                    session,
                    "conv-neck",
                    "Neck Person",
                    conditions=["neck_pain"],
                    created_at=T0 + timedelta(hours=1),
                ),
                FORMULA: _add_lead(
                    session,
                    "conv-formula",
                    FORMULA,
                    phone="+15550199999",
                    conditions=["herniated_disc"],
                    status="contacted",
                    created_at=T0 + timedelta(hours=2),
                ),
            }
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def office(project_root, tmp_path_factory) -> Iterator[Office]:
    """Only the web app, on a port of its own, with a staff account and three leads."""
    for settings in live.serve(
        project_root, tmp_path_factory.mktemp("office"), {"WEB_PORT": WEB_PORT}, ["web"]
    ):
        out = bot(settings, "users", "add", STAFF[0], "--role", "staff", stdin=STAFF[1] + "\n")
        assert "created staff account desk@clinic.example" in out
        yield Office(settings, _seed(settings))


def _rows(page):
    return page.locator("table.leads tbody tr")


def test_sign_in_filter_and_read_a_lead(office, page):
    sign_in(page, office.url, *STAFF)
    expect(_rows(page)).to_have_count(3)
    page.get_by_label("Condition", exact=True).select_option("sciatica")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"condition=sciatica"))
    expect(page.locator("p.summary")).to_contain_text("1 lead found.")
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page)).to_contain_text("Maya Sciatica")
    # contact details are masked in the inbox
    expect(_rows(page)).not_to_contain_text("maya.sciatica@example.com")

    lead_id = office.leads["Maya Sciatica"]
    page.get_by_role("link", name=f"#{lead_id}", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/staff/leads/{lead_id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Lead #{lead_id}: Maya Sciatica")
    conversation = page.get_by_role("region", name="Conversation")
    expect(conversation).to_contain_text(VISITOR_SAYS)
    expect(conversation).to_contain_text("Hello! How can I help?")
    intake = page.get_by_role("region", name="Intake")
    expect(intake).to_contain_text(SUMMARY)
    expect(intake).to_contain_text("lower back")

    contact = page.get_by_role("region", name="Contact")
    expect(contact).not_to_contain_text("maya.sciatica@example.com")
    page.get_by_role("button", name="Show contact details").click()
    expect(contact).to_contain_text("maya.sciatica@example.com")
    expect(contact).to_contain_text("+15550123456")


def test_a_note_and_the_status_through_contacted_to_closed(office, page):
    sign_in(page, office.url, *STAFF)
    lead_id = office.leads["Neck Person"]
    page.goto(f"{office.url}/staff/leads/{lead_id}")
    follow_up = page.get_by_role("region", name="Follow-up")
    expect(follow_up).to_contain_text("Status: New")

    note = "Called, left a voicemail."
    page.locator("#note").fill(note)
    page.get_by_role("button", name="Add note").click()
    notes = page.locator("ol.notes li")
    expect(notes).to_have_count(1)
    expect(notes).to_contain_text(note)
    expect(notes).to_contain_text(STAFF[0])

    page.locator("#new-status").select_option("contacted")
    page.get_by_role("button", name="Update status").click()
    expect(follow_up).to_contain_text("Status: Contacted.")

    # closing without saying why is refused, with the reason asked for
    page.locator("#new-status").select_option("closed")
    page.get_by_role("button", name="Update status").click()
    expect(page.get_by_role("alert")).to_contain_text("choose why the lead is closed")
    expect(follow_up).to_contain_text("Status: Contacted.")

    page.locator("#new-status").select_option("closed")
    page.locator("#reason").select_option(label="Unreachable")
    page.get_by_role("button", name="Update status").click()
    expect(page).to_have_url(re.compile(rf"/staff/leads/{lead_id}$"))
    expect(follow_up).to_contain_text("Status: Closed (Unreachable).")
    expect(notes).to_contain_text(note)


def test_the_csv_export_is_the_filter_with_formulas_neutralised(office, page):
    sign_in(page, office.url, *STAFF)
    page.get_by_label("Condition", exact=True).select_option("herniated_disc")
    page.get_by_role("button", name="Apply filters").click()
    expect(_rows(page)).to_have_count(1)
    with page.expect_download() as info:
        page.get_by_role("link", name="Export these as CSV").click()
    download = info.value
    assert re.fullmatch(r"leads-\d{8}-\d{4}\.csv", download.suggested_filename)
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:5] == ["id", "created", "name", "email", "phone"]
    assert len(rows) == 2  # the header and the one herniated-disc lead
    (row,) = rows[1:]
    assert row[0] == str(office.leads[FORMULA])
    assert row[2] == "'" + FORMULA  # a spreadsheet shows it as text, never runs it
    assert row[4] == "'+15550199999"
    assert "herniated_disc" in row[8] and row[9] == "contacted"


def test_signing_out_ends_the_session(office, page):
    sign_in(page, office.url, *STAFF)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/staff/login\?signed_out=1$"))
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto(f"{office.url}/staff/leads")
    expect(page).to_have_url(re.compile(r"/staff/login\?next=%2Fstaff%2Fleads$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_signing_in_with_the_keyboard_only(office, page):
    page.goto(f"{office.url}/staff/login")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#email")).to_be_focused()
    page.keyboard.type(STAFF[0])
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(STAFF[1])
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/staff/leads$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Leads")


def test_a_failed_sign_in_reads_the_same_for_any_email(office, page):
    """Two failures only: the module's other sign-ins come from this address too."""
    alerts = []
    for email in (STAFF[0], "nobody@clinic.example"):
        page.goto(f"{office.url}/staff/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill("not the password at all")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_be_visible()
        alerts.append(page.get_by_role("alert").inner_text())
    assert alerts == [LOGIN_FAILED_MESSAGE] * 2
    sign_in(page, office.url, *STAFF)  # and the account is not locked


def test_bad_numbers_and_crafted_links_get_the_apps_own_words(office, page):
    sign_in(page, office.url, *STAFF)
    response = page.goto(f"{office.url}/staff/leads/{2**63}")
    assert response.status == 404
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    expect(page.get_by_role("main")).to_contain_text("There is no such record")
    response = page.goto(f"{office.url}/staff/leads?to=9999-12-31")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("to must be a date from 2000-01-01")
    page.goto(f"{office.url}/staff/leads?erased=1%20Your%20session%20expired,%20call%20555-0100")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leads")
    expect(page.get_by_role("main")).not_to_contain_text("555-0100")
    expect(page.locator("p.notice")).to_have_count(0)


# phone, tablet, a common laptop, a wide screen
WIDTHS = [320, 768, 1366, 1920]
# the columns the front desk works by: on a phone each is a labelled line of a card
KEY_COLUMNS = ["Lead", "Call by", "Name", "Triage", "Status"]


@pytest.fixture
def sized(browser) -> Iterator[object]:
    """Pages of a given width, the CSP bypassed (axe-core is injected inline)."""
    contexts = []

    def make(width: int) -> object:
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _overflow(page) -> dict:
    return page.evaluate(
        """() => ({page: document.documentElement.scrollWidth - window.innerWidth,
                   table: (() => { const wrap = document.querySelector('.table-wrap');
                                   return wrap ? wrap.scrollWidth - wrap.clientWidth : 0; })()})"""
    )


def _cells_in_view(page, width: int) -> list[str]:
    """The key cells of the first row that are not wholly within the viewport's width."""
    outside = []
    row = _rows(page).first
    for label in KEY_COLUMNS:
        box = row.locator(f'td[data-label="{label}"]').bounding_box()
        if (
            box is None
            or box["width"] == 0
            or box["x"] < 0
            or box["x"] + box["width"] > width + 0.5
        ):
            outside.append(label)
    return outside


@pytest.mark.parametrize("width", WIDTHS)
def test_the_inbox_and_the_queue_read_well_at_every_width(office, sized, width):
    page = sized(width)
    sign_in(page, office.url, *STAFF)
    for path in ("/staff/leads", "/staff/queue"):
        page.goto(f"{office.url}{path}")
        expect(_rows(page).first).to_be_visible()
        assert _overflow(page) == {"page": 0, "table": 0}, (path, width)
        assert _cells_in_view(page, width) == [], (path, width)
        page.add_script_tag(path=str(AXE))
        violations = axe_violations(page)
        assert not violations, f"{path} at {width} px:\n{described(violations)}"


def test_a_lead_page_and_the_schedule_pass_axe_on_a_phone(office, sized):
    page = sized(320)
    sign_in(page, office.url, *STAFF)
    for path in (
        f"/staff/leads/{office.leads['Maya Sciatica']}",
        "/staff/slots",
        "/staff/overview",
    ):
        page.goto(f"{office.url}{path}")
        assert _overflow(page)["page"] == 0, path
        page.add_script_tag(path=str(AXE))
        violations = axe_violations(page)
        assert not violations, f"{path}:\n{described(violations)}"


def test_the_inbox_refreshes_itself_keeping_its_filters_unless_paused(office, page):
    page.clock.install()
    sign_in(page, office.url, *STAFF)
    page.goto(f"{office.url}/staff/leads?condition=sciatica&sort=triage")
    state = page.locator(".refresh-state")
    expect(state).to_have_text("This list updates itself every 60 seconds.")
    page.clock.run_for(61_000)
    expect(page).to_have_url(re.compile(r"condition=sciatica&sort=triage&refreshed=1$"))
    expect(page.get_by_label("Condition", exact=True)).to_have_value("sciatica")
    expect(_rows(page)).to_have_count(1)
    # paused: the page stays as it is, and says so
    page.get_by_role("button", name="Pause updates").click()
    expect(page.get_by_role("button", name="Pause updates")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(state).to_contain_text("Updates paused")
    page.evaluate("() => { window.__still_here = true; }")
    page.clock.run_for(125_000)
    assert page.evaluate("() => window.__still_here === true")


def test_a_change_is_confirmed_where_a_screen_reader_hears_it(office, page):
    sign_in(page, office.url, *STAFF)
    lead_id = office.leads["Maya Sciatica"]
    page.goto(f"{office.url}/staff/leads/{lead_id}")
    page.locator("#assignee").select_option(label=STAFF[0])
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status").filter(has_text="Assigned to")).to_have_text(
        f"Assigned to {STAFF[0]}."
    )


HOSTILE_NAME = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
HOSTILE_SAYS = "<b>bold</b> <iframe src=//evil.example></iframe> my back hurts"


def test_markup_from_visitors_is_shown_as_text(office, page):
    """Last: it adds a lead. A name and a message holding HTML and script, as a visitor
    may type them, are shown as the characters typed, in the inbox and on the lead."""
    outside_the_browsers_loop(
        save_conversations,
        Path(office.settings.tracker_store_db),
        {"conv-hostile": chat_at(T0, HOSTILE_SAYS)},
    )
    engine = sa.create_engine(office.settings.database_url, future=True, poolclass=sa.pool.NullPool)
    try:
        with Session(engine) as session, session.begin():
            lead_id = _add_lead(session, "conv-hostile", HOSTILE_NAME, conditions=["sciatica"])
    finally:
        engine.dispose()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, office.url, *STAFF)
    expect(_rows(page).filter(has_text=HOSTILE_NAME)).to_have_count(1)
    page.goto(f"{office.url}/staff/leads/{lead_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Lead #{lead_id}: {HOSTILE_NAME}")
    expect(page.get_by_role("region", name="Conversation")).to_contain_text(HOSTILE_SAYS)
    injected = page.evaluate(
        "() => ({pwned: window.__pwned ?? null, iframes: document.querySelectorAll('iframe')"
        ".length, bold: document.querySelectorAll('main b').length})"
    )
    assert injected == {"pwned": None, "iframes": 0, "bold": 0}
    assert dialogs == []
