"""The store: the single source of truth. One interface; the backend is chosen by URL."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar, Protocol

from ..kinds import ItemRules, JsonValue, Question

ResultMap = dict[str, dict[str, Any]]  # question id -> {"id", "kind", "responses", "result"}


class Recorded(Enum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class Posted:
    """An accepted Q&A post and the id of the item it became: the phone that posted it
    marks it as its own (no vote button)."""

    item: str
    value: ClassVar[str] = Recorded.ACCEPTED.value


Outcome = Recorded | Posted  # what storing an answer that was not refused returns


def accepted(outcome: object) -> bool:
    return outcome is Recorded.ACCEPTED or isinstance(outcome, Posted)


@dataclass(frozen=True, slots=True)
class Answer:
    """A validated answer on its way to the store."""

    session_id: str
    participant_id: int
    client_id: str
    question_id: str
    value: JsonValue
    items: ItemRules | None = None  # a Q&A post or vote: kept as items, not as one answer


Settle = Callable[[Answer, "Outcome | BaseException"], None]


@dataclass(frozen=True, slots=True)
class QuestionState:
    state: str  # pending | open | locked; locked once a countdown's deadline passed
    results_visible: bool  # on the presenter's screen
    results_shared: bool = False  # on phones too: only once the facilitator revealed them
    deadline: str | None = None  # when a countdown locks it (ISO UTC), None without one
    split: bool = False  # presenter and screen show it side by side per segment group


@dataclass(frozen=True, slots=True)
class SessionInfo:
    id: str
    code: str
    title: str
    mode: str  # presenter | self_paced
    state: str  # live | ended
    template_id: str | None
    current_question: str | None
    created_at: str
    questions: tuple[Question, ...]
    question_states: dict[str, QuestionState]
    profanity_filter: bool = False  # participants' words that the filter catches are hidden
    reveal: str = "live"  # live: results show while voting; on_reveal: once revealed or locked
    min_group: int = 3  # a segment group with fewer participants is withheld

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True, slots=True)
class SegmentSplit:
    """Results per group of a segment question: its option ids, "not_said" and "all",
    each with how many participants it has. Withholding small groups is not the store's
    call: server/segments.py decides what may be shown."""

    min_group: int
    groups: dict[str, tuple[int, ResultMap]]


@dataclass(frozen=True, slots=True)
class Moderation:
    """What the facilitator changes about one item; None leaves it as it is."""

    hidden: bool | None = None
    answered: bool | None = None
    approved: bool | None = None


@dataclass(frozen=True, slots=True)
class SessionSummary:
    id: str
    code: str
    title: str
    mode: str
    state: str
    created_at: str
    participants: int
    answers: int


@dataclass(frozen=True, slots=True)
class Respondent:
    """A person interviewed in an interview session, as the facilitator named them, with how
    many questions they have an answer to. Their label never leaves the console."""

    id: int
    label: str
    answered: int


@dataclass(frozen=True, slots=True)
class CreatedSession:
    id: str
    code: str
    presenter_key: str


@dataclass(frozen=True, slots=True)
class ExportRow:
    participant_no: int
    question: Question
    value: JsonValue
    answered_at: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class NewInsight:
    """An insight on its way to the store: a proposal taken (its origin and evidence) or
    the facilitator's own words."""

    section: str
    text: str
    tag: str | None = None
    origin: str | None = None
    evidence: dict[str, Any] | None = None
    quote: bool = False  # a pinned story: its text is kept verbatim
    status: str = "accepted"  # accepted | discarded


@dataclass(frozen=True, slots=True)
class Insight:
    id: int
    section: str
    text: str
    tag: str | None
    origin: str | None
    evidence: dict[str, Any]
    quote: bool
    status: str
    position: int
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class InsightChange:
    """One line of an insight's history: what changed (field -> [before, after]), when."""

    at: str
    action: str  # created | edited | moved | discarded | restored
    changes: dict[str, list[Any]]


class Store(Protocol):
    """Durable state. Every write returns only after its transaction committed."""

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def is_healthy(self) -> bool: ...

    async def setting(self, key: str, default: str) -> str:
        """The stored value of key; stores and returns default when there is none."""

    async def create_session(
        self,
        *,
        title: str,
        mode: str,
        template_id: str | None,
        questions: tuple[Question, ...],
        reveal: str = "on_reveal",
    ) -> CreatedSession:
        """A live session; `reveal` is `live` (results show on the screen while voting) or
        `on_reveal` (hidden until the facilitator shows them or locks the question)."""

    async def session(self, session_id: str) -> SessionInfo | None: ...
    async def live_session_by_code(self, code: str) -> str | None: ...
    async def ended_session_joined(self, code: str, token_hash: str) -> bool:
        """Whether this participant token joined an ended session that used this code
        (codes are reused later). To anyone else an ended code is an unknown one."""

    async def sessions(self) -> list[SessionSummary]: ...
    async def summary(self, session_id: str) -> SessionSummary | None:
        """One session's line of `sessions()`: its participant and answer counts."""

    async def replace_questions(
        self, session_id: str, title: str | None, questions: tuple[Question, ...]
    ) -> None:
        """Replace the session's questions (and its title, unless None) in one transaction.
        Raises SessionHasAnswers once anyone answered or posted, SessionEnded once it
        ended, UnknownSession when there is none. Question states start afresh."""

    async def delete_session(self, session_id: str) -> None:
        """Delete the session and all its data (participants, answers, posts, votes) in
        one transaction; UnknownSession when there is none."""

    async def save_template(self, template: dict[str, JsonValue], taken: Collection[str]) -> str:
        """Keep a template (the shape of its TOML file). Its id is the one it has, or,
        when that is in `taken` or already saved, the first free `id-2`, `id-3`, ...;
        returns the id it got."""

    async def saved_templates(self) -> list[dict[str, JsonValue]]:
        """The saved templates, oldest first, each in the shape it was saved in."""

    async def presenter_key_matches(self, session_id: str, key: str) -> bool: ...

    async def control(
        self, session_id: str, action: str, question_id: str | None, seconds: int | None = None
    ) -> None:
        """Apply a presenter action (goto, open, lock, show_results, hide_results,
        countdown, split, unsplit, end). `countdown` opens the question until `seconds`
        from now: the deadline is stored, and answers after it are refused as if it were
        locked. `open` and `lock` clear a countdown; `goto` and the results actions leave
        it running. `split` shows the question per segment group on the presenter's view
        and the screen until `unsplit`."""

    async def set_profanity_filter(self, session_id: str, on: bool) -> None:
        """Switch the session's language filter on or off (it applies at once, also to
        answers stored before)."""

    async def set_min_group(self, session_id: str, size: int) -> None:
        """The smallest segment group whose results are shown."""

    async def moderate(self, session_id: str, item_id: int, changes: Moderation) -> str:
        """Hide or show a story or Q&A post, mark a post answered, approve a pending one;
        returns its question id."""

    async def join(self, session_id: str, token_hash: str) -> int:
        """The participant id of this token in this session, created on first join."""

    async def participant(self, session_id: str, token_hash: str) -> int | None: ...

    async def add_respondent(self, session_id: str, label: str) -> int:
        """A new participant of an interview session, named by the facilitator; it has no
        token anyone holds, so no phone can ever answer as it. UnknownSession without one."""

    async def respondents(self, session_id: str) -> list[Respondent]:
        """The session's named participants (interview respondents), in the order added."""

    async def live_interview_by_code(self, code: str) -> str | None:
        """The live interview session with this code (which no phone may join), or None."""

    async def record_answer(self, answer: Answer) -> Outcome:
        """Store or replace the answer; return after COMMIT. A repeated id is DUPLICATE.

        Raises QuestionLocked, QuestionNotOpen or SessionEnded when the answer is refused."""

    def offer_answer(self, answer: Answer, done: Settle) -> bool:
        """Queue the answer for the writer; False when its queue is full (wait for
        `answer_room`, then offer again). `done(answer, outcome)` gets what record_answer
        would return or raise, on the event loop, after COMMIT. Answers queued one after
        another are stored in that order."""

    async def answer_room(self) -> None:
        """Wait until `offer_answer` takes answers again."""

    async def results(self, session_id: str, only: Collection[str] = ()) -> ResultMap:
        """Full current results, of all questions or only of those named."""

    async def segment_results(
        self, session_id: str, segment_id: str, only: Collection[str] = ()
    ) -> SegmentSplit:
        """Every question's results per answer to the segment question `segment_id`."""

    async def brief_details(self, session_id: str) -> tuple[dict[str, Any], str | None]:
        """The brief's header, KPI and sign-off as last saved ({} when never), and when."""

    async def save_brief_details(self, session_id: str, details: dict[str, Any]) -> str:
        """Replace the brief's details; returns when they were saved."""

    async def insights(self, session_id: str) -> list[Insight]:
        """Every insight of the session, accepted and discarded, in section order and
        then by position."""

    async def add_insight(self, session_id: str, new: NewInsight) -> Insight:
        """Store an insight at the end of its section, with its first history line, in one
        transaction. ProposalDecided when an insight with the same origin exists;
        InvalidRequest for a tag its section does not take."""

    async def edit_insight(
        self, session_id: str, insight_id: int, changes: dict[str, Any]
    ) -> Insight:
        """Apply changes (text, section, tag, position in its section, status) and write
        what changed to its history, in one transaction. UnknownInsight, QuoteIsVerbatim
        (a pinned story's words), InvalidRequest (a tag its section does not take). A
        section changed without a tag drops a tag the new section does not take."""

    async def insight_history(self, session_id: str, insight_id: int) -> list[InsightChange]:
        """The insight's changes, oldest first; UnknownInsight when there is none."""

    async def answers_of(self, session_id: str, participant_id: int) -> dict[str, JsonValue]: ...
    async def export_rows(self, session_id: str) -> list[ExportRow]: ...


# A database URL's scheme -> the module and class of its backend
BACKENDS: dict[str, tuple[str, str]] = {
    "sqlite": ("sqlite", "SqliteStore"),
    "postgresql": ("postgres", "PostgresStore"),
    "postgres": ("postgres", "PostgresStore"),
    "postgresql+psycopg": ("postgres", "PostgresStore"),
}


def open_store(url: str) -> Store:
    """The store for a database URL, chosen by its scheme; an unknown scheme fails loudly.
    Backends are imported when chosen, so SQLite alone never loads a PostgreSQL driver."""
    scheme = url.split("://", 1)[0]
    if scheme not in BACKENDS:
        known = ", ".join(sorted(BACKENDS))
        raise ValueError(f"unsupported database URL scheme {scheme!r}; known: {known}")
    module_name, class_name = BACKENDS[scheme]
    module = importlib.import_module(f".{module_name}", __name__)
    store: Store = getattr(module, class_name)(url)
    return store
