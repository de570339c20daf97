"""Booking notices: each message to a visitor about a booking (confirmation, reminder,
cancelled, moved) on each channel (email, SMS), queued with the booking change and
sent once by the notice scheduler.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "booking_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="queued", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("calendar_uid", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('confirmation', 'reminder', 'cancelled', 'moved')",
            name="ck_booking_notices_kind",
        ),
        sa.CheckConstraint("channel IN ('email', 'sms')", name="ck_booking_notices_channel"),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'skipped')",
            name="ck_booking_notices_status",
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name="fk_booking_notices_booking_id_bookings",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_booking_notices"),
        sa.UniqueConstraint("booking_id", "kind", "channel", name="uq_booking_notices_once"),
    )
    op.create_index("ix_booking_notices_booking_id", "booking_notices", ["booking_id"])
    op.create_index("ix_booking_notices_due", "booking_notices", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("booking_notices")
