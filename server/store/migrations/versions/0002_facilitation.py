"""Q&A posts and votes, countdown deadlines, results shared with phones, profanity filter.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("questions") as table:
        # When the question locks itself (ISO UTC, as `now()` writes it); NULL: no countdown
        table.add_column(sa.Column("deadline", sa.String(32)))
        # Whether phones may see the results: only after the facilitator reveals them
        table.add_column(
            sa.Column("results_shared", sa.Boolean, nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("sessions") as table:
        table.add_column(
            sa.Column("profanity_filter", sa.Boolean, nullable=False, server_default=sa.false())
        )
    # A Q&A post is a response (its id is the item id); this row holds what the room does
    # with it. Votes are rows, so "one vote per participant per item" is a primary key.
    op.create_table(
        "qa_items",
        sa.Column("response_id", sa.Integer, nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("participant_id", sa.Integer, nullable=False),
        sa.Column("pending", sa.Boolean, nullable=False),
        sa.Column("answered", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("response_id", name="pk_qa_items"),
        sa.ForeignKeyConstraint(
            ["response_id"], ["responses.id"], name="fk_qa_items_response_id_responses"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name="fk_qa_items_participant_id_participants"
        ),
    )
    op.create_index("ix_qa_items_session_question", "qa_items", ["session_id", "question_id"])
    op.create_table(
        "qa_votes",
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("participant_id", sa.Integer, nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("item_id", "participant_id", name="pk_qa_votes"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["qa_items.response_id"], name="fk_qa_votes_item_id_qa_items"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name="fk_qa_votes_participant_id_participants"
        ),
    )
    op.create_index("ix_qa_votes_session_question", "qa_votes", ["session_id", "question_id"])


def downgrade() -> None:
    op.drop_table("qa_votes")
    op.drop_table("qa_items")
    with op.batch_alter_table("sessions") as table:
        table.drop_column("profanity_filter")
    with op.batch_alter_table("questions") as table:
        table.drop_column("results_shared")
        table.drop_column("deadline")
