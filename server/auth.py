"""Secrets and identities: admin token, presenter keys, organizer sign-in, participant cookie."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from starlette.requests import HTTPConnection
from starlette.responses import Response

from .errors import Forbidden, NotJoined, Unauthorized
from .store import Store

PARTICIPANT_COOKIE = "trifecta_pid"
COOKIE_MAX_AGE = 60 * 60 * 24 * 30
_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def new_token() -> str:
    """A random secret of 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def bearer(conn: HTTPConnection) -> str | None:
    header = conn.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def is_admin_token(conn: HTTPConnection, token: str | None) -> bool:
    expected: str = conn.state.admin_token
    return token is not None and hmac.compare_digest(token.encode(), expected.encode())


def organizer_mark(conn: HTTPConnection) -> str:
    """What a signed-in organizer's cookie holds: a digest of the current admin token, so
    that changing the token signs every organizer browser out."""
    return hashlib.sha256(b"trifecta organizer " + conn.state.admin_token.encode()).hexdigest()


def is_organizer(conn: HTTPConnection) -> bool:
    if is_admin_token(conn, bearer(conn)):
        return True
    if "session" not in conn.scope:
        return False
    mark = conn.session.get("organizer")
    return isinstance(mark, str) and hmac.compare_digest(mark, organizer_mark(conn))


def require_organizer(conn: HTTPConnection) -> None:
    if is_organizer(conn):
        return
    if bearer(conn) is None:
        raise Unauthorized("sign in with the organizer token (Authorization: Bearer ...)")
    raise Forbidden("this token is not the organizer token")


async def is_presenter(conn: HTTPConnection, store: Store, session_id: str) -> bool:
    if is_organizer(conn):
        return True
    token = bearer(conn)
    if token is not None and await store.presenter_key_matches(session_id, token):
        return True
    allowed = conn.session.get("presenter", []) if "session" in conn.scope else []
    return session_id in allowed


async def require_presenter(conn: HTTPConnection, store: Store, session_id: str) -> None:
    """Refuse without revealing whether the session exists."""
    if await is_presenter(conn, store, session_id):
        return
    if bearer(conn) is None:
        raise Unauthorized("this needs the session's presenter key or the organizer token")
    raise Forbidden("this key does not open this session")


def participant_token(conn: HTTPConnection) -> str | None:
    token = conn.cookies.get(PARTICIPANT_COOKIE)
    return token if token and _TOKEN_PATTERN.match(token) else None


async def participant_id(conn: HTTPConnection, store: Store, session_id: str) -> int | None:
    """The participant this cookie is in this session, or None (no cookie, not joined)."""
    token = participant_token(conn)
    return await store.participant(session_id, token_hash(token)) if token else None


async def require_participant(conn: HTTPConnection, store: Store, session_id: str) -> int:
    if participant_token(conn) is None:
        raise NotJoined("join the session first (POST /api/join/{code} sets the cookie)")
    found = await participant_id(conn, store, session_id)
    if found is None:
        raise NotJoined("join this session first (POST /api/join/{code})")
    return found


def set_participant_cookie(response: Response, token: str, base_url: str) -> None:
    response.set_cookie(
        PARTICIPANT_COOKIE,
        token,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=base_url.startswith("https://"),
        path="/",
    )
