"""The brief's workspace: its header and sign-off, curated insights with their history,
interview respondents, and a question's side-by-side group view.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    with op.batch_alter_table("participants") as table:
        # an interview's respondent, as the facilitator named them ("Head of sales");
        # phones leave it empty, so a phone participant stays anonymous
        table.add_column(sa.Column("label", sa.String(80)))
    with op.batch_alter_table("questions") as table:
        # the presenter shows this question's results side by side per segment group
        table.add_column(sa.Column("split", sa.Boolean, nullable=False, server_default="0"))
    op.create_table(
        "brief_details",
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("details", sa.Text, nullable=False),  # JSON: header, KPI, sign-off
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name="fk_brief_details_session_id_sessions"
        ),
        sa.PrimaryKeyConstraint("session_id", name="pk_brief_details"),
    )
    op.create_table(
        "insights",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("section", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("tag", sa.String(32)),  # barrier type, Kirkpatrick level, ...
        sa.Column("origin", sa.String(128)),  # the proposal it came from, if any
        sa.Column("evidence", sa.Text, nullable=False),  # JSON: numbers and question ids
        sa.Column("quote", sa.Boolean, nullable=False),  # a pinned story: verbatim
        sa.Column("status", sa.String(16), nullable=False),  # accepted | discarded
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name="fk_insights_session_id_sessions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_insights"),
    )
    op.create_index("ix_insights_session_id", "insights", ["session_id"])
    op.create_table(
        "insight_history",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("insight_id", sa.Integer, nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),  # created | edited | ...
        sa.Column("changes", sa.Text, nullable=False),  # JSON: field -> [before, after]
        sa.ForeignKeyConstraint(
            ["insight_id"], ["insights.id"], name="fk_insight_history_insight_id_insights"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_insight_history"),
    )
    op.create_index("ix_insight_history_insight_id", "insight_history", ["insight_id"])


def downgrade() -> None:
    op.drop_index("ix_insight_history_insight_id", "insight_history")
    op.drop_table("insight_history")
    op.drop_index("ix_insights_session_id", "insights")
    op.drop_table("insights")
    op.drop_table("brief_details")
    with op.batch_alter_table("questions") as table:
        table.drop_column("split")
    with op.batch_alter_table("participants") as table:
        table.drop_column("label")
