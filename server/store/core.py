"""What every SQL store shares: SQLAlchemy Core queries on a sync engine, reads in
threads, writes batched by one writer thread. A backend (sqlite.py, postgres.py) adds only
what differs: how it connects, and how it stores a batch of answers, the hot path where
each database has its own fastest and exactly-once way.

Sync engines on purpose: the writer runs a whole batch in one thread hop, where an async
driver would hop once per statement."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from .. import profanity
from ..errors import (
    InvalidRequest,
    NotFound,
    SessionEnded,
    SessionHasAnswers,
    TrifectaError,
    UnknownQuestion,
    UnknownSession,
)
from ..kinds import JsonValue, Question, StoredAnswer, item_rules, tally
from ..kinds.base import unique
from ..surveys import is_interview, opens_every_question
from . import (
    Answer,
    CreatedSession,
    ExportRow,
    Insight,
    InsightChange,
    Moderation,
    NewInsight,
    Outcome,
    QuestionState,
    Respondent,
    ResultMap,
    SegmentSplit,
    SessionInfo,
    SessionSummary,
    Settle,
    curation,
)
from .codec import decode_question, encode_question
from .dialects import insert
from .migrate import upgrade
from .schema import (
    answers,
    meta,
    participants,
    qa_items,
    qa_votes,
    questions,
    responses,
    saved_templates,
    sessions,
)
from .writer import Job, Writer

log = logging.getLogger(__name__)
RETRY_SECONDS = 3.0  # how long the writer retries a batch whose connection was lost


def now() -> str:
    return iso(datetime.now(UTC))


def iso(moment: datetime) -> str:
    """A UTC time as stored: fixed width, so that strings compare as times do."""
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def effective_state(state: str, deadline: str | None, at: str) -> str:
    """A question whose countdown ended is locked, whatever its row says: the deadline
    is the lock, so that no reader, restart or other worker has to write it down."""
    return "locked" if deadline is not None and deadline <= at else state


def _question_state(row: Any, reveal: str, at: str) -> QuestionState:
    """A question's state as readers see it: a countdown that ran out locked it, and in a
    session that reveals on lock that also shows its results on the screen."""
    state = effective_state(row.state, row.deadline, at)
    ran_out = state == "locked" and row.state != "locked"
    visible = bool(row.results_visible) or (ran_out and reveal == "on_reveal")
    return QuestionState(state, visible, bool(row.results_shared), row.deadline, bool(row.split))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class SqlStore:
    """A store on SQL: `_engines` connects, `_store_answers` stores a batch of answers;
    everything else is here, written once for every backend."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._writer_engine: Engine | None = None
        self._reader_engine: Engine | None = None
        self._writer = Writer(self._run_batch)
        # session -> its stored definition texts and the questions decoded from them
        self._definitions: dict[str, tuple[tuple[str, ...], tuple[Question, ...]]] = {}
        self._writer_conn: Connection | None = None

    # -- lifetime ---------------------------------------------------------------------------
    async def open(self) -> None:
        writer, self._reader_engine = await asyncio.to_thread(self._engines)
        self._writer_engine = writer
        await asyncio.to_thread(upgrade, writer)
        self._writer.start()

    def _engines(self) -> tuple[Engine, Engine]:
        """The writer's engine (one connection) and the readers' (a pool)."""
        raise NotImplementedError

    def _store_answers(self, conn: Connection, batch: list[Answer]) -> list[Any]:
        """Store a batch of answers in as few transactions as the backend can, each answer's
        outcome in order: Recorded, Posted, or the error that refused it. A batch the
        database cannot take at all raises, and nothing in it is acknowledged."""
        raise NotImplementedError

    def _connection_lost(self, error: Exception) -> bool:
        """Whether an error means the writer's connection is gone (open a new one)."""
        if isinstance(error, OperationalError | InterfaceError):  # refused, reset, gone
            return True
        return isinstance(error, DBAPIError) and bool(error.connection_invalidated)

    async def close(self) -> None:
        await self._writer.stop()
        if self._writer_conn is not None:
            self._writer_conn.close()
        for engine in (self._writer_engine, self._reader_engine):
            if engine is not None:
                engine.dispose()

    async def is_healthy(self) -> bool:
        if not self._writer.alive:
            log.error("the store's writer thread is not running")
            return False
        try:
            return bool(await self._read(lambda c: c.exec_driver_sql("SELECT 1").scalar() == 1))
        except Exception:
            log.exception("store health check failed")
            return False

    async def _read(self, fn: Any) -> Any:
        assert self._reader_engine is not None

        def run() -> Any:
            assert self._reader_engine is not None
            with self._reader_engine.connect() as conn:
                return fn(conn)

        return await asyncio.to_thread(run)

    async def _write(self, kind: str, payload: Any) -> Any:
        return await self._writer.submit(kind, payload)

    # -- settings ---------------------------------------------------------------------------
    async def setting(self, key: str, default: str) -> str:
        return str(await self._write("setting", (key, default)))

    # -- sessions ---------------------------------------------------------------------------
    async def create_session(
        self,
        *,
        title: str,
        mode: str,
        template_id: str | None,
        questions: tuple[Question, ...],
        reveal: str = "on_reveal",
    ) -> CreatedSession:
        created: CreatedSession = await self._write(
            "create_session", (title, mode, template_id, questions, reveal)
        )
        return created

    async def session(self, session_id: str) -> SessionInfo | None:
        info: SessionInfo | None = await self._read(lambda c: self._load_session(c, session_id))
        return info

    def _load_session(self, conn: Connection, session_id: str) -> SessionInfo | None:
        row = conn.execute(select(sessions).where(sessions.c.id == session_id)).first()
        if row is None:
            return None
        rows = conn.execute(
            select(questions)
            .where(questions.c.session_id == session_id)
            .order_by(questions.c.position)
        ).all()
        texts = tuple(r.definition for r in rows)
        cached = self._definitions.get(session_id)
        # Decoding is the cost, not reading: the texts say whether the cache still holds,
        # also after another worker replaced the questions of a session nobody answered.
        if cached is None or cached[0] != texts:
            cached = self._definitions[session_id] = (texts, tuple(map(decode_question, texts)))
        at = now()
        states = {r.id: _question_state(r, row.reveal, at) for r in rows}
        return SessionInfo(
            row.id,
            row.code,
            row.title,
            row.mode,
            row.state,
            row.template_id,
            row.current_question,
            row.created_at,
            cached[1],
            states,
            bool(row.profanity_filter),
            row.reveal,
            row.min_group,
        )

    async def live_session_by_code(self, code: str) -> str | None:
        found = await self._live_by_code(code)
        return found[0] if found is not None and not is_interview(found[1]) else None

    async def live_interview_by_code(self, code: str) -> str | None:
        found = await self._live_by_code(code)
        return found[0] if found is not None and is_interview(found[1]) else None

    async def _live_by_code(self, code: str) -> tuple[str, str] | None:
        query = select(sessions.c.id, sessions.c.mode).where(
            sessions.c.code == code, sessions.c.state == "live"
        )
        row = await self._read(lambda c: c.execute(query).first())
        return (row.id, row.mode) if row is not None else None

    async def ended_session_joined(self, code: str, token_hash: str) -> bool:
        query = (
            select(sessions.c.id)
            .join(participants, participants.c.session_id == sessions.c.id)
            .where(
                sessions.c.code == code,
                sessions.c.state == "ended",
                participants.c.token_hash == token_hash,
            )
            .limit(1)
        )
        return await self._read(lambda c: c.execute(query).first()) is not None

    async def sessions(self) -> list[SessionSummary]:
        rows = await self._read(lambda c: c.execute(_summaries()).all())
        return [SessionSummary(*row) for row in rows]

    async def summary(self, session_id: str) -> SessionSummary | None:
        query = _summaries().where(sessions.c.id == session_id)
        row = await self._read(lambda c: c.execute(query).first())
        return None if row is None else SessionSummary(*row)

    async def replace_questions(
        self, session_id: str, title: str | None, questions: tuple[Question, ...]
    ) -> None:
        await self._write("replace_questions", (session_id, title, questions))

    async def delete_session(self, session_id: str) -> None:
        await self._write("delete_session", (session_id,))
        self._definitions.pop(session_id, None)

    async def save_template(self, template: dict[str, JsonValue], taken: Collection[str]) -> str:
        return str(await self._write("save_template", (template, frozenset(taken))))

    async def saved_templates(self) -> list[dict[str, JsonValue]]:
        query = select(saved_templates).order_by(saved_templates.c.created_at)
        rows = await self._read(lambda c: c.execute(query).all())
        return [
            {
                "id": r.id,
                "title": r.title,
                "description": r.description,
                "mode": r.mode,
                "questions": json.loads(r.questions),
            }
            for r in rows
        ]

    async def presenter_key_matches(self, session_id: str, key: str) -> bool:
        query = select(sessions.c.presenter_key_hash).where(sessions.c.id == session_id)
        stored = await self._read(lambda c: c.execute(query).scalar())
        return stored is not None and secrets.compare_digest(stored, digest(key))

    async def control(
        self, session_id: str, action: str, question_id: str | None, seconds: int | None = None
    ) -> None:
        await self._write("control", (session_id, action, question_id, seconds))

    async def set_profanity_filter(self, session_id: str, on: bool) -> None:
        await self._write("profanity_filter", (session_id, on))

    async def set_min_group(self, session_id: str, size: int) -> None:
        await self._write("min_group", (session_id, size))

    async def moderate(self, session_id: str, item_id: int, changes: Moderation) -> str:
        question_id: str = await self._write("moderate", (session_id, item_id, changes))
        return question_id

    # -- participants -----------------------------------------------------------------------
    async def join(self, session_id: str, token_hash: str) -> int:
        known = await self.participant(session_id, token_hash)
        if known is not None:
            return known
        participant_id: int = await self._write("join", (session_id, token_hash))
        return participant_id

    async def participant(self, session_id: str, token_hash: str) -> int | None:
        query = select(participants.c.id).where(
            participants.c.session_id == session_id, participants.c.token_hash == token_hash
        )
        found: int | None = await self._read(lambda c: c.execute(query).scalar())
        return found

    async def add_respondent(self, session_id: str, label: str) -> int:
        respondent_id: int = await self._write("add_respondent", (session_id, label))
        return respondent_id

    async def respondents(self, session_id: str) -> list[Respondent]:
        answered = (
            select(func.count())
            .where(answers.c.participant_id == participants.c.id)
            .scalar_subquery()
        )
        query = (
            select(participants.c.id, participants.c.label, answered)
            .where(participants.c.session_id == session_id, participants.c.label.is_not(None))
            .order_by(participants.c.id)
        )
        rows = await self._read(lambda c: c.execute(query).all())
        return [Respondent(int(i), str(label), int(n)) for i, label, n in rows]

    # -- answers and results ----------------------------------------------------------------
    async def record_answer(self, answer: Answer) -> Outcome:
        recorded: Outcome = await self._write("answer", answer)
        return recorded

    def offer_answer(self, answer: Answer, done: Settle) -> bool:
        return self._writer.offer("answer", answer, done)

    async def answer_room(self) -> None:
        await self._writer.room()

    async def results(self, session_id: str, only: Collection[str] = ()) -> ResultMap:
        counted: ResultMap | None = await self._read(lambda c: self._count(c, session_id, only))
        if counted is None:
            raise NotFound(f"no session {session_id!r}")
        return counted

    def _count(self, conn: Connection, session_id: str, only: Collection[str]) -> ResultMap | None:
        """Read and tally in the reader thread: with thousands of answers, decoding and
        counting them is milliseconds that the event loop should not spend."""
        info = self._load_session(conn, session_id)
        if info is None:
            return None
        wanted = [q for q in info.questions if not only or q.id in only]
        return _tally_rows(info, wanted, _read_rows(conn, session_id, wanted))

    async def segment_results(
        self, session_id: str, segment_id: str, only: Collection[str] = ()
    ) -> SegmentSplit:
        split: SegmentSplit | None = await self._read(
            lambda c: self._count_groups(c, session_id, segment_id, only)
        )
        if split is None:
            raise NotFound(f"no session {session_id!r}")
        return split

    def _count_groups(
        self, conn: Connection, session_id: str, segment_id: str, only: Collection[str]
    ) -> SegmentSplit | None:
        """Every question's results (or those in `only`) once per answer to the segment
        question, for those who did not answer it, and for all: one read, tallied per group."""
        info = self._load_session(conn, session_id)
        if info is None:
            return None
        wanted = [q for q in info.questions if not only or q.id in only]
        segment = [q for q in info.questions if q.id == segment_id and q not in wanted]
        rows = _read_rows(conn, session_id, wanted + segment)  # the groups come from its rows
        everyone = set(
            conn.execute(
                select(participants.c.id).where(participants.c.session_id == session_id)
            ).scalars()
        )
        chosen = {pid: a.value for pid, a in rows.get(segment_id, []) if isinstance(a.value, str)}
        groups: dict[str, set[int]] = {}
        for pid, option in chosen.items():
            groups.setdefault(option, set()).add(pid)
        groups["not_said"] = everyone - set(chosen)
        groups["all"] = everyone
        return SegmentSplit(
            info.min_group,
            {
                group: (len(members), _tally_rows(info, wanted, rows, members))
                for group, members in groups.items()
            },
        )

    # -- the brief's workspace (server/store/curation.py) -----------------------------------
    async def brief_details(self, session_id: str) -> tuple[dict[str, Any], str | None]:
        found: tuple[dict[str, Any], str | None] = await self._read(
            lambda c: curation.read_details(c, session_id)
        )
        return found

    async def save_brief_details(self, session_id: str, details: dict[str, Any]) -> str:
        return str(await self._write("save_details", (session_id, details)))

    async def insights(self, session_id: str) -> list[Insight]:
        found: list[Insight] = await self._read(lambda c: curation.read_insights(c, session_id))
        return found

    async def add_insight(self, session_id: str, new: NewInsight) -> Insight:
        added: Insight = await self._write("add_insight", (session_id, new))
        return added

    async def edit_insight(
        self, session_id: str, insight_id: int, changes: dict[str, Any]
    ) -> Insight:
        edited: Insight = await self._write("edit_insight", (session_id, insight_id, changes))
        return edited

    async def insight_history(self, session_id: str, insight_id: int) -> list[InsightChange]:
        found: list[InsightChange] = await self._read(
            lambda c: curation.read_history(c, session_id, insight_id)
        )
        return found

    async def answers_of(self, session_id: str, participant_id: int) -> dict[str, JsonValue]:
        """A participant's current answers; for Q&A, their own posts and votes."""
        query = select(answers.c.question_id, answers.c.value).where(
            answers.c.session_id == session_id, answers.c.participant_id == participant_id
        )
        rows = await self._read(lambda c: c.execute(query).all())
        own: dict[str, JsonValue] = {qid: json.loads(value) for qid, value in rows}
        own.update(await self._read(lambda c: _own_items(c, session_id, participant_id)))
        return own

    async def export_rows(self, session_id: str) -> list[ExportRow]:
        info = await self.session(session_id)
        if info is None:
            raise NotFound(f"no session {session_id!r}")
        numbering = (
            select(
                participants.c.id, func.row_number().over(order_by=participants.c.id).label("no")
            )
            .where(participants.c.session_id == session_id)
            .subquery()
        )
        query = (
            select(
                numbering.c.no,
                answers.c.question_id,
                answers.c.value,
                answers.c.answered_at,
                responses.c.hidden,
            )
            .join(numbering, numbering.c.id == answers.c.participant_id)
            .join(responses, responses.c.id == answers.c.response_id)
            .where(answers.c.session_id == session_id)
        )
        posts = (
            select(
                numbering.c.no,
                qa_items.c.question_id,
                responses.c.value,
                responses.c.received_at,
                responses.c.hidden,
            )
            .join(numbering, numbering.c.id == qa_items.c.participant_id)
            .join(responses, responses.c.id == qa_items.c.response_id)
            .where(qa_items.c.session_id == session_id)
            .order_by(responses.c.id)
        )
        rows = await self._read(lambda c: c.execute(query).all() + c.execute(posts).all())
        by_id = {q.id: q for q in info.questions}
        out = [
            ExportRow(no, by_id[qid], json.loads(value), at, bool(hidden))
            for no, qid, value, at, hidden in rows
            if qid in by_id
        ]
        out.sort(key=lambda r: (r.participant_no, r.question.position))
        return out

    # -- the writer thread ------------------------------------------------------------------
    def _run_batch(self, batch: list[Job]) -> list[Any]:
        """Runs in the writer thread: consecutive answers share one transaction. A lost
        connection (the database restarted) is opened again and the batch retried with
        backoff; after RETRY_SECONDS the batch fails, and nothing in it is acknowledged.
        A retry cannot store an answer twice: its id is unique per participant."""
        delay, waited = 0.05, 0.0
        while True:
            try:
                return self._run_batch_once(batch)
            except DBAPIError as e:
                if not self._connection_lost(e) or waited >= RETRY_SECONDS:
                    raise
                log.warning("the store's connection was lost (%s); retrying", type(e).__name__)
                self._drop_writer_connection()
                time.sleep(delay)
                waited, delay = waited + delay, min(delay * 2, 1.0)

    def _run_batch_once(self, batch: list[Job]) -> list[Any]:
        conn = self._writer_connection()
        outcomes: list[Any] = []
        i = 0
        while i < len(batch):
            j = i + 1
            if batch[i].kind == "answer":
                while j < len(batch) and batch[j].kind == "answer":
                    j += 1
            outcomes.extend(self._run_jobs(conn, batch[i:j]))
            i = j
        return outcomes

    def _drop_writer_connection(self) -> None:
        if self._writer_conn is not None:
            with contextlib.suppress(Exception):
                self._writer_conn.close()
            self._writer_conn = None

    def _writer_connection(self) -> Connection:
        """The writer's one connection, kept open: a pool checkout and its reset-on-return
        per batch cost more CPU than a small batch of answers itself."""
        if self._writer_conn is None:
            assert self._writer_engine is not None
            self._writer_conn = self._writer_engine.connect()
        return self._writer_conn

    def _run_jobs(self, conn: Connection, run: list[Job]) -> list[Any]:
        if run[0].kind == "answer":
            return self._store_answers(conn, [j.payload for j in run])
        try:
            with conn.begin():
                return [_OPERATIONS[run[0].kind](conn, *run[0].payload)]
        except (IntegrityError, TrifectaError) as e:
            return [e]


# -- results: reads ------------------------------------------------------------------------
Rows = dict[str, list[tuple[int, StoredAnswer]]]  # question -> (participant, answer)


def _read_rows(conn: Connection, session_id: str, wanted: list[Question]) -> Rows:
    """The current answers of the questions, each with whose it is (for segment splits);
    for Q&A, its posts and its votes."""
    query = (
        select(
            answers.c.question_id,
            answers.c.participant_id,
            answers.c.response_id,
            answers.c.value,
            responses.c.hidden,
        )
        .join(responses, responses.c.id == answers.c.response_id)
        .where(
            answers.c.session_id == session_id,
            answers.c.question_id.in_([q.id for q in wanted]),
        )
    )
    rows: Rows = {q.id: [] for q in wanted}
    for qid, pid, response_id, value, hidden in conn.execute(query):
        rows[qid].append((pid, StoredAnswer(response_id, json.loads(value), bool(hidden))))
    itemized = [q.id for q in wanted if item_rules(q) is not None]
    if itemized:
        _read_items(conn, session_id, itemized, rows)
    return rows


def _tally_rows(
    info: SessionInfo, wanted: list[Question], rows: Rows, members: set[int] | None = None
) -> ResultMap:
    """Each question's result from its rows, of everyone or only of `members`. A Q&A's
    `responses` is its number of posts; any other question's, its number of answers."""
    caught = profanity.caught if info.profanity_filter else None
    out: ResultMap = {}
    for q in wanted:
        mine = [a for pid, a in rows[q.id] if members is None or pid in members]
        counted = [a for a in mine if "ask" in a.value] if item_rules(q) is not None else mine
        out[q.id] = {
            "id": q.id,
            "kind": q.kind,
            "responses": len(counted),
            "result": tally(q, mine, caught),
        }
    return out


# -- Q&A items: reads -----------------------------------------------------------------------
def _read_items(conn: Connection, session_id: str, question_ids: list[str], into: Rows) -> None:
    """Add the Q&A posts (with what the room did to them) and one vote per vote row to
    `into`, each with whose it is, as the kind's tally reads them."""
    posts = (
        select(
            qa_items.c.question_id,
            qa_items.c.participant_id,
            responses.c.id,
            responses.c.value,
            responses.c.hidden,
            qa_items.c.pending,
            qa_items.c.answered,
        )
        .join(responses, responses.c.id == qa_items.c.response_id)
        .where(qa_items.c.session_id == session_id, qa_items.c.question_id.in_(question_ids))
    )
    for qid, pid, response_id, value, hidden, pending, answered in conn.execute(posts):
        marks = frozenset(m for m, on in (("pending", pending), ("answered", answered)) if on)
        post = StoredAnswer(response_id, json.loads(value), bool(hidden), marks)
        into[qid].append((pid, post))
    votes = select(qa_votes.c.question_id, qa_votes.c.participant_id, qa_votes.c.item_id).where(
        qa_votes.c.session_id == session_id, qa_votes.c.question_id.in_(question_ids)
    )
    for qid, pid, item_id in conn.execute(votes):
        into[qid].append((pid, StoredAnswer(0, {"upvote": str(item_id)})))


def _own_items(conn: Connection, session_id: str, participant_id: int) -> dict[str, JsonValue]:
    """One participant's Q&A posts and votes per question: their phone shows which posts
    are theirs (no vote button) and which they voted for."""
    own: dict[str, dict[str, list[str]]] = {}
    posts = (
        select(qa_items.c.question_id, qa_items.c.response_id)
        .where(qa_items.c.session_id == session_id, qa_items.c.participant_id == participant_id)
        .order_by(qa_items.c.response_id)
    )
    votes = (
        select(qa_votes.c.question_id, qa_votes.c.item_id)
        .where(qa_votes.c.session_id == session_id, qa_votes.c.participant_id == participant_id)
        .order_by(qa_votes.c.item_id)
    )
    for field, query in (("posts", posts), ("votes", votes)):
        for qid, item_id in conn.execute(query):
            own.setdefault(qid, {"posts": [], "votes": []})[field].append(str(item_id))
    return dict(own)


def _summaries() -> Any:
    """Sessions, newest first, with their participant and answer counts."""
    n_participants = (
        select(func.count()).where(participants.c.session_id == sessions.c.id).scalar_subquery()
    )
    n_answers = select(func.count()).where(answers.c.session_id == sessions.c.id).scalar_subquery()
    return select(
        sessions.c.id,
        sessions.c.code,
        sessions.c.title,
        sessions.c.mode,
        sessions.c.state,
        sessions.c.created_at,
        n_participants,
        n_answers,
    ).order_by(sessions.c.created_at.desc())


def _setting(conn: Connection, key: str, default: str) -> str:
    conn.execute(insert(conn, meta).on_conflict_do_nothing(), {"key": key, "value": default})
    return str(conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one())


def _join(conn: Connection, session_id: str, token_hash: str) -> int:
    conn.execute(
        insert(conn, participants).on_conflict_do_nothing(),
        {"session_id": session_id, "token_hash": token_hash, "joined_at": now()},
    )
    return int(
        conn.execute(
            select(participants.c.id).where(
                participants.c.session_id == session_id, participants.c.token_hash == token_hash
            )
        ).scalar_one()
    )


def _add_respondent(conn: Connection, session_id: str, label: str) -> int:
    """A participant whose token hash no token can have (hashes are hex, this has a colon):
    only the facilitator, through the respondent API, answers as it."""
    if conn.execute(select(sessions.c.id).where(sessions.c.id == session_id)).first() is None:
        raise UnknownSession(f"there is no session {session_id!r}")
    found = conn.execute(
        participants.insert().returning(participants.c.id),
        {
            "session_id": session_id,
            "token_hash": f"respondent:{secrets.token_hex(16)}",
            "joined_at": now(),
            "label": label,
        },
    )
    return int(found.scalar_one())


def _new_code(conn: Connection) -> str:
    for attempt in range(60):
        digits = 6 if attempt < 20 else 7 if attempt < 40 else 8
        code = f"{secrets.randbelow(10**digits):0{digits}d}"
        taken = conn.execute(
            select(sessions.c.id).where(sessions.c.code == code, sessions.c.state == "live")
        ).first()
        if taken is None:
            return code
    raise RuntimeError("no free join code")  # only with millions of live sessions


def _create_session(
    conn: Connection,
    title: str,
    mode: str,
    template_id: str | None,
    qs: tuple[Question, ...],
    reveal: str,
) -> CreatedSession:
    session_id, key = secrets.token_urlsafe(9), secrets.token_urlsafe(32)
    code = _new_code(conn)
    conn.execute(
        sessions.insert(),
        {
            "id": session_id,
            "code": code,
            "title": title,
            "mode": mode,
            "state": "live",
            "template_id": template_id,
            "current_question": None,
            "presenter_key_hash": digest(key),
            "created_at": now(),
            "reveal": reveal,
        },
    )
    _insert_questions(conn, session_id, mode, reveal, qs)
    return CreatedSession(session_id, code, key)


def _insert_questions(
    conn: Connection, session_id: str, mode: str, reveal: str, qs: tuple[Question, ...]
) -> None:
    initial = "open" if opens_every_question(mode) else "pending"
    conn.execute(
        questions.insert(),
        [
            {
                "session_id": session_id,
                "id": q.id,
                "position": q.position,
                "kind": q.kind,
                "definition": encode_question(q),
                "state": initial,
                "results_visible": reveal == "live",
                "results_shared": False,
            }
            for q in qs
        ],
    )


def _replace_questions(
    conn: Connection, session_id: str, title: str | None, qs: tuple[Question, ...]
) -> None:
    """Checked in the write transaction, so no answer can slip in between check and change."""
    row = conn.execute(
        select(sessions.c.mode, sessions.c.state, sessions.c.reveal).where(
            sessions.c.id == session_id
        )
    ).first()
    if row is None:
        raise UnknownSession(f"there is no session {session_id!r}")
    if row.state == "ended":
        raise SessionEnded("this session has ended; duplicate it to change a copy")
    answered = conn.execute(
        select(responses.c.id).where(responses.c.session_id == session_id).limit(1)
    ).first()
    if answered is not None:
        raise SessionHasAnswers(
            "this session already has answers, and they belong to its questions as they "
            "were asked; duplicate it to change a copy"
        )
    conn.execute(delete(questions).where(questions.c.session_id == session_id))
    _insert_questions(conn, session_id, row.mode, row.reveal, qs)
    changes: dict[str, Any] = {"current_question": None}
    if title is not None:
        changes["title"] = title
    conn.execute(update(sessions).where(sessions.c.id == session_id).values(**changes))


def _delete_session(conn: Connection, session_id: str) -> None:
    """Children before parents, as the foreign keys require."""
    curation.delete_all(conn, session_id)
    for table in (qa_votes, qa_items, answers, responses, participants, questions):
        conn.execute(delete(table).where(table.c.session_id == session_id))
    if conn.execute(delete(sessions).where(sessions.c.id == session_id)).rowcount == 0:
        raise UnknownSession(f"there is no session {session_id!r}")


def _save_template(conn: Connection, template: dict[str, JsonValue], taken: frozenset[str]) -> str:
    saved = set(conn.execute(select(saved_templates.c.id)).scalars())
    template_id = unique(str(template["id"]), set(taken) | saved)
    conn.execute(
        saved_templates.insert(),
        {
            "id": template_id,
            "title": template["title"],
            "description": template["description"],
            "mode": template["mode"],
            "questions": json.dumps(template["questions"], ensure_ascii=False),
            "created_at": now(),
        },
    )
    return template_id


def _control(
    conn: Connection, session_id: str, action: str, question_id: str | None, seconds: int | None
) -> None:
    if action == "end":
        conn.execute(
            update(sessions)
            .where(sessions.c.id == session_id)
            .values(state="ended", ended_at=now())
        )
        return
    where = (questions.c.session_id == session_id) & (questions.c.id == question_id)
    state = conn.execute(select(questions.c.state).where(where)).scalar()
    if state is None:
        raise UnknownQuestion(f"this session has no question {question_id!r}")
    changes: dict[str, dict[str, Any]] = {
        "goto": {"state": "locked" if state == "locked" else "open"},
        "open": {"state": "open", "deadline": None},
        "lock": {"state": "locked", "deadline": None},
        "show_results": {"results_visible": True, "results_shared": True},
        "hide_results": {"results_visible": False, "results_shared": False},
        "split": {"split": True},
        "unsplit": {"split": False},
    }
    if action == "countdown":  # opens the question, also a locked or pending one
        assert seconds is not None
        deadline = iso(datetime.now(UTC) + timedelta(seconds=seconds))
        changes["countdown"] = {"state": "open", "deadline": deadline}
    if action == "lock" and _reveal(conn, session_id) == "on_reveal":
        changes["lock"]["results_visible"] = True  # locking is the moment of the reveal
    conn.execute(update(questions).where(where).values(**changes[action]))
    if action == "goto":
        conn.execute(
            update(sessions).where(sessions.c.id == session_id).values(current_question=question_id)
        )


def _moderate(conn: Connection, session_id: str, item_id: int, changes: Moderation) -> str:
    """Hide or show a story or post; mark a Q&A post answered or approve it."""
    item = conn.execute(
        select(responses.c.question_id, qa_items.c.response_id)
        .outerjoin(qa_items, qa_items.c.response_id == responses.c.id)
        .where(responses.c.id == item_id, responses.c.session_id == session_id)
    ).first()
    if item is None:
        raise NotFound(f"this session has no answer {item_id}")
    if changes.hidden is not None:
        conn.execute(
            update(responses).where(responses.c.id == item_id).values(hidden=changes.hidden)
        )
    post: dict[str, bool] = {}
    if changes.answered is not None:
        post["answered"] = changes.answered
    if changes.approved is not None:
        post["pending"] = not changes.approved
    if post:
        if item.response_id is None:
            raise InvalidRequest(f"item {item_id} is not a Q&A post: only posts are answered")
        conn.execute(update(qa_items).where(qa_items.c.response_id == item_id).values(**post))
    return str(item.question_id)


def _reveal(conn: Connection, session_id: str) -> str:
    return str(conn.execute(select(sessions.c.reveal).where(sessions.c.id == session_id)).scalar())


def _profanity_filter(conn: Connection, session_id: str, on: bool) -> None:
    _set_session(conn, session_id, profanity_filter=on)


def _min_group(conn: Connection, session_id: str, size: int) -> None:
    _set_session(conn, session_id, min_group=size)


def _set_session(conn: Connection, session_id: str, **values: Any) -> None:
    found = conn.execute(update(sessions).where(sessions.c.id == session_id).values(**values))
    if found.rowcount == 0:
        raise NotFound(f"no session {session_id!r}")


_OPERATIONS: dict[str, Any] = {
    "profanity_filter": _profanity_filter,
    "min_group": _min_group,
    "setting": _setting,
    "join": _join,
    "add_respondent": _add_respondent,
    "create_session": _create_session,
    "replace_questions": _replace_questions,
    "delete_session": _delete_session,
    "save_template": _save_template,
    "control": _control,
    "moderate": _moderate,
    **curation.OPERATIONS,
}
