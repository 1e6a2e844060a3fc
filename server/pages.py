"""HTML pages (Jinja2, autoescape on): start page, phone, facilitator's view, audience
screen, sign-in. The organizer's own pages are in `console.py`."""

from __future__ import annotations

import asyncio
import hmac
import io
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import qrcode
import qrcode.constants
import qrcode.image.svg
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from . import auth, i18n, rooms
from .api import read_body
from .errors import Forbidden, InterviewSession, InvalidRequest, RateLimited, TrifectaError
from .kinds import form_value, item_rules
from .models import AnswerRequest, parse_answer
from .reactions import REACTION_EMOJI
from .store import SessionInfo
from .surveys import is_interview
from .views import join_url, phone_questions, phone_result_ids, phone_results

LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
NO_STORE = {"Cache-Control": "no-store"}
FORM_LIMIT = 16 * 1024  # a story of 1,000 characters, percent-encoded, fits with room
FORM_FIELDS = 64


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A page in the reader's language; a language picked in a switcher is remembered."""
    locale = i18n.negotiate(request)
    response = i18n.templates(locale).TemplateResponse(
        request,
        name,
        {
            "lang": locale,
            "languages": i18n.language_names(),
            "messages": i18n.script_catalog(locale),
            **context,
        },
        status_code=status,
        headers=headers,
    )
    if i18n.requested_locale(request):
        response.set_cookie(
            i18n.LANG_COOKIE, locale, max_age=LANG_COOKIE_MAX_AGE, samesite="lax", path="/"
        )
    return response


def display_host(base_url: str) -> str:
    """The join address as people type it: no scheme, no trailing slash."""
    parts = urlsplit(base_url)
    return f"{parts.netloc}{parts.path}".rstrip("/")


def spaced_code(code: str) -> str:
    """123456 reads better from the back row as 123 456."""
    return " ".join(code[i : i + 3] for i in range(0, len(code), 3))


# -- participants ---------------------------------------------------------------------------
async def start(request: Request) -> Response:
    """`/` and `/join`: a form for the code; `?code=` goes to the session when it is live."""
    raw = request.query_params.get("code")
    if raw is None:
        return render(request, "start.html", {"code": "", "problem": None})
    code = rooms.clean_code(raw)
    try:
        if await rooms.find_live_session(request, code):
            return RedirectResponse(f"/j/{code}", status_code=303)
    except (RateLimited, InterviewSession) as e:
        return _refused_code(request, code, e)
    return await _no_live_session(request, code)


def _refused_code(request: Request, code: str, problem: RateLimited | InterviewSession) -> Response:
    """The start page saying why the code opens nothing: too many wrong codes were tried,
    or it is an interview's (nobody joins those)."""
    wait = problem.retry_after if isinstance(problem, RateLimited) else None
    return render(
        request,
        "start.html",
        {"code": code, "problem": problem.code, "wait": wait},
        status=problem.status,
        headers=problem.headers(),
    )


async def _no_live_session(request: Request, code: str) -> Response:
    """A code that is unknown, or whose session has ended: only a phone that took part
    is told it ended (a reload after the end); anyone else sees an unknown code."""
    if await rooms.ended_for_this_phone(request, code):
        return render(
            request, "start.html", {"code": code, "problem": "ended"}, status=410, headers=NO_STORE
        )
    return render(
        request, "start.html", {"code": code, "problem": "unknown"}, status=404, headers=NO_STORE
    )


async def _live_session_or_page(request: Request) -> tuple[str, str | Response]:
    """The code in the path and its live session, or the page to show instead."""
    code = rooms.clean_code(request.path_params["code"])
    try:
        found = await rooms.find_live_session(request, code)
    except (RateLimited, InterviewSession) as e:
        return code, _refused_code(request, code, e)
    return code, found if found is not None else await _no_live_session(request, code)


async def phone(request: Request) -> Response:
    """`/j/{code}`: the session and its open question(s) as plain forms that work without
    JavaScript. Looking creates nothing: a participant is made when the page's script
    joins, or when a form is sent (a GET may be a link preview or a crawler)."""
    code, found = await _live_session_or_page(request)
    if isinstance(found, Response):
        return found
    saved = request.query_params.get("saved") == "1"
    return await _phone_page(request, code, found, saved=saved)


async def _phone_page(
    request: Request,
    code: str,
    session_id: str,
    *,
    saved: bool = False,
    problem: TrifectaError | None = None,
    draft: dict[str, Any] | None = None,
) -> Response:
    store = request.state.store
    participant_id = await auth.participant_id(request, store, session_id)
    info = await store.session(session_id)
    answers = await store.answers_of(session_id, participant_id) if participant_id else {}
    stored = set(answers)  # answered before: the button offers to update, not to send
    if draft:
        answers = {**answers, **draft}
    shown = phone_result_ids(info)
    results = phone_results(info, await store.results(session_id, shown)) if shown else []
    return render(
        request,
        "phone.html",
        {
            "session": info,
            "code": code,
            "forms": phone_forms(info, answers, {r["id"]: r for r in results}, stored),
            "joined": participant_id is not None,
            "saved": saved,
            "problem": problem.code if problem else None,
            "problem_question": next(iter(draft), None) if draft else None,
            "reactions": REACTION_EMOJI,
        },
        status=problem.status if problem else 200,
        headers=NO_STORE,
    )


def phone_forms(
    info: SessionInfo, answers: dict[str, Any], shared: dict[str, Any], stored: set[str]
) -> list[dict[str, Any]]:
    """The questions a phone may see now, each with its state, the participant's answer,
    the results the room may see, and a fresh answer id: submitting the same form twice
    stores the answer once."""
    return [
        {
            "q": q,
            "state": info.question_states[q.id].state,
            "value": answers.get(q.id),
            "stored": q.id in stored,
            "shared": shared.get(q.id),
            "itemized": item_rules(q) is not None,
            "answer_id": str(uuid.uuid4()),
        }
        for q in phone_questions(info)
    ]


async def read_form(request: Request) -> dict[str, list[str]]:
    """An urlencoded form of at most FORM_LIMIT bytes, each name with its values."""
    body = await read_body(request, FORM_LIMIT, "form")
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            max_num_fields=FORM_FIELDS,
            strict_parsing=False,
        )
    except (UnicodeDecodeError, ValueError):
        raise InvalidRequest("the form could not be read") from None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


def _same_origin(request: Request) -> bool:
    """A form posted from our own page. With `Referrer-Policy: no-referrer` browsers send
    `Origin: null` even then, so Fetch Metadata decides first (the cookie is SameSite=Lax too)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    allowed = {urlsplit(request.state.settings.base_url).netloc, request.headers.get("host", "")}
    return urlsplit(origin).netloc in allowed


async def answer_form(request: Request) -> Response:
    """`POST /j/{code}/answer`: the phone page's form, for browsers without JavaScript.
    Sending it joins (with intent) and answers on the same path as the API; then back to
    the page (303), or the page with the problem."""
    code, found = await _live_session_or_page(request)
    if isinstance(found, Response):
        return found
    if not _same_origin(request):
        raise Forbidden("answers are sent from the session's own page")
    session_id, desk = found, request.state.desk
    draft: dict[str, Any] = {}
    token: str | None = None
    try:
        fields = await read_form(request)
        question_id = (fields.get("question") or [""])[0]
        question = (await desk.questions(session_id)).get(question_id)
        value = form_value(question, fields) if question else None
        if question is not None:
            draft = {question.id: value}
        body = parse_answer(
            AnswerRequest,
            {"id": (fields.get("id") or [""])[0], "question": question_id, "value": value},
        )
        token, participant_id = await rooms.join(request, session_id)
        await desk.record(await desk.prepare(session_id, participant_id, body))
        response: Response = RedirectResponse(f"/j/{code}?saved=1", status_code=303)
    except TrifectaError as problem:
        response = await _phone_page(request, code, session_id, problem=problem, draft=draft)
    if token is not None:  # joined now, even if the answer was refused: keep who this is
        auth.set_participant_cookie(response, token, request.state.settings.base_url)
    return response


# -- presenters -----------------------------------------------------------------------------
async def present(request: Request) -> Response:
    """`/present/{id}`: the facilitator's view, on the laptop: controls, the live result,
    the next question, moderation. A `?key=` link signs this browser in as the presenter."""
    return await _presenter_page(request, "presenter.html")


async def screen(request: Request) -> Response:
    """`/screen/{id}`: the audience screen, on the projector: the content and nothing else,
    following the facilitator's view live. It needs the same key or sign-in, so that the
    link (with `?key=`) can be opened on a second machine."""
    return await _presenter_page(request, "screen.html")


async def _presenter_page(request: Request, template: str) -> Response:
    session_id = request.path_params["session_id"]
    store = request.state.store
    key = request.query_params.get("key")
    if key is not None and await store.presenter_key_matches(session_id, key):
        allowed = [s for s in request.session.get("presenter", []) if s != session_id]
        request.session["presenter"] = [*allowed[-49:], session_id]
        return RedirectResponse(request.url.remove_query_params("key"), status_code=303)
    info = (
        await store.session(session_id)
        if await auth.is_presenter(request, store, session_id)
        else None
    )
    if info is None:
        return render(request, "forbidden.html", {}, status=403, headers=NO_STORE)
    base = request.state.settings.base_url
    return render(
        request,
        template,
        {
            "session": info,
            # the code and QR are not shown where they join nobody: an ended session, an
            # interview (the facilitator types its answers)
            "ended": info.state == "ended" or is_interview(info.mode),
            "join_url": join_url(base, info.code),
            "join_host": display_host(base),
            "spaced_code": spaced_code(info.code),
            "organizer": auth.is_organizer(request),
            "reactions": REACTION_EMOJI,
        },
        headers=NO_STORE,
    )


def qr_svg(data: str) -> bytes:
    """A QR code as SVG: ECC M, the standard quiet zone of 4, dark on white."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
        image_factory=qrcode.image.svg.SvgPathFillImage,
    )
    code.add_data(data)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()


async def join_qr(request: Request) -> Response:
    """The join URL of a session as a QR code (for its presenter screen)."""
    session_id = request.path_params["session_id"]
    store = request.state.store
    if not await auth.is_presenter(request, store, session_id):
        raise Forbidden("this needs the session's presenter key or the organizer sign-in")
    info = await store.session(session_id)
    if info is None:
        raise Forbidden("this needs the session's presenter key or the organizer sign-in")
    svg = await asyncio.to_thread(qr_svg, join_url(request.state.settings.base_url, info.code))
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"}
    )


# -- organizers -----------------------------------------------------------------------------
async def sign_in(request: Request) -> Response:
    """The organizer's link from `trifecta serve`: sets the signed session cookie."""
    token = request.query_params.get("token", "")
    if not hmac.compare_digest(token.encode(), request.state.admin_token.encode()):
        raise Forbidden("this sign-in link is not valid; use the one `trifecta serve` printed")
    request.session["organizer"] = auth.organizer_mark(request)
    return RedirectResponse("/console", status_code=303)


async def sign_out(request: Request) -> Response:
    """`POST /signout`: forgets the organizer and every presenter key of this browser."""
    request.session.clear()
    return RedirectResponse("/", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/", start),
        Route("/join", start),
        Route("/j/{code}", phone),
        Route("/j/{code}/answer", answer_form, methods=["POST"]),
        Route("/present/{session_id}", present),
        Route("/present/{session_id}/qr.svg", join_qr),
        Route("/screen/{session_id}", screen),
        Route("/signin", sign_in),
        Route("/signout", sign_out, methods=["POST"]),
    ]
