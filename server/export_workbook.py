"""The XLSX export: a Summary sheet, a Participants sheet and the long Answers sheet.

Summary and Participants are for people: the session's title and export time once at the
top, columns as wide as their content (capped, long text wraps). Answers is for anyone who
reads the export by column name: its header stays row 1 with the documented columns."""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]  # ships no type hints

from .export_participants import ParticipantTable
from .export_summary import Table
from .kinds import Cell

SUMMARY, PARTICIPANTS, ANSWERS = "Summary", "Participants", "Answers"
INSIGHTS = "Insights"
# The insights sheet: (heading, key of the stored insight)
_INSIGHT_COLUMNS = (
    ("Section", "section"),
    ("Insight", "text"),
    ("Type", "tag"),
    ("Quoted story", "quote"),
    ("Status", "status"),
    ("Last changed", "updated_at"),
)
MIN_WIDTH, MAX_WIDTH = 6, 50  # characters; longer text wraps within MAX_WIDTH
_PADDING = 2  # a column a little wider than its longest line reads better
_WORKBOOK_OPTIONS = {
    "in_memory": True,
    # Participants' text is written as text, never read as a formula, URL or number
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
_FORMATS = {
    "title": {"bold": True, "font_size": 14},
    "bold": {"bold": True},
    "heading": {"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"},
    "note": {"italic": True, "font_color": "#595959"},
    "text": {"text_wrap": True, "valign": "top"},
    "whole": {"num_format": "0", "valign": "top"},
    "decimal": {"num_format": "0.00", "valign": "top"},
    "share": {"num_format": "0%", "valign": "top"},
    "when": {"num_format": "yyyy-mm-dd hh:mm:ss", "valign": "top"},
}


@dataclass(frozen=True, slots=True)
class Export:
    """Everything the workbook shows, already computed."""

    title: str
    exported_at: str  # ISO 8601 UTC
    participants: ParticipantTable
    summary: list[Table]
    columns: Sequence[str]  # of the long sheet
    records: list[dict[str, Any]]
    insights: list[dict[str, Any]] = field(default_factory=list)  # as the insights API shows


def to_xlsx(export: Export) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, _WORKBOOK_OPTIONS)
    book.set_properties({"title": export.title, "comments": f"Exported {export.exported_at}"})
    formats = {name: book.add_format(spec) for name, spec in _FORMATS.items()}
    # The long sheet stays first, where scripts that read "the first sheet" found it before
    # the summary existed; the workbook opens on the summary, for the report.
    _answers_sheet(book.add_worksheet(ANSWERS), formats, export)
    summary = book.add_worksheet(SUMMARY)
    _summary_sheet(summary, formats, export)
    _participants_sheet(book.add_worksheet(PARTICIPANTS), formats, export)
    if export.insights:
        _insights_sheet(book.add_worksheet(INSIGHTS), formats, export)
    summary.activate()
    book.close()
    return buffer.getvalue()


def _title_rows(sheet: Any, formats: dict[str, Any], export: Export) -> int:
    """The title and export time, once; returns the first free row."""
    sheet.write_string(0, 0, export.title, formats["title"])
    sheet.write_string(1, 0, f"Exported {_naive_utc(export.exported_at):%Y-%m-%d %H:%M} UTC")
    return 3


def _summary_sheet(sheet: Any, formats: dict[str, Any], export: Export) -> None:
    row = _title_rows(sheet, formats, export)
    who = len(export.participants.rows)
    sheet.write_string(row, 0, f"{who} participants answered", formats["bold"])
    widths = _Widths()
    for table in export.summary:
        row = _summary_table(sheet, formats, table, row + 2, widths)
    widths.apply(sheet, start=1)
    sheet.set_column(0, 0, MIN_WIDTH)  # only Q1, Q2, ...: the title rows run over it


def _summary_table(
    sheet: Any, formats: dict[str, Any], table: Table, row: int, widths: _Widths
) -> int:
    """The question, its responses, its table and notes from `row`; returns its last row.
    Column A holds Q1, Q2, ... so that a reader (or a script) finds each question."""
    sheet.write_string(row, 0, f"Q{table.question_no}", formats["bold"])
    sheet.write_string(row, 1, table.prompt, formats["bold"])  # runs over: not measured
    sheet.write_string(row + 1, 1, "Responses")
    sheet.write_number(row + 1, 2, table.responses, formats["whole"])
    sheet.write_string(row + 1, 3, table.kind_title, formats["note"])
    row += 2
    columns = table.aggregates.columns
    for col, column in enumerate(columns, start=1):
        sheet.write_string(row, col, column.heading, formats["heading"])
        widths.measure(col - 1, column.heading)
    for cells in table.aggregates.rows:
        row += 1
        for col, (cell, column) in enumerate(zip(cells, columns, strict=True), start=1):
            _write(sheet, row, col, cell, formats[column.style])
            widths.measure(col - 1, _shown(cell, column.style))
    for note in table.aggregates.notes:
        row += 1
        sheet.write_string(row, 1, note, formats["note"])
    return row


def _participants_sheet(sheet: Any, formats: dict[str, Any], export: Export) -> None:
    table = export.participants
    header = _title_rows(sheet, formats, export)
    widths = _Widths()
    for col, heading in enumerate(table.headings):
        sheet.write_string(header, col, heading, formats["heading"])
        widths.measure(col, heading, heading=True)
    for row, cells in enumerate(table.rows, start=header + 1):
        for col, cell in enumerate(cells):
            style = "text" if isinstance(cell, str) else "whole"
            _write(sheet, row, col, cell, formats[style])
            widths.measure(col, _shown(cell, style))
    widths.apply(sheet)
    sheet.freeze_panes(header + 1, 1)  # headings and participant numbers stay in view
    sheet.autofilter(header, 0, header + max(len(table.rows), 1), len(table.headings) - 1)


def _insights_sheet(sheet: Any, formats: dict[str, Any], export: Export) -> None:
    """The curated insights in the brief's order, the discarded ones marked."""
    header = _title_rows(sheet, formats, export)
    widths = _Widths()
    for col, (heading, _) in enumerate(_INSIGHT_COLUMNS):
        sheet.write_string(header, col, heading, formats["heading"])
        widths.measure(col, heading, heading=True)
    for row, insight in enumerate(export.insights, start=header + 1):
        for col, (_, key) in enumerate(_INSIGHT_COLUMNS):
            value = insight[key]
            text = ("yes" if value else "no") if key == "quote" else str(value or "")
            sheet.write_string(row, col, text, formats["text"])
            widths.measure(col, text)
    widths.apply(sheet)
    sheet.freeze_panes(header + 1, 0)


def _answers_sheet(sheet: Any, formats: dict[str, Any], export: Export) -> None:
    columns = export.columns
    widths = _Widths()
    for col, name in enumerate(columns):
        sheet.write_string(0, col, name, formats["bold"])
        widths.measure(col, name)
    for row, rec in enumerate(export.records, start=1):
        for col, name in enumerate(columns):
            value = rec[name]
            if name == "answered_at":
                sheet.write_datetime(row, col, _naive_utc(value), formats["when"])
                widths.measure(col, "2026-01-01 00:00:00")
            elif name == "question_no":
                sheet.write_number(row, col, value)
            elif name in ("hidden", "filtered"):
                sheet.write_boolean(row, col, value)
            else:
                text = raw_text(value) if name == "answer_value" else str(value)
                sheet.write_string(row, col, text, formats["text"])
                widths.measure(col, text)
    widths.apply(sheet)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(export.records), 1), len(columns) - 1)


def _write(sheet: Any, row: int, col: int, cell: Cell, fmt: Any) -> None:
    if cell is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(cell, str):
        sheet.write_string(row, col, cell, fmt)
    else:
        sheet.write_number(row, col, cell, fmt)


def _shown(cell: Cell, style: str) -> str:
    """About what the cell shows, for its column's width."""
    if cell is None:
        return ""
    if style == "share" and isinstance(cell, float):
        return f"{cell:.0%}"
    if style == "decimal" and isinstance(cell, float):
        return f"{cell:.2f}"
    return str(cell)


class _Widths:
    """The widest line per column, in characters, for columns as wide as their content."""

    def __init__(self) -> None:
        self._widest: dict[int, float] = {}

    def measure(self, col: int, text: str, *, heading: bool = False) -> None:
        # A long heading wraps (its row grows) rather than widening a column of short answers
        width = min(_display_width(text), MAX_WIDTH // 2) if heading else _display_width(text)
        self._widest[col] = max(self._widest.get(col, 0), width)

    def apply(self, sheet: Any, start: int = 0) -> None:
        for col, widest in self._widest.items():
            width = min(max(widest + _PADDING, MIN_WIDTH), MAX_WIDTH)
            sheet.set_column(col + start, col + start, width)


def _display_width(text: str) -> int:
    """The longest line's width: East Asian wide characters and emoji take two."""
    return max((_line_width(line) for line in text.splitlines()), default=0)


def _line_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def raw_text(value: Any) -> str:
    """An answer value as stored: text as it is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _naive_utc(iso: str) -> datetime:
    """Excel has no time zones: cells hold UTC, and the header says so."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
