"""The summary of an export: per question, a small table of aggregates a director can read.

Pure: made from the session's questions and `store.results`, so its numbers are the ones
the presenter screen shows; each kind says what its result adds up to (`Kind.aggregates`).
Only aggregates appear here, never a participant number, so that nobody can be singled out
from the summary (the Participants and Answers sheets carry P-001, ...)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .kinds import Aggregates, Question, aggregates, kind_title
from .store import ResultMap


@dataclass(frozen=True, slots=True)
class Table:
    """One question's aggregates, with what a reader needs to place them."""

    question_no: int
    prompt: str
    kind_title: str
    responses: int
    aggregates: Aggregates


def summary(questions: Sequence[Question], results: ResultMap) -> list[Table]:
    """A table per question, in the session's order."""
    tables = []
    for q in questions:
        found = results.get(q.id)
        if found is not None:
            responses = int(found["responses"])
            table = aggregates(q, found["result"], responses)
            tables.append(Table(q.position + 1, q.prompt, kind_title(q), responses, table))
    return tables
