"""The performance brief: a session's results, section by section, as a document an L&D
lead hands to a director. This module builds its content and renders it as JSON and
Markdown; the printed page and its PDF are drawn by brief_render.py and brief.html.

Every section shows the numbers it stands on and says plainly when it has no evidence,
rather than filling the gap with boilerplate. Stories are quoted as written (escaped for
the format), and groups too small to hide their people never appear (server/segments.py).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from . import brief_curated, segments
from .export_summary import Table, summary
from .kinds import Question, answer_parts, item_rules, kind_of, public_result
from .kinds.open_text import SHEETS_NOTE
from .readiness import Readiness, assess
from .sections import SECTIONS
from .store import Insight, ResultMap, SessionInfo

TITLES = {
    "audience": "Who took part",
    "problem": "The business problem",
    "success": "What success looks like",
    "evidence": "Evidence of the gap",
    "behaviours": "Behaviours that must change",
    "barriers": "Barriers",
    "solutions": "The solution mix",
    "measurement": "Measurement plan",
    "alignment": "Trifecta alignment",
    "voices": "Voices",
    "readiness": "Readiness",
}
QUOTES = 8  # stories quoted in a section: the longest first, then the most upvoted
NO_QUESTION = "No question of this session feeds this section yet."
NO_ANSWER = "Nobody has answered the questions that feed this section yet."
NONE = "\N{EN DASH}"  # no number to show (nobody answered that part)


@dataclass
class Group:
    id: str
    label: str | None
    n: int
    withheld: bool
    means: dict[str, float | None] = field(default_factory=dict)  # statement -> mean


@dataclass
class Answered:
    """How many of one group answered a section's questions (the most of any of them)."""

    group: str
    n: int | None  # None: the group is withheld, and so is how many of it answered


@dataclass
class Section:
    id: str
    title: str
    holds: str
    tables: list[Table] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    readiness: Readiness | None = None  # the readiness section's verdict
    answered: list[Answered] = field(default_factory=list)  # per segment group
    gap: str | None = None  # why the section has no evidence, when it has none
    # the facilitator's: accepted insights in their order (brief_curated.section_insights);
    # the KPI (success only); whether `quotes` were picked (pinned) or are the longest
    insights: list[dict[str, Any]] = field(default_factory=list)
    kpi: list[tuple[str, str]] = field(default_factory=list)
    quotes_picked: bool = False
    note: str | None = None  # e.g. how many barriers training alone will not remove


@dataclass
class Brief:
    title: str
    session_id: str
    created_at: str
    participants: int
    min_group: int
    sections: list[Section]
    header: list[tuple[str, str]] = field(default_factory=list)  # filled-in fields only
    signoff: list[dict[str, str]] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        return asdict(self)


def build(
    info: SessionInfo,
    results: ResultMap,
    split: dict[str, Any] | None,
    details: dict[str, Any] | None = None,
    insights: list[Insight] | None = None,
) -> Brief:
    """The brief of a session from its results and, when it has a segment question, the
    split by it (`segments.split_json`); with the facilitator's details (header, KPI,
    sign-off) and the insights they curated."""
    participants = _participants(split, results)
    sections = [_section(sid, info, results, split) for sid in SECTIONS]
    details = details or {}
    for section in sections:
        _curate(section, details, insights or [])
    return Brief(
        info.title,
        info.id,
        info.created_at,
        participants,
        info.min_group,
        sections,
        brief_curated.header_rows(details),
        brief_curated.signers(details),
    )


def _curate(section: Section, details: dict[str, Any], insights: list[Insight]) -> None:
    """The facilitator's part of a section: its insights, pinned stories instead of the
    longest ones, the KPI in success, the barriers training cannot remove."""
    section.insights = brief_curated.section_insights(section.id, insights)
    if any(i["quote"] for i in section.insights):
        section.quotes, section.quotes_picked = [], True
    if section.id == "success":
        section.kpi = brief_curated.kpi_rows(details)
    if section.id == "barriers":
        section.note = brief_curated.not_training_note(section.insights)


def _participants(split: dict[str, Any] | None, results: ResultMap) -> int:
    if split is not None:
        return int(next(g["n"] for g in split["groups"] if g["id"] == segments.ALL))
    return max((int(r["responses"]) for r in results.values()), default=0)


def _section(
    sid: str, info: SessionInfo, results: ResultMap, split: dict[str, Any] | None
) -> Section:
    section = Section(sid, TITLES[sid], SECTIONS[sid])
    fed = [q for q in info.questions if q.brief == sid]
    section.tables = [_for_reading(table) for table in summary(fed, results)]
    section.quotes = _quotes(fed, results)
    if sid == "alignment" and split is not None:
        section.groups = _groups(info, fed, split)
    if sid == "readiness":
        section.readiness = assess(fed, results)
    if split is not None and fed:
        section.answered = _answered_by_group(fed, split)
    if not fed:
        section.gap = NO_QUESTION
    elif not any(t.responses for t in section.tables):
        section.gap = NO_ANSWER
    return section


def _answered_by_group(fed: list[Question], split: dict[str, Any]) -> list[Answered]:
    """The numbers a section stands on, per group: a withheld group says only that it is
    withheld (whether its one member answered would single them out)."""
    ids = {q.id for q in fed}
    out = []
    for g in split["groups"]:
        if g["id"] == segments.ALL or (g["id"] == segments.NOT_SAID and not g["n"]):
            continue
        name = g["label"] or g["id"].replace("_", " ")
        if g["withheld"]:
            out.append(Answered(name, None))
            continue
        counts = [int(r["responses"]) for r in g["questions"] if r["id"] in ids]
        out.append(Answered(name, max(counts, default=0)))
    return out


def _for_reading(table: Table) -> Table:
    """A summary table without the notes that point an export's reader to its sheets: the
    brief has no sheets, it quotes the stories."""
    notes = tuple(note for note in table.aggregates.notes if note != SHEETS_NOTE)
    return replace(table, aggregates=replace(table.aggregates, notes=notes))


def _quotes(fed: list[Question], results: ResultMap) -> list[str]:
    """Stories and posts the room may see (not hidden, not filtered), as written."""
    found: list[tuple[int, int, str]] = []
    for q in fed:
        # Only people's own words are quoted: rankings and grids have "items" too, by id
        if q.id not in results or not kind_of(q.kind).free_text:
            continue
        shown = public_result(q, results[q.id]["result"])
        items = shown.get("items", []) if isinstance(shown, dict) else []
        for item in (i for i in items if isinstance(i, dict) and "text" in i):
            votes = int(item.get("votes", 0)) if item_rules(q) is not None else 0
            found.append((len(item["text"]), votes, item["text"]))
    found.sort(key=lambda f: (-f[0], -f[1]))
    # The same words from several people are quoted once: a brief that repeats itself
    # reads like an error, and the counts above say how many answered
    unique = list(dict.fromkeys(text for _, _, text in found))
    return unique[:QUOTES]


def _groups(info: SessionInfo, fed: list[Question], split: dict[str, Any]) -> list[Group]:
    """Each group's size and, unless withheld, its mean per statement of the alignment
    questions that are scales: where the groups agree and where they differ."""
    out = []
    for g in split["groups"]:
        group = Group(g["id"], g["label"], g["n"], g["withheld"])
        if not g["withheld"]:
            by_id = {r["id"]: r for r in g["questions"]}
            for q in fed:
                statements = by_id.get(q.id, {}).get("result", {}).get("statements", {})
                for statement, entry in statements.items():
                    group.means[f"{q.id}.{statement}"] = entry.get("mean")
        out.append(group)
    return out


def statement_labels(info: SessionInfo) -> dict[str, str]:
    """question.statement -> the statement's label, for the alignment section."""
    return {f"{q.id}.{c.id}": c.label for q in info.questions for c in answer_parts(q)}


# -- Markdown ------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def md_text(text: str) -> str:
    """Participants' and facilitators' words in Markdown: shown as typed, never markup.
    HTML is turned into entities (Markdown passes raw HTML through), Markdown punctuation
    is escaped, and line breaks stay inside the quote."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(brief: Brief, labels: dict[str, str]) -> str:
    """`labels`: statement key (question.statement) -> its readable label."""
    lines = [
        f"# Performance brief: {md_text(brief.title)}",
        "",
        f"Session created {brief.created_at[:10]} · {brief.participants} participants · "
        f"groups under {brief.min_group} people are withheld",
        "",
        *_md_header(brief),
    ]
    for section in brief.sections:
        lines += _md_section(section, labels)
    lines += _md_signoff(brief)
    return "\n".join(lines).rstrip() + "\n"


# -- Markdown: the facilitator's part (brief_curated) -------------------------------------
def _md_header(brief: Brief) -> list[str]:
    if not brief.header:
        return [f"*{brief_curated.NO_HEADER}*", ""]
    return [*(f"- **{label}:** {md_text(value)}" for label, value in brief.header), ""]


def _md_curated(section: Section) -> list[str]:
    lines: list[str] = []
    if section.id == "success":
        lines += [f"- **{label}:** {md_text(value)}" for label, value in section.kpi]
        lines += [] if section.kpi else [brief_curated.NO_KPI]
        lines.append("")
    stated = [i for i in section.insights if not i["quote"]]
    for insight in stated:
        mark = f"**{insight['tag_label']}**: " if insight["tag_label"] else ""
        flag = " *(not a training fix)*" if insight["not_training"] else ""
        lines.append(f"- {mark}{md_text(insight['text'])}{flag}")
    if stated:
        lines.append("")
    if section.note:
        lines += [f"*{section.note}*", ""]
    for insight in section.insights:
        if insight["quote"]:
            lines += ["> " + md_text(insight["text"]).replace("\n", "\n> "), ""]
    return lines


def _md_signoff(brief: Brief) -> list[str]:
    lines = ["## Sign-off", ""]
    for s in brief.signoff:
        who = ", ".join(md_text(part) for part in (s["name"], s["role"]) if part)
        when = f"signed {s['signed_on']}" if s["signed_on"] else brief_curated.NOT_SIGNED
        lines.append(f"- **{s['owner']}:** {who + '; ' if who else ''}{when}")
    return [*lines, ""]


def answered_line(answered: list[Answered], escape: Any = str) -> str:
    """`Learner 5 · Leader 4 · L&D withheld`, each group's name escaped for the format."""
    return " \N{MIDDLE DOT} ".join(
        f"{escape(a.group)} {'withheld' if a.n is None else a.n}" for a in answered
    )


def _md_section(section: Section, labels: dict[str, str]) -> list[str]:
    lines = [f"## {section.title}", "", f"*{md_text(section.holds)}*", ""]
    if section.answered:
        lines += [f"Answered per group: {answered_line(section.answered, md_text)}", ""]
    lines += _md_curated(section)
    if section.gap:
        return [*lines, section.gap, ""]
    for table in section.tables:
        lines += [f"### {md_text(table.prompt)}", "", f"{table.responses} responses", ""]
        lines += _md_table(table)
    for group in section.groups:
        lines.append(_md_group(group, labels))
    if section.groups:
        lines.append("")
    if section.readiness is not None:
        lines += _md_readiness(section.readiness)
    if section.quotes and section.id == "voices":
        lines += [f"*{brief_curated.UNCURATED}*", ""]
    for quote in section.quotes:
        lines += ["> " + md_text(quote).replace("\n", "\n> "), ""]
    return lines


def _md_readiness(verdict: Readiness) -> list[str]:
    lines = [f"**Verdict: {verdict.verdict_label}**", ""]
    for area in verdict.areas:
        lines.append(f"- {md_text(area.title)}: **{area.state}**")
        for s in area.statements:
            mean = NONE if s.mean is None else f"{s.mean:.2f}"
            mark = "clear" if s.clear else f"open (needs {area.threshold:.2f})"
            lines.append(f"  - {md_text(s.label)}: mean {mean}, n = {s.n}, {mark}")
    if verdict.open_points:
        lines += ["", "Still to answer before design:", ""]
        lines += [f"- {md_text(point)}" for point in verdict.open_points]
    return [*lines, ""]


def _md_table(table: Table) -> list[str]:
    columns = table.aggregates.columns
    out = [
        "| " + " | ".join(md_text(c.heading) for c in columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for row in table.aggregates.rows:
        cells = [_md_cell(cell, column.style) for cell, column in zip(row, columns, strict=True)]
        out.append("| " + " | ".join(cells) + " |")
    return [*out, "", *(f"*{md_text(note)}*" for note in table.aggregates.notes), ""]


def _md_cell(cell: Any, style: str) -> str:
    if cell is None:
        return NONE
    if style == "share" and isinstance(cell, int | float):
        return f"{cell:.0%}"
    if style == "decimal" and isinstance(cell, int | float):
        return f"{cell:.2f}"
    return md_text(str(cell))


def _md_group(group: Group, labels: dict[str, str]) -> str:
    name = md_text(group.label or group.id.replace("_", " "))
    if group.withheld:
        return f"- **{name}** (n = {group.n}): withheld, too few people to show"
    means = "; ".join(
        f"{md_text(labels.get(key, key))}: {NONE if mean is None else f'{mean:.2f}'}"
        for key, mean in group.means.items()
    )
    return f"- **{name}** (n = {group.n}){': ' + means if means else ''}"
