"""The ``bot users`` commands: back-office accounts by hand (the first admin, resets).

Passwords are asked twice on a terminal, or read as one line from standard input when
it is not one (``echo "$PASSWORD" | bot users add ...``), never taken as an argument
(it would end up in the shell's history and the process list). Changes are audited
with no actor: the command line.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

import click

from bot.cli.data import _fail, _migrated_settings


def _stdin_is_tty() -> bool:
    return sys.stdin.isatty()


def _read_password() -> str:
    if _stdin_is_tty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    if not line:
        _fail("no password on standard input: pipe one line, or run on a terminal")
    return line.rstrip("\r\n")


@click.group("users")
def users() -> None:
    """Staff accounts of the back-office."""


@users.command("add")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["staff", "admin"]),  # STAFF_ROLES, without loading SQLAlchemy
    default="staff",
    show_default=True,
    help="admin may also manage accounts and read the audit log.",
)
def users_add(email: str, role: str) -> None:
    """Create an account; the password is asked for (or read from standard input)."""
    from bot.db.session import session_scope
    from bot.staff.accounts import AccountError
    from bot.staff.administration import create_user

    password = _read_password()
    settings = _migrated_settings()
    try:
        with session_scope(settings.database_url) as session:
            user = create_user(session, email, password, role)
            address = user.email
    except AccountError as error:
        _fail(str(error))
    click.echo(f"created staff account {address} (role {role})")


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for machines.")
def users_list(as_json: bool) -> None:
    """Every account: email, role, active, last sign-in (UTC)."""
    from bot.db.session import session_scope
    from bot.staff.administration import list_users

    settings = _migrated_settings()
    with session_scope(settings.database_url) as session:
        found = [
            {
                "id": user.id,
                "email": user.email,
                "role": user.role,
                "active": user.active,
                "locked_until": _when(user.locked_until),
                "last_login_at": _when(user.last_login_at),
                "created_at": _when(user.created_at),
            }
            for user in list_users(session)
        ]
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    for user in found:
        last = user["last_login_at"]
        click.echo(
            "  ".join(
                [
                    user["email"],
                    user["role"],
                    "active" if user["active"] else "inactive",
                    f"last sign-in {last[:16].replace('T', ' ')}" if last else "never signed in",
                ]
            )
        )
    click.echo(f"{len(found)} account(s)")


def _change(email: str, change: str, value: object = None) -> str:
    """Apply ``change`` to the account of ``email``; returns its stored email."""
    from bot.db.session import session_scope
    from bot.staff import accounts, administration

    settings = _migrated_settings()
    try:
        with session_scope(settings.database_url) as session:
            user = accounts.find_user(session, email)
            if user is None:
                raise accounts.AccountError(f"there is no account for {email}")
            if change == "password":
                administration.reset_password(session, user.id, str(value), None)
            else:
                administration.set_active(session, user.id, change == "activate", None)
            return user.email
    except accounts.AccountError as error:
        _fail(str(error))


@users.command("set-password")
@click.argument("email")
def users_set_password(email: str) -> None:
    """Set a new password (asked for, or read from standard input); it also unlocks the
    account and signs it out everywhere."""
    password = _read_password()
    address = _change(email, "password", password)
    click.echo(f"password changed for {address}; its sessions were signed out")


@users.command("deactivate")
@click.argument("email")
def users_deactivate(email: str) -> None:
    """Stop an account signing in (it is kept, for the audit log); signs it out."""
    click.echo(f"deactivated {_change(email, 'deactivate')}")


@users.command("activate")
@click.argument("email")
def users_activate(email: str) -> None:
    """Let a deactivated account sign in again."""
    click.echo(f"activated {_change(email, 'activate')}")


def register(main: click.Group) -> None:
    """Add the ``users`` group to the ``bot`` command line."""
    main.add_command(users)
