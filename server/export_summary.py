"""The summary of an export: per question, a small table of aggregates a director can read.

Pure: made from the session's questions and `store.results`, so its numbers are the ones
the presenter screen shows. Only aggregates appear here, never a participant number, so
that nobody can be singled out from the summary (the long and wide sheets carry P-001...).
Open text and Q&A posts are the room's own words: the summary counts them, and lists only
the Q&A posts the room voted highest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .kinds import Choice, Question, kind_of
from .store import ResultMap

Cell = str | int | float | None
Style = Literal["text", "whole", "decimal", "share"]  # how the workbook shows a column
TOP_WORDS = 20  # a cloud's most frequent words; the long sheet has every answer
TOP_POSTS = 10  # Q&A posts with the most votes


@dataclass(frozen=True, slots=True)
class Column:
    heading: str
    style: Style = "whole"


@dataclass(frozen=True, slots=True)
class Table:
    """One question's aggregates: a row per option, statement, item, word or group."""

    question_no: int
    prompt: str
    kind: str
    responses: int
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    notes: tuple[str, ...] = ()  # e.g. how many words the language filter left out


_KIND_TITLES = {"nps": "NPS", "qa": "Q&A"}  # abbreviations keep their capitals
Summarise = Callable[[Question, dict[str, Any], int], Table]


def summary(questions: Sequence[Question], results: ResultMap) -> list[Table]:
    """A table per question, in the session's order."""
    tables = []
    for q in questions:
        found = results.get(q.id)
        if found is not None:
            tables.append(SUMMARISERS[q.kind](q, found["result"], int(found["responses"])))
    return tables


def kind_title(kind: str) -> str:
    """`grid_2x2` -> `Grid 2x2`: a kind's name as a heading shows it."""
    return _KIND_TITLES.get(kind) or kind.replace("_", " ").capitalize()


def _share(count: int, of: int) -> float | None:
    """A fraction (the workbook shows it as a percentage); None when nobody answered."""
    return count / of if of else None


def _table(q: Question, responses: int, *columns: Column, notes: tuple[str, ...] = ()) -> Table:
    return Table(q.position + 1, q.prompt, q.kind, responses, columns, notes=notes)


def _choices(q: Question, result: dict[str, Any], responses: int) -> Table:
    # Share of those who answered: with multiple choice the shares add up to over 100 %
    table = _table(
        q, responses, Column("Option", "text"), Column("Count"), Column("Share", "share")
    )
    options: tuple[Choice, ...] = kind_of(q.kind).of(q).options
    for option in options:
        count = result["counts"][option.id]
        table.rows.append((option.label, count, _share(count, responses)))
    return table


def _scale(q: Question, result: dict[str, Any], responses: int) -> Table:
    config = kind_of(q.kind).of(q)
    points = [str(p) for p in range(config.min, config.max + 1)]
    table = _table(
        q,
        responses,
        Column("Statement", "text"),
        Column("n"),
        Column("Mean", "decimal"),
        *(Column(point) for point in points),
    )
    for statement in config.statements:
        found = result["statements"][statement.id]
        counts = [found["counts"][point] for point in points]
        table.rows.append((statement.label, found["n"], found["mean"], *counts))
    return table


def _nps(q: Question, result: dict[str, Any], responses: int) -> Table:
    n = result["n"]
    table = _table(q, responses, Column("Group", "text"), Column("Count"), Column("Share", "share"))
    table.rows.append(("NPS (promoters minus detractors, -100 to 100)", result["score"], None))
    for group, points in (("promoters", "9-10"), ("passives", "7-8"), ("detractors", "0-6")):
        count = result[group]
        table.rows.append((f"{group.capitalize()} ({points})", count, _share(count, n)))
    return table


def _ranking(q: Question, result: dict[str, Any], responses: int) -> Table:
    config = kind_of(q.kind).of(q)
    table = _table(
        q,
        responses,
        Column("Item", "text"),
        Column("Points"),
        Column("Mean rank", "decimal"),
        Column("Ranked by"),
        notes=(f"Points: of {config.max_rank} places, the first gets {config.max_rank}",),
    )
    # The order the room gave them is the answer to a ranking: most points first
    items = sorted(config.items, key=lambda item: -int(result["items"][item.id]["points"]))
    for item in items:
        found = result["items"][item.id]
        table.rows.append((item.label, found["points"], found["mean_rank"], found["n"]))
    return table


def _points(q: Question, result: dict[str, Any], responses: int) -> Table:
    config = kind_of(q.kind).of(q)
    table = _table(
        q,
        responses,
        Column("Option", "text"),
        Column("Total"),
        Column("Mean", "decimal"),
        Column("Given by"),
        notes=(f"Each participant had {result['budget']} points to give",),
    )
    for option in config.options:
        found = result["options"][option.id]
        table.rows.append((option.label, found["total"], found["mean"], found["n"]))
    return table


def _grid(q: Question, result: dict[str, Any], responses: int) -> Table:
    config = kind_of(q.kind).of(q)
    table = _table(
        q,
        responses,
        Column("Item", "text"),
        Column("n"),
        Column(f"{config.x.label} mean ({config.x.min}-{config.x.max})", "decimal"),
        Column(f"{config.y.label} mean ({config.y.min}-{config.y.max})", "decimal"),
    )
    for item in config.items:
        found = result["items"][item.id]
        table.rows.append((item.label, found["n"], found["x_mean"], found["y_mean"]))
    return table


def _words(q: Question, result: dict[str, Any], responses: int) -> Table:
    left_out = result["filtered"]
    notes = (f"{left_out} words left out by the language filter",) if left_out else ()
    table = _table(q, responses, Column("Word", "text"), Column("Count"), notes=notes)
    table.rows.extend((w["text"], w["count"]) for w in result["words"][:TOP_WORDS])
    return table


def _stories(q: Question, result: dict[str, Any], responses: int) -> Table:
    items = result["items"]
    where = "The stories themselves are on the Participants and Answers sheets"
    table = _table(q, responses, Column("Stories", "text"), Column("Count"), notes=(where,))
    table.rows.append(("Answers", len(items)))
    table.rows.append(("Hidden by the facilitator", sum(i["hidden"] for i in items)))
    table.rows.append(("Hidden by the language filter", sum(i["filtered"] for i in items)))
    return table


def _questions_asked(q: Question, result: dict[str, Any], responses: int) -> Table:
    items = result["items"]
    table = _table(q, responses, Column("Question asked", "text"), Column("Votes"))
    table.rows.append((f"All {len(items)} posts", sum(i["votes"] for i in items)))
    # The room's own words: kept, with what the room did to them, as the other exports do
    table.rows.extend((_marked(i), i["votes"]) for i in items[:TOP_POSTS])
    return table


def _marked(post: dict[str, Any]) -> str:
    marks = [
        mark
        for mark, on in (
            ("hidden", post["hidden"]),
            ("filtered", post["filtered"]),
            ("awaiting approval", post["pending"]),
            ("answered", post["answered"]),
        )
        if on
    ]
    return marked(str(post["text"]), marks)


def marked(text: str, marks: Sequence[str]) -> str:
    """Text with what the room did to it (hidden, filtered, ...) tagged in front, where a
    reader sees it first; text the room did not see stays in exports, marked."""
    return f"[{', '.join(marks)}] {text}" if marks else text


SUMMARISERS: dict[str, Summarise] = {
    "single_choice": _choices,
    "multiple_choice": _choices,
    "scale": _scale,
    "nps": _nps,
    "ranking": _ranking,
    "points": _points,
    "grid_2x2": _grid,
    "word_cloud": _words,
    "open_text": _stories,
    "qa": _questions_asked,
}  # tests/test_export_xlsx.py checks that every kind in the registry has one
