"""Exports: one row per participant x answered question, as CSV, XLSX and JSON (whose
workbook adds a summary and a sheet with one row per participant: `export_workbook`)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

from . import profanity, segments
from .export_participants import participant_table
from .export_summary import summary
from .export_workbook import Export, raw_text, to_xlsx
from .kinds import Question, kind_of, readable
from .store import ExportRow, ResultMap, SessionInfo
from .surveys import slugify

FORMATS = ("csv", "xlsx", "json")
WITHHELD = "withheld"  # a segment answer whose group is too small to show
COLUMNS = (
    "session_id",
    "session_title",
    "exported_at",
    "question_no",
    "question_id",
    "question_kind",
    "prompt",
    "participant",
    "segment",
    "answer",
    "answer_value",
    "answered_at",
    "hidden",
    "filtered",  # the session's language filter hides it from the room
)
# A spreadsheet runs a cell as a formula when it starts with one of these (OWASP, CWE-1236).
_FORMULA = "=+-@"
# A cell can also begin right after any of these: a spreadsheet that splits lines at `;` or
# tab starts one after that separator, after a line break (str.splitlines' ones too, for
# readers fed its lines) or after a `"` once the quotes no longer pair up as they did at `,`.
_CELL_BREAKS = ',;\t\r\n"\v\f\x1c\x1d\x1e\x85\u2028\u2029'
# Every place a `'` goes: before a formula start that may begin a cell, and before a leading
# tab or CR, which OWASP lists as well.
_FIELD_START = re.compile(
    rf"\A(?=[\t\r])|(?:\A|(?<=[{re.escape(_CELL_BREAKS)}]))(?=[{re.escape(_FORMULA)}])"
)
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def records(info: SessionInfo, rows: list[ExportRow], exported_at: str) -> list[dict[str, Any]]:
    """The export as plain records; every format is a rendering of these."""
    hidden_groups = _withheld_answers(info, rows)
    segments = _segments(rows, hidden_groups)
    out = []
    for row in rows:
        q = row.question
        withheld = (row.participant_no, q.id) in hidden_groups
        out.append(
            {
                "session_id": info.id,
                "session_title": info.title,
                "exported_at": exported_at,
                "question_no": q.position + 1,
                "question_id": q.id,
                "question_kind": q.kind,
                "prompt": q.prompt,
                "participant": f"P-{row.participant_no:03d}",
                "segment": segments.get(row.participant_no, ""),
                "answer": WITHHELD if withheld else readable(q, row.value),
                "answer_value": None if withheld else row.value,
                "answered_at": row.answered_at,
                "hidden": row.hidden,
                "filtered": info.profanity_filter and _caught(q, row.value),
            }
        )
    return out


def _caught(q: Question, value: Any) -> bool:
    return kind_of(q.kind).free_text and profanity.caught(readable(q, value))


def _segments(rows: list[ExportRow], withheld: set[tuple[int, str]]) -> dict[int, str]:
    """Each participant's answers to the segment questions (e.g. their group), as labels;
    a group too small to hide its people says only that it is withheld."""
    found: dict[int, list[str]] = {}
    for row in rows:
        if row.question.segment:
            hidden = (row.participant_no, row.question.id) in withheld
            label = WITHHELD if hidden else readable(row.question, row.value)
            found.setdefault(row.participant_no, []).append(label)
    return {no: "; ".join(labels) for no, labels in found.items()}


def _withheld_answers(info: SessionInfo, rows: list[ExportRow]) -> set[tuple[int, str]]:
    """(participant, segment question) of everyone whose group the segment split withholds
    (server/segments.py): in an export, their group shows as withheld, or the one L&D
    person's P-number would lead to all their answers."""
    people = {row.participant_no for row in rows}
    out: set[tuple[int, str]] = set()
    for q in (q for q in info.questions if q.segment):
        members: dict[str, set[int]] = {}
        for row in rows:
            if row.question.id == q.id and isinstance(row.value, str):
                members.setdefault(row.value, set()).add(row.participant_no)
        said = set().union(*members.values()) if members else set()
        sizes = {group: len(m) for group, m in members.items()}
        sizes |= {segments.NOT_SAID: len(people - said), segments.ALL: len(people)}
        for group in segments.withheld_groups(sizes, info.min_group):
            out |= {(no, q.id) for no in members.get(group, ())}
    return out


def safe_cell(text: str) -> str:
    """Text a spreadsheet will never run as a formula (CWE-1236), whichever of `,`, `;` or tab
    it splits cells at: a `'` goes before each formula start; nothing else changes, so the
    text stays readable and searchable."""
    return _FIELD_START.sub("'", text)


def to_csv(recs: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    # Every cell quoted, as OWASP advises: an import that keeps quoted cells as text
    # (LibreOffice can) then evaluates none of them.
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for rec in recs:
        cells = {
            **rec,
            "answer_value": raw_text(rec["answer_value"]),
            "hidden": "yes" if rec["hidden"] else "no",
            "filtered": "yes" if rec["filtered"] else "no",
        }
        writer.writerow([safe_cell(str(cells[c])) for c in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_json(
    info: SessionInfo,
    recs: list[dict[str, Any]],
    exported_at: str,
    insights: list[dict[str, Any]] | None = None,
) -> bytes:
    document = {
        "session": {
            "id": info.id,
            "title": info.title,
            "mode": info.mode,
            "created_at": info.created_at,
            "time_zone": "UTC",
        },
        "exported_at": exported_at,
        "rows": recs,
        "insights": insights or [],  # curated for the brief, with their evidence
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def to_workbook(
    info: SessionInfo,
    recs: list[dict[str, Any]],
    results: ResultMap,
    exported_at: str,
    insights: list[dict[str, Any]] | None = None,
) -> bytes:
    """The XLSX: the summary, one row per participant, and the long records."""
    export = Export(
        title=info.title,
        exported_at=exported_at,
        participants=participant_table(info.questions, recs),
        summary=summary(info.questions, results),
        columns=COLUMNS,
        records=recs,
        insights=insights or [],
    )
    return to_xlsx(export)


async def respond(
    info: SessionInfo,
    rows: list[ExportRow],
    fmt: str,
    results: ResultMap | None = None,
    insights: list[dict[str, Any]] | None = None,
) -> Response:
    """The export as a download; `results` (the store's) are needed for XLSX's summary;
    `insights` (the brief's curated ones) go into the JSON and an XLSX sheet."""
    exported_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    recs = records(info, rows, exported_at)
    if fmt == "csv":
        body = to_csv(recs)
    elif fmt == "xlsx":
        if results is None:
            raise ValueError("the XLSX summary needs the session's results")
        # Tables for thousands of answers and the zip: milliseconds the event loop should not spend
        body = await asyncio.to_thread(to_workbook, info, recs, results, exported_at, insights)
    else:
        body = to_json(info, recs, exported_at, insights)
    name = f"trifecta-{slugify(info.title, 'session')}-{exported_at[:10]}.{fmt}"
    return Response(
        body,
        media_type=_MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
