"""The countdown (issue 9): a question locks itself at its deadline, on the server, for
every worker and across restarts; `open` and `lock` clear it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest

from .client import Organizer, Phone, wait_until
from .conftest import RunningServer

COUNTDOWN = {"kind": "single_choice", "prompt": "Coffee or tea?", "options": ["Coffee", "Tea"]}
QUESTIONS = [COUNTDOWN, {**COUNTDOWN, "prompt": "Milk or lemon?", "options": ["Milk", "Lemon"]}]


@pytest.fixture
async def org(server: RunningServer) -> AsyncIterator[Organizer]:
    async with Organizer(server) as organizer:
        yield organizer


async def countdown(org: Organizer, session_id: str, body: dict[str, Any]) -> Any:
    return await org.http.post(f"/api/sessions/{session_id}/control", json=body)


async def question(org: Organizer, session_id: str, question_id: str = "q1") -> dict[str, Any]:
    session = await org.session(session_id)
    found: dict[str, Any] = next(q for q in session["questions"] if q["id"] == question_id)
    return found


def deadline_of(q: dict[str, Any]) -> float:
    return datetime.fromisoformat(q["deadline"]).timestamp()


async def wait_past(deadline: float, timeout: float = 20) -> None:
    """Until this machine's clock (the server's too) is past the deadline."""

    async def passed() -> bool:
        return time.time() > deadline

    await wait_until(passed, timeout)


# -- the request ---------------------------------------------------------------------------
@pytest.mark.parametrize("seconds", [5, 3600])
async def test_countdown_of_5_to_3600_seconds_sets_a_deadline_that_clients_see(
    server: RunningServer, org: Organizer, seconds: int
) -> None:
    session = await org.create(questions=QUESTIONS)
    before = time.time()
    r = await countdown(
        org, session["id"], {"action": "countdown", "question": "q1", "seconds": seconds}
    )
    assert r.status_code == 200, r.text
    q1 = next(q for q in r.json()["questions"] if q["id"] == "q1")
    assert q1["state"] == "open"
    assert before + seconds - 1 < deadline_of(q1) < time.time() + seconds + 1
    assert seconds - 2 < q1["seconds_left"] <= seconds
    q2 = await question(org, session["id"], "q2")
    assert (q2["deadline"], q2["seconds_left"]) == (None, None)  # only the one named

    phone = Phone(server)
    await phone.join(session["code"])
    state = await phone.connect(session["code"])
    shown = next(q for q in state["session"]["questions"] if q["id"] == "q1")
    assert shown["deadline"] == q1["deadline"]
    assert 0 < shown["seconds_left"] <= q1["seconds_left"]
    await phone.close()


BAD_SECONDS = [
    ("4 seconds", {"seconds": 4}, "seconds"),
    ("3601 seconds", {"seconds": 3601}, "seconds"),
    ("0 seconds", {"seconds": 0}, "seconds"),
    ("missing", {}, "needs 'seconds'"),
    ("null", {"seconds": None}, "needs 'seconds'"),
    ("a fraction", {"seconds": 30.5}, "seconds"),
    ("a string", {"seconds": "30"}, "seconds"),
    ("a boolean", {"seconds": True}, "seconds"),
    ("with another action", {"action": "open", "seconds": 30}, "'seconds' goes with"),
]


@pytest.mark.parametrize(
    ("change", "names"), [c[1:] for c in BAD_SECONDS], ids=[c[0] for c in BAD_SECONDS]
)
async def test_countdown_outside_5_to_3600_seconds_is_refused_and_changes_nothing(
    org: Organizer, change: dict[str, Any], names: str
) -> None:
    session = await org.create(questions=QUESTIONS)
    before = await org.session(session["id"])
    body = {"action": "countdown", "question": "q1", **change}
    r = await countdown(org, session["id"], body)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_request"
    assert names in error["message"], error
    assert await org.session(session["id"]) == before


async def test_countdown_of_an_unknown_question_is_refused(org: Organizer) -> None:
    session = await org.create(questions=QUESTIONS)
    r = await countdown(
        org, session["id"], {"action": "countdown", "question": "q9", "seconds": 30}
    )
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "unknown_question"


# -- what the other actions do to it -------------------------------------------------------
async def test_open_and_lock_clear_a_countdown_goto_keeps_it_and_it_reopens_a_locked_one(
    org: Organizer,
) -> None:
    session = await org.create(mode="presenter", questions=QUESTIONS)
    sid = session["id"]
    await org.control(sid, "goto", "q1")
    await org.control(sid, "lock", "q1")
    start = {"action": "countdown", "question": "q1", "seconds": 600}
    assert (await countdown(org, sid, start)).status_code == 200
    running = await question(org, sid)
    assert running["state"] == "open" and running["deadline"] is not None

    await org.control(sid, "goto", "q2")
    await org.control(sid, "goto", "q1")
    await org.control(sid, "hide_results", "q1")
    assert (await question(org, sid))["deadline"] == running["deadline"]

    await org.control(sid, "lock", "q1")
    locked = await question(org, sid)
    assert (locked["state"], locked["deadline"], locked["seconds_left"]) == ("locked", None, None)
    await countdown(org, sid, start)
    await org.control(sid, "open", "q1")
    opened = await question(org, sid)
    assert (opened["state"], opened["deadline"], opened["seconds_left"]) == ("open", None, None)


# -- answers at the deadline ---------------------------------------------------------------
async def test_answers_after_the_deadline_are_locked_over_http_and_websocket_until_open(
    server: RunningServer, org: Organizer
) -> None:
    session = await org.create(questions=QUESTIONS)
    sid = session["id"]
    by_http, by_ws = Phone(server), Phone(server)
    for phone in (by_http, by_ws):
        await phone.join(session["code"])
    await by_ws.connect(session["code"])
    r = await countdown(org, sid, {"action": "countdown", "question": "q1", "seconds": 5})
    deadline = deadline_of(next(q for q in r.json()["questions"] if q["id"] == "q1"))
    assert (await by_http.answer_http("q1", "coffee")).status_code == 201
    assert (await by_ws.answer_ws("q1", "tea"))["status"] == "accepted"
    assert time.time() < deadline  # both answers came before it

    await wait_past(deadline)
    before = await org.results(sid)
    r = await by_http.answer_http("q1", "tea")
    assert r.status_code == 409, r.text
    assert r.json()["error"] == {"code": "question_locked", "message": "question 'q1' is locked"}
    reply = await by_ws.answer_ws("q1", "coffee")
    assert (reply["type"], reply["code"]) == ("error", "question_locked")
    assert await org.results(sid) == before
    assert before["q1"]["result"]["counts"] == {"coffee": 1, "tea": 1}
    assert (await question(org, sid))["state"] == "locked"
    assert (await by_http.answer_http("q2", "milk")).status_code == 201  # others stay open

    await org.control(sid, "open", "q1")
    assert (await by_http.answer_http("q1", "tea")).status_code == 201
    assert (await by_ws.answer_ws("q1", "tea"))["status"] == "accepted"
    assert (await org.results(sid))["q1"]["result"]["counts"] == {"coffee": 0, "tea": 2}
    for phone in (by_http, by_ws):
        await phone.close()


async def test_the_worker_tells_phones_when_the_countdown_ends(
    server: RunningServer, org: Organizer
) -> None:
    session = await org.create(questions=QUESTIONS)
    phone = Phone(server)
    await phone.join(session["code"])
    await phone.connect(session["code"])
    await countdown(org, session["id"], {"action": "countdown", "question": "q1", "seconds": 5})
    assert phone.ws is not None
    states = []
    give_up = time.monotonic() + 15
    while "locked" not in states:  # pushed by the server, with no further action
        left = max(0.1, give_up - time.monotonic())
        message = json.loads(await asyncio.wait_for(phone.ws.recv(), left))
        if message["type"] == "session":
            q1 = next(q for q in message["session"]["questions"] if q["id"] == "q1")
            states.append(q1["state"])
    assert states[0] == "open"  # the countdown's start, then its end
    assert q1["seconds_left"] == 0
    await phone.close()


async def test_a_restart_neither_extends_nor_forgets_the_countdown(
    own_server: RunningServer,
) -> None:
    own_server.start()
    async with Organizer(own_server) as org:
        session = await org.create(questions=QUESTIONS)
        start = {"action": "countdown", "question": "q1", "seconds": 10}
        r = await countdown(org, session["id"], start)
        set_before = next(q for q in r.json()["questions"] if q["id"] == "q1")
    own_server.stop(kill=True)
    own_server.start()

    async with Organizer(own_server) as org:
        after = await question(org, session["id"])
        assert after["deadline"] == set_before["deadline"]
        assert 0 < after["seconds_left"] < set_before["seconds_left"]  # restarted in time
        phone = Phone(own_server)
        await phone.join(session["code"])
        assert (await phone.answer_http("q1", "tea")).status_code == 201
        await wait_past(deadline_of(set_before))
        r = await phone.answer_http("q1", "coffee")
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] == "question_locked"
        assert (await org.results(session["id"]))["q1"]["result"]["counts"] == {
            "coffee": 0,
            "tea": 1,
        }
        assert (await question(org, session["id"]))["state"] == "locked"
        await phone.close()
