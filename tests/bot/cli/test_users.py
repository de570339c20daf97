from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import users as cli_users
from bot.cli.main import main
from bot.db.migrate import upgrade
from bot.db.models import AuditEvent, StaffSession, StaffUser, utcnow
from bot.db.session import dispose_engines, session_scope
from bot.staff import accounts, sessions, sign_in

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _cheap_hashing(cheap_hasher):
    """Every test here hashes passwords: cheaply."""


@pytest.fixture
def url(tmp_path):
    yield f"sqlite:///{tmp_path / 'var' / 'leads.db'}"
    dispose_engines()


@pytest.fixture
def run(project_root, url, tmp_path):
    """``bot ...`` with DATABASE_URL on a fresh SQLite file (the commands migrate it)."""
    env = {
        "PROJECT_ROOT": str(project_root),
        "DATABASE_URL": url,
        "TRACKER_STORE_DB": str(tmp_path / "trackers.db"),
    }

    def invoke(*args: str, input: str | None = None, ok: bool = True):
        result = CliRunner().invoke(main, list(args), input=input, env=env)
        assert (result.exit_code == 0) is ok, (result.output, result.exception)
        return result

    return invoke


def test_add_reads_the_password_from_stdin(run, url):
    added = run("users", "add", "Ana@Clinic.example", "--role", "admin", input=PASSWORD + "\n")
    assert added.stdout.strip() == "created staff account ana@clinic.example (role admin)"
    assert PASSWORD not in added.output
    with session_scope(url) as session:
        user = session.execute(select(StaffUser)).scalar_one()
        assert (user.email, user.role, user.active) == ("ana@clinic.example", "admin", True)
        assert accounts.verify_password(user.password_hash, PASSWORD)
        event = session.execute(select(AuditEvent)).scalar_one()
        assert (event.action, event.actor_id, event.details) == (
            "user_created",
            None,
            {"role": "admin"},
        )


def test_add_defaults_to_staff(run):
    added = run("users", "add", "bo@clinic.example", input=PASSWORD)  # no newline: fine too
    assert "(role staff)" in added.stdout


def test_add_on_a_terminal_asks_twice(run, url, monkeypatch):
    monkeypatch.setattr(cli_users, "_stdin_is_tty", lambda: True)
    run("users", "add", "ana@clinic.example", input=f"{PASSWORD}\n{PASSWORD}\n")
    with session_scope(url) as session:
        stored = session.execute(select(StaffUser.password_hash)).scalar_one()
    assert accounts.verify_password(stored, PASSWORD)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["ana@clinic.example"], "short\n", "at least 12 characters"),
        (["ana@clinic.example"], "", "no password on standard input"),
        (["not-an-email"], PASSWORD + "\n", "not a valid email address"),
        (["ana@clinic.example", "--role", "owner"], PASSWORD + "\n", "Invalid value"),
    ],
)
def test_add_refuses_bad_input_clearly(run, url, args, stdin, message):
    upgrade(url)  # some of these stop before the command opens the database
    result = run("users", "add", *args, input=stdin, ok=False)
    assert result.exit_code in (1, 2) and message in result.stderr
    assert PASSWORD not in result.output
    with session_scope(url) as session:
        assert session.execute(select(StaffUser)).first() is None


def test_duplicate_fails_with_exit_1(run):
    run("users", "add", "ana@clinic.example", input=PASSWORD + "\n")
    again = run("users", "add", "ANA@clinic.example", input=PASSWORD + "\n", ok=False)
    assert again.exit_code == 1
    assert "error: an account for ana@clinic.example already exists" in again.stderr


def test_list_json_shows_no_hash(run):
    run("users", "add", "zoe@clinic.example", input=PASSWORD + "\n")
    run("users", "add", "ana@clinic.example", "--role", "admin", input=PASSWORD + "\n")
    listed = run("users", "list", "--json")
    assert "argon2" not in listed.stdout and "password" not in listed.stdout
    found = json.loads(listed.stdout)
    assert [(u["email"], u["role"], u["active"], u["last_login_at"]) for u in found] == [
        ("ana@clinic.example", "admin", True, None),
        ("zoe@clinic.example", "staff", True, None),
    ]
    text = run("users", "list").stdout
    assert "ana@clinic.example  admin  active  never signed in" in text
    assert "2 account(s)" in text and "argon2" not in text


def test_deactivate_activate_and_set_password(run, url):
    run("users", "add", "ana@clinic.example", input=PASSWORD + "\n")
    with session_scope(url) as session:
        user = accounts.find_user(session, "ana@clinic.example")
        user.failed_logins, user.locked_until = 5, utcnow() + sign_in.LOCKOUT
        sessions.start_session(session, user, utcnow())

    assert run("users", "deactivate", "Ana@clinic.example").stdout.strip() == (
        "deactivated ana@clinic.example"
    )
    with session_scope(url) as session:
        assert session.execute(select(StaffUser.active)).scalar_one() is False
        assert session.execute(select(StaffSession)).first() is None
    assert "inactive" in run("users", "list").stdout

    assert "activated ana@clinic.example" in run("users", "activate", "ana@clinic.example").stdout
    new = "a brand new passphrase"
    changed = run("users", "set-password", "ana@clinic.example", input=new + "\n")
    assert "password changed for ana@clinic.example" in changed.stdout
    with session_scope(url) as session:
        user = session.execute(select(StaffUser)).scalar_one()
        assert user.active is True
        assert (user.failed_logins, user.locked_until) == (0, None)
        assert accounts.verify_password(user.password_hash, new)
        changes = session.execute(
            select(AuditEvent.details).where(AuditEvent.action == "user_changed")
        ).scalars()
        assert list(changes) == [
            {"field": "active", "value": False},
            {"field": "active", "value": True},
            {"field": "password"},
        ]

    unknown = run("users", "deactivate", "nobody@clinic.example", ok=False)
    assert unknown.exit_code == 1 and "no account for nobody@clinic.example" in unknown.stderr


def test_the_last_admin_cannot_be_deactivated(run):
    run("users", "add", "boss@clinic.example", "--role", "admin", input=PASSWORD + "\n")
    refused = run("users", "deactivate", "boss@clinic.example", ok=False)
    assert refused.exit_code == 1 and "last active admin" in refused.stderr
