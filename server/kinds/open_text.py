"""Open text: a story in the participant's own words, stored verbatim."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field

from ..errors import InvalidValue, TextTooLong
from .base import (
    Aggregates,
    Caught,
    Column,
    Examples,
    FormFields,
    JsonValue,
    Kind,
    Question,
    QuestionSpec,
    StoredAnswer,
    Sums,
    is_blank,
    too_long,
)


@dataclass(frozen=True, slots=True)
class TextConfig:
    max_length: int = 1000


class OpenTextSpec(QuestionSpec):
    kind: Literal["open_text"]
    max_length: Annotated[int, Field(ge=1, le=10_000)] = 1000


# Where an export's reader finds the stories (the brief quotes them instead)
SHEETS_NOTE = "The stories themselves are on the Participants and Answers sheets"


class OpenText(Kind[TextConfig]):
    name = "open_text"
    spec = OpenTextSpec
    config_type = TextConfig
    codes = ("invalid_value", "text_too_long")
    free_text = True
    value_doc = "a string of at most max_length characters with something visible"
    result_doc = '{"items": [{"id", "text", "hidden", "filtered"}]} in arrival order'
    examples = Examples(
        question={"kind": "open_text", "prompt": "Tell us a story", "max_length": 50},
        # 👍🏽 is two code points and one character: the limit counts characters
        valid=("We never agreed what success looks like", "لم نتفق أبدا 🙂", "x" * 50, "👍🏽" * 50),
        invalid=(
            ("over max_length", "x" * 51, "text_too_long"),
            ("over max_length in emoji", "👍🏽" * 51, "text_too_long"),
            ("one character of stacked marks", "x" + "\u0301" * 600, "text_too_long"),
            ("only spaces", "   ", "invalid_value"),
            ("only invisible characters", "\u200b\u200d\ufeff\u2060\u3164\u2800", "invalid_value"),
            ("a number", 5, "invalid_value"),
            ("a list", ["a story"], "invalid_value"),
        ),
    )

    def config(self, spec: Any) -> TextConfig:
        return TextConfig(spec.max_length)

    def load(self, data: Mapping[str, JsonValue]) -> TextConfig:
        return TextConfig(int(data.get("max_length") or 1000))

    def public(self, config: TextConfig) -> dict[str, JsonValue]:
        return {"max_length": config.max_length}

    def validate(self, q: Question, config: TextConfig, raw: object) -> JsonValue:
        if not isinstance(raw, str):
            raise InvalidValue(f"question {q.id!r} takes text")
        if is_blank(raw):
            raise InvalidValue(f"question {q.id!r} needs some visible text")
        if (length := too_long(raw, config.max_length)) is not None:
            raise TextTooLong(
                f"question {q.id!r} takes at most {config.max_length} characters, got {length}"
            )
        return raw

    def form_value(self, config: TextConfig, fields: FormFields) -> JsonValue:
        values = fields.get("value", [])
        text = values[0] if values else ""
        return text.replace("\r\n", "\n").strip()

    def readable(self, config: TextConfig, value: JsonValue) -> str:
        return str(value)

    def contribution(self, config: TextConfig, value: JsonValue) -> Sums:
        return Counter()  # a story is listed, not summed

    def result(self, config: TextConfig, sums: Sums, answers: Sequence[StoredAnswer]) -> JsonValue:
        items = sorted(answers, key=lambda a: a.response_id)
        return {
            "items": [
                {"id": str(a.response_id), "text": a.value, "hidden": a.hidden, "filtered": False}
                for a in items
            ]
        }

    def filtered(self, config: TextConfig, result: JsonValue, caught: Caught) -> JsonValue:
        return {"items": [{**i, "filtered": caught(i["text"])} for i in result["items"]]}

    def public_result(self, config: TextConfig, result: JsonValue) -> JsonValue:
        return {"items": [i for i in result["items"] if not i["hidden"] and not i["filtered"]]}

    def aggregates(self, config: TextConfig, result: JsonValue, responses: int) -> Aggregates:
        """Counted, not listed: a story is one participant's own words."""
        items = result["items"]
        table = Aggregates((Column("Stories", "text"), Column("Count")), notes=(SHEETS_NOTE,))
        table.rows.append(("Answers", len(items)))
        table.rows.append(("Hidden by the facilitator", sum(i["hidden"] for i in items)))
        table.rows.append(("Hidden by the language filter", sum(i["filtered"] for i in items)))
        return table


OPEN_TEXT = OpenText()
