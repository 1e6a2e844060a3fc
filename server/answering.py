"""Taking an answer: the one path shared by the WebSocket and the HTTP API."""

from __future__ import annotations

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from .errors import RateLimited, UnknownQuestion, UnknownSession
from .hub import Hub
from .kinds import Question, validate_value
from .models import AnswerRequest
from .store import Answer, Recorded, Store

# A phone answering by hand sends a few answers a second; an outbox flushing after a
# reconnect sends a burst. Anything beyond this is a script flooding the room.
ANSWERS_PER_SECOND = 40


class AnswerDesk:
    """Validates answers against their session, stores them, and tells the hub."""

    def __init__(self, store: Store, hub: Hub) -> None:
        self.store, self.hub = store, hub
        self._definitions: dict[str, dict[str, Question]] = {}
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._rate = RateLimitItemPerSecond(ANSWERS_PER_SECOND)

    async def questions(self, session_id: str) -> dict[str, Question]:
        """A session's question definitions; cached, because they never change."""
        if session_id not in self._definitions:
            info = await self.store.session(session_id)
            if info is None:
                raise UnknownSession(f"there is no session {session_id!r}")
            self._definitions[session_id] = {q.id: q for q in info.questions}
        return self._definitions[session_id]

    async def prepare(self, session_id: str, participant_id: int,
                      request: AnswerRequest) -> Answer:
        """Check everything that can be checked before the store: raise or return."""
        if not self._limiter.hit(self._rate, "answer", str(participant_id)):
            raise RateLimited(f"at most {ANSWERS_PER_SECOND} answers a second; slow down")
        question = (await self.questions(session_id)).get(request.question)
        if question is None:
            raise UnknownQuestion(f"this session has no question {request.question[:64]!r}")
        value = validate_value(question, request.value)
        return Answer(session_id, participant_id, str(request.id), question.id, value)

    async def record(self, answer: Answer) -> Recorded:
        recorded = await self.store.record_answer(answer)
        if recorded is Recorded.ACCEPTED:
            self.hub.answered(answer.session_id, answer.question_id)
        return recorded
