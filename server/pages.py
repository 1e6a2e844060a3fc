"""HTML pages (Jinja2, autoescape on): start page, phone, presenter screen, console."""

from __future__ import annotations

import asyncio
import hmac
import io
import re
from typing import Any
from urllib.parse import urlsplit

import qrcode
import qrcode.constants
import qrcode.image.svg
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from . import auth, i18n
from .api import set_participant_cookie
from .errors import Forbidden
from .views import join_url

LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
_CODE_NOISE = re.compile(r"[\s.-]")
_CODE_SHAPE = re.compile(r"^[0-9A-Za-z]{1,16}$")
NO_STORE = {"Cache-Control": "no-store"}


def render(request: Request, name: str, context: dict[str, Any], status: int = 200,
           headers: dict[str, str] | None = None) -> Response:
    """A page in the reader's language; a language picked in a switcher is remembered."""
    locale = i18n.negotiate(request)
    response = i18n.templates(locale).TemplateResponse(
        request, name, {"lang": locale, "languages": i18n.language_names(),
                        "messages": i18n.script_catalog(locale), **context},
        status_code=status, headers=headers)
    if i18n.requested_locale(request):
        response.set_cookie(i18n.LANG_COOKIE, locale, max_age=LANG_COOKIE_MAX_AGE,
                            samesite="lax", path="/")
    return response


def clean_code(raw: str) -> str:
    """What people type: '123 456' or '123-456' is the code 123456."""
    return _CODE_NOISE.sub("", raw)[:32]


def display_host(base_url: str) -> str:
    """The join address as people type it: no scheme, no trailing slash."""
    parts = urlsplit(base_url)
    return f"{parts.netloc}{parts.path}".rstrip("/")


def spaced_code(code: str) -> str:
    """123456 reads better from the back row as 123 456."""
    return " ".join(code[i:i + 3] for i in range(0, len(code), 3))


# -- participants ---------------------------------------------------------------------------
async def start(request: Request) -> Response:
    """`/` and `/join`: a form for the code; `?code=` goes to the session when it is live."""
    raw = request.query_params.get("code")
    if raw is None:
        return render(request, "start.html", {"code": "", "problem": None})
    code = clean_code(raw)
    if _CODE_SHAPE.match(code) and await request.state.store.live_session_by_code(code):
        return RedirectResponse(f"/j/{code}", status_code=303)
    return render(request, "start.html", {"code": raw[:32], "problem": "unknown"}, status=404)


async def phone(request: Request) -> Response:
    """`/j/{code}`: joins anonymously (sets the participant cookie) and shows the session."""
    code = clean_code(request.path_params["code"])
    store = request.state.store
    session_id = await store.live_session_by_code(code) if _CODE_SHAPE.match(code) else None
    if session_id is None:
        return render(request, "start.html", {"code": code, "problem": "unknown"}, status=404)
    token = auth.participant_token(request) or auth.new_token()
    await store.join(session_id, auth.token_hash(token))
    info = await store.session(session_id)
    response = render(request, "phone.html", {"session": info, "code": code},
                      headers=NO_STORE)
    set_participant_cookie(response, token, request.state.settings.base_url)
    return response


# -- presenters -----------------------------------------------------------------------------
async def present(request: Request) -> Response:
    """`/present/{id}`: a `?key=` link signs this browser in as the session's presenter."""
    session_id = request.path_params["session_id"]
    store = request.state.store
    key = request.query_params.get("key")
    if key is not None and await store.presenter_key_matches(session_id, key):
        allowed = [s for s in request.session.get("presenter", []) if s != session_id]
        request.session["presenter"] = [*allowed[-49:], session_id]
        return RedirectResponse(request.url.remove_query_params("key"), status_code=303)
    info = await store.session(session_id) if await auth.is_presenter(
        request, store, session_id) else None
    if info is None:
        return render(request, "forbidden.html", {}, status=403, headers=NO_STORE)
    base = request.state.settings.base_url
    return render(request, "presenter.html", {
        "session": info, "join_url": join_url(base, info.code),
        "join_host": display_host(base), "spaced_code": spaced_code(info.code),
        "organizer": auth.is_organizer(request)}, headers=NO_STORE)


def qr_svg(data: str) -> bytes:
    """A QR code as SVG: ECC M, the standard quiet zone of 4, dark on white."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
                         image_factory=qrcode.image.svg.SvgPathFillImage)
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
    return Response(svg, media_type="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=3600"})


# -- organizers -----------------------------------------------------------------------------
async def sign_in(request: Request) -> Response:
    """The organizer's link from `trifecta serve`: sets the signed session cookie."""
    token = request.query_params.get("token", "")
    if not hmac.compare_digest(token.encode(), request.state.admin_token.encode()):
        raise Forbidden("this sign-in link is not valid; use the one `trifecta serve` printed")
    request.session["organizer"] = True
    return RedirectResponse("/console", status_code=303)


async def console(request: Request) -> Response:
    """`/console`: templates and sessions for a signed-in organizer."""
    if not auth.is_organizer(request):
        return render(request, "signed_out.html", {}, status=401, headers=NO_STORE)
    surveys = sorted(request.state.surveys.values(), key=lambda s: s.title.lower())
    sessions = await request.state.store.sessions()
    return render(request, "console.html", {"surveys": surveys, "sessions": sessions},
                  headers=NO_STORE)


def routes() -> list[BaseRoute]:
    return [
        Route("/", start),
        Route("/join", start),
        Route("/j/{code}", phone),
        Route("/present/{session_id}", present),
        Route("/present/{session_id}/qr.svg", join_qr),
        Route("/signin", sign_in),
        Route("/console", console),
    ]
