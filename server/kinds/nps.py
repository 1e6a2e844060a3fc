"""Net Promoter Score: "how likely are you to recommend ...", a whole number from 0 to 10.

Promoters answer 9 or 10, passives 7 or 8, detractors 0 to 6; the score is the share of
promoters minus the share of detractors, from -100 to 100."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field

from .. import charts
from ..errors import InvalidValue, OutOfRange
from .base import (
    Aggregates,
    Column,
    Examples,
    FormFields,
    JsonValue,
    Kind,
    Question,
    QuestionSpec,
    StoredAnswer,
    Sums,
    share,
)

POINTS = range(0, 11)
PROMOTERS, PASSIVES = range(9, 11), range(7, 9)
EndLabel = Annotated[str, Field(min_length=1, max_length=80)] | None


@dataclass(frozen=True, slots=True)
class NpsConfig:
    min_label: str | None = None  # the pages say "Not at all likely" when none is given
    max_label: str | None = None


class NpsSpec(QuestionSpec):
    kind: Literal["nps"]
    min_label: EndLabel = None
    max_label: EndLabel = None


class Nps(Kind[NpsConfig]):
    name = "nps"
    spec = NpsSpec
    config_type = NpsConfig
    codes = ("invalid_value", "out_of_range")
    value_doc = "a whole number from 0 to 10"
    result_doc = (
        '{"n", "score" (-100..100), "promoters", "passives", "detractors", '
        '"counts": {"0": n, ..., "10": n}}'
    )
    examples = Examples(
        question={
            "kind": "nps",
            "prompt": "How likely are you to recommend this programme?",
            "min_label": "Not at all likely",
            "max_label": "Extremely likely",
        },
        valid=(0, 6, 7, 9, 10),
        invalid=(
            ("above 10", 11, "out_of_range"),
            ("below 0", -1, "out_of_range"),
            ("a fraction", 7.5, "invalid_value"),
            ("a float with a zero fraction", 7.0, "invalid_value"),
            ("a number as a string", "9", "invalid_value"),
            ("a boolean", True, "invalid_value"),
            ("null", None, "invalid_value"),
            ("an object", {"score": 9}, "invalid_value"),
        ),
    )

    def config(self, spec: Any) -> NpsConfig:
        return NpsConfig(spec.min_label, spec.max_label)

    def load(self, data: Mapping[str, JsonValue]) -> NpsConfig:
        return NpsConfig(data.get("min_label"), data.get("max_label"))

    def public(self, config: NpsConfig) -> dict[str, JsonValue]:
        return {"min_label": config.min_label, "max_label": config.max_label}

    def validate(self, q: Question, config: NpsConfig, raw: object) -> JsonValue:
        if type(raw) is not int:  # type() check: refuses True, 9.0 and "9"
            raise InvalidValue(f"question {q.id!r} takes a whole number from 0 to 10")
        if raw not in POINTS:
            raise OutOfRange(f"question {q.id!r} takes a number from 0 to 10, got {raw}")
        return raw

    def form_value(self, config: NpsConfig, fields: FormFields) -> JsonValue:
        values = fields.get("value", [])
        if len(values) != 1:
            return None
        return int(values[0]) if values[0].lstrip("-").isdigit() else values[0]

    def readable(self, config: NpsConfig, value: JsonValue) -> str:
        return str(value)

    def contribution(self, config: NpsConfig, value: JsonValue) -> Sums:
        return Counter({str(value): 1})

    def result(self, config: NpsConfig, sums: Sums, answers: Sequence[StoredAnswer]) -> JsonValue:
        counts = {str(p): sums[str(p)] for p in POINTS}
        n = sum(counts.values())
        promoters = sum(counts[str(p)] for p in PROMOTERS)
        passives = sum(counts[str(p)] for p in PASSIVES)
        detractors = n - promoters - passives
        score = round(100 * (promoters - detractors) / n, 3) if n else None
        return {
            "n": n,
            "score": score,
            "promoters": promoters,
            "passives": passives,
            "detractors": detractors,
            "counts": counts,
        }

    def title(self) -> str:
        return "NPS"

    def aggregates(self, config: NpsConfig, result: JsonValue, responses: int) -> Aggregates:
        n = result["n"]
        table = Aggregates((Column("Group", "text"), Column("Count"), Column("Share", "share")))
        table.rows.append(("NPS (promoters minus detractors, -100 to 100)", result["score"], None))
        for group, points in (("promoters", "9-10"), ("passives", "7-8"), ("detractors", "0-6")):
            count = result[group]
            table.rows.append((f"{group.capitalize()} ({points})", count, share(count, n)))
        return table

    def chart(self, config: NpsConfig, result: JsonValue, responses: int) -> str | None:
        return charts.nps(dict(result["counts"]), result["score"])

    def numbers(self, config: NpsConfig, value: JsonValue) -> dict[str | None, int]:
        return {None: value}


NPS = Nps()
