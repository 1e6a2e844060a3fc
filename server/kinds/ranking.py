"""Ranking: put items in order of importance; the first `max_rank` places count.

Points follow Borda: with k places, the first gets k points, the last 1, so an item ranked
high by many leads an item ranked first by a few."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .. import charts
from ..errors import DuplicateItem, InvalidValue, RankingLength, UnknownItem
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


@dataclass(frozen=True, slots=True)
class RankingConfig:
    items: tuple[Choice, ...]
    max_rank: int  # places that count; all items unless the question says fewer

    # looked up for every answer: built once, not stored (see Kind.dump)
    item_ids: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "item_ids", frozenset(c.id for c in self.items))


class RankingSpec(QuestionSpec):
    kind: Literal["ranking"]
    items: Annotated[list[ChoiceInput], Field(min_length=2, max_length=20)]
    max_rank: Annotated[int, Field(ge=1, le=20)] | None = None

    @model_validator(mode="after")
    def _max_rank_fits(self) -> RankingSpec:
        if self.max_rank is not None and self.max_rank > len(self.items):
            raise ValueError("max_rank must not exceed the number of items")
        return self


class Ranking(Kind[RankingConfig]):
    name = "ranking"
    spec = RankingSpec
    config_type = RankingConfig
    codes = ("invalid_value", "unknown_item", "duplicate_item", "ranking_length")
    value_doc = "distinct item ids, first place first, exactly max_rank of them"
    result_doc = (
        '{"items": {id: {"n", "mean_rank", "points" (Borda: first of k gets k), '
        '"positions": {"1": n, ...}}}}'
    )
    examples = Examples(
        question={
            "kind": "ranking",
            "prompt": "Which behaviours matter most? Put them in order.",
            "items": [
                "Ask open questions",
                "Summarise the need",
                "Agree a next step",
                "Follow up in writing",
            ],
            "max_rank": 3,
        },
        valid=(
            ["agree-a-next-step", "ask-open-questions", "summarise-the-need"],
            ["follow-up-in-writing", "summarise-the-need", "ask-open-questions"],
        ),
        invalid=(
            ("a string", "ask-open-questions", "invalid_value"),
            ("numbers", [1, 2, 3], "invalid_value"),
            ("too few places", ["ask-open-questions", "summarise-the-need"], "ranking_length"),
            (
                "too many places",
                [
                    "ask-open-questions",
                    "summarise-the-need",
                    "agree-a-next-step",
                    "follow-up-in-writing",
                ],
                "ranking_length",
            ),
            (
                "an item twice",
                ["ask-open-questions", "ask-open-questions", "agree-a-next-step"],
                "duplicate_item",
            ),
            (
                "an unknown item",
                ["ask-open-questions", "summarise-the-need", "smile"],
                "unknown_item",
            ),
        ),
    )

    def config(self, spec: Any) -> RankingConfig:
        items = choices(spec.items, "item")
        return RankingConfig(items, spec.max_rank or len(items))

    def load(self, data: Mapping[str, JsonValue]) -> RankingConfig:
        return RankingConfig(load_choices(data["items"]), int(data["max_rank"]))

    def public(self, config: RankingConfig) -> dict[str, JsonValue]:
        return {"items": choices_json(config.items), "max_rank": config.max_rank}

    def validate(self, q: Question, config: RankingConfig, raw: object) -> JsonValue:
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise InvalidValue(f"question {q.id!r} takes a list of item ids, first place first")
        if len(raw) != config.max_rank:
            raise RankingLength(
                f"question {q.id!r} takes exactly {config.max_rank} items, got {len(raw)}"
            )
        if len(set(raw)) != len(raw):
            raise DuplicateItem(f"question {q.id!r} got the same item in two places")
        for item in raw:
            if item not in config.item_ids:
                raise UnknownItem(f"question {q.id!r} has no item {item[:80]!r}")
        return list(raw)

    def form_value(self, config: RankingConfig, fields: FormFields) -> JsonValue:
        """One select per place, named `rank.1`, `rank.2`, ...; an empty place is left out,
        so that validation says how many are needed."""
        places = [(fields.get(f"rank.{n}") or [""])[-1] for n in range(1, config.max_rank + 1)]
        return [item for item in places if item]

    def readable(self, config: RankingConfig, value: JsonValue) -> str:
        return "; ".join(
            f"{n}. {label_of(config.items, item)}" for n, item in enumerate(value, start=1)
        )

    def contribution(self, config: RankingConfig, value: JsonValue) -> Sums:
        """Per item: a count at its place, its place added up, and its Borda points."""
        sums: Sums = Counter()
        for place, item in enumerate(value, start=1):
            sums[f"{item}:{place}"] += 1
            sums[f"{item}:places"] += place
            sums[f"{item}:points"] += config.max_rank - place + 1
        return sums

    def result(
        self, config: RankingConfig, sums: Sums, answers: Sequence[StoredAnswer]
    ) -> JsonValue:
        out = {}
        for item in config.items:
            positions = {str(p): sums[f"{item.id}:{p}"] for p in range(1, config.max_rank + 1)}
            n = sum(positions.values())
            mean = round(sums[f"{item.id}:places"] / n, 3) if n else None
            out[item.id] = {
                "n": n,
                "mean_rank": mean,
                "points": sums[f"{item.id}:points"],
                "positions": positions,
            }
        return {"items": out}

    def aggregates(self, config: RankingConfig, result: JsonValue, responses: int) -> Aggregates:
        table = Aggregates(
            (
                Column("Item", "text"),
                Column("Points"),
                Column("Mean rank", "decimal"),
                Column("Ranked by"),
            ),
            notes=(f"Points: of {config.max_rank} places, the first gets {config.max_rank}",),
        )
        # The order the room gave them is the answer to a ranking: most points first
        items = sorted(config.items, key=lambda item: -int(result["items"][item.id]["points"]))
        for item in items:
            found = result["items"][item.id]
            table.rows.append((item.label, found["points"], found["mean_rank"], found["n"]))
        return table

    def chart(self, config: RankingConfig, result: JsonValue, responses: int) -> str | None:
        found = result["items"]
        return charts.ordered([(i.label, found[i.id]["points"]) for i in config.items], " pts")


RANKING = Ranking()
