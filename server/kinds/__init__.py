"""Question kinds: one module each, and this registry that maps a kind's name to it.

An unknown name fails loudly (at template load, at request validation, when a stored
question is read); nothing falls through to a default kind."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import Field

from .base import (
    Aggregates,
    Caught,
    Cell,
    Choice,
    Column,
    Examples,
    FormFields,
    ItemRules,
    JsonValue,
    Kind,
    Question,
    QuestionSpec,
    StoredAnswer,
    Sums,
    is_blank,
    marked,
    slugify,
    unique,
)
from .choice import (
    MULTIPLE_CHOICE,
    SINGLE_CHOICE,
    ChoiceConfig,
    MultipleChoiceSpec,
    SingleChoiceSpec,
)
from .grid_2x2 import GRID_2X2, GridConfig, GridSpec
from .nps import NPS, NpsConfig, NpsSpec
from .open_text import OPEN_TEXT, OpenTextSpec, TextConfig
from .points import POINTS, PointsConfig, PointsSpec
from .qa import QA, QaConfig, QaSpec
from .ranking import RANKING, RankingConfig, RankingSpec
from .scale import SCALE, ScaleConfig, ScaleSpec
from .word_cloud import WORD_CLOUD, WordCloudSpec, WordsConfig

__all__ = [
    "KINDS",
    "Aggregates",
    "Cell",
    "Choice",
    "ChoiceConfig",
    "Column",
    "Examples",
    "GridConfig",
    "ItemRules",
    "JsonValue",
    "Kind",
    "NpsConfig",
    "PointsConfig",
    "QaConfig",
    "Question",
    "QuestionSpecs",
    "RankingConfig",
    "ScaleConfig",
    "StoredAnswer",
    "TextConfig",
    "UnknownKind",
    "WordsConfig",
    "aggregates",
    "answer_numbers",
    "answer_parts",
    "form_value",
    "is_blank",
    "item_rules",
    "kind_of",
    "kind_title",
    "marked",
    "public_result",
    "question_from_json",
    "question_json",
    "question_spec",
    "question_to_json",
    "questions_from_specs",
    "readable",
    "slugify",
    "tally",
    "validate_value",
]

KINDS: dict[str, Kind[Any]] = {
    k.name: k
    for k in (
        SINGLE_CHOICE,
        MULTIPLE_CHOICE,
        SCALE,
        OPEN_TEXT,
        NPS,
        RANKING,
        POINTS,
        GRID_2X2,
        WORD_CLOUD,
        QA,
    )
}

# The spec of a question of any kind, told apart by its "kind" field (for templates and the
# API; pydantic names the kinds it knows when it meets another). Written out for the type
# checker; tests/test_kind_registry.py checks that it lists exactly the kinds above.
QuestionSpecs = Annotated[
    SingleChoiceSpec
    | MultipleChoiceSpec
    | ScaleSpec
    | OpenTextSpec
    | NpsSpec
    | RankingSpec
    | PointsSpec
    | GridSpec
    | WordCloudSpec
    | QaSpec,
    Field(discriminator="kind"),
]


class UnknownKind(ValueError):
    pass


def kind_of(name: str) -> Kind[Any]:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(
            f"there is no question kind {name!r}; the kinds are {', '.join(KINDS)}"
        ) from None


def questions_from_specs(specs: Iterable[QuestionSpec]) -> tuple[Question, ...]:
    """Questions with stable ids (explicit, else q1, q2, ...) from validated specs."""
    specs = list(specs)
    explicit = [s.id for s in specs if s.id]
    if len(set(explicit)) != len(explicit):
        raise ValueError("question ids must be unique")
    taken = set(explicit)
    out = []
    for position, spec in enumerate(specs):
        kind = kind_of(getattr(spec, "kind", ""))
        out.append(
            Question(
                id=spec.id or unique(f"q{position + 1}", taken),
                kind=kind.name,
                prompt=spec.prompt,
                config=kind.config(spec),
                position=position,
                segment=spec.segment,
                brief=spec.brief,
            )
        )
    return tuple(out)


def question_json(q: Question) -> dict[str, JsonValue]:
    """The public description of a question, as the API and the phone see it."""
    kind = kind_of(q.kind)
    out: dict[str, JsonValue] = {
        "id": q.id,
        "kind": q.kind,
        "prompt": q.prompt,
        **kind.public(kind.of(q)),
    }
    if q.segment:
        out["segment"] = True
    if q.brief:
        out["brief"] = q.brief
    return out


def question_spec(q: Question) -> dict[str, JsonValue]:
    """A question as a template or the API writes it (its spec), with every id explicit:
    the editor loads it, and a template saved from a session keeps the session's ids."""
    spec_fields = kind_of(q.kind).spec.model_fields
    return {
        name: value
        for name, value in question_json(q).items()
        if name in spec_fields and value is not None
    }


def question_to_json(q: Question) -> dict[str, JsonValue]:
    """A question as the store keeps it (its definition never changes)."""
    kind = kind_of(q.kind)
    return {
        "id": q.id,
        "kind": q.kind,
        "prompt": q.prompt,
        "position": q.position,
        "segment": q.segment,
        "brief": q.brief,
        "config": kind.dump(kind.of(q)),
    }


def question_from_json(data: Mapping[str, JsonValue]) -> Question:
    """A stored question; before kinds had configs, their fields were stored flat."""
    kind = kind_of(str(data["kind"]))
    return Question(
        id=str(data["id"]),
        kind=kind.name,
        prompt=str(data["prompt"]),
        config=kind.load(data.get("config") or data),
        position=int(data.get("position") or 0),
        segment=bool(data.get("segment")),
        brief=data.get("brief"),
    )


def validate_value(q: Question, raw: object) -> JsonValue:
    """Check an answer value against its question; return it in stored form or raise."""
    kind = kind_of(q.kind)
    return kind.validate(q, kind.of(q), raw)


def form_value(q: Question, fields: FormFields) -> JsonValue:
    kind = kind_of(q.kind)
    return kind.form_value(kind.of(q), fields)


def item_rules(q: Question) -> ItemRules | None:
    kind = kind_of(q.kind)
    return kind.item_rules(kind.of(q))


def public_result(q: Question, result: JsonValue) -> JsonValue:
    kind = kind_of(q.kind)
    return kind.public_result(kind.of(q), result)


def readable(q: Question, value: JsonValue) -> str:
    kind = kind_of(q.kind)
    return kind.readable(kind.of(q), value)


def kind_title(q: Question) -> str:
    return kind_of(q.kind).title()


def aggregates(q: Question, result: JsonValue, responses: int) -> Aggregates:
    """The question's result as a table of aggregates, for an export's summary."""
    kind = kind_of(q.kind)
    return kind.aggregates(kind.of(q), result, responses)


def chart(q: Question, result: JsonValue, responses: int) -> str | None:
    """The question's result drawn for the printed brief, or None (see `Kind.chart`)."""
    kind = kind_of(q.kind)
    return kind.chart(kind.of(q), result, responses)


def answer_parts(q: Question) -> tuple[Choice, ...]:
    kind = kind_of(q.kind)
    return kind.parts(kind.of(q))


def answer_numbers(q: Question, value: JsonValue) -> dict[str | None, int] | None:
    kind = kind_of(q.kind)
    return kind.numbers(kind.of(q), value)


def tally(q: Question, answers: Iterable[StoredAnswer], caught: Caught | None = None) -> JsonValue:
    """The result of a question: the sum of what each current answer contributes, shaped
    by its kind, with what the session's language filter (`caught`) catches marked. (Kept
    in the write transaction later, replacing an answer will subtract its old
    contribution and add the new one.)"""
    kind = kind_of(q.kind)
    config = kind.of(q)
    current = list(answers)
    sums = Sums()
    for answer in current:
        sums.update(kind.contribution(config, answer.value))  # update keeps negative totals
    result = kind.result(config, sums, current)
    return kind.filtered(config, result, caught) if caught is not None else result
