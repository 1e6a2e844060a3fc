"""Points: spread a budget (100 by default) over the options, e.g. a solution mix.

Options may be left out; the points given may not add up to more than the budget."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import Field

from .. import charts
from ..errors import InvalidValue, OutOfRange, OverBudget, UnknownOption
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

_ANSWERS = "answers"  # the sum that counts answers, for means over everyone who answered


@dataclass(frozen=True, slots=True)
class PointsConfig:
    options: tuple[Choice, ...]
    budget: int = 100

    # looked up for every answer: built once, not stored (see Kind.dump)
    option_ids: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "option_ids", frozenset(c.id for c in self.options))


class PointsSpec(QuestionSpec):
    kind: Literal["points"]
    options: Annotated[list[ChoiceInput], Field(min_length=2, max_length=20)]
    budget: Annotated[int, Field(ge=1, le=10_000)] = 100


class Points(Kind[PointsConfig]):
    name = "points"
    spec = PointsSpec
    config_type = PointsConfig
    codes = ("invalid_value", "unknown_option", "out_of_range", "over_budget")
    value_doc = "{option_id: whole number >= 0} adding up to at most budget"
    result_doc = (
        '{"budget", "options": {id: {"total", "mean" (over all who answered), '
        '"n" (who gave it more than 0)}}}'
    )
    examples = Examples(
        question={
            "kind": "points",
            "prompt": "Spread 100 points over what would help most",
            "options": ["Coaching", "Job aids", "Process change", "Refresher"],
            "budget": 100,
        },
        valid=(
            {"coaching": 60, "job-aids": 40},
            {"process-change": 100},
            {"coaching": 10, "job-aids": 20, "process-change": 30, "refresher": 5},
            {"refresher": 0, "coaching": 1},
        ),
        invalid=(
            ("a list", ["coaching"], "invalid_value"),
            ("no option", {}, "invalid_value"),
            ("only zeros", {"coaching": 0}, "invalid_value"),
            ("a fraction", {"coaching": 12.5}, "invalid_value"),
            ("a number as a string", {"coaching": "50"}, "invalid_value"),
            ("a boolean", {"coaching": True}, "invalid_value"),
            ("a negative number", {"coaching": -10, "job-aids": 50}, "out_of_range"),
            ("over the budget", {"coaching": 60, "job-aids": 41}, "over_budget"),
            ("an unknown option", {"coaching": 50, "pizza": 50}, "unknown_option"),
        ),
    )

    def config(self, spec: Any) -> PointsConfig:
        return PointsConfig(choices(spec.options, "option"), spec.budget)

    def load(self, data: Mapping[str, JsonValue]) -> PointsConfig:
        return PointsConfig(load_choices(data["options"]), int(data["budget"]))

    def public(self, config: PointsConfig) -> dict[str, JsonValue]:
        return {"options": choices_json(config.options), "budget": config.budget}

    def validate(self, q: Question, config: PointsConfig, raw: object) -> JsonValue:
        if not isinstance(raw, dict):
            raise InvalidValue(f"question {q.id!r} takes an object of option ids to points")
        for option, n in raw.items():
            if option not in config.option_ids:
                raise UnknownOption(f"question {q.id!r} has no option {str(option)[:80]!r}")
            if type(n) is not int:  # type() check: refuses True, 2.0 and "2"
                raise InvalidValue(f"option {option!r} takes a whole number, got {n!r:.40}")
            if n < 0:
                raise OutOfRange(f"option {option!r} takes 0 points or more, got {n}")
        if not any(raw.values()):
            raise InvalidValue(f"question {q.id!r} needs points on at least one option")
        spent = sum(raw.values())
        if spent > config.budget:
            raise OverBudget(f"question {q.id!r} has {config.budget} points to give, got {spent}")
        return {o.id: raw[o.id] for o in config.options if o.id in raw}  # in option order

    def form_value(self, config: PointsConfig, fields: FormFields) -> JsonValue:
        """One number field per option, named `p.<option id>`; empty fields are left out."""
        given = {name[2:]: raw[-1].strip() for name, raw in fields.items() if name.startswith("p.")}
        return {o: int(v) if v.lstrip("-").isdigit() else v for o, v in given.items() if v}

    def readable(self, config: PointsConfig, value: JsonValue) -> str:
        return "; ".join(f"{label_of(config.options, o)}: {n}" for o, n in value.items())

    def contribution(self, config: PointsConfig, value: JsonValue) -> Sums:
        sums: Sums = Counter({_ANSWERS: 1})
        for option, n in value.items():
            sums[f"{option}:total"] += n
            sums[f"{option}:n"] += 1 if n > 0 else 0
        return sums

    def result(
        self, config: PointsConfig, sums: Sums, answers: Sequence[StoredAnswer]
    ) -> JsonValue:
        answered = sums[_ANSWERS]
        options = {}
        for o in config.options:
            total = sums[f"{o.id}:total"]
            mean = round(total / answered, 3) if answered else None
            options[o.id] = {"total": total, "mean": mean, "n": sums[f"{o.id}:n"]}
        return {"budget": config.budget, "options": options}

    def aggregates(self, config: PointsConfig, result: JsonValue, responses: int) -> Aggregates:
        table = Aggregates(
            (
                Column("Option", "text"),
                Column("Total"),
                Column("Mean", "decimal"),
                Column("Given by"),
            ),
            notes=(f"Each participant had {result['budget']} points to give",),
        )
        for option in config.options:
            found = result["options"][option.id]
            table.rows.append((option.label, found["total"], found["mean"], found["n"]))
        return table

    def chart(self, config: PointsConfig, result: JsonValue, responses: int) -> str | None:
        found = result["options"]
        return charts.ordered([(o.label, found[o.id]["total"]) for o in config.options], " pts")


POINTS = Points()
