from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner

from bot.cli.main import main
from bot.clinic.consent import CONSENT_NOTICE_VERSION
from bot.clinic.leads import draft_from_slots, save_lead
from bot.db.session import session_scope

SLOTS = {
    "consent_given": True,
    "consent_version": CONSENT_NOTICE_VERSION,
    "consent_at": "2026-11-27T09:00:00-06:00",
    "contact_name": "Ana López",
    "contact_email": "ana@example.com",
    "condition": ["sciatica"],
}


@pytest.fixture
def run(project_root, database_url, tmp_path):
    """``bot ...`` with DATABASE_URL on the test database (not migrated: commands do it)."""
    env = {
        "PROJECT_ROOT": str(project_root),
        "DATABASE_URL": database_url,
        "TRACKER_STORE_DB": str(tmp_path / "trackers.db"),
    }

    def invoke(*args: str, ok: bool = True):
        result = CliRunner().invoke(main, list(args), env=env)
        assert (result.exit_code == 0) is ok, (result.output, result.exception)
        return result

    return invoke


def _next_year(month_day_time: str) -> str:
    return f"{datetime.now().year + 1}-{month_day_time}"


def test_db_upgrade_prints_the_revision(run):
    from tests.bot.db.test_migrate import HEAD

    assert f"revision {HEAD}" in run("db", "upgrade").stdout


def test_slots_add_weekly_and_list(run):
    at = _next_year("10-30 09:00")  # and 2 weeks on: after US daylight saving time ends
    added = run("slots", "add", "--at", at, "--weekly", "3", "--duration", "45")
    assert "3 slot(s) added" in added.stdout
    # the clinic profile's zone (America/Chicago): 09:00 stays 09:00 after DST ends
    assert added.stdout.count(" 09:00 C") == 3
    assert "CDT" in added.stdout and "CST" in added.stdout
    assert "already offered" in run("slots", "add", "--at", at).stdout
    listed = json.loads(run("slots", "list", "--json").stdout)
    assert [slot["local"][11:16] for slot in listed] == ["09:00"] * 3
    assert [slot["duration_minutes"] for slot in listed] == [45] * 3
    assert not any(slot["booked"] for slot in listed)
    first, last = (datetime.fromisoformat(listed[i]["local"]) for i in (0, 2))
    assert last.date() - first.date() == timedelta(weeks=2)
    assert last - first == timedelta(weeks=2, hours=1)  # the night the clocks go back
    assert "3 slot(s)" in run("slots", "list").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "next tuesday"], "YYYY-MM-DD HH:MM"),
        (["--at", "2001-01-01 09:00"], "in the past"),
        (["--at", "2099-01-01 09:00", "--duration", "0"], "positive"),
        (["--at", "2099-01-01 09:00", "--weekly", "0"], "at least 1"),
    ],
)
def test_slots_add_rejects_bad_input_clearly(run, args, message):
    result = run("slots", "add", *args, ok=False)
    assert result.exit_code == 1 and message in result.stderr


def test_leads_list(run, database_url):
    assert json.loads(run("leads", "list", "--json").stdout) == []
    with session_scope(database_url) as session:
        save_lead(session, draft_from_slots("visitor-1", SLOTS))
    [lead] = json.loads(run("leads", "list", "--json").stdout)
    assert lead["conversation_id"] == "visitor-1" and lead["email"] == "ana@example.com"
    plain = run("leads", "list").stdout
    assert f"#{lead['id']}" in plain and "sciatica" in plain and "1 lead(s)" in plain


def test_leads_recover_prints_ids_not_personal_data(run, tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "trackers.db"))
    events = [SlotSet(name, value) for name, value in SLOTS.items()]
    asyncio.run(store.save(DialogueStateTracker.from_events("visitor-9", events, slots=[])))
    store.engine.dispose()
    output = run("leads", "recover").stdout
    assert "rebuilt 1 lead(s)" in output
    assert "Ana" not in output and "ana@example.com" not in output
    assert "rebuilt 0 lead(s)" in run("leads", "recover").stdout
    assert "visitor-9" in run("leads", "list", "--json").stdout


def test_leads_recover_without_a_tracker_store_fails_clearly(run, tmp_path):
    result = run("leads", "recover", "--tracker-db", str(tmp_path / "none.db"), ok=False)
    assert "no tracker store" in result.stderr
