"""The ``bot db``, ``bot leads``, ``bot slots`` and ``bot purge`` commands: the leads
database by hand.

Output is for people unless ``--json`` asks for machines. Contact details are printed
by ``leads list`` and ``leads export`` (audited) only. The leads, slots and purge
commands migrate the database first (idempotent and quick), so a fresh install needs no
separate step.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NoReturn
from zoneinfo import ZoneInfo

import click

from bot.settings import Settings, load_settings

if TYPE_CHECKING:
    from bot.clinic.profile import ClinicProfile


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _migrated_settings() -> Settings:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.db.migrate import upgrade

    settings = load_settings()
    try:
        upgrade(settings.database_url)
    except SQLAlchemyError as error:
        _fail(f"cannot open the leads database (DATABASE_URL): {error}")
    return settings


def _clinic_profile(settings: Settings) -> ClinicProfile:
    from bot.clinic.profile import ClinicProfileError, load_clinic_profile

    try:
        return load_clinic_profile(settings.clinic_profile)
    except ClinicProfileError as error:
        _fail(str(error))


def _clinic_zone(settings: Settings) -> ZoneInfo:
    return ZoneInfo(_clinic_profile(settings).timezone)


@click.group("db")
def db() -> None:
    """The leads database (DATABASE_URL)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the schema migrations; prints the revision the database is at."""
    from bot.db.migrate import current_revision

    url = _migrated_settings().database_url
    click.echo(f"database at revision {current_revision(url)}")


@click.group("leads")
def leads() -> None:
    """Visitors who agreed to be contacted."""


def _lead_line(lead: dict[str, Any]) -> str:
    active = [b["reference"] for b in lead["bookings"] if b["status"] == "active"]
    return "  ".join(
        [
            f"#{lead['id']}",
            lead["created_at"][:16].replace("T", " "),
            lead["triage_level"],
            lead["status"],
            ",".join(lead["conditions"]) or "-",
            active[0] if active else "-",
        ]
    )


@leads.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for machines.")
def leads_list(as_json: bool) -> None:
    """All leads, newest first (id, created UTC, triage, status, conditions, booking)."""
    from bot.clinic.leads import list_leads
    from bot.db.session import session_scope

    settings = _migrated_settings()
    with session_scope(settings.database_url) as session:
        found = list_leads(session)
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    for lead in found:
        click.echo(_lead_line(lead))
    click.echo(f"{len(found)} lead(s)")


@leads.command("recover")
@click.option(
    "--tracker-db",
    help="Rasa's tracker store: a SQLite file or a database URL (default: TRACKER_STORE_DB).",
)
def leads_recover(tracker_db: str | None) -> None:
    """Rebuild leads that consenting conversations have but the database lacks."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.clinic.leads import find_lead
    from bot.clinic.recovery import recover_leads
    from bot.db.session import session_scope

    settings = _migrated_settings()
    tracker = tracker_db or str(settings.tracker_store_db)
    try:
        with session_scope(settings.database_url) as session:
            recovered = recover_leads(session, tracker)
            ids = [find_lead(session, conversation).id for conversation in recovered]
    except (FileNotFoundError, LookupError, SQLAlchemyError) as error:
        _fail(f"cannot read the tracker store: {error}")
    listed = f": lead id(s) {', '.join(map(str, ids))}" if ids else ""
    click.echo(f"rebuilt {len(ids)} lead(s){listed}")


@leads.command("export")
@click.option("--status", help="Only leads with this status (new, contacted, booked, closed).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write to this file (readable by you only) instead of standard output.",
)
def leads_export(status: str | None, output: str | None) -> None:
    """The leads as CSV for a spreadsheet, with contact details; the export is audited."""
    import os

    from bot.db.models import LEAD_STATUSES
    from bot.db.session import session_scope
    from bot.staff import audit
    from bot.staff.export import leads_csv, leads_for_export

    if status is not None and status not in LEAD_STATUSES:
        _fail(f"--status must be one of {', '.join(LEAD_STATUSES)}, got {status!r}")
    settings = _migrated_settings()
    zone = _clinic_zone(settings)
    handle = None
    if output is not None:
        # opened before the export is recorded, so that a bad path records nothing
        try:
            descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        except OSError as error:
            _fail(f"cannot write {output}: {error.strerror}")
        handle = open(descriptor, "w", encoding="utf-8", newline="")  # noqa: SIM115
    with session_scope(settings.database_url) as session:
        found = leads_for_export(session, status)
        text = leads_csv(found, zone)
        audit.record(session, "leads_exported", details={"count": len(found), "via": "cli"})
    if handle is None:
        click.echo(text, nl=False)
        return
    with handle:
        handle.write(text)
    click.echo(f"exported {len(found)} lead(s) to {output}")


@leads.command("erase")
@click.argument("lead_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def leads_erase(lead_id: int, yes: bool) -> None:
    """Erase a lead for good: its intake, consent, bookings, notes and conversation."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.clinic.recovery import tracker_store_url
    from bot.db.dialects import scrub_sqlite_log
    from bot.db.models import utcnow
    from bot.db.session import session_scope
    from bot.staff.privacy import erase_lead

    settings = _migrated_settings()
    if not yes:
        click.confirm(
            f"Erase lead #{lead_id} and its conversation? This cannot be undone", abort=True
        )
    tracker = tracker_store_url(settings.tracker_store_db)
    try:
        with session_scope(settings.database_url) as session:
            erased = erase_lead(session, lead_id, tracker, None, utcnow())
        with session_scope(settings.database_url) as session:
            scrub_sqlite_log(session)
    except LookupError as error:
        _fail(str(error))
    except SQLAlchemyError as error:
        _fail(f"nothing erased ({type(error).__name__}), run the command again")
    click.echo(
        f"erased lead #{erased.lead_id}: {erased.intakes} intake, {erased.consents} consent,"
        f" {erased.bookings} booking(s), {erased.notes} note(s),"
        f" {erased.events_erased} conversation event(s)"
    )


@click.command("purge")
@click.option(
    "--older-than",
    "older_than",
    type=click.IntRange(min=1),
    help="Days since a lead last changed (default: the clinic profile's retention_days).",
)
@click.option("--dry-run", is_flag=True, help="Say what would be removed; change nothing.")
def purge_command(older_than: int | None, dry_run: bool) -> None:
    """Remove closed and never-converted leads, and conversations without a lead, past
    the retention period (booked leads are kept)."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.clinic.recovery import tracker_store_url
    from bot.db.models import utcnow
    from bot.db.session import session_scope
    from bot.staff.privacy import purge

    settings = _migrated_settings()
    days = older_than if older_than is not None else _clinic_profile(settings).retention_days
    tracker = tracker_store_url(settings.tracker_store_db)
    try:
        with session_scope(settings.database_url) as session:
            report = purge(session, tracker, days, utcnow(), dry_run)
    except SQLAlchemyError as error:
        _fail(f"nothing purged ({type(error).__name__}), run the command again")
    ids = f" (id {', '.join(map(str, report.lead_ids))})" if report.lead_ids else ""
    click.echo(
        f"{'would remove' if dry_run else 'removed'}, older than {days} day(s):"
        f" {len(report.lead_ids)} lead(s){ids},"
        f" {report.conversation_count} conversation(s) without a lead,"
        f" {report.events_erased} conversation event(s)"
    )


@click.group("slots")
def slots() -> None:
    """Times offered for scan reviews, in the clinic's time zone."""


@slots.command("add")
@click.option("--at", "at", required=True, help='Local start, "YYYY-MM-DD HH:MM".')
@click.option("--weekly", default=1, show_default=True, help="How many weekly occurrences.")
@click.option("--duration", default=30, show_default=True, help="Minutes.")
def slots_add(at: str, weekly: int, duration: int) -> None:
    """Offer a review slot (or the same time for several weeks)."""
    from bot.clinic import booking
    from bot.db.session import session_scope

    settings = _migrated_settings()
    zone = _clinic_zone(settings)
    if duration <= 0:
        _fail(f"--duration must be a positive number of minutes, got {duration}")
    try:
        starts = booking.weekly(booking.parse_local(at, zone.key), weekly)
    except ValueError as error:
        _fail(str(error))
    if starts[0] <= datetime.now(timezone.utc):
        _fail(f"{at} ({zone.key}) is in the past")
    with session_scope(settings.database_url) as session:
        created = booking.add_slots(session, starts, duration)
    for slot in created:
        click.echo(f"added #{slot.id}  {_local(slot.starts_at, zone)}  {duration} min")
    skipped = len(starts) - len(created)
    click.echo(
        f"{len(created)} slot(s) added" + (f", {skipped} already offered" if skipped else "")
    )


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")


@slots.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list for machines.")
@click.option("--all", "show_all", is_flag=True, help="Past slots too.")
def slots_list(as_json: bool, show_all: bool) -> None:
    """Upcoming slots, booked or free."""
    from sqlalchemy import select

    from bot.db.models import Booking, ReviewSlot
    from bot.db.session import session_scope

    settings = _migrated_settings()
    zone = _clinic_zone(settings)
    query = select(ReviewSlot).order_by(ReviewSlot.starts_at)
    if not show_all:
        query = query.where(ReviewSlot.starts_at > datetime.now(timezone.utc))
    with session_scope(settings.database_url) as session:
        found = list(session.execute(query).scalars())
        booked = set(
            session.execute(select(Booking.slot_id).where(Booking.status == "active")).scalars()
        )
    rows = [
        {
            "id": slot.id,
            "starts_at": slot.starts_at.isoformat(),
            "local": slot.starts_at.astimezone(zone).isoformat(),
            "duration_minutes": slot.duration_minutes,
            "booked": slot.id in booked,
        }
        for slot in found
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for slot, row in zip(found, rows, strict=True):
        state = "booked" if row["booked"] else "free"
        click.echo(
            f"#{row['id']}  {_local(slot.starts_at, zone)}  {row['duration_minutes']} min  {state}"
        )
    click.echo(f"{len(rows)} slot(s)")


def register(main: click.Group) -> None:
    """Add the data commands to the ``bot`` command line."""
    for group in (db, leads, slots, purge_command):
        main.add_command(group)
