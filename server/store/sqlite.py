"""SQLite backend (WAL), the zero-setup default: the engine with its pragmas, and the
answer batch written on the sqlite3 connection itself, tuned for the hot path. Everything
else is shared with the other backends (core.py)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from ..kinds import ItemRules
from . import Answer, Posted, Recorded
from .core import SqlStore, now
from .rules import post_refusal, refusals, stored_apart_if_refused, vote_refusal


class SqliteStore(SqlStore):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.path = url.removeprefix("sqlite:///")

    def _engines(self) -> tuple[Engine, Engine]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        return (
            _engine(self.path, immediate=True, pool_size=1),
            _engine(self.path, immediate=False, pool_size=8),
        )

    def _store_answers(self, conn: Connection, batch: list[Answer]) -> list[Any]:
        return _store_answers(conn.connection.driver_connection, batch)


def _engine(path: str, *, immediate: bool, pool_size: int) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        pool_size=pool_size,
        max_overflow=0,
        connect_args={"check_same_thread": False, "timeout": 30},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "busy_timeout=30000",
            "foreign_keys=ON",
        ):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


# -- answers: the writer's hot path on the sqlite3 connection itself ----------------------
_RESPONSE_ROW = "(?, ?, ?, ?, ?, ?, 0)"
_INSERT_RESPONSES = (
    "INSERT INTO responses (session_id, participant_id, client_id, question_id, value, "
    "received_at, hidden) VALUES {rows} ON CONFLICT (participant_id, client_id) DO NOTHING"
)
_ROWS_PER_INSERT = 400  # 6 parameters a row stays far below SQLite's 32,766
# Every response inserted after `?` (the largest id before the batch) becomes its
# participant's answer to its question, unless a later response already is.
_UPSERT_LATEST = (
    "INSERT INTO answers (participant_id, question_id, session_id, response_id, value, "
    "answered_at) SELECT participant_id, question_id, session_id, id, value, received_at "
    "FROM responses WHERE id > ? ORDER BY id ON CONFLICT (participant_id, question_id) "
    "DO UPDATE SET response_id = excluded.response_id, value = excluded.value, "
    "answered_at = excluded.answered_at WHERE excluded.response_id > answers.response_id"
)
_INSERTED_SINCE = "SELECT participant_id, client_id FROM responses WHERE id > ?"


# What SQLite (or the encoding of a parameter) raises for a row it will not take; a full
# disk or a lost file raise OperationalError, which fails the batch: nothing is acknowledged.
_ROW_REFUSED = (
    ValueError,
    TypeError,
    OverflowError,
    sqlite3.IntegrityError,
    sqlite3.DataError,
    sqlite3.InterfaceError,
    sqlite3.ProgrammingError,
)


def _store_answers(raw: Any, batch: list[Answer]) -> list[Any]:
    return stored_apart_if_refused(
        lambda part: _store_in_one_transaction(raw, part), batch, _ROW_REFUSED
    )


def _store_in_one_transaction(raw: Any, batch: list[Answer]) -> list[Any]:
    """One transaction for a batch of answers, on the sqlite3 connection itself."""
    raw.execute("BEGIN IMMEDIATE")
    try:
        outcomes = _insert_answers(raw.cursor(), batch)
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    raw.execute("COMMIT")
    return outcomes


def _insert_answers(cursor: Any, batch: list[Answer]) -> list[Any]:
    """Insert responses (a repeat is a no-op), then make each the latest answer in SQL.

    A handful of statements per batch, whatever its size: the sqlite3 module releases
    the GIL on every step, and under load each release costs the writer a wait for the
    event loop to hand the GIL back. Responses get ids above the largest id before the
    batch (the rowid rule; BEGIN IMMEDIATE keeps other writers out), so `id > before`
    selects exactly this batch's new rows."""
    at, stored = now(), 0
    refusals = _refusals(cursor, batch, at)
    fresh = [
        a for a, refusal in zip(batch, refusals, strict=True) if refusal is None and not a.items
    ]
    before = cursor.execute("SELECT coalesce(max(id), 0) FROM responses").fetchone()[0]
    for start in range(0, len(fresh), _ROWS_PER_INSERT):
        chunk = fresh[start : start + _ROWS_PER_INSERT]
        params: list[Any] = []
        for a in chunk:
            params += (
                a.session_id,
                a.participant_id,
                a.client_id,
                a.question_id,
                json.dumps(a.value, ensure_ascii=False),
                at,
            )
        cursor.execute(
            _INSERT_RESPONSES.format(rows=", ".join([_RESPONSE_ROW] * len(chunk))), params
        )
        stored += cursor.rowcount
    if stored:
        cursor.execute(_UPSERT_LATEST, (before,))
    # Every fresh answer was new unless fewer rows went in (a retry, or a copy in the batch)
    new = None if stored == len(fresh) else set(cursor.execute(_INSERTED_SINCE, (before,)))
    outcomes: list[Any] = []
    for answer, refusal in zip(batch, refusals, strict=True):
        if refusal is not None:
            outcomes.append(_duplicate_or(cursor, answer, refusal))
        elif answer.items:  # after the upsert above, which must not see these rows
            outcomes.append(_store_item(cursor, answer, answer.items))
        elif new is None:
            outcomes.append(Recorded.ACCEPTED)
        elif (key := (answer.participant_id, answer.client_id)) in new:
            new.discard(key)  # a second copy of the same id in this batch is a repeat
            outcomes.append(Recorded.ACCEPTED)
        else:
            outcomes.append(Recorded.DUPLICATE)
    return outcomes


def _refusals(cursor: Any, batch: list[Answer], at: str) -> list[Exception | None]:
    session_ids = sorted({a.session_id for a in batch})
    marks = ", ".join("?" * len(session_ids))
    session_states = dict(
        cursor.execute(
            f"SELECT id, state FROM sessions WHERE id IN ({marks})", session_ids
        ).fetchall()
    )
    questions = cursor.execute(
        f"SELECT session_id, id, state, deadline FROM questions WHERE session_id IN ({marks})",
        session_ids,
    ).fetchall()
    return refusals(batch, session_states, questions, at)


def _duplicate_or(cursor: Any, answer: Answer, refusal: Exception) -> Any:
    """A refused answer that was stored before (a retry after lock) is still a duplicate."""
    return Recorded.DUPLICATE if _stored_before(cursor, answer) else refusal


def _stored_before(cursor: Any, answer: Answer) -> bool:
    """Whether this participant's answer id is already stored (a re-sent answer)."""
    found = cursor.execute(
        "SELECT 1 FROM responses WHERE participant_id = ? AND client_id = ?",
        (answer.participant_id, answer.client_id),
    ).fetchone()
    return found is not None


def _store_item(cursor: Any, answer: Answer, rules: ItemRules) -> Any:
    """A Q&A post or vote: checked against the stored posts, then kept as an item. One
    vote per participant and item is the primary key of qa_votes, so a repeat is a no-op."""
    if _stored_before(cursor, answer):
        return Recorded.DUPLICATE
    action, argument = next(iter(answer.value.items()))
    refusal = (
        _post_refusal(cursor, answer, rules)
        if action == "ask"
        else _vote_refusal(cursor, answer, int(argument))
    )
    if refusal is not None:
        return refusal
    cursor.execute(
        "INSERT INTO responses (session_id, participant_id, client_id, question_id, value, "
        "received_at, hidden) VALUES (?, ?, ?, ?, ?, ?, 0)",
        (
            answer.session_id,
            answer.participant_id,
            answer.client_id,
            answer.question_id,
            json.dumps(answer.value, ensure_ascii=False),
            now(),
        ),
    )
    where = (answer.session_id, answer.question_id, answer.participant_id)
    if action == "ask":
        item = cursor.lastrowid
        cursor.execute(
            "INSERT INTO qa_items (response_id, session_id, question_id, participant_id, "
            "pending, answered) VALUES (?, ?, ?, ?, ?, 0)",
            (item, *where, rules.moderated),
        )
        return Posted(str(item))
    if action == "upvote":
        cursor.execute(
            "INSERT INTO qa_votes (item_id, session_id, question_id, participant_id) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (int(argument), *where),
        )
    if action == "unvote":
        cursor.execute(
            "DELETE FROM qa_votes WHERE item_id = ? AND participant_id = ?",
            (int(argument), answer.participant_id),
        )
    return Recorded.ACCEPTED


def _post_refusal(cursor: Any, answer: Answer, rules: ItemRules) -> Exception | None:
    (posted,) = cursor.execute(
        "SELECT count(*) FROM qa_items WHERE session_id = ? AND question_id = ? "
        "AND participant_id = ?",
        (answer.session_id, answer.question_id, answer.participant_id),
    ).fetchone()
    return post_refusal(posted, rules)


def _vote_refusal(cursor: Any, answer: Answer, item_id: int) -> Exception | None:
    item = cursor.execute(
        "SELECT i.participant_id, i.pending, r.hidden FROM qa_items i "
        "JOIN responses r ON r.id = i.response_id "
        "WHERE i.response_id = ? AND i.session_id = ? AND i.question_id = ?",
        (item_id, answer.session_id, answer.question_id),
    ).fetchone()
    return vote_refusal(answer, item_id, item)
