"""Hundreds of phones answer the same question at the same moment over WebSocket and HTTP:
every answer gets exactly one ack and the tally equals a recount of what each phone sent."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from .client import Organizer, Phone
from .conftest import RunningServer, on_every_backend

pytestmark = on_every_backend

PHONES = 300
ANSWERS_PER_PHONE = 4  # sent back to back; far below the 40 answers/s a phone may send
OPTIONS = ("learner", "leader", "l-d")
REPLY_TIMEOUT = 60
# The socket nearly always beats an HTTP request sent at the same moment, so some phones
# let their HTTP copy land first: both outcomes of the race then happen in every run.
HTTP_FIRST_SHARE = 0.2


@dataclass
class Racer:
    """One phone's part in the race: what it sends, in order, and what came back."""

    phone: Phone
    answers: list[tuple[str, str]]  # (client id, option), in the order sent over the socket
    replayed: int  # index of the answer that is also re-sent over HTTP
    http_first: bool  # the HTTP copy is stored before the socket sends anything
    acks: list[dict[str, Any]] = field(default_factory=list)
    http_status: str = ""
    stray: list[dict[str, Any]] = field(default_factory=list)

    @property
    def last_value(self) -> str:
        return self.answers[-1][1]


def plan(phone: Phone, rng: random.Random) -> Racer:
    answers = [(str(uuid.uuid4()), rng.choice(OPTIONS)) for _ in range(ANSWERS_PER_PHONE)]
    # Replay an earlier answer, never the last: had the last one been replayed, an HTTP copy
    # could overtake the socket's third answer and rightly make that one the latest.
    return Racer(
        phone,
        answers,
        replayed=rng.randrange(ANSWERS_PER_PHONE - 1),
        http_first=rng.random() < HTTP_FIRST_SHARE,
    )


async def race(racer: Racer) -> None:
    if racer.http_first:
        await replay_over_http(racer)
        await send_over_socket(racer)
    else:
        await asyncio.gather(send_over_socket(racer), replay_over_http(racer))


async def send_over_socket(racer: Racer) -> None:
    for answer_id, value in racer.answers:  # pipelined: no waiting for acks in between
        await racer.phone.send(
            {"type": "answer", "id": answer_id, "question": "q1", "value": value}
        )
    for _ in racer.answers:
        racer.acks.append(await racer.phone.reply(timeout=REPLY_TIMEOUT))
    racer.stray = await replies_before_pong(racer.phone)


async def replay_over_http(racer: Racer) -> None:
    answer_id, value = racer.answers[racer.replayed]
    response = await racer.phone.answer_http("q1", value, answer_id)
    assert response.status_code in (200, 201), response.text
    racer.http_status = response.json()["status"]


async def replies_before_pong(phone: Phone) -> list[dict[str, Any]]:
    """Acks or errors that arrive after all answers were acknowledged: there must be none."""
    assert phone.ws is not None
    await phone.send({"type": "ping"})
    stray = []
    while True:
        message = json.loads(await asyncio.wait_for(phone.ws.recv(), REPLY_TIMEOUT))
        if message["type"] == "pong":
            return stray
        if message["type"] in ("ack", "error"):
            stray.append(message)


def ack_problems(racer: Racer) -> list[str]:
    """Everything wrong with one phone's acks, as readable lines."""
    problems = [f"not an ack: {a}" for a in racer.acks if a["type"] != "ack"]
    problems += [f"extra reply: {a}" for a in racer.stray]
    acked_ids = sorted(a["id"] for a in racer.acks)
    if acked_ids != sorted(answer_id for answer_id, _ in racer.answers):
        problems.append(f"acks {acked_ids} do not match the answers sent")
    status = {a["id"]: a.get("status") for a in racer.acks}
    for index, (answer_id, _) in enumerate(racer.answers):
        if index == racer.replayed:
            copies = [status.get(answer_id), racer.http_status]
            if sorted(copies) != ["accepted", "duplicate"] or (
                racer.http_first and racer.http_status != "accepted"
            ):
                problems.append(f"replayed answer: socket, http statuses {copies}")
        elif status.get(answer_id) != "accepted":
            problems.append(f"answer {index}: status {status.get(answer_id)}")
    return problems


async def presenter_sees(ws: ClientConnection, counts: dict[str, int]) -> None:
    """Read the presenter feed until q1 shows the expected counts."""
    while True:
        message = json.loads(await ws.recv())
        for question in message.get("questions", []) if message["type"] == "results" else []:
            if question["id"] == "q1" and question["result"]["counts"] == counts:
                return


async def ready_phone(server: RunningServer, code: str) -> Phone:
    phone = Phone(server)
    await phone.join(code)
    await phone.connect(code)
    return phone


async def own_answer_after_reconnect(racer: Racer, code: str) -> Any:
    assert racer.phone.ws is not None
    await racer.phone.ws.close()
    state = await racer.phone.connect(code)
    return state["answers"].get("q1")


async def test_300_phones_racing_on_one_question_count_once_each_latest_wins(
    server: RunningServer,
) -> None:
    rng = random.Random(20240603)
    async with Organizer(server) as org:
        session = await org.create(mode="presenter")
        await org.control(session["id"], "goto", "q1")
        phones = await asyncio.gather(
            *(ready_phone(server, session["code"]) for _ in range(PHONES))
        )
        racers = [plan(phone, rng) for phone in phones]
        presenter_url = f"{server.ws_url}/ws/present/{session['id']}"
        async with connect(
            presenter_url,
            additional_headers={"Authorization": f"Bearer {session['presenter_key']}"},
        ) as presenter:
            await asyncio.gather(*(race(r) for r in racers))  # all start in the same tick

            problems = {i: p for i, r in enumerate(racers) if (p := ack_problems(r))}
            assert not problems, (
                f"{len(problems)} phones got wrong acks, e.g. {list(problems.items())[:3]}"
            )
            assert {r.http_status for r in racers} == {"accepted", "duplicate"}
            expected = dict.fromkeys(OPTIONS, 0) | dict(Counter(r.last_value for r in racers))
            results = await org.results(session["id"])
            assert results["q1"]["responses"] == PHONES
            assert results["q1"]["result"]["counts"] == expected
            await asyncio.wait_for(presenter_sees(presenter, expected), 10)

        export = await org.http.get(f"/api/sessions/{session['id']}/export?format=json")
        rows = [row for row in export.json()["rows"] if row["question_id"] == "q1"]
        assert len({row["participant"] for row in rows}) == len(rows) == PHONES
        assert Counter(row["answer_value"] for row in rows) == Counter(r.last_value for r in racers)
        own = await asyncio.gather(
            *(own_answer_after_reconnect(r, session["code"]) for r in racers)
        )
        assert own == [r.last_value for r in racers]
        await asyncio.gather(*(r.phone.close() for r in racers))
