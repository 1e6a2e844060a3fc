"""What the brief and its workspace are made from, read from the store in one place: the
session's results, their split by its segment question, the brief's details and the
insights the facilitator curated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import brief, segments
from .store import Insight, ResultMap, SessionInfo, Store


@dataclass(frozen=True, slots=True)
class Workspace:
    results: ResultMap
    split: dict[str, Any] | None  # segments.split_json, when the session has a segment
    details: dict[str, Any]  # models.BriefDetails as saved ({} when never)
    insights: list[Insight]


async def evidence(store: Store, info: SessionInfo) -> tuple[ResultMap, dict[str, Any] | None]:
    """The session's results and, when it has a segment question, their split by it."""
    results = await store.results(info.id)
    segment = brief.segment_of(info)
    if segment is None:
        return results, None
    return results, segments.split_json(segment, await store.segment_results(info.id, segment.id))


async def gather(store: Store, info: SessionInfo) -> Workspace:
    results, split = await evidence(store, info)
    details, _ = await store.brief_details(info.id)
    return Workspace(results, split, details, await store.insights(info.id))
