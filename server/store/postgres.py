"""PostgreSQL backend, for workers on several hosts sharing one store: the engine, and the
answer batch as PostgreSQL does exactly-once, by what `INSERT ... ON CONFLICT DO NOTHING
RETURNING` hands back. Everything else is shared with the other backends (core.py).

SQLite's writer finds a batch's new rows by id (rowids are handed out in commit order
there); sequences are not, so here a response is new exactly when the insert returned it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DataError, IntegrityError, ProgrammingError

from ..kinds import ItemRules
from . import Answer, Posted, Recorded
from .core import SqlStore, now
from .rules import post_refusal, refusals, stored_apart_if_refused, vote_refusal
from .schema import answers, participants, qa_items, qa_votes, questions, responses, sessions

# What PostgreSQL raises for a row it will not take; a lost connection raises
# OperationalError, which fails the whole batch: nothing in it is acknowledged.
ROW_REFUSED = (ValueError, TypeError, OverflowError, DataError, IntegrityError, ProgrammingError)


def driver_url(url: str) -> str:
    """`postgresql://...` as SQLAlchemy's psycopg 3 dialect names it."""
    scheme, _, rest = url.partition("://")
    return f"postgresql+psycopg://{rest}" if scheme in ("postgresql", "postgres") else url


class PostgresStore(SqlStore):
    def _engines(self) -> tuple[Engine, Engine]:
        def engine(pool_size: int) -> Engine:
            # pre_ping: a connection that died with a restarted server is replaced, not used
            return create_engine(
                driver_url(self.url), pool_size=pool_size, max_overflow=0, pool_pre_ping=True
            )

        return engine(1), engine(8)

    def _store_answers(self, conn: Connection, batch: list[Answer]) -> list[Any]:
        def in_one_transaction(part: list[Answer]) -> list[Any]:
            with conn.begin():
                return _insert_answers(conn, part)

        return stored_apart_if_refused(in_one_transaction, batch, ROW_REFUSED)


def _insert_answers(conn: Connection, batch: list[Answer]) -> list[Any]:
    at = now()
    refusals = _refusals(conn, batch, at)
    fresh = [
        a for a, refusal in zip(batch, refusals, strict=True) if refusal is None and not a.items
    ]
    new = _insert_responses(conn, fresh, at)
    _make_latest(conn, fresh, new, at)
    outcomes: list[Any] = []
    for answer, refusal in zip(batch, refusals, strict=True):
        if refusal is not None:
            outcomes.append(Recorded.DUPLICATE if _stored_before(conn, answer) else refusal)
        elif answer.items:
            outcomes.append(_store_item(conn, answer, answer.items, at))
        elif new.pop((answer.participant_id, answer.client_id), None) is not None:
            outcomes.append(Recorded.ACCEPTED)  # popped: a second copy is a repeat
        else:
            outcomes.append(Recorded.DUPLICATE)
    return outcomes


def _refusals(conn: Connection, batch: list[Answer], at: str) -> list[Exception | None]:
    """The rows `rules.refusals` looks at, read FOR SHARE, so that a lock or an end
    committed meanwhile waits for this transaction (questions first, then sessions, the
    order the facilitator's own changes take them in, so the two never deadlock)."""
    session_ids = sorted({a.session_id for a in batch})
    questions_read = conn.execute(
        select(questions.c.session_id, questions.c.id, questions.c.state, questions.c.deadline)
        .where(questions.c.session_id.in_(session_ids))
        .with_for_update(read=True)
    ).all()
    session_states = dict(
        conn.execute(
            select(sessions.c.id, sessions.c.state)
            .where(sessions.c.id.in_(session_ids))
            .with_for_update(read=True)
        ).all()
    )
    return refusals(batch, session_states, [tuple(row) for row in questions_read], at)


def _response_row(a: Answer, at: str) -> dict[str, Any]:
    return {
        "session_id": a.session_id,
        "participant_id": a.participant_id,
        "client_id": a.client_id,
        "question_id": a.question_id,
        "value": json.dumps(a.value, ensure_ascii=False),
        "received_at": at,
        "hidden": False,
    }


# Built once: executed with a list of rows, SQLAlchemy sends them as multi-row VALUES
# ("insertmanyvalues") from one cached compilation, where a .values(rows) statement would
# be compiled afresh for every batch
_INSERT_RESPONSES = (
    insert(responses)
    .on_conflict_do_nothing(index_elements=["participant_id", "client_id"])
    .returning(responses.c.id, responses.c.participant_id, responses.c.client_id)
)
_NEW_ANSWER = insert(answers)
_UPSERT_ANSWERS = _NEW_ANSWER.on_conflict_do_update(
    index_elements=["participant_id", "question_id"],
    set_={
        "response_id": _NEW_ANSWER.excluded.response_id,
        "value": _NEW_ANSWER.excluded.value,
        "answered_at": _NEW_ANSWER.excluded.answered_at,
    },
    where=_NEW_ANSWER.excluded.response_id > answers.c.response_id,
)


def _insert_responses(conn: Connection, fresh: list[Answer], at: str) -> dict[tuple[int, str], int]:
    """Insert the responses; a repeat of a stored one is skipped. Returns (participant,
    answer id) -> response id of exactly the rows this transaction inserted."""
    if not fresh:
        return {}
    inserted = conn.execute(_INSERT_RESPONSES, [_response_row(a, at) for a in fresh])
    return {(pid, cid): rid for rid, pid, cid in inserted}


def _make_latest(
    conn: Connection, fresh: list[Answer], new: dict[tuple[int, str], int], at: str
) -> None:
    """Each participant's newest inserted response to a question becomes their answer,
    unless a later response already is. One row per key: PostgreSQL refuses to update a
    row twice in one statement, where SQLite applies them in order."""
    latest: dict[tuple[int, str], tuple[Answer, int]] = {}
    inserted: set[tuple[int, str]] = set()
    for a in fresh:  # in the order they came: the last one wins
        key = (a.participant_id, a.client_id)
        # a second copy of an answer in the batch was skipped by the insert: the row stands
        # where the first copy came
        if key in new and key not in inserted:
            inserted.add(key)
            latest[(a.participant_id, a.question_id)] = (a, new[key])
    if not latest:
        return
    rows = [
        {
            "participant_id": a.participant_id,
            "question_id": a.question_id,
            "session_id": a.session_id,
            "response_id": response_id,
            "value": json.dumps(a.value, ensure_ascii=False),
            "answered_at": at,
        }
        for a, response_id in latest.values()
    ]
    conn.execute(_UPSERT_ANSWERS, rows)


def _stored_before(conn: Connection, answer: Answer) -> bool:
    found = conn.execute(
        select(responses.c.id).where(
            responses.c.participant_id == answer.participant_id,
            responses.c.client_id == answer.client_id,
        )
    ).first()
    return found is not None


def _store_item(conn: Connection, answer: Answer, rules: ItemRules, at: str) -> Any:
    """A Q&A post or vote. The participant's row is locked first, so that two workers
    cannot both let a participant's eleventh post through the limit."""
    conn.execute(
        select(participants.c.id)
        .where(participants.c.id == answer.participant_id)
        .with_for_update()
    )
    if _stored_before(conn, answer):
        return Recorded.DUPLICATE
    action, argument = next(iter(answer.value.items()))
    refusal = (
        _post_refusal(conn, answer, rules)
        if action == "ask"
        else _vote_refusal(conn, answer, int(argument))
    )
    if refusal is not None:
        return refusal
    item = conn.execute(
        responses.insert().values(_response_row(answer, at)).returning(responses.c.id)
    ).scalar_one()
    where = {
        "session_id": answer.session_id,
        "question_id": answer.question_id,
        "participant_id": answer.participant_id,
    }
    if action == "ask":
        conn.execute(
            qa_items.insert().values(
                response_id=item, pending=rules.moderated, answered=False, **where
            )
        )
        return Posted(str(item))
    if action == "upvote":
        conn.execute(
            insert(qa_votes).values(item_id=int(argument), **where).on_conflict_do_nothing()
        )
    if action == "unvote":
        conn.execute(
            delete(qa_votes).where(
                qa_votes.c.item_id == int(argument),
                qa_votes.c.participant_id == answer.participant_id,
            )
        )
    return Recorded.ACCEPTED


def _post_refusal(conn: Connection, answer: Answer, rules: ItemRules) -> Exception | None:
    posted = conn.execute(
        select(func.count()).where(
            qa_items.c.session_id == answer.session_id,
            qa_items.c.question_id == answer.question_id,
            qa_items.c.participant_id == answer.participant_id,
        )
    ).scalar_one()
    return post_refusal(int(posted), rules)


def _vote_refusal(conn: Connection, answer: Answer, item_id: int) -> Exception | None:
    if not 0 < item_id < 2**31:  # no post has such an id (and PostgreSQL's integer ends there)
        return vote_refusal(answer, item_id, None)
    item = conn.execute(
        select(qa_items.c.participant_id, qa_items.c.pending, responses.c.hidden)
        .join(responses, responses.c.id == qa_items.c.response_id)
        .where(
            qa_items.c.response_id == item_id,
            qa_items.c.session_id == answer.session_id,
            qa_items.c.question_id == answer.question_id,
        )
    ).first()
    found = None if item is None else (item.participant_id, item.pending, item.hidden)
    return vote_refusal(answer, item_id, found)
