"""Word cloud: each participant gives one to `max_words` short words or phrases.

For the count, words are NFKC-normalised, trimmed, case-folded and their inner whitespace
collapsed, so "Time", " time " and "TIME" are one word; stop words of the question's
language are left out of the count (they stay in the store and the exports). One answer
counts a word once."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

import stopwordsiso
from pydantic import Field, field_validator

from .. import charts
from ..errors import InvalidValue, TooManyWords, WordTooLong
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

WORD_LIMIT = 25  # characters of one word or phrase, after trimming
TOP_WORDS = 20  # words an export's summary lists; the answers themselves have every word
CHART_WORDS = 10  # words the printed brief draws as bars
_SPACES = re.compile(r"\s+")
_WORD = "w:"  # the sums of a word cloud are counts per normalised word


@dataclass(frozen=True, slots=True)
class WordsConfig:
    max_words: int = 3
    language: str = "en"  # ISO 639-1: whose stop words are left out of the count


class WordCloudSpec(QuestionSpec):
    kind: Literal["word_cloud"]
    max_words: Annotated[int, Field(ge=1, le=10)] = 3
    language: Annotated[str, Field(pattern=r"^[a-z]{2}$")] = "en"

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if not stopwordsiso.has_lang(value):
            raise ValueError(f"there is no stop-word list for the language {value!r}")
        return value


@cache
def _stop_words(language: str) -> frozenset[str]:
    return frozenset(normalise(w) for w in stopwordsiso.stopwords(language))


def normalise(word: str) -> str:
    """How a word is counted: NFKC, trimmed, case-folded, inner whitespace collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", word)).strip().casefold()


class WordCloud(Kind[WordsConfig]):
    name = "word_cloud"
    spec = WordCloudSpec
    config_type = WordsConfig
    codes = ("invalid_value", "too_many_words", "word_too_long")
    free_text = True
    value_doc = "1 to max_words words or short phrases of at most 25 characters each"
    result_doc = '{"words": [{"text", "count"}] most frequent first, "filtered": n}'
    examples = Examples(
        question={
            "kind": "word_cloud",
            "prompt": "In a word or two: what gets in the way?",
            "max_words": 3,
        },
        valid=(["time"], ["Time", "unclear goals"], ["Zeitdruck", "وقت", "🙈"]),
        invalid=(
            ("a string", "time", "invalid_value"),
            ("no word", [], "invalid_value"),
            ("a blank word", ["time", "  "], "invalid_value"),
            ("an invisible word", ["\u200b\u2060"], "invalid_value"),
            ("a number", [42], "invalid_value"),
            ("more than max_words", ["a", "b", "c", "d"], "too_many_words"),
            ("a word over 25 characters", ["x" * 26], "word_too_long"),
        ),
    )

    def config(self, spec: Any) -> WordsConfig:
        return WordsConfig(spec.max_words, spec.language)

    def load(self, data: Mapping[str, JsonValue]) -> WordsConfig:
        return WordsConfig(int(data["max_words"]), str(data.get("language") or "en"))

    def public(self, config: WordsConfig) -> dict[str, JsonValue]:
        return {
            "max_words": config.max_words,
            "language": config.language,
            "max_length": WORD_LIMIT,
        }

    def validate(self, q: Question, config: WordsConfig, raw: object) -> JsonValue:
        if not isinstance(raw, list) or not all(isinstance(w, str) for w in raw) or not raw:
            raise InvalidValue(f"question {q.id!r} takes a list of 1 to {config.max_words} words")
        if len(raw) > config.max_words:
            raise TooManyWords(
                f"question {q.id!r} takes at most {config.max_words} words, got {len(raw)}"
            )
        words = [_SPACES.sub(" ", w).strip() for w in raw]
        for word in words:
            if is_blank(word):
                raise InvalidValue(f"question {q.id!r} got an empty word")
            if (length := too_long(word, WORD_LIMIT)) is not None:
                raise WordTooLong(f"a word may have at most {WORD_LIMIT} characters, got {length}")
        return words

    def form_value(self, config: WordsConfig, fields: FormFields) -> JsonValue:
        return [w for w in fields.get("value", []) if w.strip()]

    def readable(self, config: WordsConfig, value: JsonValue) -> str:
        return "; ".join(value)

    def contribution(self, config: WordsConfig, value: JsonValue) -> Sums:
        stop = _stop_words(config.language)
        counted = {normalise(w) for w in value} - stop
        return Counter({_WORD + word: 1 for word in counted if word})

    def result(self, config: WordsConfig, sums: Sums, answers: Sequence[StoredAnswer]) -> JsonValue:
        words = [(key[len(_WORD) :], n) for key, n in sums.items() if key.startswith(_WORD) and n]
        words.sort(key=lambda w: (-w[1], w[0]))
        return {"words": [{"text": text, "count": n} for text, n in words], "filtered": 0}

    def filtered(self, config: WordsConfig, result: JsonValue, caught: Caught) -> JsonValue:
        """Caught words leave the cloud; how many answers' words were left out is kept."""
        kept = [w for w in result["words"] if not caught(w["text"])]
        gone = sum(w["count"] for w in result["words"]) - sum(w["count"] for w in kept)
        return {"words": kept, "filtered": gone}

    def aggregates(self, config: WordsConfig, result: JsonValue, responses: int) -> Aggregates:
        left_out = result["filtered"]
        notes = (f"{left_out} words left out by the language filter",) if left_out else ()
        table = Aggregates((Column("Word", "text"), Column("Count")), notes=notes)
        table.rows.extend((w["text"], w["count"]) for w in result["words"][:TOP_WORDS])
        return table

    def chart(self, config: WordsConfig, result: JsonValue, responses: int) -> str | None:
        # The most named words only: a printed page is no place for a long tail
        return charts.ordered([(w["text"], w["count"]) for w in result["words"][:CHART_WORDS]], "")


WORD_CLOUD = WordCloud()
