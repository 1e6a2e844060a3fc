"""The organizer's pages: the session list, one page per session, and the question editor.

Each page works from what the server renders; its script (static/js/console*.js) adds live
counts and results, and sends changes through the JSON API with the sign-in cookie."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from . import auth
from .api import all_templates
from .api_insights import details_json
from .kinds import KINDS, question_spec
from .pages import NO_STORE, render
from .sections import SECTIONS
from .store import SessionInfo, SessionSummary
from .surveys import Survey
from .views import join_url

SCREEN_PATH = "/screen/{session_id}"  # the audience screen, where the app has one


def _signed_out(request: Request) -> Response | None:
    if auth.is_organizer(request):
        return None
    return render(request, "signed_out.html", {}, status=401, headers=NO_STORE)


def _draft(title: str, mode: str, questions: list[dict[str, Any]], **extra: Any) -> Any:
    """What a page's script starts from. The templates write it as a JSON data block with
    Jinja's `tojson`, which escapes `<`, `>` and `&`: no question text can close it."""
    return {
        "title": title,
        "mode": mode,
        "questions": questions,
        "sections": list(SECTIONS),  # what a question's brief tag may name
        **extra,
    }


def _has_screen(request: Request) -> bool:
    """Whether this build has the separate audience screen (it comes with `/screen`)."""
    return any(getattr(route, "path", None) == SCREEN_PATH for route in request.app.routes)


async def session_list(request: Request) -> Response:
    """`/console`: templates (shipped and saved) and every session, filterable."""
    if (refusal := _signed_out(request)) is not None:
        return refusal
    surveys = sorted((await all_templates(request)).values(), key=lambda s: s.title.lower())
    sessions = await request.state.store.sessions()
    state = request.query_params.get("state", "")
    query = request.query_params.get("q", "")[:200]
    visible = {s.id for s in sessions if _matches(s, state, query)}
    return render(
        request,
        "console.html",
        {
            "surveys": surveys,
            "sessions": sessions,
            "visible": visible,
            "state": state,
            "query": query,
        },
        headers=NO_STORE,
    )


def _matches(summary: SessionSummary, state: str, query: str) -> bool:
    """The filter of the list (the page's script applies the same one as you type)."""
    in_state = not state or summary.state == state
    return in_state and query.casefold() in summary.title.casefold()


async def _session_and_counts(
    request: Request,
) -> tuple[SessionInfo, SessionSummary] | Response:
    session_id = request.path_params["session_id"]
    info = await request.state.store.session(session_id)
    summary = await request.state.store.summary(session_id)
    if info is None or summary is None:
        return render(request, "console_missing.html", {}, status=404, headers=NO_STORE)
    return info, summary


async def session_page(request: Request) -> Response:
    """`/console/sessions/{id}`: everything about one session on one page."""
    if (refusal := _signed_out(request)) is not None:
        return refusal
    found = await _session_and_counts(request)
    if isinstance(found, Response):
        return found
    info, summary = found
    specs = [question_spec(q) for q in info.questions]
    return render(
        request,
        "console_session.html",
        {
            "session": info,
            "summary": summary,
            "join_url": join_url(request.state.settings.base_url, info.code),
            "screen_url": SCREEN_PATH.format(session_id=info.id) if _has_screen(request) else None,
            "draft": _draft(info.title, info.mode, specs, profanity_filter=info.profanity_filter),
        },
        headers=NO_STORE,
    )


async def brief_workspace(request: Request) -> Response:
    """`/console/sessions/{id}/brief`: the brief's details and insights to curate, beside
    a live preview of the brief itself."""
    if (refusal := _signed_out(request)) is not None:
        return refusal
    found = await _session_and_counts(request)
    if isinstance(found, Response):
        return found
    info, _ = found
    saved = details_json(*await request.state.store.brief_details(info.id))
    return render(
        request,
        "console_brief.html",
        {"session": info, "details": saved["details"], "sections": list(SECTIONS)},
        headers=NO_STORE,
    )


def _editor(request: Request, draft: Any, session: SessionInfo | None = None) -> Response:
    return render(
        request,
        "console_editor.html",
        {"session": session, "draft": draft, "kinds": list(KINDS)},
        headers=NO_STORE,
    )


async def new_session(request: Request) -> Response:
    """`/console/new`: the editor for a new session, empty or from `?template=`."""
    if (refusal := _signed_out(request)) is not None:
        return refusal
    template_id = request.query_params.get("template")
    survey: Survey | None = (await all_templates(request)).get(template_id or "")
    if survey is None:
        return _editor(request, _draft("", "presenter", [], reveal="on_reveal"))
    specs = [question_spec(q) for q in survey.questions]
    return _editor(request, _draft(survey.title, survey.mode, specs, reveal=survey.reveal))


async def edit_session(request: Request) -> Response:
    """`/console/sessions/{id}/edit`: the editor for a session's questions; once the
    session has answers the page says why they can no longer change."""
    if (refusal := _signed_out(request)) is not None:
        return refusal
    found = await _session_and_counts(request)
    if isinstance(found, Response):
        return found
    info, summary = found
    if summary.answers or info.state == "ended":
        return render(
            request,
            "console_locked.html",
            {"session": info, "ended": info.state == "ended"},
            status=409,
            headers=NO_STORE,
        )
    specs = [question_spec(q) for q in info.questions]
    return _editor(request, _draft(info.title, info.mode, specs, reveal=info.reveal), info)


def routes() -> list[BaseRoute]:
    return [
        Route("/console", session_list),
        Route("/console/new", new_session),
        Route("/console/sessions/{session_id}", session_page),
        Route("/console/sessions/{session_id}/edit", edit_session),
        Route("/console/sessions/{session_id}/brief", brief_workspace),
    ]
