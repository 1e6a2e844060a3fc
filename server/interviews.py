"""Interviews: the 20-minute stakeholder conversation. An interview session has no phones;
the facilitator records respondents (each with their group in the trifecta) and types
their answers in the console. Answers take the phone's path (AnswerDesk: the same
validation, writer and storage), so results, splits, exports and the brief are the same.

A respondent's label is the facilitator's own note: it is shown in the console and in
these endpoints only, never on the screen, in exports (participants stay P-numbers) or
in the brief."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from . import auth
from .answering import AnswerDesk
from .api import read_json
from .errors import (
    InvalidRequest,
    NotAnInterview,
    NotFound,
    QuestionLocked,
    SessionEnded,
    UnknownSession,
)
from .kinds import validate_value
from .kinds.base import text_length
from .models import (
    LABEL_LIMIT,
    AnswerInput,
    RespondentRequest,
    parse_model,
    parse_respondent_answer,
)
from .segments import split_segment
from .store import Posted, Respondent, SessionInfo
from .surveys import is_interview

PATH = "/api/sessions/{session_id}/respondents"


async def _interview(request: Request) -> SessionInfo:
    """The interview session named in the path, for its presenter or the organizer."""
    session_id = request.path_params["session_id"]
    await auth.require_presenter(request, request.state.store, session_id)
    info: SessionInfo | None = await request.state.store.session(session_id)
    if info is None:
        raise UnknownSession(f"there is no session {session_id!r}")
    if not is_interview(info.mode):
        raise NotAnInterview(
            f"session {info.id!r} is a {info.mode.replace('_', '-')} session: its participants "
            "answer on their phones; respondents are recorded in interview sessions"
        )
    return info


def clean_label(raw: str) -> str:
    """The label trimmed, 1..LABEL_LIMIT characters as a person counts them."""
    label = raw.strip()
    length = text_length(label)
    if not 1 <= length <= LABEL_LIMIT:
        raise InvalidRequest(
            f"label: give 1 to {LABEL_LIMIT} characters (not counting spaces around it), "
            f"got {length}"
        )
    return label


def _respondent_json(respondent: Respondent) -> dict[str, Any]:
    return {"id": respondent.id, "label": respondent.label, "answered": respondent.answered}


async def respondents(request: Request) -> JSONResponse:
    """One route for both methods, so that a 405 here lists both in its Allow header."""
    if request.method == "POST":
        return await add_respondent(request)
    info = await _interview(request)
    found = await request.state.store.respondents(info.id)
    return JSONResponse([_respondent_json(r) for r in found])


async def add_respondent(request: Request) -> JSONResponse:
    """Record a respondent; their role is stored as their answer to the segment question,
    checked before anything is stored."""
    info = await _interview(request)
    body = parse_model(RespondentRequest, await read_json(request))
    label = clean_label(body.label)
    if info.state == "ended":
        raise SessionEnded("this session has ended and takes no more respondents")
    segment = split_segment(info)
    if body.role is not None:
        if segment is None:
            raise InvalidRequest("role: this session has no segment question to give it to")
        validate_value(segment, body.role)
        if info.question_states[segment.id].state == "locked":  # refused before, not after
            raise QuestionLocked(
                f"role: the segment question {segment.id!r} is locked; open it to record roles"
            )
    store, desk = request.state.store, request.state.desk
    respondent_id = await store.add_respondent(info.id, label)
    if body.role is not None and segment is not None:
        role = AnswerInput(str(uuid.uuid4()), segment.id, body.role)
        await desk.record(await desk.prepare(info.id, respondent_id, role))
    answered = 1 if body.role is not None else 0
    return JSONResponse(
        _respondent_json(Respondent(respondent_id, label, answered)), status_code=201
    )


async def _respondent(request: Request, info: SessionInfo) -> Respondent:
    raw = request.path_params["respondent_id"]
    found: list[Respondent] = await request.state.store.respondents(info.id)
    match = next((r for r in found if str(r.id) == raw), None)
    if match is None:
        raise NotFound(f"this interview has no respondent {raw[:32]!r}")
    return match


async def respondent_answers(request: Request) -> JSONResponse:
    """GET: the respondent's current answers; POST: record one, as a phone would."""
    info = await _interview(request)
    respondent = await _respondent(request, info)
    if request.method == "GET":
        own = await request.state.store.answers_of(info.id, respondent.id)
        return JSONResponse({"answers": own})
    desk: AnswerDesk = request.state.desk
    body = parse_respondent_answer(await read_json(request))
    recorded = await desk.record(await desk.prepare(info.id, respondent.id, body))
    reply: dict[str, str] = {"status": recorded.value}
    if isinstance(recorded, Posted):
        reply["item"] = recorded.item
    return JSONResponse(reply, status_code=201 if recorded.value == "accepted" else 200)


def routes() -> list[BaseRoute]:
    return [
        Route(PATH, respondents, methods=["GET", "POST"]),
        Route(f"{PATH}/{{respondent_id}}/answers", respondent_answers, methods=["GET", "POST"]),
    ]
