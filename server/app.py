"""The application: routes, lifespan, middleware and error handlers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.exc import DataError, DBAPIError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from . import api, api_insights, brief_render, console, interviews, openapi, pages, sockets
from .answering import AnswerDesk
from .auth import new_token
from .broker import open_broker
from .config import ROOT, Settings
from .errors import InvalidRequest, StoreUnavailable, TrifectaError
from .hub import Hub
from .reactions import ReactionDesk
from .rooms import Doorman
from .security import SecurityHeaders, SignedSessions, allowed_host_names
from .store import Store, open_store
from .surveys import load_surveys

log = logging.getLogger(__name__)


async def load_secrets(store: Store, settings: Settings) -> tuple[str, str]:
    """The admin token (the setting, else the one kept with the data) and the cookie key."""
    admin = settings.admin_token or await store.setting("admin_token", new_token())
    return admin, await store.setting("cookie_secret", new_token())


def routes() -> list[BaseRoute]:
    sid = "/api/sessions/{session_id}"
    return [
        Route("/healthz", api.health),
        Route("/livez", lambda _: JSONResponse({"status": "ok"})),
        Route("/api/openapi.json", openapi.endpoint),
        Route("/api/templates", api.templates, methods=["GET", "POST"]),
        Route("/api/templates/import", api.import_template, methods=["POST"]),
        Route("/api/templates/{template_id}/export", api.export_template),
        Route("/api/sessions", api.sessions, methods=["GET", "POST"]),
        Route(sid, api.session_resource, methods=["GET", "DELETE"]),
        Route(f"{sid}/questions", api.edit_questions, methods=["PUT"]),
        Route(f"{sid}/control", api.control, methods=["POST"]),
        Route(f"{sid}/moderation", api.moderate, methods=["POST"]),
        Route(f"{sid}/settings", api.settings, methods=["POST"]),
        Route(f"{sid}/results", api.results),
        Route(f"{sid}/brief", api.brief_document),
        Route(f"{sid}/brief/details", api_insights.brief_details, methods=["GET", "PUT"]),
        Route(f"{sid}/insights", api_insights.insight_list, methods=["GET", "POST"]),
        Route(f"{sid}/insights/{{insight_id:int}}", api_insights.edit_insight, methods=["PATCH"]),
        Route(f"{sid}/insights/{{insight_id:int}}/history", api_insights.insight_history),
        Route(f"{sid}/responses", api.answer, methods=["POST"]),
        Route(f"{sid}/export", api.export_results),
        *interviews.routes(),
        Route("/api/join/{code}", api.join, methods=["POST"]),
        WebSocketRoute("/ws/session/{code}", sockets.participant_socket),
        WebSocketRoute("/ws/present/{session_id}", sockets.presenter_socket),
        *pages.routes(),
        *console.routes(),
        Mount("/static", StaticFiles(directory=ROOT / "static", check_dir=False), name="static"),
    ]


async def trifecta_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TrifectaError)
    return JSONResponse(exc.as_json(), status_code=exc.status, headers=exc.headers())


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    body = {"error": {"code": codes.get(exc.status_code, "bad_request"), "message": exc.detail}}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def store_away(request: Request, exc: Exception) -> Response:
    """The database did not answer: a 503 that says so, not a bug's 500. A value it cannot
    take at all (a NUL character in a path, say, which PostgreSQL refuses) is the
    request's fault: a 400."""
    if isinstance(exc, DataError):
        refused = InvalidRequest("the request holds a value the database cannot take")
        return await trifecta_error(request, refused)
    log.warning("the store did not answer %s %s: %s", request.method, request.url.path, exc)
    return await trifecta_error(request, StoreUnavailable("the database did not answer; try again"))


async def internal_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    body = {"error": {"code": "internal_error", "message": "something went wrong on our side"}}
    return JSONResponse(body, status_code=500)


def create_app(settings: Settings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        store, broker = open_store(settings.database_url), open_broker(settings.redis_url)
        await store.open()
        await broker.open()
        admin_token, cookie_secret = await load_secrets(store, settings)
        app.state.cookie_secret = cookie_secret
        surveys, _problems = load_surveys(settings.templates_dir)
        hub = Hub(store, broker, settings.base_url)
        hub_task = asyncio.create_task(hub.run(), name="hub")  # owned by this lifespan
        try:
            yield {
                "settings": settings,
                "store": store,
                "broker": broker,
                "hub": hub,
                "desk": AnswerDesk(store, hub),
                "reactions": ReactionDesk(store, hub),
                "surveys": surveys,
                "admin_token": admin_token,
                "doorman": Doorman(settings.code_misses, settings.joins_per_minute),
                "pdf_renders": brief_render.render_limiter(),
            }
        finally:
            hub_task.cancel()
            await asyncio.gather(hub_task, return_exceptions=True)
            await broker.close()
            await store.close()

    return Starlette(
        routes=routes(),
        lifespan=lifespan,
        middleware=[
            Middleware(
                SecurityHeaders, host_names=allowed_host_names(settings.base_url, settings.host)
            ),
            Middleware(GZipMiddleware, minimum_size=1024),
            Middleware(SignedSessions, https_only=settings.base_url.startswith("https")),
        ],
        exception_handlers={
            TrifectaError: trifecta_error,
            HTTPException: http_error,
            DBAPIError: store_away,
            Exception: internal_error,
        },
    )


def create_app_from_env() -> Starlette:
    """For uvicorn's worker processes: the CLI passed the settings as TRIFECTA_* variables."""
    from .cli import settings_from_env

    return create_app(settings_from_env(os.environ))
