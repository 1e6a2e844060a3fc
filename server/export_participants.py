"""The wide view of an export: one row per participant, one column per question.

Pure: made from the export records (so participants keep their P-001 numbers, and hidden
or filtered answers their marks) and the session's questions. A kind whose answer has parts
(a scale's statements) gets a column per part; a kind with `numbers` (scale, NPS) keeps
them as numbers, so that a spreadsheet can average them; every other answer is its
`readable` text, and a participant's several Q&A posts are joined one per line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .kinds import Cell, Question, answer_numbers, answer_parts, marked

PARTICIPANT = "Participant"
ColumnKey = tuple[str, str | None]  # (question id, part of the answer: a scale's statement)


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
    parts = answer_parts(q)
    if not parts:
        return [((q.id, None), heading)]
    return [((q.id, part.id), f"{heading}: {part.label}") for part in parts]


def _cells(q: Question, rec: dict[str, Any]) -> dict[ColumnKey, Cell]:
    numbers = answer_numbers(q, rec["answer_value"])
    if numbers is not None:
        return {(q.id, part): n for part, n in numbers.items()}
    marks = [m for m in ("hidden", "filtered") if rec[m]]
    return {(q.id, None): marked(str(rec["answer"]), marks)}


def _joined(cells: list[Cell]) -> Cell:
    """One cell from what a participant gave a column: several only for Q&A posts."""
    if len(cells) == 1:
        return cells[0]
    return "\n".join(str(c) for c in cells) if cells else None
