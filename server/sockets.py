"""Participant and presenter WebSocket endpoints: a receive task and a send task each."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import urlsplit

from starlette.websockets import WebSocket, WebSocketDisconnect

from . import auth, rooms
from .answering import AnswerDesk, Reply
from .errors import (
    InterviewSession,
    MalformedJson,
    PayloadTooLarge,
    RateLimited,
    TrifectaError,
    UnknownMessageType,
    UnknownSession,
)
from .hub import SEND_QUEUE_LIMIT, Hub, Outlet, PresenterFeed
from .models import AnswerMessage, decode_text, parse_answer, parse_json
from .reactions import ReactionDesk
from .store import Answer, Outcome, Posted
from .views import phone_result_ids, phone_results, session_json

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 16 * 1024  # app limit, answered with an error; uvicorn's frame limit closes
IN_FLIGHT_LIMIT = 64  # answers of one socket waiting for the store at once
CLOSE_NOT_JOINED, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND = 4401, 4403, 4404
CLOSE_TOO_SLOW, CLOSE_REPLACED, CLOSE_RATE_LIMITED = 4408, 4409, 4429


def origin_allowed(ws: WebSocket) -> bool:
    """Stop cross-site WebSocket hijacking: a browser's Origin must be ours."""
    origin = ws.headers.get("origin")
    if origin is None:  # not a browser: scripts and overlays carry no cookie by accident
        return True
    allowed = {urlsplit(ws.state.settings.base_url).netloc, ws.headers.get("host", "")}
    return urlsplit(origin).netloc in allowed


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def ack_text(client_id: str, status: str) -> str:
    """An ack, written out: the id is a canonical UUID (parse_answer makes it one) and the
    status a fixed word, so nothing needs escaping, and json.dumps cost 3 µs an answer."""
    return f'{{"type":"ack","id":"{client_id}","status":"{status}"}}'


async def _pump(ws: WebSocket, outlet: Outlet) -> None:
    while True:
        text = await outlet.queue.get()
        if text:
            await ws.send_text(text)
        if outlet.too_slow:
            await ws.close(CLOSE_TOO_SLOW, "too far behind; reconnect for a fresh state")
            return
        if outlet.replaced and outlet.queue.empty():
            await ws.close(CLOSE_REPLACED, "this phone opened a newer connection")
            return


async def _receive(ws: WebSocket) -> str | bytes:
    """The next message as sent: text (which the protocol checked is UTF-8) or bytes."""
    message = await ws.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text: str | None = message.get("text")
    return text if text is not None else bytes(message.get("bytes") or b"")


def _message_text(raw: str | bytes) -> str:
    """A message's JSON text; a binary frame must hold strict UTF-8 like a text frame."""
    if len(raw) > MESSAGE_LIMIT:
        raise PayloadTooLarge(f"a message may have at most {MESSAGE_LIMIT} characters")
    if not raw:
        raise MalformedJson("the message is empty; send a JSON object with a 'type'")
    return raw if isinstance(raw, str) else decode_text(raw)


def worker_header(hub: Hub) -> list[tuple[bytes, bytes]]:
    """Which worker holds a socket (a random id per process): for operators reading a
    proxy's logs, and for tests that need sockets on two workers."""
    return [(b"x-trifecta-worker", hub.presence.worker.encode())]


# -- participants ---------------------------------------------------------------------------
async def participant_socket(ws: WebSocket) -> None:
    """A phone's socket. One that has not joined gets the state (so that its page joins
    with a POST) and is closed: only joined phones hold sockets, and count as connected."""
    store, hub = ws.state.store, ws.state.hub
    if not origin_allowed(ws):
        await ws.close(CLOSE_FORBIDDEN, "origin not allowed")
        return
    await ws.accept(headers=worker_header(hub))
    try:
        session_id = await rooms.find_live_session(ws, rooms.clean_code(ws.path_params["code"]))
    except RateLimited as e:
        await _refuse(ws, e, CLOSE_RATE_LIMITED)
        return
    except InterviewSession as e:
        await _refuse(ws, e, CLOSE_NOT_FOUND)
        return
    if session_id is None:
        await _refuse(ws, UnknownSession("no live session has this code"), CLOSE_NOT_FOUND)
        return
    participant_id = await auth.participant_id(ws, store, session_id)
    if participant_id is None:
        await ws.send_text(await _state(ws, session_id, None))
        await ws.close(CLOSE_NOT_JOINED, "join this session first (POST /api/join/{code})")
        return
    outlet = Outlet(warming=True)
    hub.add_phone(session_id, participant_id, outlet)  # before the state: no change is missed
    try:
        outlet.offer(await _state(ws, session_id, participant_id))
        if outlet.warmed():  # the room moved while the state was read: send the news
            for news in (
                await hub.session_message(session_id),
                await hub.phone_results_message(session_id),
            ):
                if news is not None:
                    outlet.offer(news)
        await _serve_phone(ws, outlet, session_id, participant_id)
    except* (WebSocketDisconnect, RuntimeError, OSError):
        pass  # the phone went away; it reconnects and reads its state
    finally:
        hub.remove_phone(session_id, participant_id, outlet)


async def _state(ws: WebSocket, session_id: str, participant_id: int | None) -> str:
    """The first message of a phone's socket: the session as it sees it, its own answers."""
    store = ws.state.store
    info = await store.session(session_id)
    own = await store.answers_of(session_id, participant_id) if participant_id else {}
    shown = phone_result_ids(info)
    results = phone_results(info, await store.results(session_id, shown)) if shown else []
    return encode(
        {
            "type": "state",
            "joined": participant_id is not None,
            "session": session_json(info, ws.state.settings.base_url, for_participant=True),
            "answers": own,
            "results": results,
        }
    )


async def _refuse(ws: WebSocket, error: TrifectaError, close_code: int) -> None:
    await ws.send_text(
        encode({"type": "error", "id": None, "code": error.code, "message": error.message})
    )
    await ws.close(close_code)


async def _serve_phone(ws: WebSocket, outlet: Outlet, session_id: str, participant_id: int) -> None:
    desk: AnswerDesk = ws.state.desk
    in_flight = asyncio.Semaphore(IN_FLIGHT_LIMIT)
    receipts = desk.receipts(_replier(outlet, in_flight))
    async with asyncio.TaskGroup() as tasks:
        sender = tasks.create_task(_pump(ws, outlet))
        try:
            while not sender.done():
                raw = await _receive(ws)
                answer = await _prepare(ws, outlet, raw, session_id, participant_id)
                if outlet.queue.qsize() > SEND_QUEUE_LIMIT // 2:
                    # Buffered messages are received without yielding: let the sender drain
                    # the replies, or a burst of refused answers closes a phone that reads.
                    await asyncio.sleep(0)
                if answer is not None:
                    await in_flight.acquire()
                    while not desk.record_soon(answer, receipts):
                        await desk.room()
        finally:
            sender.cancel()


async def _prepare(
    ws: WebSocket, outlet: Outlet, raw: str | bytes, session_id: str, participant_id: int
) -> Answer | None:
    """Parse and check one message; on a problem, queue an error reply and return None.
    Pings and reactions are answered here; an answer is returned, to be stored."""
    message_id = None
    try:
        data = parse_json(_message_text(raw))
        if not isinstance(data, dict):
            raise MalformedJson("a message is a JSON object with a 'type'")
        message_id = data.get("id") if isinstance(data.get("id"), str) else None
        if data.get("type") == "ping":
            outlet.offer(encode({"type": "pong"}))
            return None
        if data.get("type") == "reaction":
            reactions: ReactionDesk = ws.state.reactions
            name = await reactions.take(session_id, participant_id, data)
            outlet.offer(encode({"type": "reacted", "id": message_id, "reaction": name}))
            return None
        if data.get("type") != "answer":
            raise UnknownMessageType(
                f"unknown message type {str(data.get('type'))[:32]!r}; "
                "send 'answer', 'reaction' or 'ping'"
            )
        message = parse_answer(AnswerMessage, data)
        desk: AnswerDesk = ws.state.desk
        return await desk.prepare(session_id, participant_id, message)
    except TrifectaError as e:
        outlet.offer(
            encode({"type": "error", "id": message_id, "code": e.code, "message": e.message})
        )
        return None


def _replier(outlet: Outlet, in_flight: asyncio.Semaphore) -> Reply:
    def reply(answer: Answer, outcome: Outcome | TrifectaError) -> None:
        in_flight.release()
        if isinstance(outcome, TrifectaError):
            outlet.offer(
                encode(
                    {
                        "type": "error",
                        "id": answer.client_id,
                        "code": outcome.code,
                        "message": outcome.message,
                    }
                )
            )
        elif isinstance(outcome, Posted):
            ack = {"type": "ack", "id": answer.client_id, "status": outcome.value}
            outlet.offer(encode({**ack, "item": outcome.item}))
        else:
            outlet.offer(ack_text(answer.client_id, outcome.value))

    return reply


# -- presenters -----------------------------------------------------------------------------
async def presenter_socket(ws: WebSocket) -> None:
    store, hub = ws.state.store, ws.state.hub
    session_id = ws.path_params["session_id"]
    uses_cookie = auth.bearer(ws) is None
    if (uses_cookie and not origin_allowed(ws)) or not await auth.is_presenter(
        ws, store, session_id
    ):
        await ws.close(CLOSE_FORBIDDEN, "presenter key or organizer sign-in required")
        return
    if await store.session(session_id) is None:
        await ws.close(CLOSE_NOT_FOUND, "no such session")
        return
    await ws.accept(headers=worker_header(hub))
    outlet = Outlet()
    feed = PresenterFeed(store, session_id, ws.state.settings.base_url)
    hub.add_feed(feed)
    try:
        async with asyncio.TaskGroup() as tasks:
            sender = tasks.create_task(_pump(ws, outlet))
            flusher = tasks.create_task(feed.run(_offer_to(outlet)))
            try:
                while not sender.done():
                    await _receive(ws)  # presenters control over HTTP; this notices close
            finally:
                sender.cancel()
                flusher.cancel()
    except* (WebSocketDisconnect, RuntimeError, OSError):
        pass
    finally:
        hub.remove_feed(feed)


def _offer_to(outlet: Outlet) -> Any:
    async def send(message: dict[str, Any]) -> None:
        outlet.offer(encode(message))

    return send
