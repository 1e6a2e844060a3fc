"""Scale: several statements, each rated with a whole number from `min` to `max`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .. import charts
from ..errors import InvalidValue, OutOfRange, UnknownStatement
from .base import (
    Aggregates,
    Choice,
    ChoiceInput,
    Column,
    Examples,
    FormFields,
    JsonValue,
    Kind,
    Question,
    QuestionSpec,
    StoredAnswer,
    Sums,
    choices,
    choices_json,
    label_of,
    load_choices,
)

Point = Annotated[int, Field(ge=-10, le=10)]
EndLabel = Annotated[str, Field(max_length=80)] | None


@dataclass(frozen=True, slots=True)
class ScaleConfig:
    statements: tuple[Choice, ...]
    min: int = 1
    max: int = 5
    min_label: str | None = None
    max_label: str | None = None

    # looked up for every answer: built once, not stored (see Kind.dump)
    statement_ids: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "statement_ids", frozenset(c.id for c in self.statements))


class ScaleSpec(QuestionSpec):
    kind: Literal["scale"]
    statements: Annotated[list[ChoiceInput], Field(min_length=1, max_length=30)]
    min: Point = 1
    max: Point = 5
    min_label: EndLabel = None
    max_label: EndLabel = None

    @model_validator(mode="after")
    def _max_above_min(self) -> ScaleSpec:
        if self.max <= self.min:
            raise ValueError("max must be greater than min")
        return self


class Scale(Kind[ScaleConfig]):
    name = "scale"
    spec = ScaleSpec
    config_type = ScaleConfig
    codes = ("invalid_value", "unknown_statement", "out_of_range")
    value_doc = "{statement_id: integer in min..max}; a statement left out is a skip"
    result_doc = '{"statements": {id: {"n", "mean", "counts": {"1": n, ...}}}}'
    examples = Examples(
        question={
            "kind": "scale",
            "prompt": "How true is this today?",
            "min": 1,
            "max": 5,
            "statements": ["Goals are clear", "Metrics are agreed"],
        },
        valid=(
            {"goals-are-clear": 1},
            {"goals-are-clear": 5, "metrics-are-agreed": 3},
            {"metrics-are-agreed": 2},
        ),
        invalid=(
            ("a list", [3], "invalid_value"),
            ("no statement", {}, "invalid_value"),
            ("an unknown statement", {"nothing": 3}, "unknown_statement"),
            ("above max", {"goals-are-clear": 6}, "out_of_range"),
            ("below min", {"goals-are-clear": 0}, "out_of_range"),
            ("a fraction", {"goals-are-clear": 2.5}, "invalid_value"),
            ("a float with a zero fraction", {"goals-are-clear": 3.0}, "invalid_value"),
            ("a boolean", {"goals-are-clear": True}, "invalid_value"),
            ("a number as a string", {"goals-are-clear": "3"}, "invalid_value"),
            ("null", {"goals-are-clear": None}, "invalid_value"),
        ),
    )

    def config(self, spec: Any) -> ScaleConfig:
        return ScaleConfig(
            choices(spec.statements, "statement"),
            spec.min,
            spec.max,
            spec.min_label,
            spec.max_label,
        )

    def load(self, data: Mapping[str, JsonValue]) -> ScaleConfig:
        return ScaleConfig(
            load_choices(data["statements"]),
            int(data["min"]),
            int(data["max"]),
            data.get("min_label"),
            data.get("max_label"),
        )

    def public(self, config: ScaleConfig) -> dict[str, JsonValue]:
        return {
            "statements": choices_json(config.statements),
            "min": config.min,
            "max": config.max,
            "min_label": config.min_label,
            "max_label": config.max_label,
        }

    def validate(self, q: Question, config: ScaleConfig, raw: object) -> JsonValue:
        if not isinstance(raw, dict):
            raise InvalidValue(f"question {q.id!r} takes an object of statement ids to numbers")
        if not raw:
            raise InvalidValue(f"question {q.id!r} needs a number for at least one statement")
        for statement, n in raw.items():
            if statement not in config.statement_ids:
                raise UnknownStatement(
                    f"question {q.id!r} has no statement {str(statement)[:80]!r}"
                )
            if type(n) is not int:  # type() check: refuses True, 2.0 and "2"
                raise InvalidValue(f"statement {statement!r} takes a whole number, got {n!r:.40}")
            if not config.min <= n <= config.max:
                raise OutOfRange(
                    f"statement {statement!r} takes a number from {config.min} to {config.max}"
                )
        return {s.id: raw[s.id] for s in config.statements if s.id in raw}

    def form_value(self, config: ScaleConfig, fields: FormFields) -> JsonValue:
        """Radio groups named `s.<statement id>`; an unticked statement is a skip."""
        chosen = {name[2:]: raw[-1] for name, raw in fields.items() if name.startswith("s.")}
        return {s: int(v) if v.lstrip("-").isdigit() else v for s, v in chosen.items() if v}

    def readable(self, config: ScaleConfig, value: JsonValue) -> str:
        return "; ".join(f"{label_of(config.statements, s)}: {n}" for s, n in value.items())

    def contribution(self, config: ScaleConfig, value: JsonValue) -> Sums:
        """Per statement: one count at its point, and the point added to its total."""
        sums: Sums = Counter()
        for statement, n in value.items():
            sums[f"{statement}:{n}"] += 1
            sums[f"{statement}:total"] += n
        return sums

    def result(self, config: ScaleConfig, sums: Sums, answers: Sequence[StoredAnswer]) -> JsonValue:
        out = {}
        for s in config.statements:
            counts = {str(p): sums[f"{s.id}:{p}"] for p in range(config.min, config.max + 1)}
            n = sum(counts.values())
            mean = round(sums[f"{s.id}:total"] / n, 3) if n else None
            out[s.id] = {"n": n, "mean": mean, "counts": counts}
        return {"statements": out}

    def aggregates(self, config: ScaleConfig, result: JsonValue, responses: int) -> Aggregates:
        points = [str(p) for p in range(config.min, config.max + 1)]
        table = Aggregates(
            (
                Column("Statement", "text"),
                Column("n"),
                Column("Mean", "decimal"),
                *(Column(point) for point in points),
            )
        )
        for statement in config.statements:
            found = result["statements"][statement.id]
            counts = [found["counts"][point] for point in points]
            table.rows.append((statement.label, found["n"], found["mean"], *counts))
        return table

    def chart(self, config: ScaleConfig, result: JsonValue, responses: int) -> str | None:
        points = [str(p) for p in range(config.min, config.max + 1)]
        found = result["statements"]
        spread = [(s.label, [found[s.id]["counts"][p] for p in points]) for s in config.statements]
        scale = charts.Scale(config.min, config.max, config.min_label, config.max_label)
        return charts.distribution(scale, spread)

    def parts(self, config: ScaleConfig) -> tuple[Choice, ...]:
        return config.statements

    def numbers(self, config: ScaleConfig, value: JsonValue) -> dict[str | None, int]:
        return dict(value)


SCALE = Scale()
