"""Bad input over the participant WebSocket: an error message with its code and the answer's
id, nothing stored changes, and the same socket goes on answering (issue #3)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from .client import Organizer, Phone, Room, wait_until
from .conftest import RunningServer, on_every_backend
from .test_api_errors import BAD_ANSWERS, SEED, BadAnswer, answer, seeded_room

pytestmark = on_every_backend

MESSAGE_LIMIT = 16 * 1024  # the app's limit: an error, the socket stays
FRAME_LIMIT = 1024 * 1024  # uvicorn's limit: the socket is closed with 1009
CLOSE_NOT_JOINED, CLOSE_NOT_FOUND = 4401, 4404


@pytest.fixture
async def room(server: RunningServer) -> AsyncIterator[Room]:
    async with seeded_room(server, over_ws=True) as seeded:
        yield seeded


def assert_error(
    reply: dict[str, Any], code: str, names: str, answer_id: str | None = None
) -> None:
    assert reply["type"] == "error", reply
    assert reply["code"] == code, reply
    assert names in reply["message"], reply
    assert reply["id"] == answer_id, reply


async def assert_still_answers(phone: Phone) -> None:
    answer_id = str(uuid.uuid4())
    ack = await phone.answer_ws("q1", "leader", answer_id)
    assert ack == {"type": "ack", "id": answer_id, "status": "accepted"}


async def pong(phone: Phone) -> dict[str, Any]:
    """Ping, and the pong: shows the socket is still served when no answer can be taken."""
    assert phone.ws is not None
    await phone.send({"type": "ping"})
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(phone.ws.recv(), 10))
        if message["type"] in ("pong", "error"):
            return message


# -- answers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", BAD_ANSWERS, ids=lambda bad: bad.name)
async def test_bad_answer_gets_an_error_changes_nothing_and_socket_stays(
    room: Room, bad: BadAnswer
) -> None:
    before = await room.results()
    await room.phone.send({"type": "answer", **bad.body})
    sent_id = bad.body.get("id")
    assert_error(
        await room.phone.reply(), bad.code, bad.names, sent_id if isinstance(sent_id, str) else None
    )
    assert await room.results() == before
    await assert_still_answers(room.phone)


NESTED = "[" * 5000 + "]" * 5000
BAD_MESSAGES: list[tuple[str, str | bytes, str, str]] = [
    ("not JSON", '{"type": "answer", id', "malformed_json", "not valid JSON"),
    ("empty text", "", "malformed_json", "empty"),
    ("empty binary", b"", "malformed_json", "empty"),
    ("binary not UTF-8", b"\xff\xfe\xfd", "malformed_json", "not valid UTF-8"),
    (
        "binary with a UTF-8-encoded lone surrogate",
        f'{{"type": "answer", "id": "{uuid.uuid4()}", "question": "q4", "value": "a '.encode()
        + b'\xed\xa0\x80"}',
        "malformed_json",
        "not valid UTF-8",
    ),
    ("a list", '[{"type": "answer"}]', "malformed_json", "JSON object with a 'type'"),
    ("a string", '"answer"', "malformed_json", "JSON object with a 'type'"),
    ("null", "null", "malformed_json", "JSON object with a 'type'"),
    ("nested too deeply", "[" * 5000, "malformed_json", "nested too deeply"),
    (
        "value nested too deeply",
        f'{{"type": "answer", "id": "{uuid.uuid4()}", "question": "q3", "value": {NESTED}}}',
        "malformed_json",
        "nested too deeply",
    ),
    (
        "lone surrogate escape",
        f'{{"type": "answer", "id": "{uuid.uuid4()}", '
        '"question": "q4", "value": "a story \\ud800"}',
        "malformed_json",
        "lone surrogate",
    ),
    ("unknown type", json.dumps({"type": "vote", **answer()}), "unknown_message_type", "'vote'"),
    ("missing type", json.dumps(answer()), "unknown_message_type", "message type"),
    ("type a number", json.dumps({"type": 5}), "unknown_message_type", "message type"),
    (
        "type an object",
        json.dumps({"type": {"answer": True}}),
        "unknown_message_type",
        "message type",
    ),
]


@pytest.mark.parametrize(
    ("message", "code", "names"), [c[1:] for c in BAD_MESSAGES], ids=[c[0] for c in BAD_MESSAGES]
)
async def test_bad_message_gets_its_code_and_socket_stays(
    room: Room, message: str | bytes, code: str, names: str
) -> None:
    before = await room.results()
    assert room.phone.ws is not None
    await room.phone.ws.send(message)
    reply = await room.phone.reply()
    assert reply["type"] == "error" and reply["code"] == code, reply
    assert names in reply["message"], reply
    assert await room.results() == before
    await assert_still_answers(room.phone)


async def test_message_over_16_kib_is_refused_and_socket_stays(room: Room) -> None:
    before = await room.results()
    await room.phone.send({"type": "answer", **answer("q4", "x" * MESSAGE_LIMIT)})
    assert_error(await room.phone.reply(), "payload_too_large", str(MESSAGE_LIMIT))
    assert await room.results() == before
    await assert_still_answers(room.phone)


async def test_message_under_16_kib_is_read_and_its_text_refused_as_too_long(room: Room) -> None:
    before = await room.results()
    body = answer("q4", "x" * (MESSAGE_LIMIT - 200))
    await room.phone.send({"type": "answer", **body})
    assert_error(await room.phone.reply(), "text_too_long", "at most 50 characters", body["id"])
    assert await room.results() == before


@pytest.mark.parametrize("frame", ["text", "binary"])
async def test_frame_over_1_mib_closes_the_socket_with_1009_and_a_new_one_works(
    room: Room, frame: str
) -> None:
    before = await room.results()
    assert room.phone.ws is not None
    payload = "x" * (FRAME_LIMIT + 1)
    with pytest.raises(ConnectionClosed) as closed:
        await room.phone.ws.send(payload if frame == "text" else payload.encode())
        await room.phone.reply()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    assert await room.results() == before
    state = await room.phone.connect(room.code)
    assert state["joined"] is True and state["answers"] == SEED
    await assert_still_answers(room.phone)


# -- question and session state --------------------------------------------------------------
async def test_answer_to_locked_question_is_refused_and_socket_stays(room: Room) -> None:
    await room.org.control(room.id, "lock", "q1")
    before = await room.results()
    body = answer("q1", "leader")
    await room.phone.send({"type": "answer", **body})
    assert_error(await room.phone.reply(), "question_locked", "'q1' is locked", body["id"])
    assert await room.results() == before
    assert (await room.phone.answer_ws("q2", ["support"]))["status"] == "accepted"


async def test_answer_to_question_not_yet_open_is_refused(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(mode="presenter")
        await org.control(session["id"], "goto", "q2")
        phone = Phone(server)
        await phone.join(session["code"])
        await phone.connect(session["code"])
        assert (await phone.answer_ws("q2", ["time"]))["status"] == "accepted"
        before = await org.results(session["id"])
        assert_error(
            await phone.answer_ws("q1", "learner", "b2c1a3d4-0000-4000-8000-0000000000a1"),
            "question_not_open",
            "'q1' is not open",
            "b2c1a3d4-0000-4000-8000-0000000000a1",
        )
        assert await org.results(session["id"]) == before
        await org.control(session["id"], "goto", "q1")
        assert (await phone.answer_ws("q1", "learner"))["status"] == "accepted"
        await phone.close()


async def test_answer_after_session_ended_is_refused_and_reconnect_names_it(room: Room) -> None:
    stored_id = str(uuid.uuid4())
    assert (await room.phone.answer_ws("q1", "leader", stored_id))["status"] == "accepted"
    await room.org.control(room.id, "end")
    before = await room.results()
    body = answer("q1", "l-d")
    await room.phone.send({"type": "answer", **body})
    assert_error(await room.phone.reply(), "session_ended", "has ended", body["id"])
    retry = await room.phone.answer_ws("q1", "leader", stored_id)  # an outbox retry
    assert retry == {"type": "ack", "id": stored_id, "status": "duplicate"}
    assert await room.results() == before
    assert await pong(room.phone) == {"type": "pong"}
    assert room.phone.ws is not None
    await room.phone.ws.close()
    async with connect(f"{room.org.server.ws_url}/ws/session/{room.code}") as ws:
        assert_error(json.loads(await ws.recv()), "unknown_session", "no live session")
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == CLOSE_NOT_FOUND


async def test_unknown_session_code_gets_an_error_and_a_close(server: RunningServer) -> None:
    async with connect(f"{server.ws_url}/ws/session/00000000") as ws:
        assert_error(json.loads(await ws.recv()), "unknown_session", "no live session")
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == CLOSE_NOT_FOUND


@pytest.mark.parametrize("who", ["no cookie", "unknown cookie", "cookie of another session"])
async def test_socket_without_joining_gets_the_state_then_is_closed(
    server: RunningServer, room: Room, who: str
) -> None:
    """Only joined phones hold sockets: a page that has not joined reads the state (to know
    it must join with a POST) and its socket is closed with 4401."""
    stranger = Phone(server)
    if who == "unknown cookie":
        stranger.http.cookies.set("trifecta_pid", "A" * 43)
    elif who == "cookie of another session":
        await stranger.join((await room.org.create())["code"])
    before = await room.results()
    state = await stranger.connect(room.code)
    assert state["joined"] is False and state["answers"] == {}
    with pytest.raises(ConnectionClosed) as closed:
        await stranger.send({"type": "answer", **answer("q1", "leader")})
        await stranger.reply()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == CLOSE_NOT_JOINED
    assert await room.results() == before
    await stranger.close()
    await assert_still_answers(room.phone)


# -- presenter socket ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind", ["none", "wrong key", "presenter key of another session", "participant cookie"]
)
async def test_presenter_socket_without_its_key_is_refused_and_reveals_nothing(
    room: Room, kind: str
) -> None:
    headers: dict[str, str] = {}
    if kind == "wrong key":
        headers["Authorization"] = "Bearer " + "w" * 43
    elif kind == "presenter key of another session":
        other = await room.org.create()
        headers["Authorization"] = f"Bearer {other['presenter_key']}"
    elif kind == "participant cookie":
        headers["Cookie"] = f"trifecta_pid={room.phone.token}"
    refusals = []
    for session_id in (room.id, "no-such-session"):
        with pytest.raises(InvalidStatus) as refused:
            async with connect(
                f"{room.org.server.ws_url}/ws/present/{session_id}", additional_headers=headers
            ):
                pass
        refusals.append((refused.value.response.status_code, bytes(refused.value.response.body)))
    assert refusals[0] == refusals[1] == (403, b"")


# -- flooding --------------------------------------------------------------------------------
async def read_replies(phone: Phone, count: int) -> list[dict[str, Any]]:
    return [await phone.reply() for _ in range(count)]


async def test_flood_from_one_phone_is_rate_limited_without_starving_others(room: Room) -> None:
    flood = [answer("q4", f"flood {i}") for i in range(300)]

    async def send_all() -> None:
        for body in flood:
            await room.phone.send({"type": "answer", **body})

    async def flood_all() -> dict[str, dict[str, Any]]:
        # It reads while it sends: a phone that never reads is closed as too far behind.
        _, replies = await asyncio.gather(send_all(), read_replies(room.phone, len(flood)))
        return {reply["id"]: reply for reply in replies}

    async def answer_calmly() -> list[dict[str, Any]]:
        return [await room.neighbour.answer_ws("q4", f"calm {i}") for i in range(20)]

    flooded, calm = await asyncio.gather(flood_all(), answer_calmly())
    outcomes = [flooded[body["id"]].get("status") or flooded[body["id"]]["code"] for body in flood]
    assert set(outcomes) <= {"accepted", "rate_limited"}
    assert outcomes.count("rate_limited") > 0 and outcomes.count("accepted") > 0
    assert [reply.get("status") for reply in calm] == ["accepted"] * 20
    limited = next(r for r in flooded.values() if r["type"] == "error")
    assert "answers a second" in limited["message"]
    last_accepted = [
        body["value"]
        for body, outcome in zip(flood, outcomes, strict=True)
        if outcome == "accepted"
    ][-1]
    items = (await room.results())["q4"]["result"]["items"]
    assert sorted(item["text"] for item in items) == sorted([last_accepted, "calm 19"])

    async def answers_again() -> bool:  # the flooder's socket is still served
        return (await room.phone.answer_ws("q1", "leader")).get("status") == "accepted"

    await wait_until(answers_again, timeout=5)
