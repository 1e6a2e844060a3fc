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


class ConfigError(Exception):
    """A bad setting: reported as one line by the CLI, never a traceback."""


class TemplateError(Exception):
    """A session template that does not validate; names the file and field."""


# -- malformed requests -------------------------------------------------------------------
class MalformedJson(TrifectaError):
    status, code = 400, "malformed_json"


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


# -- answer values ------------------------------------------------------------------------
class InvalidValue(TrifectaError):
    status, code = 422, "invalid_value"


class OutOfRange(TrifectaError):
    status, code = 422, "out_of_range"


class TooManyChoices(TrifectaError):
    status, code = 422, "too_many_choices"


class DuplicateChoice(TrifectaError):
    status, code = 422, "duplicate_choice"


class TextTooLong(TrifectaError):
    status, code = 422, "text_too_long"


# -- session and question state -----------------------------------------------------------
class QuestionLocked(TrifectaError):
    status, code = 409, "question_locked"


class QuestionNotOpen(TrifectaError):
    status, code = 409, "question_not_open"


class SessionEnded(TrifectaError):
    status, code = 409, "session_ended"


ALL_ERRORS: tuple[type[TrifectaError], ...] = (
    TrifectaError, MalformedJson, InvalidRequest, UnknownMessageType, InvalidAnswerId,
    PayloadTooLarge, RateLimited, Unauthorized, Forbidden, NotJoined, NotFound,
    UnknownSession, UnknownTemplate, UnknownQuestion, UnknownOption, UnknownStatement,
    InvalidValue, OutOfRange, TooManyChoices, DuplicateChoice, TextTooLong, QuestionLocked,
    QuestionNotOpen, SessionEnded,
)
