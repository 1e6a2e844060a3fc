"""2x2 grid: place each item on two axes (e.g. impact and effort); the screen shows where
the room puts it on average, in four labelled quadrants."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .. import charts
from ..errors import InvalidValue, OutOfRange, UnknownItem
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

AXES = ("x", "y")
AxisLabel = Annotated[str, Field(min_length=1, max_length=60)]
EndLabel = Annotated[str, Field(max_length=60)] | None


@dataclass(frozen=True, slots=True)
class Axis:
    label: str
    min: int = 1
    max: int = 10
    min_label: str | None = None
    max_label: str | None = None


@dataclass(frozen=True, slots=True)
class GridConfig:
    items: tuple[Choice, ...]
    x: Axis
    y: Axis

    # looked up for every answer: built once, not stored (see Kind.dump)
    item_ids: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "item_ids", frozenset(c.id for c in self.items))


class AxisSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    label: AxisLabel
    min: Annotated[int, Field(ge=-100, le=100)] = 1
    max: Annotated[int, Field(ge=-100, le=100)] = 10
    min_label: EndLabel = None
    max_label: EndLabel = None

    @model_validator(mode="after")
    def _max_above_min(self) -> AxisSpec:
        if self.max <= self.min:
            raise ValueError("max must be greater than min")
        return self


class GridSpec(QuestionSpec):
    kind: Literal["grid_2x2"]
    items: Annotated[list[ChoiceInput], Field(min_length=1, max_length=12)]
    x: AxisSpec
    y: AxisSpec


def _axis(data: Mapping[str, JsonValue]) -> Axis:
    return Axis(
        str(data["label"]),
        int(data["min"]),
        int(data["max"]),
        data.get("min_label"),
        data.get("max_label"),
    )


def _axis_json(axis: Axis) -> dict[str, JsonValue]:
    return {
        "label": axis.label,
        "min": axis.min,
        "max": axis.max,
        "min_label": axis.min_label,
        "max_label": axis.max_label,
    }


def _spread(n: int, total: int, squares: int) -> tuple[float | None, float | None]:
    """Mean and (population) standard deviation from a count, a sum and a sum of squares;
    n * squares - total**2 is an exact integer, so the deviation is not lost to rounding."""
    if not n:
        return None, None
    return round(total / n, 3), round(math.sqrt(n * squares - total * total) / n, 3)


class Grid2x2(Kind[GridConfig]):
    name = "grid_2x2"
    spec = GridSpec
    config_type = GridConfig
    codes = ("invalid_value", "unknown_item", "out_of_range")
    value_doc = '{item_id: {"x": int, "y": int}} within each axis; items may be skipped'
    result_doc = '{"items": {id: {"n", "x_mean", "y_mean", "x_sd", "y_sd"}}}'
    examples = Examples(
        question={
            "kind": "grid_2x2",
            "prompt": "Where does each idea sit?",
            "items": ["Peer coaching", "New e-learning", "Job aid"],
            "x": {"label": "Effort", "min_label": "Low", "max_label": "High"},
            "y": {"label": "Impact", "min_label": "Low", "max_label": "High"},
        },
        valid=(
            {"peer-coaching": {"x": 3, "y": 9}},
            {"new-e-learning": {"x": 10, "y": 1}, "job-aid": {"x": 1, "y": 7}},
        ),
        invalid=(
            ("a list", [{"x": 1, "y": 2}], "invalid_value"),
            ("no item", {}, "invalid_value"),
            ("one axis only", {"job-aid": {"x": 3}}, "invalid_value"),
            ("a third axis", {"job-aid": {"x": 3, "y": 3, "z": 3}}, "invalid_value"),
            ("a fraction", {"job-aid": {"x": 2.5, "y": 3}}, "invalid_value"),
            ("a boolean", {"job-aid": {"x": True, "y": 3}}, "invalid_value"),
            ("above max", {"job-aid": {"x": 11, "y": 3}}, "out_of_range"),
            ("below min", {"job-aid": {"x": 3, "y": 0}}, "out_of_range"),
            ("an unknown item", {"pizza": {"x": 3, "y": 3}}, "unknown_item"),
        ),
    )

    def config(self, spec: Any) -> GridConfig:
        return GridConfig(
            choices(spec.items, "item"), _axis(spec.x.model_dump()), _axis(spec.y.model_dump())
        )

    def load(self, data: Mapping[str, JsonValue]) -> GridConfig:
        return GridConfig(load_choices(data["items"]), _axis(data["x"]), _axis(data["y"]))

    def public(self, config: GridConfig) -> dict[str, JsonValue]:
        return {
            "items": choices_json(config.items),
            "x": _axis_json(config.x),
            "y": _axis_json(config.y),
        }

    def validate(self, q: Question, config: GridConfig, raw: object) -> JsonValue:
        if not isinstance(raw, dict) or not raw:
            raise InvalidValue(
                f"question {q.id!r} takes an object of item ids to "
                '{"x": number, "y": number}, for at least one item'
            )
        for item, place in raw.items():
            if item not in config.item_ids:
                raise UnknownItem(f"question {q.id!r} has no item {str(item)[:80]!r}")
            if not isinstance(place, dict) or set(place) != set(AXES):
                raise InvalidValue(f'item {item!r} takes an object with "x" and "y"')
            for name, axis in zip(AXES, (config.x, config.y), strict=True):
                n = place[name]
                if type(n) is not int:  # type() check: refuses True, 2.0 and "2"
                    raise InvalidValue(f"{name} of {item!r} takes a whole number, got {n!r:.40}")
                if not axis.min <= n <= axis.max:
                    raise OutOfRange(
                        f"{name} of {item!r} takes a number from {axis.min} to {axis.max}"
                    )
        return {
            i.id: {"x": raw[i.id]["x"], "y": raw[i.id]["y"]} for i in config.items if i.id in raw
        }

    def form_value(self, config: GridConfig, fields: FormFields) -> JsonValue:
        """Two selects per item, `x.<item id>` and `y.<item id>`; an item with neither is
        skipped, an item with one of them is kept so that validation names it."""
        out: dict[str, dict[str, Any]] = {}
        for name, raw in fields.items():
            axis, _, item = name.partition(".")
            value = raw[-1].strip()
            if axis in AXES and item and value:
                out.setdefault(item, {})[axis] = (
                    int(value) if value.lstrip("-").isdigit() else value
                )
        return out

    def readable(self, config: GridConfig, value: JsonValue) -> str:
        return "; ".join(
            f"{label_of(config.items, item)}: {config.x.label} {p['x']}, {config.y.label} {p['y']}"
            for item, p in value.items()
        )

    def contribution(self, config: GridConfig, value: JsonValue) -> Sums:
        sums: Sums = Counter()
        for item, place in value.items():
            sums[f"{item}:n"] += 1
            for axis in AXES:
                sums[f"{item}:{axis}"] += place[axis]
                sums[f"{item}:{axis}2"] += place[axis] ** 2
        return sums

    def result(self, config: GridConfig, sums: Sums, answers: Sequence[StoredAnswer]) -> JsonValue:
        out = {}
        for item in config.items:
            n = sums[f"{item.id}:n"]
            x_mean, x_sd = _spread(n, sums[f"{item.id}:x"], sums[f"{item.id}:x2"])
            y_mean, y_sd = _spread(n, sums[f"{item.id}:y"], sums[f"{item.id}:y2"])
            out[item.id] = {"n": n, "x_mean": x_mean, "y_mean": y_mean, "x_sd": x_sd, "y_sd": y_sd}
        return {"items": out}

    def aggregates(self, config: GridConfig, result: JsonValue, responses: int) -> Aggregates:
        x, y = config.x, config.y
        table = Aggregates(
            (
                Column("Item", "text"),
                Column("n"),
                Column(f"{x.label} mean ({x.min}-{x.max})", "decimal"),
                Column(f"{y.label} mean ({y.min}-{y.max})", "decimal"),
            )
        )
        for item in config.items:
            found = result["items"][item.id]
            table.rows.append((item.label, found["n"], found["x_mean"], found["y_mean"]))
        return table

    def chart(self, config: GridConfig, result: JsonValue, responses: int) -> str | None:
        found = result["items"]
        items = [(i.label, found[i.id]["x_mean"], found[i.id]["y_mean"]) for i in config.items]
        x, y = config.x, config.y
        return charts.scatter(
            items,
            charts.Scale(x.min, x.max, x.min_label, x.max_label),
            charts.Scale(y.min, y.max, y.min_label, y.max_label),
            (x.label, y.label),
        )


GRID_2X2 = Grid2x2()
