"""Survey definitions: the TOML templates and inline question lists, validated into Questions."""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import TemplateError
from .kinds import Choice, Question

log = logging.getLogger(__name__)

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Label = Annotated[str, Field(min_length=1, max_length=200)]
Prompt = Annotated[str, Field(min_length=1, max_length=500)]
Mode = Literal["presenter", "self_paced"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ChoiceSpec(_Spec):
    id: Slug | None = None
    label: Label


ChoiceInput = Label | ChoiceSpec


class _QuestionSpec(_Spec):
    id: Slug | None = None
    prompt: Prompt
    segment: bool = False
    brief: Annotated[str, Field(max_length=40)] | None = None


class SingleChoiceSpec(_QuestionSpec):
    kind: Literal["single_choice"]
    options: Annotated[list[ChoiceInput], Field(min_length=2, max_length=50)]


class MultipleChoiceSpec(_QuestionSpec):
    kind: Literal["multiple_choice"]
    options: Annotated[list[ChoiceInput], Field(min_length=2, max_length=50)]
    max_choices: Annotated[int, Field(ge=1, le=50)] | None = None

    @model_validator(mode="after")
    def _max_choices_fit(self) -> MultipleChoiceSpec:
        if self.max_choices is not None and self.max_choices > len(self.options):
            raise ValueError("max_choices must not exceed the number of options")
        return self


class ScaleSpec(_QuestionSpec):
    kind: Literal["scale"]
    statements: Annotated[list[ChoiceInput], Field(min_length=1, max_length=30)]
    min: Annotated[int, Field(ge=-10, le=10)] = 1
    max: Annotated[int, Field(ge=-10, le=10)] = 5
    min_label: Annotated[str, Field(max_length=80)] | None = None
    max_label: Annotated[str, Field(max_length=80)] | None = None

    @model_validator(mode="after")
    def _max_above_min(self) -> ScaleSpec:
        if self.max <= self.min:
            raise ValueError("max must be greater than min")
        return self


class OpenTextSpec(_QuestionSpec):
    kind: Literal["open_text"]
    max_length: Annotated[int, Field(ge=1, le=10_000)] = 1000


QuestionSpec = Annotated[
    SingleChoiceSpec | MultipleChoiceSpec | ScaleSpec | OpenTextSpec,
    Field(discriminator="kind"),
]
QuestionList = Annotated[list[QuestionSpec], Field(min_length=1, max_length=100)]


class TemplateSpec(_Spec):
    id: Slug
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=2000)] = ""
    mode: Mode = "presenter"
    questions: QuestionList


@dataclass(frozen=True, slots=True)
class Survey:
    """A validated template: what a session is created from."""

    id: str
    title: str
    description: str
    mode: Mode
    questions: tuple[Question, ...]


# -- slugs --------------------------------------------------------------------------------
def slugify(text: str, fallback: str = "item") -> str:
    """A stable, readable id from a label: ASCII, lowercase, hyphens, at most 40 chars."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-")
    return slug or fallback


def label_id(label: str, what: str) -> str:
    """An id for a choice label: its slug, or for a label with no Latin letters or digits
    (Arabic, Chinese, emoji) a short digest of the label, stable whatever its position."""
    slug = slugify(label, fallback="")
    if slug:
        return slug
    digest = hashlib.sha256(unicodedata.normalize("NFC", label).encode()).hexdigest()[:8]
    return f"{what}-{digest}"


def _unique(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-2`, `slug-3`, ... when taken; the result is added to `taken`."""
    candidate, n = slug, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate, n = slug[: 40 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def _choices(items: list[ChoiceInput], what: str) -> tuple[Choice, ...]:
    """Choices with ids unique within their question: explicit ids are kept (and reserved
    first), the others derive from their labels. "A" and "a", or two long labels that
    share their first 40 characters, get different ids."""
    labels = [i if isinstance(i, str) else i.label for i in items]
    if len(set(labels)) != len(labels):
        raise ValueError(f"{what} labels must be unique")
    explicit = [i.id for i in items if isinstance(i, ChoiceSpec) and i.id]
    if len(set(explicit)) != len(explicit):
        raise ValueError(f"{what} ids must be unique")
    taken = set(explicit)
    out = []
    for item, label in zip(items, labels, strict=True):
        if isinstance(item, ChoiceSpec) and item.id:
            out.append(Choice(item.id, label))
        else:
            out.append(Choice(_unique(label_id(label, what), taken), label))
    return tuple(out)


def build_questions(specs: list[QuestionSpec]) -> tuple[Question, ...]:
    """Turn validated specs into Questions with stable ids (explicit, else q1, q2, ...)."""
    explicit = [s.id for s in specs if s.id]
    if len(set(explicit)) != len(explicit):
        raise ValueError("question ids must be unique")
    taken = set(explicit)
    out = []
    for position, spec in enumerate(specs):
        qid = spec.id or _unique(f"q{position + 1}", taken)
        common: dict[str, object] = dict(
            id=qid,
            kind=spec.kind,
            prompt=spec.prompt,
            position=position,
            segment=spec.segment,
            brief=spec.brief,
        )
        extra: dict[str, object]
        if isinstance(spec, SingleChoiceSpec | MultipleChoiceSpec):
            extra = {"options": _choices(spec.options, "option")}
            if isinstance(spec, MultipleChoiceSpec):
                extra["max_choices"] = spec.max_choices or len(spec.options)
        elif isinstance(spec, ScaleSpec):
            extra = dict(
                statements=_choices(spec.statements, "statement"),
                min=spec.min,
                max=spec.max,
                min_label=spec.min_label,
                max_label=spec.max_label,
            )
        else:
            extra = {"max_length": spec.max_length}
        out.append(Question(**common, **extra))  # type: ignore[arg-type]
    return tuple(out)


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
        spec = TemplateSpec.model_validate(data)
        questions = build_questions(spec.questions)
    except tomllib.TOMLDecodeError as e:
        raise TemplateError(f"{name}: not valid TOML: {e}") from None
    except ValidationError as e:
        raise TemplateError(f"{name}: {describe_validation_error(e)}") from None
    except ValueError as e:
        raise TemplateError(f"{name}: questions: {e}") from None
    return Survey(spec.id, spec.title, spec.description, spec.mode, questions)


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
