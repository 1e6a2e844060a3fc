"""JSON endpoints of the brief's workspace: its details (header, KPI, sign-off) and the
insights the facilitator curates from the server's proposals. Parse, call, respond."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from . import insights
from .api import _session, read_json
from .errors import UnknownInsight, UnknownProposal
from .models import BriefDetails, EditInsightRequest, NewInsightRequest, parse_model
from .sections import SECTIONS, TAGS
from .store import Insight, NewInsight, SessionInfo
from .workspace import evidence


def details_json(saved: dict[str, Any], updated_at: str | None) -> dict[str, Any]:
    """The details with every field present (empty until filled in)."""
    return {"details": BriefDetails.model_validate(saved).model_dump(), "updated_at": updated_at}


async def brief_details(request: Request) -> JSONResponse:
    """`GET` the brief's details, or `PUT` the whole record."""
    info = await _session(request)
    store = request.state.store
    if request.method == "PUT":
        body = parse_model(BriefDetails, await read_json(request))
        at = await store.save_brief_details(info.id, body.model_dump())
        return JSONResponse(details_json(body.model_dump(), at))
    return JSONResponse(details_json(*await store.brief_details(info.id)))


def insight_json(insight: Insight) -> dict[str, Any]:
    return asdict(insight)


async def _proposals(request: Request, info: SessionInfo) -> list[insights.Proposal]:
    results, split = await evidence(request.state.store, info)
    return insights.propose(info, results, split)


async def insight_list(request: Request) -> JSONResponse:
    """`GET`: the proposals not yet decided and the stored insights; `POST`: take one."""
    if request.method == "POST":
        return await add_insight(request)
    info = await _session(request)
    stored = await request.state.store.insights(info.id)
    decided = {i.origin for i in stored if i.origin is not None}
    proposals = [p.json() for p in await _proposals(request, info) if p.origin not in decided]
    return JSONResponse(
        {
            "proposals": proposals,
            "insights": [insight_json(i) for i in stored],
            "sections": list(SECTIONS),
            "tags": TAGS,
        }
    )


async def add_insight(request: Request) -> JSONResponse:
    info = await _session(request)
    body = parse_model(NewInsightRequest, await read_json(request))
    if body.origin is None:
        assert body.section is not None and body.text is not None
        new = NewInsight(body.section, body.text, body.tag, status=body.status)
    else:
        new = await _taken(request, info, body.origin, body.status)
    added = await request.state.store.add_insight(info.id, new)
    return JSONResponse(insight_json(added), status_code=201)


async def _taken(request: Request, info: SessionInfo, origin: str, status: str) -> NewInsight:
    """A current proposal as an insight, with the evidence the server computed for it."""
    for p in await _proposals(request, info):
        if p.origin == origin:
            return NewInsight(p.section, p.text, None, p.origin, p.evidence, p.quote, status)
    raise UnknownProposal(
        f"there is no proposal {origin[:128]!r} now; GET the insights for the current ones"
    )


_LARGEST_ID = 2**63 - 1  # SQLite's largest integer


def _insight_id(request: Request) -> int:
    insight_id = int(request.path_params["insight_id"])
    if insight_id > _LARGEST_ID:
        raise UnknownInsight(f"this session has no insight {str(insight_id)[:24]}")
    return insight_id


async def edit_insight(request: Request) -> JSONResponse:
    info = await _session(request)
    body = parse_model(EditInsightRequest, await read_json(request))
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    insight_id = _insight_id(request)
    edited = await request.state.store.edit_insight(info.id, insight_id, changes)
    return JSONResponse(insight_json(edited))


async def insight_history(request: Request) -> JSONResponse:
    info = await _session(request)
    insight_id = _insight_id(request)
    history = await request.state.store.insight_history(info.id, insight_id)
    return JSONResponse({"insight": insight_id, "history": [asdict(h) for h in history]})
