"""The smallest group whose results a segment split shows.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    with op.batch_alter_table("sessions") as table:
        table.add_column(sa.Column("min_group", sa.Integer, nullable=False, server_default="3"))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as table:
        table.drop_column("min_group")
