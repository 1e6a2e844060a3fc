"""Finding a room by its join code, and joining it: the one owner of both rules.

A stranger can learn that a code is live only by trying it, so wrong codes are counted
per client and a client that tries too many waits (limits.MissLimiter). Joins themselves
are never counted: a room of hundreds of phones behind one NAT typing the right code
must not be slowed. New participants are limited per client only in bulk."""

from __future__ import annotations

import math
import re

from starlette.requests import HTTPConnection

from . import auth
from .errors import InterviewSession, RateLimited
from .limits import MissLimiter, TokenBuckets, client_key
from .store import Store

_CODE_NOISE = re.compile(r"[\s.-]")
_CODE_SHAPE = re.compile(r"^[0-9A-Za-z]{1,16}$")


class Doorman:
    """The per-worker limits of this module, opened with the app."""

    def __init__(self, code_misses_per_minute: int, joins_per_minute: int) -> None:
        self.misses = MissLimiter(code_misses_per_minute)
        self.joins = TokenBuckets(joins_per_minute / 60, joins_per_minute)
        self.join_interval = math.ceil(60 / joins_per_minute)  # seconds until the next one


def clean_code(raw: str) -> str:
    """What people type: '123 456' or '123-456' is the code 123456."""
    return _CODE_NOISE.sub("", raw)[:32]


async def find_live_session(conn: HTTPConnection, code: str) -> str | None:
    """The live session with this code, or None; a miss counts against the client.

    A client that has missed too often is refused (RateLimited) whatever it asks, so
    the refusal tells nothing about the code; only a phone that already joined the
    session it names gets through, so that a guesser behind a venue's NAT cannot stop
    that room's phones from reconnecting. An interview's code is refused (InterviewSession):
    nobody joins an interview, its facilitator records the answers."""
    doorman: Doorman = conn.state.doorman
    store: Store = conn.state.store
    key = client_key(conn)
    wait = doorman.misses.wait(key)
    found = await store.live_session_by_code(code) if _CODE_SHAPE.match(code) else None
    if wait > 0:
        if found is not None and await auth.participant_id(conn, store, found) is not None:
            return found
        raise RateLimited(
            f"too many wrong codes from this network; try again in {math.ceil(wait)} s",
            retry_after=math.ceil(wait),
        )
    shaped = _CODE_SHAPE.match(code) is not None
    if found is None and shaped and await store.live_interview_by_code(code) is not None:
        raise InterviewSession(
            "this code belongs to an interview: there is nothing to join, the facilitator "
            "records the answers"
        )
    if found is None:
        doorman.misses.miss(key)
    return found


async def ended_for_this_phone(conn: HTTPConnection, code: str) -> bool:
    """Whether this phone joined an ended session with this code (a reload after the end).
    To anyone else an ended code looks exactly like an unknown one."""
    token = auth.participant_token(conn)
    if token is None or not _CODE_SHAPE.match(code):
        return False
    store: Store = conn.state.store
    return await store.ended_session_joined(code, auth.token_hash(token))


async def join(conn: HTTPConnection, session_id: str) -> tuple[str, int]:
    """Join with intent (a POST, never a GET): the cookie's token (or a new one) and its
    participant id. Creating a participant is limited per client; rejoining is not."""
    store: Store = conn.state.store
    known = await auth.participant_id(conn, store, session_id)
    token = auth.participant_token(conn)
    if known is not None and token is not None:
        return token, known
    doorman: Doorman = conn.state.doorman
    if not doorman.joins.allow(client_key(conn)):
        raise RateLimited(
            f"too many new participants from this network; try again in {doorman.join_interval} s",
            retry_after=doorman.join_interval,
        )
    token = token or auth.new_token()
    return token, await store.join(session_id, auth.token_hash(token))
