"""Middleware: security headers, cross-site request refusal, signed organizer sessions."""

from __future__ import annotations

import json

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_SESSIONLESS = ("/ws/session/", "/static/")


class SecurityHeaders:
    """Adds the headers to every response; refuses unsafe requests a browser marks as sent
    from another site (Fetch Metadata), the modern form of CSRF protection."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if scope["method"] in _UNSAFE and headers.get(b"sec-fetch-site") == b"cross-site":
            await _refuse(send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(send: Send) -> None:
    body = json.dumps({"error": {"code": "forbidden",
                                 "message": "cross-site requests are refused"}}).encode()
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"application/json"), *HEADERS]})
    await send({"type": "http.response.body", "body": body})


class SignedSessions:
    """Starlette's SessionMiddleware, built on first use with the secret kept in the store
    (the secret is only known once the lifespan opened the store)."""

    def __init__(self, app: ASGIApp, https_only: bool = False) -> None:
        self.app, self.https_only = app, https_only
        self._inner: SessionMiddleware | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" or scope["path"].startswith(_SESSIONLESS):
            await self.app(scope, receive, send)  # phones' sockets: no organizer session
            return
        if self._inner is None:
            secret = scope["app"].state.cookie_secret
            self._inner = SessionMiddleware(self.app, secret_key=secret,
                                            session_cookie="trifecta_session", same_site="lax",
                                            https_only=self.https_only, max_age=14 * 24 * 3600)
        await self._inner(scope, receive, send)
