"""The language filter an organizer can switch on per session: participants' own words
(stories, word-cloud words, Q&A posts) that match the English or German list are kept in
the store and the exports (marked) but not shown to the room.

The lists are glin-profanity's (MIT, maintained, two dozen languages; we load English and
German). It matches whole words, after Unicode normalisation, also in common leetspeak
("sh1t"). A word list cannot read intent: "Kimme und Korn" is caught, a slur spelled with
a typo is not, which is why the facilitator can still hide by hand."""

from __future__ import annotations

from functools import cache, lru_cache

from glin_profanity import Filter  # type: ignore[import-untyped]

LANGUAGES = ("english", "german")


@cache
def _filter() -> Filter:
    return Filter({"languages": list(LANGUAGES), "detect_leetspeak": True})


@lru_cache(maxsize=65_536)
def caught(text: str) -> bool:
    """Whether the filter hides this text. Cached: results are recounted on every change,
    and a room's stories and words repeat. Word clouds count case-folded words, and
    case folding spells "ß" as "ss", which the German list does not: both are tried."""
    check = _filter().is_profane
    return bool(check(text) or ("ss" in text and check(text.replace("ss", "ß"))))
