"""Initial schema: sessions, questions, participants, responses, answers.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("template_id", sa.String(64)),
        sa.Column("current_question", sa.String(64)),
        sa.Column("presenter_key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("ended_at", sa.String(32)),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
    )
    op.create_index(
        "uq_sessions_live_code",
        "sessions",
        ["code"],
        unique=True,
        sqlite_where=sa.text("state = 'live'"),
        postgresql_where=sa.text("state = 'live'"),
    )
    op.create_table(
        "questions",
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("results_visible", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "id", name="pk_questions"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name="fk_questions_session_id_sessions"
        ),
    )
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("joined_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_participants"),
        sa.UniqueConstraint("session_id", "token_hash", name="uq_participants_session_id"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name="fk_participants_session_id_sessions"
        ),
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("participant_id", sa.Integer, nullable=False),
        sa.Column("client_id", sa.String(36), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("received_at", sa.String(32), nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_responses"),
        sa.UniqueConstraint("participant_id", "client_id", name="uq_responses_participant_id"),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name="fk_responses_participant_id_participants"
        ),
    )
    op.create_table(
        "answers",
        sa.Column("participant_id", sa.Integer, nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("response_id", sa.Integer, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("answered_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("participant_id", "question_id", name="pk_answers"),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name="fk_answers_participant_id_participants"
        ),
        sa.ForeignKeyConstraint(
            ["response_id"], ["responses.id"], name="fk_answers_response_id_responses"
        ),
    )
    op.create_index("ix_answers_session_question", "answers", ["session_id", "question_id"])


def downgrade() -> None:
    # children first: the foreign keys point from answers to responses to participants
    for table in ("answers", "responses", "participants", "questions", "sessions", "meta"):
        op.drop_table(table)
