"""Q&A: participants post their own questions and upvote each other's.

Unlike the other kinds, an answer here is not one current answer per participant: every
post is an item of its own (its id is the id of the response that posted it), and every
vote is a row, one per participant and item. The store checks what needs the stored posts
(unknown_item, own_question, too_many_posts) in the write transaction; this module checks
the shape and builds the result from the posts and the vote counts."""

from __future__ import annotations

import re
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
    ItemRules,
    JsonValue,
    Kind,
    Question,
    QuestionSpec,
    StoredAnswer,
    Sums,
    is_blank,
    marked,
    too_long,
)

MAX_POSTS = 10  # per participant and question: a room's Q&A, not one person's feed
TOP_POSTS = 10  # posts an export's summary lists, most votes first
_ITEM_ID = re.compile(r"^[0-9]{1,18}$")
_ACTIONS = ("ask", "upvote", "unvote")


@dataclass(frozen=True, slots=True)
class QaConfig:
    max_length: int = 280
    moderation: bool = False  # posts wait for the facilitator's approval


class QaSpec(QuestionSpec):
    kind: Literal["qa"]
    max_length: Annotated[int, Field(ge=1, le=1000)] = 280
    moderation: bool = False


class Qa(Kind[QaConfig]):
    name = "qa"
    spec = QaSpec
    config_type = QaConfig
    codes = ("invalid_value", "text_too_long", "unknown_item", "own_question", "too_many_posts")
    stored_codes = ("unknown_item", "own_question", "too_many_posts")
    free_text = True
    value_doc = 'a post {"ask": text}, or a vote {"upvote": item_id} / {"unvote": item_id}'
    result_doc = (
        '{"items": [{"id", "text", "votes", "answered", "hidden", "pending", "filtered"}]}, '
        "most votes first, then newest"
    )
    examples = Examples(
        question={"kind": "qa", "prompt": "What do you want to ask the sponsor?", "max_length": 60},
        valid=(
            {"ask": "Who decides what success looks like?"},
            {"ask": "من يقرر؟ 🤔"},
            {"ask": "x" * 60},
        ),
        invalid=(
            ("a post over max_length", {"ask": "x" * 61}, "text_too_long"),
            ("a blank post", {"ask": " \u200b "}, "invalid_value"),
            ("plain text", "Who decides?", "invalid_value"),
            ("two actions at once", {"ask": "Why?", "upvote": "1"}, "invalid_value"),
            ("an unknown action", {"downvote": "1"}, "invalid_value"),
            ("a vote for an id that is no number", {"upvote": "first"}, "invalid_value"),
            ("a vote for a post that does not exist", {"upvote": "999999999"}, "unknown_item"),
            ("taking back a vote for no post", {"unvote": "999999999"}, "unknown_item"),
        ),
    )

    def config(self, spec: Any) -> QaConfig:
        return QaConfig(spec.max_length, spec.moderation)

    def load(self, data: Mapping[str, JsonValue]) -> QaConfig:
        return QaConfig(int(data.get("max_length") or 280), bool(data.get("moderation")))

    def public(self, config: QaConfig) -> dict[str, JsonValue]:
        return {
            "max_length": config.max_length,
            "moderation": config.moderation,
            "max_posts": MAX_POSTS,
        }

    def item_rules(self, config: QaConfig) -> ItemRules:
        return ItemRules(max_posts=MAX_POSTS, moderated=config.moderation)

    def validate(self, q: Question, config: QaConfig, raw: object) -> JsonValue:
        if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in _ACTIONS:
            raise InvalidValue(
                f'question {q.id!r} takes {{"ask": text}}, {{"upvote": id}} or {{"unvote": id}}'
            )
        action, argument = next(iter(raw.items()))
        if action == "ask":
            return {"ask": self._post(q, config, argument)}
        if not isinstance(argument, str) or not _ITEM_ID.match(argument):
            raise InvalidValue(f"{action} takes the id of a post, as a string of digits")
        return {action: argument}

    def _post(self, q: Question, config: QaConfig, text: object) -> str:
        if not isinstance(text, str) or is_blank(text):
            raise InvalidValue(f"question {q.id!r} needs a question with some visible text")
        text = text.strip()
        if (length := too_long(text, config.max_length)) is not None:
            raise TextTooLong(
                f"a question may have at most {config.max_length} characters, got {length}"
            )
        return text

    def form_value(self, config: QaConfig, fields: FormFields) -> JsonValue:
        """The no-script page posts a question in `ask`, or names a post in `upvote` or
        `unvote` (its buttons)."""
        for action in ("upvote", "unvote"):
            if fields.get(action):
                return {action: fields[action][0]}
        values = fields.get("ask", [])
        return {"ask": (values[0] if values else "").replace("\r\n", "\n").strip()}

    def readable(self, config: QaConfig, value: JsonValue) -> str:
        if "ask" in value:
            return str(value["ask"])
        action, item = next(iter(value.items()))
        return f"{action} #{item}"

    def contribution(self, config: QaConfig, value: JsonValue) -> Sums:
        """A vote counts for its post; a post itself is listed, not summed."""
        return Counter({value["upvote"]: 1}) if "upvote" in value else Counter()

    def result(self, config: QaConfig, sums: Sums, answers: Sequence[StoredAnswer]) -> JsonValue:
        posts = [a for a in answers if "ask" in a.value]
        items = [
            {
                "id": str(a.response_id),
                "text": a.value["ask"],
                "votes": sums[str(a.response_id)],
                "answered": "answered" in a.marks,
                "hidden": a.hidden,
                "pending": "pending" in a.marks,
                "filtered": False,
            }
            for a in posts
        ]
        items.sort(key=lambda item: (-item["votes"], -int(item["id"])))  # then newest first
        return {"items": items}

    def filtered(self, config: QaConfig, result: JsonValue, caught: Caught) -> JsonValue:
        return {"items": [{**i, "filtered": caught(i["text"])} for i in result["items"]]}

    def public_result(self, config: QaConfig, result: JsonValue) -> JsonValue:
        shown = [i for i in result["items"] if not (i["hidden"] or i["pending"] or i["filtered"])]
        return {"items": shown}

    def title(self) -> str:
        return "Q&A"

    def aggregates(self, config: QaConfig, result: JsonValue, responses: int) -> Aggregates:
        items = result["items"]
        table = Aggregates((Column("Question asked", "text"), Column("Votes")))
        table.rows.append((f"All {len(items)} posts", sum(i["votes"] for i in items)))
        # The room's own words: kept, with what the room did to them, as the other exports do
        table.rows.extend((marked(i["text"], _marks(i)), i["votes"]) for i in items[:TOP_POSTS])
        return table


def _marks(post: dict[str, Any]) -> list[str]:
    return [
        mark
        for mark, key in (
            ("hidden", "hidden"),
            ("filtered", "filtered"),
            ("awaiting approval", "pending"),
            ("answered", "answered"),
        )
        if post[key]
    ]


QA = Qa()
