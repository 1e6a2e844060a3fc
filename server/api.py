"""JSON endpoints: parse, call, respond. Nothing more."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import auth, brief, brief_render, export, rooms, segments, workspace
from .errors import (
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    TemplateError,
    UnknownSession,
    UnknownTemplate,
)
from .kinds import Question, question_json, questions_from_specs
from .models import (
    AnswerRequest,
    ControlRequest,
    CreateSessionRequest,
    EditQuestionsRequest,
    ImportTemplateRequest,
    ModerationRequest,
    SettingsRequest,
    TemplateRequest,
    parse_answer,
    parse_json,
    parse_model,
)
from .store import Moderation, Posted, SessionInfo
from .surveys import Survey, parse_template, slugify, survey_from_data, template_data, template_toml
from .views import join_url, results_json, session_json

log = logging.getLogger(__name__)

BODY_LIMIT = 64 * 1024


async def read_body(request: Request, limit: int = BODY_LIMIT, what: str = "body") -> bytes:
    """The request body, refused once it passes `limit` bytes, before it is all read."""
    declared = request.headers.get("content-length", "0")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the {what} is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"the {what} is larger than {limit} bytes")
    return bytes(body)


async def read_json(request: Request) -> Any:
    return parse_json(await read_body(request))


async def _session(request: Request) -> SessionInfo:
    """The session named in the path, for its presenter; no hint whether it exists."""
    session_id = request.path_params["session_id"]
    await auth.require_presenter(request, request.state.store, session_id)
    info: SessionInfo | None = await request.state.store.session(session_id)
    if info is None:
        raise UnknownSession(f"there is no session {session_id!r}")
    return info


def _format(request: Request, formats: tuple[str, ...]) -> str:
    """The `?format=` asked for (the first of `formats` when none), or a clear refusal."""
    fmt = request.query_params.get("format", formats[0])
    if fmt not in formats:
        raise InvalidRequest(f"format must be one of {', '.join(formats)}, got {fmt[:16]!r}")
    return fmt


async def health(request: Request) -> JSONResponse:
    """503 only when the store is down. Without the broker a worker still takes and stores
    answers (its live views heal when the broker is back), so it is "degraded" with a 200:
    a load balancer that pulled every worker out when Redis died would lose the answers."""
    store_ok = await request.state.store.is_healthy()
    broker_ok = await request.state.broker.is_healthy()
    status = "unavailable" if not store_ok else "ok" if broker_ok else "degraded"
    body = {
        "status": status,
        "store": "ok" if store_ok else "unavailable",
        "broker": "ok" if broker_ok else "unavailable",
    }
    return JSONResponse(body, status_code=503 if status == "unavailable" else 200)


# -- templates --------------------------------------------------------------------------
async def all_templates(request: Request) -> dict[str, Survey]:
    """The shipped templates, then those saved in the console."""
    found: dict[str, Survey] = dict(request.state.surveys)
    for data in await request.state.store.saved_templates():
        try:
            found[str(data["id"])] = survey_from_data(str(data["id"]), data, saved=True)
        except TemplateError as e:  # only if the kinds' rules tightened since it was saved
            log.warning("saved template skipped: %s", e)
    return found


def template_json(survey: Survey) -> dict[str, Any]:
    return {
        "id": survey.id,
        "title": survey.title,
        "description": survey.description,
        "mode": survey.mode,
        "saved": survey.saved,
        "questions": [question_json(q) for q in survey.questions],
    }


async def templates(request: Request) -> JSONResponse:
    """One route for both methods, so that a 405 here lists both in its Allow header."""
    if request.method == "POST":
        return await save_template(request)
    return await list_templates(request)


async def list_templates(request: Request) -> JSONResponse:
    auth.require_organizer(request)
    return JSONResponse([template_json(s) for s in (await all_templates(request)).values()])


async def _keep(request: Request, survey: Survey) -> JSONResponse:
    """Save a validated template under a free id; 201 with the template as listed."""
    data = template_data(survey)
    taken = request.state.surveys.keys()
    data["id"] = await request.state.store.save_template(data, taken)
    saved = survey_from_data(data["id"], data, saved=True)
    return JSONResponse(template_json(saved), status_code=201)


async def save_template(request: Request) -> JSONResponse:
    auth.require_organizer(request)
    body = parse_model(TemplateRequest, await read_json(request))
    try:
        questions = questions_from_specs(body.questions)
    except ValueError as e:
        raise InvalidRequest(f"questions: {e}") from None
    template_id = slugify(body.title, fallback="template")
    survey = Survey(template_id, body.title, body.description, body.mode, questions, saved=True)
    return await _keep(request, survey)


async def import_template(request: Request) -> JSONResponse:
    """A TOML file's text, checked as a file in `session_templates/` would be."""
    auth.require_organizer(request)
    body = parse_model(ImportTemplateRequest, await read_json(request))
    try:
        survey = parse_template("the file", body.toml)
    except TemplateError as e:
        raise InvalidRequest(str(e)) from None
    return await _keep(request, survey)


async def export_template(request: Request) -> Response:
    auth.require_organizer(request)
    template_id = request.path_params["template_id"]
    survey = (await all_templates(request)).get(template_id)
    if survey is None:
        raise UnknownTemplate(f"there is no template {template_id[:64]!r}")
    return Response(
        template_toml(survey),
        media_type="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{survey.id}.toml"'},
    )


# -- sessions ---------------------------------------------------------------------------


async def sessions(request: Request) -> JSONResponse:
    """One route for both methods, so that a 405 here lists both in its Allow header."""
    if request.method == "POST":
        return await create_session(request)
    return await list_sessions(request)


async def list_sessions(request: Request) -> JSONResponse:
    auth.require_organizer(request)
    summaries = await request.state.store.sessions()
    return JSONResponse(
        [
            {
                "id": s.id,
                "code": s.code,
                "title": s.title,
                "mode": s.mode,
                "state": s.state,
                "created_at": s.created_at,
                "participants": s.participants,
                "answers": s.answers,
            }
            for s in summaries
        ]
    )


async def create_session(request: Request) -> JSONResponse:
    auth.require_organizer(request)
    body = parse_model(CreateSessionRequest, await read_json(request))
    if body.template is not None:
        survey = (await all_templates(request)).get(body.template)
        if survey is None:
            raise UnknownTemplate(f"there is no template {body.template!r}")
        title, mode, questions = (
            body.title or survey.title,
            body.mode or survey.mode,
            survey.questions,
        )
        reveal = body.reveal or survey.reveal
    else:
        assert body.questions is not None and body.title is not None
        questions = _questions(body.questions)
        title, mode = body.title, body.mode or "presenter"
        reveal = body.reveal or "on_reveal"
    created = await request.state.store.create_session(
        title=title, mode=mode, template_id=body.template, questions=questions, reveal=reveal
    )
    if body.profanity_filter:
        await request.state.store.set_profanity_filter(created.id, True)
    base = request.state.settings.base_url
    return JSONResponse(
        {
            "id": created.id,
            "code": created.code,
            "join_url": join_url(base, created.code),
            "presenter_url": f"{base}/present/{created.id}?key={created.presenter_key}",
            "presenter_key": created.presenter_key,
        },
        status_code=201,
    )


def _questions(specs: Any) -> tuple[Question, ...]:
    try:
        return questions_from_specs(specs)
    except ValueError as e:
        raise InvalidRequest(f"questions: {e}") from None


async def session_resource(request: Request) -> Response:
    """One route for both methods, so that a 405 here lists both in its Allow header."""
    if request.method == "DELETE":
        return await delete_session(request)
    return await get_session(request)


async def get_session(request: Request) -> JSONResponse:
    info = await _session(request)
    return JSONResponse(session_json(info, request.state.settings.base_url))


async def _organizers_session(request: Request) -> SessionInfo:
    """The session named in the path, for the organizer only (editing and deleting are
    the console's, not a presenter key's)."""
    auth.require_organizer(request)
    return await _session(request)


async def delete_session(request: Request) -> JSONResponse:
    """Delete a session with all its data; its pages learn that it is gone."""
    info = await _organizers_session(request)
    await request.state.store.delete_session(info.id)
    await request.state.hub.questions_replaced(info.id, [q.id for q in info.questions])
    return JSONResponse({"status": "ok"})


async def edit_questions(request: Request) -> JSONResponse:
    """Replace a session's questions while nobody has answered (`session_has_answers`)."""
    info = await _organizers_session(request)
    body = parse_model(EditQuestionsRequest, await read_json(request))
    questions = _questions(body.questions)
    await request.state.store.replace_questions(info.id, body.title, questions)
    changed = {q.id for q in info.questions} | {q.id for q in questions}
    await request.state.hub.questions_replaced(info.id, sorted(changed))
    updated = await request.state.store.session(info.id)
    return JSONResponse(session_json(updated, request.state.settings.base_url))


async def control(request: Request) -> JSONResponse:
    info = await _session(request)
    body = parse_model(ControlRequest, await read_json(request))
    hub = request.state.hub
    if body.action == "split" and body.question is not None:
        segments.check_splittable(info, body.question)
    await request.state.store.control(info.id, body.action, body.question, body.seconds)
    await hub.session_changed(info.id, [body.question] if body.question else [])
    updated = await request.state.store.session(info.id)
    shown = session_json(updated, request.state.settings.base_url)
    for question in shown["questions"]:
        if question["id"] == body.question:  # start, restart or forget its countdown timer
            hub.follow_countdown(info.id, question["id"], question["seconds_left"])
    return JSONResponse(shown)


async def settings(request: Request) -> JSONResponse:
    """Change a running session's settings; its screens and phones redraw at once."""
    info = await _session(request)
    body = parse_model(SettingsRequest, await read_json(request))
    if body.profanity_filter is not None:
        await request.state.store.set_profanity_filter(info.id, body.profanity_filter)
    if body.min_group is not None:
        await request.state.store.set_min_group(info.id, body.min_group)
    await request.state.hub.session_changed(info.id, [q.id for q in info.questions])
    updated = await request.state.store.session(info.id)
    return JSONResponse(session_json(updated, request.state.settings.base_url))


async def moderate(request: Request) -> JSONResponse:
    info = await _session(request)
    body = parse_model(ModerationRequest, await read_json(request))
    changes = Moderation(body.hidden, body.answered, body.approved)
    question_id = await request.state.store.moderate(info.id, int(body.item), changes)
    request.state.hub.answered(info.id, question_id)
    return JSONResponse({"status": "ok"})


async def results(request: Request) -> JSONResponse:
    """All results, or with `?segment=QID` split by the answers to a segment question."""
    info = await _session(request)
    segment = request.query_params.get("segment")
    if segment is not None:
        q = segments.segment_question(info, segment)
        split = await request.state.store.segment_results(info.id, q.id)
        return JSONResponse(segments.split_json(q, split))
    found = await request.state.store.results(info.id)
    return JSONResponse({"questions": results_json(found)})


BRIEF_FORMATS = ("md", "json", "html", "pdf")


async def brief_document(request: Request) -> Response:
    """`GET /api/sessions/{id}/brief?format=md|json|html|pdf&paper=a4|letter`: the
    performance brief so far; `html` is the printable page and `pdf` that same page."""
    info = await _session(request)
    fmt = _format(request, BRIEF_FORMATS)
    paper = _paper(request)
    found = await workspace.gather(request.state.store, info)
    document = brief.build(info, found.results, found.split, found.details, found.insights)
    if fmt == "json":
        return JSONResponse(document.json())
    labels = brief.statement_labels(info)
    if fmt == "md":
        text = brief.to_markdown(document, labels)
        return Response(text, media_type="text/markdown; charset=utf-8")
    from .pages import render  # pages imports this module: imported when first used

    drawn = brief_render.draw(info, document, found.results, labels)
    context = {"brief": document, "labels": labels, "charts": drawn, "paper": paper}
    page = render(request, "brief.html", context)
    if fmt == "html":
        return page
    return await _pdf_download(request, info.title, page)


async def _pdf_download(request: Request, title: str, page: Response) -> Response:
    """The printable page as a PDF file to save (the same HTML, drawn by the server)."""
    body = await brief_render.pdf(bytes(page.body).decode(), request.state.pdf_renders)
    disposition = f'attachment; filename="{brief_render.filename(title, "pdf")}"'
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": disposition}
    )


def _paper(request: Request) -> str:
    paper = request.query_params.get("paper", brief_render.PAPERS[0])
    if paper not in brief_render.PAPERS:
        choices = ", ".join(brief_render.PAPERS)
        raise InvalidRequest(f"paper must be one of {choices}, got {paper[:16]!r}")
    return paper


async def join(request: Request) -> JSONResponse:
    code = request.path_params["code"]
    session_id = await rooms.find_live_session(request, code)
    if session_id is None:
        raise NotFound(f"no live session has the code {code[:16]!r}")
    token, _ = await rooms.join(request, session_id)
    response = JSONResponse({"session": session_id})
    auth.set_participant_cookie(response, token, request.state.settings.base_url)
    return response


async def answer(request: Request) -> JSONResponse:
    session_id = request.path_params["session_id"]
    store, desk = request.state.store, request.state.desk
    participant_id = await auth.require_participant(request, store, session_id)
    body = parse_answer(AnswerRequest, await read_json(request))
    prepared = await desk.prepare(session_id, participant_id, body)
    recorded = await desk.record(prepared)
    reply: dict[str, str] = {"status": recorded.value}
    if isinstance(recorded, Posted):
        reply["item"] = recorded.item  # a Q&A post's id, so that its phone knows it
    return JSONResponse(reply, status_code=201 if recorded.value == "accepted" else 200)


async def export_results(request: Request) -> Response:
    info = await _session(request)
    fmt = _format(request, export.FORMATS)
    rows = await request.state.store.export_rows(info.id)
    # The workbook's summary shows the numbers the presenter screen shows, from the store
    results = await request.state.store.results(info.id) if fmt == "xlsx" else None
    insights = [asdict(i) for i in (await workspace.gather(request.state.store, info)).insights]
    return await export.respond(info, rows, fmt, results, insights)
