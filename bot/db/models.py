"""The leads database: who asked to be contacted, what they told the intake, their
consent, and the scan-review slots they booked.

Times are stored in UTC and always come back timezone-aware, on SQLite too (which has
no time zones), so that comparisons with "now" can never silently mix zones.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.types import TypeDecorator

from bot.clinic.safety import TRIAGE_LEVELS

LEAD_STATUSES = ("new", "contacted", "booked", "closed")
BOOKING_STATUSES = ("active", "cancelled")
# what the visitor is told about a booking, how, and where each message stands
NOTICE_KINDS = ("confirmation", "reminder", "cancelled", "moved")
NOTICE_CHANNELS = ("email", "sms")
NOTICE_STATUSES = ("queued", "sending", "sent", "failed", "skipped")
# why a lead was closed: the back-office asks for one of these
CLOSE_REASONS = ("booked_and_seen", "not_interested", "unreachable", "duplicate", "spam")
STAFF_ROLES = ("staff", "admin")

# Constraint names are spelled out (alembic's batch mode on SQLite needs names); the
# convention names the rest the same way on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def touch(record: Lead | Intake, now: datetime) -> None:
    """Set ``updated_at`` to ``now`` even when it already holds that value: otherwise
    the column's onupdate default would replace it with the clock's time."""
    record.updated_at = now
    flag_modified(record, "updated_at")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UTCDateTime(TypeDecorator):
    """A timezone-aware timestamp stored in UTC; naive datetimes are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone-aware one")
        value = value.astimezone(timezone.utc)
        # SQLite keeps text without an offset: store the UTC wall time
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Lead(Base):
    """A visitor who agreed to be contacted; one per conversation."""

    __tablename__ = "leads"
    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="ck_leads_contact"),
        CheckConstraint(_in("triage_level", TRIAGE_LEVELS), name="ck_leads_triage_level"),
        CheckConstraint(_in("status", LEAD_STATUSES), name="ck_leads_status"),
        CheckConstraint(
            f"closed_reason IS NULL OR {_in('closed_reason', CLOSE_REASONS)}",
            name="ck_leads_closed_reason",
        ),
        # the front desk's queue: new leads, oldest first
        Index("ix_leads_status_created_at", "status", "created_at"),
        # possible duplicates: the same phone (E.164); the same email is indexed below
        Index("ix_leads_phone", "phone"),
    )

    id = Column(Integer, primary_key=True)
    # the Rasa sender id: the way back to the transcript
    conversation_id = Column(String(128), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    email = Column(String(254))
    phone = Column(String(32))  # E.164
    preferred_contact = Column(String(16))  # call | text | email
    preferred_time = Column(String(16))  # morning | afternoon | evening | any
    triage_level = Column(String(16), nullable=False, default="routine", server_default="routine")
    conditions = Column(JSON, nullable=False, default=list)
    source_page = Column(String(2048))
    status = Column(String(16), nullable=False, default="new", server_default="new")
    closed_reason = Column(String(32))  # one of CLOSE_REASONS while status is closed
    assigned_to_id = Column(Integer, ForeignKey("staff_users.id", ondelete="SET NULL"), index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    assigned_to = relationship("StaffUser")
    notes = relationship(
        "LeadNote",
        back_populates="lead",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="LeadNote.id",
    )
    intake = relationship(
        "Intake",
        uselist=False,
        back_populates="lead",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    consent = relationship(
        "Consent",
        uselist=False,
        back_populates="lead",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    bookings = relationship(
        "Booking",
        back_populates="lead",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Booking.id",
    )


# possible duplicates: the same email in any case
Index("ix_leads_email_lower", func.lower(Lead.email))


class Intake(Base):
    """The intake answers, kept as the conversation's slots, plus the fields staff sort by."""

    __tablename__ = "intakes"
    __table_args__ = (CheckConstraint("pain_score BETWEEN 0 AND 10", name="ck_intakes_pain_score"),)

    id = Column(Integer, primary_key=True)
    lead_id = Column(
        Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    answers = Column(JSON, nullable=False, default=dict)  # slot name -> value
    summary = Column(Text)
    duration_category = Column(String(16))
    pain_score = Column(Integer)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    lead = relationship("Lead", back_populates="intake")


class Consent(Base):
    """What the visitor agreed to, to which wording, and when (privacy law asks for all)."""

    __tablename__ = "consents"

    id = Column(Integer, primary_key=True)
    lead_id = Column(
        Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    notice_version = Column(String(32), nullable=False)
    agreed = Column(Boolean, nullable=False)
    contact_opt_in = Column(Boolean, nullable=False)  # calls and texts (US TCPA)
    given_at = Column(UTCDateTime, nullable=False)

    lead = relationship("Lead", back_populates="consent")


class ReviewSlot(Base):
    """A time the clinic offers for reviewing a visitor's scan."""

    __tablename__ = "review_slots"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="ck_review_slots_duration_minutes"),
    )

    id = Column(Integer, primary_key=True)
    starts_at = Column(UTCDateTime, nullable=False, unique=True)
    duration_minutes = Column(Integer, nullable=False, default=30, server_default="30")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # withdrawn by an admin; kept (not deleted) while cancelled bookings refer to it
    removed_at = Column(UTCDateTime)

    bookings = relationship("Booking", back_populates="slot", passive_deletes="all")


_ACTIVE = text("status = 'active'")


class Booking(Base):
    """A lead's claim on a slot. Cancelled bookings stay, for the record."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint(_in("status", BOOKING_STATUSES), name="ck_bookings_status"),
        # The database, not the code, decides who gets a slot: at most one active
        # booking per slot, and per lead, however many requests race.
        Index(
            "uq_bookings_active_slot",
            "slot_id",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
        Index(
            "uq_bookings_active_lead",
            "lead_id",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
    )

    id = Column(Integer, primary_key=True)
    slot_id = Column(
        Integer, ForeignKey("review_slots.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    lead_id = Column(
        Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True
    )
    reference = Column(String(12), nullable=False, unique=True)
    status = Column(String(16), nullable=False, default="active", server_default="active")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    cancelled_at = Column(UTCDateTime)

    slot = relationship("ReviewSlot", back_populates="bookings")
    lead = relationship("Lead", back_populates="bookings")


class BookingNotice(Base):
    """One message to the visitor about a booking on one channel, queued in the same
    transaction as the booking change and sent once by the notice scheduler
    (bot/notices/scheduler.py). The unique key is what makes it once: a booking gets
    at most one confirmation, one reminder... per channel, however often it is asked."""

    __tablename__ = "booking_notices"
    __table_args__ = (
        CheckConstraint(_in("kind", NOTICE_KINDS), name="ck_booking_notices_kind"),
        CheckConstraint(_in("channel", NOTICE_CHANNELS), name="ck_booking_notices_channel"),
        CheckConstraint(_in("status", NOTICE_STATUSES), name="ck_booking_notices_status"),
        UniqueConstraint("booking_id", "kind", "channel", name="uq_booking_notices_once"),
        Index("ix_booking_notices_due", "status", "next_attempt_at"),
    )

    id = Column(Integer, primary_key=True)
    booking_id = Column(
        Integer, ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = Column(String(16), nullable=False)
    channel = Column(String(8), nullable=False)
    status = Column(String(16), nullable=False, default="queued", server_default="queued")
    attempts = Column(Integer, nullable=False, default=0, server_default="0")
    next_attempt_at = Column(UTCDateTime, nullable=False)
    # when a scheduler took it (status sending): a claim older than the lease is retaken
    claimed_at = Column(UTCDateTime)
    sent_at = Column(UTCDateTime)
    # the calendar event the invitation updates: the same through moves, SEQUENCE rising
    calendar_uid = Column(String(64), nullable=False)
    sequence = Column(Integer, nullable=False, default=0, server_default="0")
    # why it failed or was skipped: an error class or a short reason, nothing personal
    last_error = Column(String(64))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    booking = relationship("Booking")


class StaffUser(Base):
    """A clinic employee who signs in to the back-office. Accounts are deactivated,
    never deleted, so that the audit log and notes keep naming their author."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint(_in("role", STAFF_ROLES), name="ck_staff_users_role"),)

    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)  # stored lower-case
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False, default="staff", server_default="staff")
    active = Column(Boolean, nullable=False, default=True, server_default=text("true"))
    # lock-out after repeated failed sign-ins
    failed_logins = Column(Integer, nullable=False, default=0, server_default="0")
    locked_until = Column(UTCDateTime)
    last_login_at = Column(UTCDateTime)
    # the last visit of the inbox: leads that arrived since are marked new
    inbox_seen_at = Column(UTCDateTime)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class StaffSession(Base):
    """A signed-in browser. Only a hash of the cookie's token is stored, so a copy of
    the database does not let anyone sign in; signing out deletes the row."""

    __tablename__ = "staff_sessions"

    token_hash = Column(String(64), primary_key=True)  # sha256 hex of the cookie value
    user_id = Column(
        Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # what the next page shows once ("Account updated"): chosen by the app after a form
    # post, never taken from a link, so a crafted URL can't put words on a staff page
    notice = Column(String(300))

    user = relationship("StaffUser")


class LoginCounter(Base):
    """Sign-in attempts counted in a fixed window, for one address or for one typed
    email from one address (bot/staff/throttle.py). Keys are hashes: the table holds no
    email address, and an email nobody has counts the same as a staff member's."""

    __tablename__ = "login_counters"

    key = Column(String(64), primary_key=True)  # sha256 hex of what is counted
    # sha256 hex of the typed email, for the (email, address) counters: a password
    # reset clears them all; None for an address's own counter
    account = Column(String(64), index=True)
    attempts = Column(Integer, nullable=False)
    window_ends = Column(UTCDateTime, nullable=False, index=True)


class LeadNote(Base):
    """A note on a lead by a staff member: append-only, like a paper chart."""

    __tablename__ = "lead_notes"

    id = Column(Integer, primary_key=True)
    lead_id = Column(
        Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author_id = Column(Integer, ForeignKey("staff_users.id", ondelete="RESTRICT"), nullable=False)
    body = Column(Text, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    lead = relationship("Lead", back_populates="notes")
    author = relationship("StaffUser")


class AuditEvent(Base):
    """Who did what to which record, and when. Append-only: the database refuses
    updates and deletes (triggers in migration 0002). ``details`` never holds a
    visitor's contact details or health information, only ids, fields and counts."""

    __tablename__ = "audit_events"

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor_id = Column(Integer, ForeignKey("staff_users.id", ondelete="RESTRICT"), index=True)
    actor_email = Column(String(254))  # as it was then; None for the system and the CLI
    action = Column(String(32), nullable=False, index=True)
    target_type = Column(String(32))
    target_id = Column(Integer)
    details = Column(JSON, nullable=False, default=dict)
    ip_address = Column(String(45))
