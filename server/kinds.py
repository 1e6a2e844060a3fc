"""Question kinds: answer validation, tallies and readable labels. Pure functions only."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import (
    DuplicateChoice,
    InvalidValue,
    OutOfRange,
    TextTooLong,
    TooManyChoices,
    UnknownOption,
    UnknownStatement,
)

Kind = Literal["single_choice", "multiple_choice", "scale", "open_text"]
KINDS: tuple[Kind, ...] = ("single_choice", "multiple_choice", "scale", "open_text")
JsonValue = Any  # a value that json.dumps accepts


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Question:
    """One question of a session; immutable once the session exists."""

    id: str
    kind: Kind
    prompt: str
    position: int = 0
    options: tuple[Choice, ...] = ()
    statements: tuple[Choice, ...] = ()
    max_choices: int | None = None
    min: int = 1
    max: int = 5
    min_label: str | None = None
    max_label: str | None = None
    max_length: int = 1000
    segment: bool = False
    brief: str | None = None
    option_ids: frozenset[str] = field(default=frozenset(), compare=False)
    statement_ids: frozenset[str] = field(default=frozenset(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "option_ids", frozenset(o.id for o in self.options))
        object.__setattr__(self, "statement_ids", frozenset(s.id for s in self.statements))

    def label_of(self, choice_id: str) -> str:
        for choice in (*self.options, *self.statements):
            if choice.id == choice_id:
                return choice.label
        return choice_id


def question_json(q: Question) -> dict[str, JsonValue]:
    """The public description of a question, as the API and the phone see it."""
    out: dict[str, JsonValue] = {"id": q.id, "kind": q.kind, "prompt": q.prompt}
    if q.kind in ("single_choice", "multiple_choice"):
        out["options"] = [{"id": o.id, "label": o.label} for o in q.options]
    if q.kind == "multiple_choice":
        out["max_choices"] = q.max_choices
    if q.kind == "scale":
        out["statements"] = [{"id": s.id, "label": s.label} for s in q.statements]
        out.update(min=q.min, max=q.max, min_label=q.min_label, max_label=q.max_label)
    if q.kind == "open_text":
        out["max_length"] = q.max_length
    if q.segment:
        out["segment"] = True
    if q.brief:
        out["brief"] = q.brief
    return out


# -- validation ---------------------------------------------------------------------------
def validate_value(q: Question, raw: object) -> JsonValue:
    """Check an answer value against its question; return it in stored form or raise."""
    if q.kind == "single_choice":
        return _single(q, raw)
    if q.kind == "multiple_choice":
        return _multiple(q, raw)
    if q.kind == "scale":
        return _scale(q, raw)
    return _open_text(q, raw)


def _single(q: Question, raw: object) -> str:
    if not isinstance(raw, str):
        raise InvalidValue(f"question {q.id!r} takes one option id as a string")
    if raw not in q.option_ids:
        raise UnknownOption(f"question {q.id!r} has no option {raw[:80]!r}")
    return raw


def _multiple(q: Question, raw: object) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise InvalidValue(f"question {q.id!r} takes a list of option ids")
    if not raw:
        raise InvalidValue(f"question {q.id!r} needs at least one choice")
    if len(set(raw)) != len(raw):
        raise DuplicateChoice(f"question {q.id!r} got the same option twice")
    limit = q.max_choices or len(q.options)
    if len(raw) > limit:
        raise TooManyChoices(f"question {q.id!r} takes at most {limit} choices, got {len(raw)}")
    for item in raw:
        if item not in q.option_ids:
            raise UnknownOption(f"question {q.id!r} has no option {item[:80]!r}")
    return list(raw)


def _scale(q: Question, raw: object) -> dict[str, int]:
    if not isinstance(raw, dict):
        raise InvalidValue(f"question {q.id!r} takes an object of statement ids to numbers")
    if not raw:
        raise InvalidValue(f"question {q.id!r} needs a number for at least one statement")
    for statement, n in raw.items():
        if statement not in q.statement_ids:
            raise UnknownStatement(f"question {q.id!r} has no statement {str(statement)[:80]!r}")
        if type(n) is not int:  # type() check: refuses True, 2.0 and "2"
            raise InvalidValue(f"statement {statement!r} takes a whole number, got {n!r:.40}")
        if not q.min <= n <= q.max:
            raise OutOfRange(f"statement {statement!r} takes a number from {q.min} to {q.max}")
    return {s.id: raw[s.id] for s in q.statements if s.id in raw}


def _open_text(q: Question, raw: object) -> str:
    if not isinstance(raw, str):
        raise InvalidValue(f"question {q.id!r} takes text")
    if is_blank(raw):
        raise InvalidValue(f"question {q.id!r} needs some visible text")
    if len(raw) > q.max_length:
        raise TextTooLong(
            f"question {q.id!r} takes at most {q.max_length} characters, got {len(raw)}"
        )
    return raw


# Characters that draw nothing: format controls (zero-width space and joiners, direction
# marks, BOM, tags), separators and controls, and the letters and symbols that render blank
# (Hangul fillers, the blank Braille pattern, variation selectors, Khmer inherent vowels).
_BLANK_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_BLANK_LOOKING = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)


def is_blank(text: str) -> bool:
    """True when the text would show nothing: a story of zero-width spaces is empty."""
    return all(ch in _BLANK_LOOKING or unicodedata.category(ch) in _BLANK_CATEGORIES for ch in text)


# -- tallies ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """The current answer of one participant to one question, as the store holds it."""

    response_id: int
    value: JsonValue
    hidden: bool = False


def tally(q: Question, answers: Iterable[StoredAnswer]) -> dict[str, JsonValue]:
    """The result of a question from its current answers (the shapes of the design)."""
    if q.kind == "single_choice":
        counts = dict.fromkeys((o.id for o in q.options), 0)
        for a in answers:
            counts[a.value] = counts.get(a.value, 0) + 1
        return {"counts": counts}
    if q.kind == "multiple_choice":
        counts = dict.fromkeys((o.id for o in q.options), 0)
        for a in answers:
            for option in a.value:
                counts[option] = counts.get(option, 0) + 1
        return {"counts": counts}
    if q.kind == "scale":
        return {"statements": _scale_tally(q, answers)}
    items = sorted(answers, key=lambda a: a.response_id)
    return {
        "items": [{"id": str(a.response_id), "text": a.value, "hidden": a.hidden} for a in items]
    }


def _scale_tally(q: Question, answers: Iterable[StoredAnswer]) -> dict[str, JsonValue]:
    points = [str(n) for n in range(q.min, q.max + 1)]
    counts = {s.id: dict.fromkeys(points, 0) for s in q.statements}
    for a in answers:
        for statement, n in a.value.items():
            counts[statement][str(n)] += 1
    out: dict[str, JsonValue] = {}
    for statement, by_point in counts.items():
        n = sum(by_point.values())
        total = sum(int(p) * c for p, c in by_point.items())
        out[statement] = {"n": n, "mean": round(total / n, 3) if n else None, "counts": by_point}
    return out


def readable(q: Question, value: JsonValue) -> str:
    """An answer as a person reads it: labels instead of ids."""
    if q.kind == "single_choice":
        return q.label_of(value)
    if q.kind == "multiple_choice":
        return "; ".join(q.label_of(v) for v in value)
    if q.kind == "scale":
        return "; ".join(f"{q.label_of(s)}: {n}" for s, n in value.items())
    return str(value)
