"""Taking an answer: the one path shared by the WebSocket and the HTTP API."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError

from .errors import (
    RateLimited,
    StoreUnavailable,
    TrifectaError,
    UnknownQuestion,
    UnknownSession,
)
from .hub import Hub
from .kinds import Question, item_rules, validate_value
from .limits import TokenBuckets
from .models import AnswerInput
from .store import Answer, Outcome, Posted, Recorded, Store, accepted

log = logging.getLogger(__name__)
# A write that failed because the database was away (not because of the answer)
STORE_AWAY = (DBAPIError, sqlite3.OperationalError)
Reply = Callable[[Answer, Outcome | TrifectaError], None]

# A phone answering by hand sends a few answers a second; an outbox flushing after a
# reconnect sends a burst. Anything beyond this is a script flooding the room.
ANSWERS_PER_SECOND = 40
BURST = 40


class AnswerDesk:
    """Validates answers against their session, stores them, and tells the hub."""

    def __init__(self, store: Store, hub: Hub) -> None:
        self.store, self.hub = store, hub
        self._definitions: dict[str, dict[str, Question]] = {}
        self._buckets = TokenBuckets(ANSWERS_PER_SECOND, BURST)
        hub.on_questions_replaced(self.forget)

    def forget(self, session_id: str | None) -> None:
        """Drop a session's cached questions (None: every session's): they were replaced,
        or it was deleted."""
        if session_id is None:
            self._definitions.clear()
        else:
            self._definitions.pop(session_id, None)

    async def questions(self, session_id: str) -> dict[str, Question]:
        """A session's question definitions; cached, because they change only while the
        session has no answers (and `forget` hears of that from every worker)."""
        if session_id not in self._definitions:
            info = await self.store.session(session_id)
            if info is None:
                raise UnknownSession(f"there is no session {session_id!r}")
            self._definitions[session_id] = {q.id: q for q in info.questions}
        return self._definitions[session_id]

    async def prepare(self, session_id: str, participant_id: int, request: AnswerInput) -> Answer:
        """Check everything that can be checked before the store: raise or return."""
        if not self._buckets.allow(participant_id):
            raise RateLimited(f"at most {ANSWERS_PER_SECOND} answers a second; slow down")
        questions = self._definitions.get(session_id) or await self.questions(session_id)
        question = questions.get(request.question)
        if question is None:
            raise UnknownQuestion(f"this session has no question {request.question[:64]!r}")
        value = validate_value(question, request.value)
        return Answer(
            session_id, participant_id, request.id, question.id, value, item_rules(question)
        )

    async def record(self, answer: Answer) -> Outcome:
        recorded = await self.store.record_answer(answer)
        if accepted(recorded):
            self.hub.answered(answer.session_id, answer.question_id)
            self.hub.own_answer_saved(answer, others_only=False)  # sent over HTTP
        return recorded

    def receipts(self, reply: Reply) -> Receipts:
        """What settles one connection's queued answers (see record_soon)."""
        return Receipts(self.hub, reply)

    def record_soon(self, answer: Answer, receipts: Receipts) -> bool:
        """Queue the answer and return at once; `receipts` settles it after COMMIT. False
        when the store's queue is full: wait for `room` and try again. Cheaper than a task
        per answer, and the answers of one connection keep their order."""
        return self.store.offer_answer(answer, receipts)

    async def room(self) -> None:
        await self.store.answer_room()


class Receipts:
    """Settles the queued answers of one connection after COMMIT: tells the hub about each
    accepted answer, then the connection. One per connection rather than a closure per
    answer, because this runs for every answer."""

    __slots__ = ("_hub", "_reply")

    def __init__(self, hub: Hub, reply: Reply) -> None:
        self._hub, self._reply = hub, reply

    def __call__(self, answer: Answer, outcome: Outcome | BaseException) -> None:
        if accepted(outcome):
            self._hub.answered(answer.session_id, answer.question_id)
            self._hub.own_answer_saved(answer, others_only=True)
        if isinstance(outcome, Recorded | Posted | TrifectaError):
            self._reply(answer, outcome)
        elif isinstance(outcome, STORE_AWAY):  # nothing stored: the phone sends it again
            self._reply(answer, StoreUnavailable("the answer was not stored; it is sent again"))
        else:
            log.error("storing an answer failed", exc_info=outcome)
            self._reply(answer, TrifectaError("the answer could not be stored; send it again"))
