"""Sign-in attempts counted in the database (per address, and per typed email from an
address), and a one-time notice kept with each staff session.

The counters replace a count kept in one process's memory and a per-account lock-out
that anyone could trigger: every process and every parallel request now shares one
count, incremented atomically before a password is checked.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_counters",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_ends", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_login_counters"),
    )
    op.create_index("ix_login_counters_account", "login_counters", ["account"])
    op.create_index("ix_login_counters_window_ends", "login_counters", ["window_ends"])
    with op.batch_alter_table("staff_sessions") as batch:
        batch.add_column(sa.Column("notice", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_sessions") as batch:
        batch.drop_column("notice")
    op.drop_table("login_counters")
