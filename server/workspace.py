"""What the brief and its workspace are made from, read from the store in one place: the
session's results, their split by its segment question, the brief's details and the
insights the facilitator curated."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from . import segments
from .store import Insight, ResultMap, SessionInfo, Store


@dataclass(frozen=True, slots=True)
class Workspace:
    results: ResultMap
    split: dict[str, Any] | None  # segments.split_json, when the session has a segment
    details: dict[str, Any]  # models.BriefDetails as saved ({} when never)
    insights: list[Insight]


async def evidence(store: Store, info: SessionInfo) -> tuple[ResultMap, dict[str, Any] | None]:
    """The session's results and, when it has a segment question, their split by it. The
    split holds everyone's results as its "all" group: one read of the answers, not two."""
    segment = segments.split_segment(info)
    if segment is None:
        return await store.results(info.id), None
    found = await store.segment_results(info.id, segment.id)
    return found.groups[segments.ALL][1], segments.split_json(segment, found)


WITHHELD = (
    "Withheld: a group this insight names is now smaller than the session's minimum group "
    "size, so its numbers are not shown."
)


def shown(insights: list[Insight], split: dict[str, Any] | None) -> list[Insight]:
    """The insights as the brief and the exports may show them: one whose evidence names
    a group that is withheld now (the minimum group size went up since it was accepted)
    keeps its place, but not its words or numbers."""
    withheld = {g["id"] for g in split["groups"] if g["withheld"]} if split else set()
    out = []
    for insight in insights:
        named = {g.get("id") for g in insight.evidence.get("groups", [])}
        hidden = bool(named & withheld) or (bool(named) and split is None)
        out.append(replace(insight, text=WITHHELD, evidence={}) if hidden else insight)
    return out


async def gather(store: Store, info: SessionInfo) -> Workspace:
    results, split = await evidence(store, info)
    details, _ = await store.brief_details(info.id)
    return Workspace(results, split, details, shown(await store.insights(info.id), split))
