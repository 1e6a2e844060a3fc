"""Error types and their stable codes: one JSON shape over HTTP and WebSocket."""

from __future__ import annotations

from typing import ClassVar


class TrifectaError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def as_json(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "message": self.message}}

    def headers(self) -> dict[str, str]:
        """HTTP headers that go with this error's response."""
        return {}


class ConfigError(Exception):
    """A bad setting: reported as one line by the CLI, never a traceback."""


class TemplateError(Exception):
    """A session template that does not validate; names the file and field."""


# -- malformed requests -------------------------------------------------------------------
class MalformedJson(TrifectaError):
    status, code = 400, "malformed_json"


class UnsupportedMediaType(TrifectaError):
    status, code = 415, "unsupported_media_type"


class InvalidHost(TrifectaError):
    status, code = 421, "invalid_host"


class InvalidRequest(TrifectaError):
    status, code = 422, "invalid_request"


class UnknownMessageType(TrifectaError):
    status, code = 400, "unknown_message_type"


class InvalidAnswerId(TrifectaError):
    status, code = 422, "invalid_answer_id"


class PayloadTooLarge(TrifectaError):
    status, code = 413, "payload_too_large"


class RateLimited(TrifectaError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}


# -- auth ---------------------------------------------------------------------------------
class Unauthorized(TrifectaError):
    status, code = 401, "unauthorized"


class Forbidden(TrifectaError):
    status, code = 403, "forbidden"


class NotJoined(TrifectaError):
    status, code = 401, "not_joined"


# -- lookups ------------------------------------------------------------------------------
class NotFound(TrifectaError):
    status, code = 404, "not_found"


class UnknownSession(TrifectaError):
    status, code = 404, "unknown_session"


class UnknownTemplate(TrifectaError):
    status, code = 404, "unknown_template"


class UnknownQuestion(TrifectaError):
    status, code = 404, "unknown_question"


class UnknownOption(TrifectaError):
    status, code = 422, "unknown_option"


class UnknownStatement(TrifectaError):
    status, code = 422, "unknown_statement"


class UnknownReaction(TrifectaError):
    status, code = 422, "unknown_reaction"


# -- answer values ------------------------------------------------------------------------
class InvalidValue(TrifectaError):
    status, code = 422, "invalid_value"


class OutOfRange(TrifectaError):
    status, code = 422, "out_of_range"


class TooManyChoices(TrifectaError):
    status, code = 422, "too_many_choices"


class DuplicateChoice(TrifectaError):
    status, code = 422, "duplicate_choice"


class UnknownItem(TrifectaError):
    status, code = 422, "unknown_item"


class DuplicateItem(TrifectaError):
    status, code = 422, "duplicate_item"


class RankingLength(TrifectaError):
    status, code = 422, "ranking_length"


class OverBudget(TrifectaError):
    status, code = 422, "over_budget"


class TooManyWords(TrifectaError):
    status, code = 422, "too_many_words"


class WordTooLong(TrifectaError):
    status, code = 422, "word_too_long"


class TextTooLong(TrifectaError):
    status, code = 422, "text_too_long"


class OwnQuestion(TrifectaError):
    status, code = 422, "own_question"


class TooManyPosts(TrifectaError):
    status, code = 422, "too_many_posts"


class NotStorable(TrifectaError):
    """The database refused this one answer (its batch was stored without it)."""

    status, code = 422, "not_storable"


# -- session and question state -----------------------------------------------------------
class QuestionLocked(TrifectaError):
    status, code = 409, "question_locked"


class QuestionNotOpen(TrifectaError):
    status, code = 409, "question_not_open"


class SessionEnded(TrifectaError):
    status, code = 409, "session_ended"


class SessionHasAnswers(TrifectaError):
    """A session's questions change only while nobody answered them: an answer means
    something only against the question it was given to."""

    status, code = 409, "session_has_answers"


class StoreUnavailable(TrifectaError):
    """The database did not answer (a restart, a lost connection): nothing was stored, and
    the phone keeps the answer and sends it again."""

    status, code = 503, "store_unavailable"

    def headers(self) -> dict[str, str]:
        return {"Retry-After": "2"}


class PdfUnavailable(TrifectaError):
    """The server cannot draw PDFs: the system's Pango (WeasyPrint's text layout) is missing."""

    status, code = 503, "pdf_unavailable"


# -- the brief's insights --------------------------------------------------------------
class UnknownInsight(TrifectaError):
    status, code = 404, "unknown_insight"


class UnknownProposal(TrifectaError):
    status, code = 404, "unknown_proposal"


class ProposalDecided(TrifectaError):
    """A proposal is accepted or discarded once; after that its insight is edited."""

    status, code = 409, "proposal_decided"


class QuoteIsVerbatim(TrifectaError):
    """A pinned story is quoted as it was written: its words never change."""

    status, code = 409, "quote_is_verbatim"


class InterviewSession(TrifectaError):
    """An interview has no phones: its facilitator records each respondent's answers."""

    status, code = 409, "interview_session"


class NotAnInterview(TrifectaError):
    """Respondents are recorded in interview sessions only; the others have phones."""

    status, code = 409, "not_an_interview"


ALL_ERRORS: tuple[type[TrifectaError], ...] = (
    TrifectaError,
    MalformedJson,
    UnsupportedMediaType,
    InvalidHost,
    InvalidRequest,
    UnknownMessageType,
    InvalidAnswerId,
    PayloadTooLarge,
    RateLimited,
    Unauthorized,
    Forbidden,
    NotJoined,
    NotFound,
    UnknownSession,
    UnknownTemplate,
    UnknownQuestion,
    UnknownOption,
    UnknownStatement,
    UnknownReaction,
    InvalidValue,
    OutOfRange,
    TooManyChoices,
    DuplicateChoice,
    UnknownItem,
    DuplicateItem,
    RankingLength,
    OverBudget,
    TooManyWords,
    WordTooLong,
    TextTooLong,
    OwnQuestion,
    TooManyPosts,
    NotStorable,
    QuestionLocked,
    QuestionNotOpen,
    SessionEnded,
    SessionHasAnswers,
    StoreUnavailable,
    PdfUnavailable,
    UnknownInsight,
    UnknownProposal,
    ProposalDecided,
    QuoteIsVerbatim,
    InterviewSession,
    NotAnInterview,
)
