"""Request and message models: they validate at the edge and generate the OpenAPI schema."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from .errors import InvalidAnswerId, InvalidRequest, InvalidValue, MalformedJson
from .kinds import KINDS, is_blank
from .kinds.base import too_long
from .sections import BriefSection
from .surveys import Mode, QuestionList, Reveal, describe_validation_error

QuestionId = Annotated[str, Field(min_length=1, max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _by_kind(doc: str) -> str:
    """One line per question kind, from the kind's own module (its `value_doc` or
    `result_doc`): the contract is written where the kind is."""
    return "By the question's kind:\n" + "\n".join(
        f"- {name}: {getattr(kind, doc)}" for name, kind in KINDS.items()
    )


def _given(field: str, json_type: str) -> dict[str, Any]:
    """JSON Schema for "the field is there and not null" (null means absent to the models)."""
    return {"required": [field], "properties": {field: {"type": json_type}}}


# -- requests -----------------------------------------------------------------------------
class CreateSessionRequest(_Model):
    """Either a template id, or a title with an inline list of questions."""

    # The rule of _template_or_questions below, for clients and fuzzers reading the schema
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"allOf": [_given("template", "string")], "not": _given("questions", "array")},
                {
                    "allOf": [_given("questions", "array"), _given("title", "string")],
                    "not": _given("template", "string"),
                },
            ]
        },
    )

    template: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    mode: Mode | None = None
    questions: QuestionList | None = None
    profanity_filter: bool = Field(
        default=False, description="switch the language filter on from the start"
    )
    reveal: Reveal | None = Field(
        default=None,
        description="when the screen shows results: `live` while voting, or `on_reveal` "
        "(the default, also a template's) once the facilitator shows them or locks the question",
    )

    @model_validator(mode="after")
    def _template_or_questions(self) -> CreateSessionRequest:
        if self.template is None and self.questions is None:
            raise ValueError("give either 'template' or 'title' and 'questions'")
        if self.template is not None and self.questions is not None:
            raise ValueError("give 'template' or 'questions', not both")
        if self.questions is not None and self.title is None:
            raise ValueError("'title' is required with 'questions'")
        return self


class EditQuestionsRequest(_Model):
    """A session's new questions (and title): taken only while nobody answered it."""

    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    questions: QuestionList


class TemplateRequest(_Model):
    """A template written in the console; its id is made from its title."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=2000)] = ""
    mode: Mode = "presenter"
    questions: QuestionList


TOML_LIMIT = 60 * 1024  # the text of a template, inside the 64 KiB body limit


class ImportTemplateRequest(_Model):
    """A template file's text, in the format of `session_templates/*.toml`."""

    toml: Annotated[str, Field(min_length=1, max_length=TOML_LIMIT)]


QuestionAction = Literal[
    "goto", "open", "lock", "show_results", "hide_results", "countdown", "split", "unsplit"
]
COUNTDOWN_SECONDS = (5, 3600)  # a countdown runs from 5 seconds to an hour
Seconds = Annotated[
    int, Field(strict=True, ge=COUNTDOWN_SECONDS[0], le=COUNTDOWN_SECONDS[1])
]  # strict: "30", 30.5 and true are refused, not coerced


class ControlRequest(_Model):
    """A presenter action. `countdown` opens the question until `seconds` (5..3600) from
    now, then it locks itself; `open` and `lock` clear a countdown. `split` shows the
    question side by side per segment group on the presenter's view and the screen (never
    on phones) until `unsplit`."""

    # The rules of the validators below, for clients and fuzzers reading the schema
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                {
                    "if": {"properties": {"action": {"not": {"const": "end"}}}},
                    "then": _given("question", "string"),
                },
                {
                    "if": {"properties": {"action": {"const": "countdown"}}},
                    "then": _given("seconds", "integer"),
                    "else": {"not": _given("seconds", "integer")},
                },
            ]
        },
    )

    action: QuestionAction | Literal["end"]
    question: QuestionId | None = None
    seconds: Seconds | None = Field(
        default=None, description="with `countdown` only: how long the question stays open"
    )

    @model_validator(mode="after")
    def _question_when_needed(self) -> ControlRequest:
        if self.action != "end" and self.question is None:
            raise ValueError(f"action {self.action!r} needs a 'question'")
        low, high = COUNTDOWN_SECONDS
        if self.action == "countdown" and self.seconds is None:
            raise ValueError(f"action 'countdown' needs 'seconds', a whole number {low}..{high}")
        if self.action != "countdown" and self.seconds is not None:
            raise ValueError(f"'seconds' goes with action 'countdown' only, not {self.action!r}")
        return self


_MODERATION_CHANGES = ("hidden", "answered", "approved")


class ModerationRequest(_Model):
    """What the facilitator does to one story or Q&A post: at least one change."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"anyOf": [_given(change, "boolean") for change in _MODERATION_CHANGES]},
    )

    item: Annotated[str, Field(pattern=r"^[0-9]{1,18}$")]
    hidden: bool | None = None
    answered: bool | None = None  # a Q&A post was answered in the room
    approved: bool | None = None  # a Q&A post waiting for moderation may be seen

    @model_validator(mode="after")
    def _some_change(self) -> ModerationRequest:
        if all(getattr(self, change) is None for change in _MODERATION_CHANGES):
            raise ValueError("give at least one of 'hidden', 'answered' or 'approved'")
        return self


class AnswerRequest(_Model):
    id: UUID
    question: QuestionId
    value: Any = Field(json_schema_extra={"description": _by_kind("value_doc")})


class AnswerMessage(AnswerRequest):
    type: Literal["answer"]


LABEL_LIMIT = 80  # characters (grapheme clusters) of a respondent's label


class RespondentRequest(_Model):
    """A person interviewed: a label the facilitator recognises (a name, a role, "Sponsor
    1"), and their group in the trifecta, an option id of the session's segment question."""

    label: Annotated[str, Field(min_length=1, max_length=4 * LABEL_LIMIT)] = Field(
        description=f"1 to {LABEL_LIMIT} characters after trimming; shown in the console only"
    )
    role: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None,
        description="an option id of the session's segment question: stored as this "
        "respondent's answer to it, so results split by it",
    )


class RespondentAnswerRequest(_Model):
    """One of a respondent's answers, typed by the facilitator: the value as a phone sends
    it (see `POST /api/sessions/{id}/responses`)."""

    client_id: UUID
    question: QuestionId
    value: Any = Field(json_schema_extra={"description": _by_kind("value_doc")})


@dataclass(frozen=True, slots=True)
class AnswerInput:
    """A parsed answer: `id` is a canonical lowercase UUID, `value` is not checked yet."""

    id: str
    question: str
    value: Any


# -- responses (for the OpenAPI description) ---------------------------------------------
class ErrorBody(_Model):
    code: str
    message: str


class ErrorResponse(_Model):
    error: ErrorBody


class CreatedSessionResponse(_Model):
    id: str
    code: str
    join_url: str
    presenter_url: str
    presenter_key: str


class JoinResponse(_Model):
    session: str


class AnswerResponse(_Model):
    status: Literal["accepted", "duplicate"]
    item: str | None = Field(default=None, description="a Q&A post's item id")


class RespondentOut(_Model):
    id: int
    label: str
    answered: int = Field(description="questions this respondent has an answer to")


class RespondentAnswersResponse(_Model):
    answers: dict[str, Any] = Field(description="question id -> the respondent's latest answer")


_SETTINGS = ("profanity_filter", "min_group")


class SettingsRequest(_Model):
    """Session settings the organizer may change while it runs: at least one."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                _given("profanity_filter", "boolean"),
                _given("min_group", "integer"),
            ]
        },
    )

    profanity_filter: bool | None = Field(
        default=None,
        description="hide participants' words that the English or German word list catches "
        "(stories, word-cloud words, Q&A posts) from the screen and the phones; they stay "
        "in the store and are marked in exports",
    )
    min_group: Annotated[int, Field(strict=True, ge=2, le=100)] | None = Field(
        default=None,
        description="the smallest segment group whose results are shown (default 3); "
        "smaller groups are withheld so that nobody can be singled out",
    )

    @model_validator(mode="after")
    def _some_setting(self) -> SettingsRequest:
        if all(getattr(self, name) is None for name in _SETTINGS):
            raise ValueError("give at least one of 'profanity_filter' or 'min_group'")
        return self


class OkResponse(_Model):
    status: Literal["ok"]


class HealthResponse(_Model):
    status: Literal["ok", "degraded", "unavailable"]  # degraded: the broker is down
    store: Literal["ok", "unavailable"]
    broker: Literal["ok", "unavailable"]


class QuestionResult(_Model):
    id: str
    kind: str
    responses: int
    result: dict[str, Any] = Field(json_schema_extra={"description": _by_kind("result_doc")})


class ResultsResponse(_Model):
    questions: list[QuestionResult]


class GroupResults(_Model):
    id: str = Field(description='an option id of the segment question, "not_said" or "all"')
    label: str | None
    n: int = Field(description="participants in the group")
    withheld: bool = Field(
        description="fewer than min_group people (or needed to keep such a group from being "
        "worked out by subtraction): no results"
    )
    questions: list[QuestionResult]


class SegmentResultsResponse(_Model):
    segment: str
    min_group: int
    groups: list[GroupResults]


class ChoiceOut(_Model):
    id: str
    label: str


class QuestionOut(BaseModel):
    id: str
    kind: str
    prompt: str
    state: Literal["pending", "open", "locked"]
    results_visible: bool
    results_shared: bool = Field(description="the phones see the results too")
    deadline: str | None = Field(
        description="when a countdown locks the question (ISO 8601, UTC); null: no countdown"
    )
    seconds_left: float | None = Field(
        description="seconds to the deadline when this was sent (0 once it passed): count "
        "down from when the message arrived, not by the device's clock"
    )
    split: bool = Field(
        default=False,
        description="shown side by side per segment group on the presenter's view and the "
        "screen (presenters only; phones never see the split)",
    )
    can_split: bool = Field(
        default=False,
        description="the session has a segment question, and this is neither it nor a Q&A "
        "(presenters only)",
    )
    options: list[ChoiceOut] | None = None
    statements: list[ChoiceOut] | None = None


class SessionResponse(_Model):
    id: str
    code: str
    title: str
    mode: str
    state: Literal["live", "ended"]
    current_question: str | None
    created_at: str
    join_url: str
    profanity_filter: bool
    reveal: Reveal
    min_group: int
    questions: list[QuestionOut]


class SessionSummaryOut(_Model):
    id: str
    code: str
    title: str
    mode: str
    state: Literal["live", "ended"]
    created_at: str
    participants: int
    answers: int


class TemplateOut(_Model):
    id: str
    title: str
    description: str
    mode: str
    saved: bool = Field(description="written or imported in the console (else shipped)")
    questions: list[dict[str, Any]]


# -- the brief's details and insights -----------------------------------------------------
def _at_most(limit: int) -> Callable[[str], str]:
    """A length limit in characters as people see them (grapheme clusters), as the
    phone's counter and the open-text kinds count them."""

    def check(text: str) -> str:
        length = too_long(text, limit)
        if length is not None:
            raise ValueError(f"at most {limit} characters, got {length}")
        return text

    return check


def _iso_date(text: str) -> str:
    """An ISO date (YYYY-MM-DD), or empty: not set yet."""
    if text and not (re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) and _is_date(text)):
        raise ValueError(f"a date as YYYY-MM-DD (e.g. 2026-11-30), got {text[:16]!r}")
    return text


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


# the code-point caps stop a huge text before it is split into characters
Line20 = Annotated[str, Field(max_length=200), AfterValidator(_at_most(20))]
Line120 = Annotated[str, Field(max_length=1200), AfterValidator(_at_most(120))]
Line200 = Annotated[str, Field(max_length=2000), AfterValidator(_at_most(200))]
IsoDate = Annotated[str, Field(max_length=10), AfterValidator(_iso_date)]


class _Details(_Model):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BriefHeader(_Details):
    """The brief's first lines: what was asked for, by whom, for whom, and when."""

    initiative: Line200 = Field(default="", description="the initiative or request")
    sponsor: Line120 = Field(default="", description="the business sponsor")
    ld_partner: Line120 = Field(default="", description="the L&D partner")
    audience: Line200 = ""
    date: IsoDate = ""
    version: Line20 = ""


class SuccessKpi(_Details):
    """What success looks like in numbers."""

    name: Line200 = Field(default="", description="the KPI, e.g. first-contact resolution")
    owner: Line120 = ""
    baseline: Line120 = ""
    target: Line120 = ""
    target_date: IsoDate = ""


class Signer(_Details):
    """One owner's sign-off: empty until they signed."""

    name: Line120 = ""
    role: Line120 = ""
    signed_on: IsoDate = ""


class SignOff(_Details):
    ld: Signer = Field(default_factory=Signer, description="the L&D owner")
    business: Signer = Field(default_factory=Signer, description="the business owner")


class BriefDetails(_Details):
    """`PUT /api/sessions/{id}/brief/details`: the whole record, every part optional."""

    header: BriefHeader = Field(default_factory=BriefHeader)
    kpi: SuccessKpi = Field(default_factory=SuccessKpi)
    signoff: SignOff = Field(default_factory=SignOff)


INSIGHT_LENGTH = 1000  # characters of an insight's wording


def _not_blank(text: str) -> str:
    if is_blank(text):
        raise ValueError("the text is empty")
    return text


InsightText = Annotated[
    str,
    Field(min_length=1, max_length=INSIGHT_LENGTH * 10),
    AfterValidator(_not_blank),
    AfterValidator(_at_most(INSIGHT_LENGTH)),
]
Tag = Annotated[str, Field(min_length=1, max_length=32)]
InsightStatus = Literal["accepted", "discarded"]


class NewInsightRequest(_Model):
    """Accept (or discard) a proposal by its `origin`, or write an insight of your own
    with `section` and `text` (and a `tag` where the section has tags)."""

    origin: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    status: InsightStatus = "accepted"
    section: BriefSection | None = None
    text: InsightText | None = None
    tag: Tag | None = None

    @model_validator(mode="after")
    def _proposal_or_own(self) -> NewInsightRequest:
        own = self.section is not None or self.text is not None or self.tag is not None
        if self.origin is not None and own:
            raise ValueError("give 'origin' to take a proposal, or 'section' and 'text', not both")
        if self.origin is None and (self.section is None or self.text is None):
            raise ValueError("give 'origin', or 'section' and 'text' for an insight of your own")
        return self


class EditInsightRequest(_Model):
    """Change an insight: its wording, section, tag (null clears it), place in its
    section, or status (discard, restore). At least one."""

    text: InsightText | None = None
    section: BriefSection | None = None
    tag: Tag | None = None
    position: Annotated[int, Field(strict=True, ge=0, le=10_000)] | None = None
    status: InsightStatus | None = None

    @model_validator(mode="after")
    def _some_change(self) -> EditInsightRequest:
        if not self.model_fields_set:
            raise ValueError("give at least one of 'text', 'section', 'tag', 'position', 'status'")
        for name in self.model_fields_set - {"tag"}:
            if getattr(self, name) is None:
                raise ValueError(f"{name}: may not be null")
        return self


M = TypeVar("M", bound=BaseModel)


# -- parsing ------------------------------------------------------------------------------
def decode_text(raw: bytes) -> str:
    """Bytes as strict UTF-8. json.loads would decode bytes with 'surrogatepass' and let the
    encoded surrogate ED A0 80 through as text that the store then cannot encode."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise MalformedJson(
            f"the text is not valid UTF-8 (byte {e.start}: {raw[e.start : e.start + 1].hex()})"
        ) from None


def parse_json(raw: bytes | str) -> Any:
    text = decode_text(raw) if isinstance(raw, bytes) else raw
    try:
        data = json.loads(text)
        if "\\u" in text:
            # json.loads turns an escaped lone surrogate ("\\ud800") into text that UTF-8
            # cannot encode; the store would refuse it.
            json.dumps(data, ensure_ascii=False).encode()
            if "\\u0000" in text and _has_nul(data):
                # PostgreSQL cannot store it in text, and nobody types it: one rule for
                # every request and message, whichever store runs
                raise MalformedJson("text may not contain the NUL character (\\u0000)")
        return data
    except UnicodeEncodeError:
        raise MalformedJson(
            "the JSON has a lone surrogate escape (\\ud800-\\udfff); text must be valid Unicode"
        ) from None
    except ValueError as e:
        raise MalformedJson(f"the body is not valid JSON: {e}") from None
    except RecursionError:  # e.g. 60 KiB of '[': refuse it, never a 500
        raise MalformedJson("the JSON is nested too deeply") from None


def _has_nul(data: Any) -> bool:
    if isinstance(data, str):
        return "\x00" in data
    if isinstance(data, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in data.items())
    if isinstance(data, list):
        return any(_has_nul(v) for v in data)
    return False


def parse_model(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise InvalidRequest(describe_validation_error(e)) from None


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _is_plain(model: type[AnswerRequest], data: dict[str, Any]) -> bool:
    """Exactly the fields of the model, a canonical UUID and a short question id: what
    every well-behaved client sends, and what needs no further field validation."""
    return (
        data.keys() == model.model_fields.keys()
        and data.get("type", "answer") == "answer"
        and type(data["id"]) is str
        and _CANONICAL_UUID.fullmatch(data["id"]) is not None
        and type(data["question"]) is str
        and 0 < len(data["question"]) <= 64
    )


def parse_respondent_answer(data: Any) -> AnswerInput:
    """A respondent's answer, with the phone's own error code for a bad `client_id`."""
    if isinstance(data, dict) and "client_id" in data:
        try:
            UUID(data["client_id"]) if isinstance(data["client_id"], str) else None
        except ValueError:
            data = {**data, "client_id": None}
        if not isinstance(data["client_id"], str):
            raise InvalidAnswerId(
                "'client_id' must be a UUID chosen by the client, "
                "e.g. 1b4e28ba-2fa1-11d2-883f-0016d3cca427"
            )
    checked = parse_model(RespondentAnswerRequest, data)
    return AnswerInput(str(checked.client_id), checked.question, checked.value)


def parse_answer(model: type[AnswerRequest], data: Any) -> AnswerInput:
    """An answer with its own error codes for a bad id and a missing value."""
    if type(data) is dict and _is_plain(model, data):
        # the hot path: the same checks as the model's, without building a model (-4 µs)
        return AnswerInput(data["id"], data["question"], data["value"])
    if isinstance(data, dict):
        raw_id = data.get("id")
        try:
            UUID(raw_id) if isinstance(raw_id, str) else None
        except ValueError:
            raw_id = None
        if not isinstance(raw_id, str):
            raise InvalidAnswerId(
                "'id' must be a UUID chosen by the client, "
                "e.g. 1b4e28ba-2fa1-11d2-883f-0016d3cca427"
            )
        if "value" not in data:
            raise InvalidValue("the answer has no 'value'")
    checked = parse_model(model, data)
    return AnswerInput(str(checked.id), checked.question, checked.value)
