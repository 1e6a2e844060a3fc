"""The wide view of an export: one row per participant, one column per question.

Pure: made from the export records (so participants keep their P-001 numbers, and hidden
or filtered answers their marks) and the session's questions. A scale gets a column per
statement with the number given, so that a spreadsheet can average it; NPS keeps its number
too; every other kind shows its answer as `readable` labels it, and a participant's Q&A
posts are joined one per line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .export_summary import Cell, marked
from .kinds import Question, kind_of

PARTICIPANT = "Participant"
_NUMBERS = frozenset({"nps"})  # kinds whose whole answer is one number
ColumnKey = tuple[str, str | None]  # (question id, statement id of a scale)


@dataclass(frozen=True, slots=True)
class ParticipantTable:
    headings: list[str]
    rows: list[list[Cell]]


def participant_table(
    questions: Sequence[Question], recs: list[dict[str, Any]]
) -> ParticipantTable:
    columns = [column for q in questions for column in _columns(q)]
    keys = [key for key, _ in columns]
    by_id = {q.id: q for q in questions}
    answers: dict[str, dict[ColumnKey, list[Cell]]] = {}  # records come in participant order
    for rec in recs:
        cells = answers.setdefault(rec["participant"], {})
        for key, cell in _cells(by_id[rec["question_id"]], rec).items():
            cells.setdefault(key, []).append(cell)
    rows = [[no, *(_joined(cells.get(key, [])) for key in keys)] for no, cells in answers.items()]
    return ParticipantTable([PARTICIPANT, *(heading for _, heading in columns)], rows)


def _columns(q: Question) -> list[tuple[ColumnKey, str]]:
    heading = f"Q{q.position + 1} {q.prompt}"
    if q.kind != "scale":
        return [((q.id, None), heading)]
    return [((q.id, s.id), f"{heading}: {s.label}") for s in kind_of(q.kind).of(q).statements]


def _cells(q: Question, rec: dict[str, Any]) -> dict[ColumnKey, Cell]:
    value = rec["answer_value"]
    if q.kind == "scale":
        return {(q.id, statement): n for statement, n in value.items()}
    if q.kind in _NUMBERS:
        return {(q.id, None): value}
    marks = [m for m in ("hidden", "filtered") if rec[m]]
    return {(q.id, None): marked(str(rec["answer"]), marks)}


def _joined(cells: list[Cell]) -> Cell:
    """One cell from what a participant gave a column: several only for Q&A posts."""
    if len(cells) == 1:
        return cells[0]
    return "\n".join(str(c) for c in cells) if cells else None
