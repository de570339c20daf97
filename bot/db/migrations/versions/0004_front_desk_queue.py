"""The front desk's queue: each account's last visit of the inbox (to mark what is new
since), and indexes for the queue (new leads by arrival) and for finding possible
duplicates (same phone, same email in any case).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("inbox_seen_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_leads_status_created_at", "leads", ["status", "created_at"])
    op.create_index("ix_leads_phone", "leads", ["phone"])
    op.create_index("ix_leads_email_lower", "leads", [sa.text("lower(email)")])


def downgrade() -> None:
    op.drop_index("ix_leads_email_lower", table_name="leads")
    op.drop_index("ix_leads_phone", table_name="leads")
    op.drop_index("ix_leads_status_created_at", table_name="leads")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("inbox_seen_at")
