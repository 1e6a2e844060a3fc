"""The workspace: a session's reveal mode, and templates written in the browser.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("sessions") as table:
        # live: results show while voting (how sessions before this worked);
        # on_reveal: hidden until the facilitator reveals them or locks the question
        table.add_column(sa.Column("reveal", sa.String(16), nullable=False, server_default="live"))
    op.create_table(
        "saved_templates",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("questions", sa.Text, nullable=False),  # JSON: the question specs
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_saved_templates"),
    )


def downgrade() -> None:
    op.drop_table("saved_templates")
    with op.batch_alter_table("sessions") as table:
        table.drop_column("reveal")
