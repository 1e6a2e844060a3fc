"""Table definitions for queries. The migrations in `migrations/versions` create them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("code", String(8), nullable=False),
    Column("title", String(200), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("state", String(16), nullable=False),  # live | ended
    Column("template_id", String(64)),
    Column("current_question", String(64)),
    Column("presenter_key_hash", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("ended_at", String(32)),
    Column("profanity_filter", Boolean, nullable=False, default=False),
    Column("reveal", String(16), nullable=False, default="live"),  # live | on_reveal
    # a segment group with fewer participants is withheld, so that nobody is singled out
    Column("min_group", Integer, nullable=False, default=3),
    Index(
        "uq_sessions_live_code",
        "code",
        unique=True,
        sqlite_where=Column("state") == "live",
        postgresql_where=Column("state") == "live",
    ),
)

questions = Table(
    "questions",
    metadata,
    Column("session_id", String(32), ForeignKey("sessions.id"), nullable=False),
    Column("id", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("definition", Text, nullable=False),  # JSON: the full Question
    Column("state", String(16), nullable=False),  # pending | open | locked
    Column("results_visible", Boolean, nullable=False),
    Column("results_shared", Boolean, nullable=False, default=False),  # phones see them
    Column("deadline", String(32)),  # a countdown's end (ISO UTC); it locks the question
    Column("split", Boolean, nullable=False, default=False),  # shown per segment group
    PrimaryKeyConstraint("session_id", "id"),
)

participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(32), ForeignKey("sessions.id"), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("joined_at", String(32), nullable=False),
    # an interview's respondent as the facilitator named them; empty for phones
    Column("label", String(80)),
    UniqueConstraint("session_id", "token_hash"),
)

responses = Table(
    "responses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(32), nullable=False),
    Column("participant_id", Integer, ForeignKey("participants.id"), nullable=False),
    Column("client_id", String(36), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("value", Text, nullable=False),  # JSON
    Column("received_at", String(32), nullable=False),
    Column("hidden", Boolean, nullable=False, default=False),
    UniqueConstraint("participant_id", "client_id"),
)

answers = Table(
    "answers",
    metadata,
    Column("participant_id", Integer, ForeignKey("participants.id"), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("session_id", String(32), nullable=False),
    Column("response_id", Integer, ForeignKey("responses.id"), nullable=False),
    Column("value", Text, nullable=False),
    Column("answered_at", String(32), nullable=False),
    PrimaryKeyConstraint("participant_id", "question_id"),
    Index("ix_answers_session_question", "session_id", "question_id"),
)

# A Q&A post is a response (its id is the item id); votes are rows, one per participant
qa_items = Table(
    "qa_items",
    metadata,
    Column("response_id", Integer, ForeignKey("responses.id"), primary_key=True),
    Column("session_id", String(32), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("participant_id", Integer, ForeignKey("participants.id"), nullable=False),
    Column("pending", Boolean, nullable=False),
    Column("answered", Boolean, nullable=False),
    Index("ix_qa_items_session_question", "session_id", "question_id"),
)

qa_votes = Table(
    "qa_votes",
    metadata,
    Column("item_id", Integer, ForeignKey("qa_items.response_id"), nullable=False),
    Column("participant_id", Integer, ForeignKey("participants.id"), nullable=False),
    Column("session_id", String(32), nullable=False),
    Column("question_id", String(64), nullable=False),
    PrimaryKeyConstraint("item_id", "participant_id"),
    Index("ix_qa_votes_session_question", "session_id", "question_id"),
)

# Templates written or saved in the browser, listed beside the shipped TOML files
saved_templates = Table(
    "saved_templates",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("questions", Text, nullable=False),  # JSON: the question specs
    Column("created_at", String(32), nullable=False),
)

# The brief's header, KPI and sign-off as the facilitator recorded them in the console
brief_details = Table(
    "brief_details",
    metadata,
    Column("session_id", String(32), ForeignKey("sessions.id"), primary_key=True),
    Column("details", Text, nullable=False),  # JSON
    Column("updated_at", String(32), nullable=False),
)

# Insights the facilitator accepted, edited or wrote, and every change made to them
insights = Table(
    "insights",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(32), ForeignKey("sessions.id"), nullable=False, index=True),
    Column("section", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("tag", String(32)),  # barrier type, Kirkpatrick level, ...
    Column("origin", String(128)),  # the proposal it came from, if any
    Column("evidence", Text, nullable=False),  # JSON: numbers and question ids
    Column("quote", Boolean, nullable=False),  # a pinned story, kept verbatim
    Column("status", String(16), nullable=False),  # accepted | discarded
    Column("position", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

insight_history = Table(
    "insight_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("insight_id", Integer, ForeignKey("insights.id"), nullable=False, index=True),
    Column("session_id", String(32), nullable=False),
    Column("at", String(32), nullable=False),
    Column("action", String(16), nullable=False),  # created | edited | discarded | ...
    Column("changes", Text, nullable=False),  # JSON: field -> [before, after]
)
