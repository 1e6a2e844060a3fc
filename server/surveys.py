"""Survey definitions: the TOML templates and inline question lists, validated into Questions."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import TemplateError
from .kinds import Question, QuestionSpecs, question_spec, questions_from_specs, slugify
from .kinds.base import Slug

__all__ = [
    "Mode",
    "QuestionList",
    "Reveal",
    "Survey",
    "is_interview",
    "load_surveys",
    "opens_every_question",
    "parse_template",
    "slugify",
    "survey_from_data",
    "template_toml",
]

log = logging.getLogger(__name__)

# presenter: one question at a time, led from the screen; self_paced: a survey, every
# question open; interview: no phones, the facilitator records each respondent's answers
Mode = Literal["presenter", "self_paced", "interview"]
# When the screen shows a question's results: while voting, or once revealed or locked (the
# default: early answers on the screen would anchor the room's later ones)
Reveal = Literal["live", "on_reveal"]
QuestionList = Annotated[list[QuestionSpecs], Field(min_length=1, max_length=100)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TemplateSpec(_Spec):
    id: Slug
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=2000)] = ""
    mode: Mode = "presenter"
    reveal: Reveal = "on_reveal"
    questions: QuestionList


@dataclass(frozen=True, slots=True)
class Survey:
    """A validated template: what a session is created from."""

    id: str
    title: str
    description: str
    mode: Mode
    questions: tuple[Question, ...]
    reveal: Reveal = "on_reveal"
    saved: bool = False  # written or imported in the console, kept in the database


def opens_every_question(mode: str) -> bool:
    """Whether a session of this mode opens all its questions from the start (a survey, an
    interview), rather than one at a time as the presenter moves on."""
    return mode in ("self_paced", "interview")


def is_interview(mode: str) -> bool:
    """An interview has no phones: nobody joins by code, the facilitator types the answers."""
    return mode == "interview"


# -- templates on disk --------------------------------------------------------------------
def describe_validation_error(error: ValidationError) -> str:
    """One line per problem, each naming the field: `questions.2.max: ...`."""
    parts = []
    for e in error.errors():
        loc = ".".join(str(p) for p in e["loc"] if not str(p).endswith("Spec"))
        parts.append(f"{loc or 'body'}: {e['msg']}")
    return "; ".join(parts)


def parse_template(name: str, text: str) -> Survey:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise TemplateError(f"{name}: not valid TOML: {e}") from None
    return survey_from_data(name, data)


def survey_from_data(name: str, data: dict[str, Any], *, saved: bool = False) -> Survey:
    """A template from its parsed form (a TOML file's tables, a saved template's JSON)."""
    try:
        spec = TemplateSpec.model_validate(data)
        questions = questions_from_specs(spec.questions)
    except ValidationError as e:
        raise TemplateError(f"{name}: {describe_validation_error(e)}") from None
    except ValueError as e:
        raise TemplateError(f"{name}: questions: {e}") from None
    return Survey(spec.id, spec.title, spec.description, spec.mode, questions, spec.reveal, saved)


def template_data(survey: Survey) -> dict[str, Any]:
    """A template in the shape of its TOML file, every id explicit."""
    return {
        "id": survey.id,
        "title": survey.title,
        "description": survey.description,
        "mode": survey.mode,
        "reveal": survey.reveal,
        "questions": [question_spec(q) for q in survey.questions],
    }


def template_toml(survey: Survey) -> str:
    """The template as a TOML file that `parse_template` reads back to the same template.
    TOML has no null: an unset field (a grid axis without end labels) is left out."""
    return tomli_w.dumps(_without_nulls(template_data(survey)))


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def load_surveys(folder: Path) -> tuple[dict[str, Survey], list[str]]:
    """Load every `*.toml` in folder; bad ones are reported, the good ones still load."""
    surveys: dict[str, Survey] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            survey = parse_template(path.name, path.read_text(encoding="utf-8"))
        except (TemplateError, UnicodeDecodeError) as e:
            problems.append(str(e))
            continue
        if survey.id in surveys:
            problems.append(f"{path.name}: id {survey.id!r} is already used by another template")
            continue
        surveys[survey.id] = survey
    for problem in problems:
        log.warning("template skipped: %s", problem)
    return surveys, problems
