"""``bot leads export``, ``bot leads erase`` and ``bot purge``."""

from __future__ import annotations

import csv
import io
import stat
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli.main import main
from bot.db.migrate import upgrade
from bot.db.models import AuditEvent, Booking, Lead, ReviewSlot, utcnow
from bot.db.session import session_scope
from tests.tracker_events import chat_at, event_counts, save_conversations


@pytest.fixture
def profile(project_root, tmp_path):
    """The clinic profile with a 30-day retention period."""
    text = (project_root / "clinic.yml").read_text(encoding="utf-8")
    assert "retention_days: 180" in text
    path = tmp_path / "clinic.yml"
    path.write_text(text.replace("retention_days: 180", "retention_days: 30"), encoding="utf-8")
    return path


@pytest.fixture
def run(project_root, database_url, tmp_path, profile):
    env = {
        "PROJECT_ROOT": str(project_root),
        "DATABASE_URL": database_url,
        "TRACKER_STORE_DB": str(tmp_path / "trackers.db"),
        "CLINIC_PROFILE": str(profile),
    }

    def invoke(*args: str, ok: bool = True, input: str | None = None):
        result = CliRunner().invoke(main, list(args), env=env, input=input)
        assert (result.exit_code == 0) is ok, (result.output, result.exception)
        return result

    return invoke


@pytest.fixture
def add_lead(database_url):
    upgrade(database_url)

    def add(conversation_id: str, **fields) -> int:
        with session_scope(database_url) as session:
            lead = Lead(
                conversation_id=conversation_id,
                name=fields.pop("name", "Ana López"),
                email=fields.pop("email", "ana@example.com"),
                **fields,
            )
            session.add(lead)
            session.flush()
            return lead.id

    return add


def _audit(database_url, action: str) -> list[AuditEvent]:
    with session_scope(database_url) as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(session.execute(query).scalars())


def _lead_count(database_url) -> int:
    with session_scope(database_url) as session:
        return session.execute(select(func.count()).select_from(Lead)).scalar_one()


def test_leads_export_to_stdout_and_to_a_file(run, add_lead, database_url, tmp_path):
    add_lead("c1", name="=cmd|'/c calc'!A1", phone="+15551234567")
    add_lead("c2", name="Bo", email="bo@example.com", status="closed", closed_reason="spam")
    rows = list(csv.reader(io.StringIO(run("leads", "export").stdout)))
    assert rows[0][:3] == ["id", "created", "name"] and len(rows) == 3
    assert [row[2] for row in rows[1:]] == ["'=cmd|'/c calc'!A1", "Bo"]
    assert rows[1][4] == "'+15551234567"
    closed = list(csv.reader(io.StringIO(run("leads", "export", "--status", "closed").stdout)))
    assert [row[2] for row in closed[1:]] == ["Bo"]
    output = tmp_path / "leads.csv"
    result = run("leads", "export", "--status", "new", "--output", str(output))
    assert result.stdout == f"exported 1 lead(s) to {output}\n"
    written = output.read_bytes().decode("utf-8")
    assert written.count("\r\n") == 2 and "\n" not in written.replace("\r\n", "")
    assert "ana@example.com" in written
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    entries = _audit(database_url, "leads_exported")
    assert [entry.details for entry in entries] == [
        {"count": 2, "via": "cli"},
        {"count": 1, "via": "cli"},
        {"count": 1, "via": "cli"},
    ]
    assert {entry.actor_id for entry in entries} == {None}


def test_leads_export_rejects_an_unknown_status(run, migrated_url):
    result = run("leads", "export", "--status", "lost", ok=False)
    assert "--status must be one of new, contacted, booked, closed" in result.stderr
    assert _audit(migrated_url, "leads_exported") == []


def test_leads_erase_asks_then_erases_lead_and_conversation(run, add_lead, database_url, tmp_path):
    lead_id = add_lead("visitor-1")
    add_lead("visitor-2", name="Bo", email="bo@example.com")
    with session_scope(database_url) as session:
        slot = ReviewSlot(starts_at=utcnow() + timedelta(days=3))
        session.add(Booking(lead_id=lead_id, slot=slot, reference="ERASE1"))
    save_conversations(
        tmp_path / "trackers.db",
        {"visitor-1": chat_at(utcnow()), "visitor-2": chat_at(utcnow())},
    )
    declined = run("leads", "erase", str(lead_id), input="n\n", ok=False)
    assert "cannot be undone" in declined.stdout and "Aborted" in declined.output
    assert _lead_count(database_url) == 2
    result = run("leads", "erase", str(lead_id), input="y\n")
    assert result.stdout.splitlines()[-1] == (
        f"erased lead #{lead_id}: 0 intake, 0 consent, 1 booking(s), 0 note(s),"
        " 5 conversation event(s)"
    )
    assert "Ana" not in result.output and "ana@example.com" not in result.output
    assert _lead_count(database_url) == 1
    assert event_counts(tmp_path / "trackers.db") == {"visitor-2": 5}
    [entry] = _audit(database_url, "lead_erased")
    assert (entry.target_id, entry.details, entry.actor_id) == (lead_id, {"events_erased": 5}, None)
    again = run("leads", "erase", str(lead_id), "--yes", ok=False)
    assert f"no lead #{lead_id}" in again.stderr


def test_leads_erase_with_yes_and_no_tracker_store(run, add_lead, database_url):
    lead_id = add_lead("visitor-1")
    result = run("leads", "erase", str(lead_id), "--yes")
    assert "?" not in result.stdout and "0 conversation event(s)" in result.stdout
    assert _lead_count(database_url) == 0


def test_purge_uses_the_profile_retention_and_dry_run(run, add_lead, database_url, tmp_path):
    now = utcnow()
    old, recent = now - timedelta(days=40), now - timedelta(days=5)
    old_closed = add_lead("old-closed", status="closed", closed_reason="spam", updated_at=old)
    add_lead("old-booked", status="booked", updated_at=old)
    add_lead("recent-new", updated_at=recent)
    path = tmp_path / "trackers.db"
    save_conversations(
        path,
        {
            "old-closed": chat_at(old),
            "old-booked": chat_at(old),
            "recent-new": chat_at(recent),
            "never-a-lead": chat_at(old),
            "never-a-lead-recent": chat_at(recent),
        },
    )
    dry = run("purge", "--dry-run").stdout
    assert dry == (
        f"would remove, older than 30 day(s): 1 lead(s) (id {old_closed}),"
        " 1 conversation(s) without a lead, 10 conversation event(s)\n"
    )
    assert _lead_count(database_url) == 3 and len(event_counts(path)) == 5
    assert _audit(database_url, "leads_purged") == []
    kept = run("purge", "--older-than", "60").stdout
    assert "0 lead(s), 0 conversation(s) without a lead, 0 conversation event(s)" in kept
    done = run("purge").stdout
    assert done.startswith("removed, older than 30 day(s): 1 lead(s)")
    assert _lead_count(database_url) == 2
    assert set(event_counts(path)) == {"old-booked", "recent-new", "never-a-lead-recent"}
    details = [entry.details for entry in _audit(database_url, "leads_purged")]
    assert details == [
        {"older_than_days": 60, "leads": 0, "conversations": 0, "events_erased": 0},
        {"older_than_days": 30, "leads": 1, "conversations": 1, "events_erased": 10},
    ]


def test_purge_rejects_a_period_below_one_day(run):
    assert "0 is not in the range" in run("purge", "--older-than", "0", ok=False).output
