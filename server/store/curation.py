"""The brief's workspace in SQLite: its details (header, KPI, sign-off) and the insights
the facilitator curates, each change written to the insight's history in the same
transaction as the change itself.

The write functions run in the store's writer thread inside one transaction; the read
functions take a reader connection."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from ..errors import InvalidRequest, ProposalDecided, QuoteIsVerbatim, UnknownInsight
from ..sections import SECTIONS, tag_problem
from . import Insight, InsightChange, NewInsight
from .dialects import insert
from .schema import brief_details, insight_history, insights

EDITABLE = ("text", "section", "tag", "position", "status")
_SECTION_ORDER = {sid: n for n, sid in enumerate(SECTIONS)}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# -- reads ----------------------------------------------------------------------------------
def read_details(conn: Connection, session_id: str) -> tuple[dict[str, Any], str | None]:
    row = conn.execute(
        select(brief_details.c.details, brief_details.c.updated_at).where(
            brief_details.c.session_id == session_id
        )
    ).first()
    return ({}, None) if row is None else (json.loads(row.details), row.updated_at)


def read_insights(conn: Connection, session_id: str) -> list[Insight]:
    rows = conn.execute(
        select(insights)
        .where(insights.c.session_id == session_id)
        .order_by(insights.c.position, insights.c.id)
    ).all()
    found = [_insight(row) for row in rows]
    found.sort(key=lambda i: _SECTION_ORDER.get(i.section, len(SECTIONS)))  # stable
    return found


def read_history(conn: Connection, session_id: str, insight_id: int) -> list[InsightChange]:
    _row(conn, session_id, insight_id)
    rows = conn.execute(
        select(insight_history)
        .where(insight_history.c.insight_id == insight_id)
        .order_by(insight_history.c.id)
    ).all()
    return [InsightChange(r.at, r.action, json.loads(r.changes)) for r in rows]


def _insight(row: Any) -> Insight:
    return Insight(
        id=row.id,
        section=row.section,
        text=row.text,
        tag=row.tag,
        origin=row.origin,
        evidence=json.loads(row.evidence),
        quote=bool(row.quote),
        status=row.status,
        position=row.position,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _row(conn: Connection, session_id: str, insight_id: int) -> Any:
    row = conn.execute(
        select(insights).where(insights.c.id == insight_id, insights.c.session_id == session_id)
    ).first()
    if row is None:
        raise UnknownInsight(f"this session has no insight {insight_id}")
    return row


# -- writes (writer thread, inside a transaction) -------------------------------------------
def save_details(conn: Connection, session_id: str, details: dict[str, Any]) -> str:
    at = _now()
    values = {"details": json.dumps(details, ensure_ascii=False), "updated_at": at}
    conn.execute(
        insert(conn, brief_details)
        .values(session_id=session_id, **values)
        .on_conflict_do_update(index_elements=[brief_details.c.session_id], set_=values)
    )
    return at


def add_insight(conn: Connection, session_id: str, new: NewInsight) -> Insight:
    if new.origin is not None and _origin_taken(conn, session_id, new.origin):
        raise ProposalDecided(
            f"the proposal {new.origin[:128]!r} was already taken or discarded; "
            "edit or restore its insight instead"
        )
    _check_tag(new.section, new.tag)
    at = _now()
    inserted = conn.execute(
        insights.insert().values(
            session_id=session_id,
            section=new.section,
            text=new.text,
            tag=new.tag,
            origin=new.origin,
            evidence=json.dumps(new.evidence or {}, ensure_ascii=False),
            quote=new.quote,
            status=new.status,
            position=_end_of(conn, session_id, new.section),
            created_at=at,
            updated_at=at,
        )
    )
    insight_id = int(inserted.lastrowid)
    first = {"section": new.section, "text": new.text, "tag": new.tag, "status": new.status}
    changes = {name: [None, value] for name, value in first.items() if value is not None}
    action = "created" if new.status == "accepted" else "discarded"
    _write_history(conn, session_id, insight_id, at, action, changes)
    return _insight(_row(conn, session_id, insight_id))


def edit_insight(
    conn: Connection, session_id: str, insight_id: int, changes: dict[str, Any]
) -> Insight:
    row = _row(conn, session_id, insight_id)
    before = {name: getattr(row, name) for name in EDITABLE}
    after = _apply(row, before, changes)
    if "position" in changes or after["section"] != before["section"]:
        after["position"] = _place(conn, row, after["section"], changes.get("position"))
    changed = {n: [before[n], after[n]] for n in EDITABLE if before[n] != after[n]}
    if changed:
        at = _now()
        conn.execute(
            update(insights).where(insights.c.id == insight_id).values(**after, updated_at=at)
        )
        _write_history(conn, session_id, insight_id, at, _action(changed), changed)
    return _insight(_row(conn, session_id, insight_id))


def _apply(row: Any, before: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The insight's fields after the changes, checked: a quote's words stay as written,
    a tag fits its section (a moved insight loses a tag its new section does not take)."""
    if "text" in changes and row.quote and changes["text"] != row.text:
        raise QuoteIsVerbatim(
            f"insight {row.id} is a pinned story, quoted as written: its words cannot change"
        )
    after = {**before, **{n: v for n, v in changes.items() if n != "position"}}
    if "tag" in changes:
        _check_tag(after["section"], after["tag"])
    elif tag_problem(after["section"], after["tag"]) is not None:
        after["tag"] = None
    return after


def _action(changed: dict[str, list[Any]]) -> str:
    if "status" in changed:
        return "discarded" if changed["status"][1] == "discarded" else "restored"
    return "moved" if changed.keys() <= {"section", "position"} else "edited"


def _place(conn: Connection, row: Any, section: str, wanted: int | None) -> int:
    """Put the insight at place `wanted` (0 = first) of its section, or last when None;
    the others of the section close up around it."""
    others = conn.execute(
        select(insights.c.id)
        .where(
            insights.c.session_id == row.session_id,
            insights.c.section == section,
            insights.c.id != row.id,
        )
        .order_by(insights.c.position, insights.c.id)
    ).scalars()
    order = list(others)
    place = len(order) if wanted is None else min(wanted, len(order))
    order.insert(place, row.id)
    for position, other in enumerate(order):
        if other != row.id:
            conn.execute(update(insights).where(insights.c.id == other).values(position=position))
    return place


def _check_tag(section: str, tag: str | None) -> None:
    problem = tag_problem(section, tag)
    if problem is not None:
        raise InvalidRequest(problem)


def _origin_taken(conn: Connection, session_id: str, origin: str) -> bool:
    found = conn.execute(
        select(insights.c.id).where(
            insights.c.session_id == session_id, insights.c.origin == origin
        )
    ).first()
    return found is not None


def _end_of(conn: Connection, session_id: str, section: str) -> int:
    last = conn.execute(
        select(func.max(insights.c.position)).where(
            insights.c.session_id == session_id, insights.c.section == section
        )
    ).scalar()
    return 0 if last is None else int(last) + 1


def _write_history(
    conn: Connection,
    session_id: str,
    insight_id: int,
    at: str,
    action: str,
    changes: dict[str, list[Any]],
) -> None:
    conn.execute(
        insight_history.insert().values(
            insight_id=insight_id,
            session_id=session_id,
            at=at,
            action=action,
            changes=json.dumps(changes, ensure_ascii=False),
        )
    )


def delete_all(conn: Connection, session_id: str) -> None:
    """A session's workspace, before the session itself (children first)."""
    for table in (insight_history, insights, brief_details):
        conn.execute(delete(table).where(table.c.session_id == session_id))


OPERATIONS: dict[str, Any] = {
    "save_details": save_details,
    "add_insight": add_insight,
    "edit_insight": edit_insight,
}
