"""Middleware: host and cross-site checks, security headers, signed organizer sessions."""

from __future__ import annotations

import ipaddress
import json
import re
from urllib.parse import urlsplit

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import Forbidden, InvalidHost, InvalidRequest, TrifectaError, UnsupportedMediaType

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
# The brief's document is shown beside its workspace in the console, in a frame of our
# own origin; every other page refuses to be framed (clickjacking).
_FRAMED_BY_US = re.compile(r"^/api/sessions/[^/]+/brief$")
FRAMED_HEADERS = [
    (
        b"content-security-policy",
        CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'").encode(),
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"SAMEORIGIN"),
]
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_WITH_BODY = {"POST", "PUT", "PATCH"}
_SESSIONLESS = ("/ws/session/", "/static/")
_ANY_HOST = ("/healthz", "/livez")  # load balancers probe these by any name
_NO_STORE = (b"cache-control", b"no-store")


def allowed_host_names(base_url: str, listen_host: str) -> frozenset[str]:
    """The names a browser may call us by: the public URL's, the listen address's, and
    localhost. Any IP address is allowed too (see host_allowed)."""
    names = {"localhost", (urlsplit(base_url).hostname or "").lower()}
    if not _is_address(listen_host.strip("[]")):
        names.add(listen_host.lower())
    return frozenset(names - {""})


def host_allowed(header: str, names: frozenset[str]) -> bool:
    """DNS rebinding needs a name that the attacker controls and points at us; a request
    by IP address, or by one of our own names, cannot be one."""
    try:
        hostname = urlsplit("//" + header).hostname
    except ValueError:
        return False
    return hostname is not None and (_is_address(hostname) or hostname in names)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _media_type(headers: dict[bytes, bytes]) -> str:
    return headers.get(b"content-type", b"").split(b";")[0].strip().decode("latin-1").lower()


class SecurityHeaders:
    """The rules every request meets first, and the headers every response gets:
    - the Host is one of ours (no DNS rebinding), on pages, API and sockets;
    - an unsafe request a browser marks as sent from another site is refused (Fetch
      Metadata, the modern form of CSRF protection);
    - an unsafe API request is JSON (a cross-site form cannot send it without CORS);
    - nothing but static files is cached: results, exports and keys stay off disks."""

    def __init__(self, app: ASGIApp, host_names: frozenset[str]) -> None:
        self.app, self.host_names = app, host_names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _refuse(scope, send, refusal)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith("/static/")
        framed = _FRAMED_BY_US.match(scope["path"]) is not None

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(FRAMED_HEADERS if framed else HEADERS)
                if not cacheable and not any(
                    k.lower() == b"cache-control" for k, _ in message.get("headers", [])
                ):
                    extra.append(_NO_STORE)
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope, headers: dict[bytes, bytes]) -> TrifectaError | None:
        path: str = scope["path"]
        if "\x00" in path or b"%00" in scope.get("query_string", b""):
            # no id, code or name has one, and PostgreSQL refuses it in a lookup: one
            # answer on every store, before anything reads the database
            return InvalidRequest("the address may not contain the NUL character (%00)")
        host = headers.get(b"host", b"").decode("latin-1")
        if not path.startswith(_ANY_HOST) and not host_allowed(host, self.host_names):
            return InvalidHost(
                f"this server does not answer to the name {host[:64]!r}; use its public address"
            )
        if scope["type"] == "websocket" or scope["method"] not in _UNSAFE:
            return None
        if headers.get(b"sec-fetch-site") == b"cross-site":
            return Forbidden("cross-site requests are refused")
        if (
            path.startswith("/api/")
            and scope["method"] in _WITH_BODY
            and _media_type(headers) != "application/json"
        ):
            return UnsupportedMediaType(
                "send the body as JSON, with Content-Type: application/json"
            )
        return None


async def _refuse(scope: Scope, send: Send, error: TrifectaError) -> None:
    if scope["type"] == "websocket":  # before the handshake: the client gets an HTTP 403
        await send({"type": "websocket.close", "code": 4403, "reason": error.code})
        return
    body = json.dumps(error.as_json()).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [(b"content-type", b"application/json"), _NO_STORE, *HEADERS],
        }
    )
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
            self._inner = SessionMiddleware(
                self.app,
                secret_key=secret,
                session_cookie="trifecta_session",
                same_site="lax",
                https_only=self.https_only,
                max_age=14 * 24 * 3600,
            )
        await self._inner(scope, receive, send)
