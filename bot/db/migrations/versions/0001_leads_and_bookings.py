"""Leads, their intake and consent, review slots and bookings.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("preferred_contact", sa.String(length=16), nullable=True),
        sa.Column("preferred_time", sa.String(length=16), nullable=True),
        sa.Column("triage_level", sa.String(length=16), server_default="routine", nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("source_page", sa.String(length=2048), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="new", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="ck_leads_contact"),
        sa.CheckConstraint(
            "triage_level IN ('routine', 'urgent', 'emergency')", name="ck_leads_triage_level"
        ),
        sa.CheckConstraint(
            "status IN ('new', 'contacted', 'booked', 'closed')", name="ck_leads_status"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_leads"),
        sa.UniqueConstraint("conversation_id", name="uq_leads_conversation_id"),
    )
    op.create_table(
        "review_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), server_default="30", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("duration_minutes > 0", name="ck_review_slots_duration_minutes"),
        sa.PrimaryKeyConstraint("id", name="pk_review_slots"),
        sa.UniqueConstraint("starts_at", name="uq_review_slots_starts_at"),
    )
    op.create_table(
        "intakes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("duration_category", sa.String(length=16), nullable=True),
        sa.Column("pain_score", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("pain_score BETWEEN 0 AND 10", name="ck_intakes_pain_score"),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_intakes_lead_id_leads", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_intakes"),
        sa.UniqueConstraint("lead_id", name="uq_intakes_lead_id"),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("notice_version", sa.String(length=32), nullable=False),
        sa.Column("agreed", sa.Boolean(), nullable=False),
        sa.Column("contact_opt_in", sa.Boolean(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_consents_lead_id_leads", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consents"),
        sa.UniqueConstraint("lead_id", name="uq_consents_lead_id"),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="active", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('active', 'cancelled')", name="ck_bookings_status"),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name="fk_bookings_lead_id_leads", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["review_slots.id"],
            name="fk_bookings_slot_id_review_slots",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        sa.UniqueConstraint("reference", name="uq_bookings_reference"),
    )
    op.create_index("ix_bookings_lead_id", "bookings", ["lead_id"])
    op.create_index("ix_bookings_slot_id", "bookings", ["slot_id"])
    # at most one active booking per slot and per lead: this is what makes booking atomic
    op.create_index(
        "uq_bookings_active_slot",
        "bookings",
        ["slot_id"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    op.create_index(
        "uq_bookings_active_lead",
        "bookings",
        ["lead_id"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def downgrade() -> None:
    op.drop_table("bookings")
    op.drop_table("consents")
    op.drop_table("intakes")
    op.drop_table("review_slots")
    op.drop_table("leads")
