"""Single and multiple choice: one module, since they share options, counts and labels."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .. import charts
from ..errors import DuplicateChoice, InvalidValue, TooManyChoices, UnknownOption
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
    share,
)

Options = Annotated[list[ChoiceInput], Field(min_length=2, max_length=50)]


@dataclass(frozen=True, slots=True)
class ChoiceConfig:
    options: tuple[Choice, ...]
    max_choices: int = 1  # 1 for single choice

    # looked up for every answer: built once, not stored (see Kind.dump)
    option_ids: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "option_ids", frozenset(c.id for c in self.options))


class SingleChoiceSpec(QuestionSpec):
    kind: Literal["single_choice"]
    options: Options


class MultipleChoiceSpec(QuestionSpec):
    kind: Literal["multiple_choice"]
    options: Options
    max_choices: Annotated[int, Field(ge=1, le=50)] | None = None

    @model_validator(mode="after")
    def _max_choices_fit(self) -> MultipleChoiceSpec:
        if self.max_choices is not None and self.max_choices > len(self.options):
            raise ValueError("max_choices must not exceed the number of options")
        return self


def _counts(config: ChoiceConfig, sums: Sums) -> dict[str, int]:
    return {o.id: sums[o.id] for o in config.options}


class _Choosing(Kind[ChoiceConfig]):
    config_type = ChoiceConfig

    def load(self, data: Mapping[str, JsonValue]) -> ChoiceConfig:
        return ChoiceConfig(load_choices(data["options"]), int(data.get("max_choices") or 1))

    def result(
        self, config: ChoiceConfig, sums: Sums, answers: Sequence[StoredAnswer]
    ) -> JsonValue:
        return {"counts": _counts(config, sums)}

    def aggregates(self, config: ChoiceConfig, result: JsonValue, responses: int) -> Aggregates:
        # Share of those who answered: with multiple choice the shares add up to over 100 %
        table = Aggregates((Column("Option", "text"), Column("Count"), Column("Share", "share")))
        for option in config.options:
            count = result["counts"][option.id]
            table.rows.append((option.label, count, share(count, responses)))
        return table

    def chart(self, config: ChoiceConfig, result: JsonValue, responses: int) -> str | None:
        counts = result["counts"]
        return charts.shares([(o.label, share(counts[o.id], responses)) for o in config.options])


class SingleChoice(_Choosing):
    name = "single_choice"
    value_doc = 'an option id: "learner"'
    result_doc = '{"counts": {option_id: n}}'
    spec = SingleChoiceSpec
    codes = ("invalid_value", "unknown_option")
    examples = Examples(
        question={
            "kind": "single_choice",
            "prompt": "Which group are you part of?",
            "options": ["Learner", "Leader", "L&D"],
        },
        valid=("learner", "leader", "l-d"),
        invalid=(
            ("an object", {"id": "learner"}, "invalid_value"),
            ("a list", ["learner"], "invalid_value"),
            ("a number", 42, "invalid_value"),
            ("null", None, "invalid_value"),
            ("an unknown option", "nobody", "unknown_option"),
            ("an option's label", "Learner", "unknown_option"),
        ),
    )

    def config(self, spec: Any) -> ChoiceConfig:
        return ChoiceConfig(choices(spec.options, "option"))

    def public(self, config: ChoiceConfig) -> dict[str, JsonValue]:
        return {"options": choices_json(config.options)}

    def validate(self, q: Question, config: ChoiceConfig, raw: object) -> JsonValue:
        if not isinstance(raw, str):
            raise InvalidValue(f"question {q.id!r} takes one option id as a string")
        if raw not in config.option_ids:
            raise UnknownOption(f"question {q.id!r} has no option {raw[:80]!r}")
        return raw

    def form_value(self, config: ChoiceConfig, fields: FormFields) -> JsonValue:
        values = fields.get("value", [])
        return values[0] if len(values) == 1 else None

    def readable(self, config: ChoiceConfig, value: JsonValue) -> str:
        return label_of(config.options, value)

    def contribution(self, config: ChoiceConfig, value: JsonValue) -> Sums:
        return Counter({value: 1})


class MultipleChoice(_Choosing):
    name = "multiple_choice"
    value_doc = 'distinct option ids, at most max_choices: ["time", "tools"]'
    result_doc = '{"counts": {option_id: n}}'
    spec = MultipleChoiceSpec
    codes = ("invalid_value", "unknown_option", "duplicate_choice", "too_many_choices")
    examples = Examples(
        question={
            "kind": "multiple_choice",
            "prompt": "What gets in the way?",
            "options": ["Time", "Tools", "Support", "Clarity"],
            "max_choices": 2,
        },
        valid=(["time"], ["tools", "support"], ["clarity", "time"]),
        invalid=(
            ("a string", "time", "invalid_value"),
            ("no choice", [], "invalid_value"),
            ("a number in the list", ["time", 3], "invalid_value"),
            ("the same option twice", ["time", "time"], "duplicate_choice"),
            ("more than max_choices", ["time", "tools", "support"], "too_many_choices"),
            ("an unknown option", ["time", "money"], "unknown_option"),
        ),
    )

    def config(self, spec: Any) -> ChoiceConfig:
        options = choices(spec.options, "option")
        return ChoiceConfig(options, spec.max_choices or len(options))

    def public(self, config: ChoiceConfig) -> dict[str, JsonValue]:
        return {"options": choices_json(config.options), "max_choices": config.max_choices}

    def validate(self, q: Question, config: ChoiceConfig, raw: object) -> JsonValue:
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise InvalidValue(f"question {q.id!r} takes a list of option ids")
        if not raw:
            raise InvalidValue(f"question {q.id!r} needs at least one choice")
        if len(set(raw)) != len(raw):
            raise DuplicateChoice(f"question {q.id!r} got the same option twice")
        if len(raw) > config.max_choices:
            raise TooManyChoices(
                f"question {q.id!r} takes at most {config.max_choices} choices, got {len(raw)}"
            )
        for item in raw:
            if item not in config.option_ids:
                raise UnknownOption(f"question {q.id!r} has no option {item[:80]!r}")
        return list(raw)

    def form_value(self, config: ChoiceConfig, fields: FormFields) -> JsonValue:
        return list(fields.get("value", []))

    def readable(self, config: ChoiceConfig, value: JsonValue) -> str:
        return "; ".join(label_of(config.options, v) for v in value)

    def contribution(self, config: ChoiceConfig, value: JsonValue) -> Sums:
        return Counter(dict.fromkeys(value, 1))


SINGLE_CHOICE = SingleChoice()
MULTIPLE_CHOICE = MultipleChoice()
