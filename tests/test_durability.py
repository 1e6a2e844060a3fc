"""`kill -9` of the server and a restart on the same data: every acknowledged answer is
still there, tallies are unchanged, and organizers, presenters and phones carry on."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx2
from websockets.exceptions import ConnectionClosed

from .client import Organizer, Phone
from .conftest import RunningServer, on_every_backend

pytestmark = on_every_backend

OPTIONS = ("learner", "leader", "l-d")
STATEMENTS = ("goals-are-clear", "metrics-are-agreed")


@dataclass(frozen=True)
class Sent:
    id: str
    question: str
    value: Any


@dataclass
class Sender:
    """One phone and, in order, what it sent and which answers the server acknowledged."""

    phone: Phone
    number: int
    sent: list[Sent] = field(default_factory=list)
    acked: set[str] = field(default_factory=set)

    def answer(self, index: int) -> Sent:
        """A fresh answer; every open text is unique, so the store shows which one it kept."""
        question = ("q4", "q1", "q3")[index % 3]
        value: Any = {
            "q4": f"phone {self.number} answer {index}",
            "q1": OPTIONS[(self.number + index) % 3],
            "q3": {STATEMENTS[index % 2]: 1 + (self.number + index) % 5},
        }[question]
        return Sent(str(uuid.uuid4()), question, value)

    async def send(self, answer: Sent) -> None:
        self.sent.append(answer)
        await self.phone.send(
            {"type": "answer", "id": answer.id, "question": answer.question, "value": answer.value}
        )

    def latest(self, question: str) -> Any:
        """What the store must hold when everything sent was acknowledged."""
        values = [s.value for s in self.sent if s.question == question]
        return values[-1] if values else None


async def ready_senders(server: RunningServer, code: str, count: int) -> list[Sender]:
    senders = []
    for number in range(count):  # one after another: sender i is participant P-(i+1)
        phone = Phone(server)
        await phone.join(code)
        await phone.connect(code)
        senders.append(Sender(phone, number))
    return senders


async def export_rows(org: Organizer, session_id: str) -> list[dict[str, Any]]:
    r = await org.http.get(f"/api/sessions/{session_id}/export?format=json")
    assert r.status_code == 200, r.text
    rows: list[dict[str, Any]] = r.json()["rows"]
    return rows


def stored_answers(rows: list[dict[str, Any]]) -> dict[tuple[str, str], Any]:
    """(participant, question) -> stored value, checking there is one row per pair."""
    pairs = Counter((row["participant"], row["question_id"]) for row in rows)
    assert max(pairs.values(), default=1) == 1, pairs.most_common(3)
    return {(row["participant"], row["question_id"]): row["answer_value"] for row in rows}


def recount(stored: dict[tuple[str, str], Any]) -> dict[str, dict[str, Any]]:
    """q1 counts, q3 counts per statement and q4 texts, tallied here in plain Python."""
    by_question: dict[str, list[Any]] = {"q1": [], "q3": [], "q4": []}
    for (_, question), value in stored.items():
        by_question[question].append(value)
    points = [str(n) for n in range(1, 6)]
    statements = {s: Counter(str(v[s]) for v in by_question["q3"] if s in v) for s in STATEMENTS}
    return {
        "q1": {
            "responses": len(by_question["q1"]),
            "counts": {o: by_question["q1"].count(o) for o in OPTIONS},
        },
        "q3": {
            "responses": len(by_question["q3"]),
            "counts": {s: {p: statements[s][p] for p in points} for s in STATEMENTS},
        },
        "q4": {"responses": len(by_question["q4"]), "texts": sorted(by_question["q4"])},
    }


def served(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The server's results in the shape of `recount`."""
    q3 = results["q3"]["result"]["statements"]
    return {
        "q1": {
            "responses": results["q1"]["responses"],
            "counts": results["q1"]["result"]["counts"],
        },
        "q3": {
            "responses": results["q3"]["responses"],
            "counts": {s: q3[s]["counts"] for s in STATEMENTS},
        },
        "q4": {
            "responses": results["q4"]["responses"],
            "texts": sorted(item["text"] for item in results["q4"]["result"]["items"]),
        },
    }


# -- everything acknowledged, then kill -9 --------------------------------------------------
async def answer_and_wait_for_acks(sender: Sender, count: int) -> None:
    answers = [sender.answer(i) for i in range(count)]
    for answer in answers:
        await sender.send(answer)
    for _ in answers:
        reply = await sender.phone.reply()
        assert reply.get("status") == "accepted", reply
        sender.acked.add(reply["id"])


def signin_token(server: RunningServer) -> str:
    """The admin token from the newest sign-in link `trifecta serve` printed."""
    lines = [line for line in server.output().splitlines() if "/signin?token=" in line]
    assert lines, server.output()
    return lines[-1].rsplit("token=", 1)[1].strip()


def organizer(server: RunningServer, admin_token: str) -> Organizer:
    org = Organizer(server)
    org.http.headers["Authorization"] = f"Bearer {admin_token}"
    return org


async def test_kill_9_after_acks_keeps_answers_tallies_sessions_and_phones(
    own_server: RunningServer,
) -> None:
    own_server.admin_token = ""  # the server creates its own and keeps it with the data
    own_server.start()
    admin_token = signin_token(own_server)
    async with organizer(own_server, admin_token) as org:
        session = await org.create()
        signin = await org.http.get(f"/signin?token={admin_token}", follow_redirects=False)
        assert signin.status_code == 303
        organizer_cookie = signin.cookies["trifecta_session"]
        senders = await ready_senders(own_server, session["code"], 30)
        await asyncio.gather(*(answer_and_wait_for_acks(s, 7) for s in senders))
        results_before = await org.results(session["id"])
        rows_before = await export_rows(org, session["id"])
    own_server.stop(kill=True)  # right after the last ack: no graceful shutdown
    for sender in senders:
        await sender.phone.close()

    own_server.start()
    assert signin_token(own_server) == admin_token
    async with organizer(own_server, admin_token) as org:
        assert await org.results(session["id"]) == results_before
        rows_after = await export_rows(org, session["id"])
        assert strip_export_time(rows_after) == strip_export_time(rows_before)
        stored = stored_answers(rows_after)
        assert len(stored) == 30 * 3
        assert recount(stored) == served(results_before)
        listed = (await org.http.get("/api/sessions")).json()
        assert session["id"] in {s["id"] for s in listed}
    await organizer_and_presenter_still_signed_in(own_server, session, organizer_cookie)
    await phones_resume_with_their_cookies(own_server, session, senders)


def strip_export_time(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "exported_at"} for row in rows]


async def organizer_and_presenter_still_signed_in(
    server: RunningServer, session: dict[str, Any], organizer_cookie: str
) -> None:
    async with httpx2.AsyncClient(base_url=server.url, timeout=30) as browser:
        browser.cookies.set("trifecta_session", organizer_cookie)
        assert (await browser.get("/api/sessions")).status_code == 200
    presenter = {"Authorization": f"Bearer {session['presenter_key']}"}
    async with httpx2.AsyncClient(base_url=server.url, timeout=30, headers=presenter) as laptop:
        r = await laptop.get(f"/api/sessions/{session['id']}/results")
        assert r.status_code == 200, r.text


async def phones_resume_with_their_cookies(
    server: RunningServer, session: dict[str, Any], senders: list[Sender]
) -> None:
    for sender in senders:
        phone = Phone(server)
        phone.http.cookies.set("trifecta_pid", sender.phone.token)
        phone.session_id = session["id"]
        state = await phone.connect(session["code"])
        assert state["joined"] is True
        assert state["answers"] == {q: sender.latest(q) for q in ("q1", "q3", "q4")}
        replay = sender.sent[0]
        assert (await phone.answer_ws(replay.question, replay.value, replay.id))[
            "status"
        ] == "duplicate"
        r = await phone.answer_http("q1", "l-d")
        assert r.status_code == 201, r.text
        await phone.close()


# -- kill -9 while answers are in flight ----------------------------------------------------
WINDOW = 3  # answers each phone keeps in flight
PER_PHONE = 30  # answers per phone in all: below the 40 a second a phone may send


@dataclass
class Room:
    """Counts acknowledgements across phones and kills the server at a set number."""

    server: RunningServer
    kill_after: int
    acks: int = 0
    killed: bool = False

    def acknowledged(self) -> None:
        self.acks += 1
        if self.acks >= self.kill_after and not self.killed:
            self.killed = True
            self.server.stop(kill=True)  # synchronous: nothing else runs until it is dead


async def stream_until_killed(sender: Sender, room: Room) -> None:
    """Keep WINDOW answers in flight; read every reply the server sent before it died."""
    assert sender.phone.ws is not None
    next_index = 0
    try:
        while next_index < min(WINDOW, PER_PHONE):
            await sender.send(sender.answer(next_index))
            next_index += 1
        while len(sender.acked) < PER_PHONE:
            reply = json.loads(await asyncio.wait_for(sender.phone.ws.recv(), 30))
            if reply["type"] not in ("ack", "error"):
                continue
            assert reply.get("status") == "accepted", reply
            sender.acked.add(reply["id"])
            room.acknowledged()
            if next_index < PER_PHONE and not room.killed:
                await sender.send(sender.answer(next_index))
                next_index += 1
    except ConnectionClosed:
        pass  # the server died; replies it sent before were read above


def slot_problems(sender: Sender, stored: dict[tuple[str, str], Any]) -> list[str]:
    """The stored answer of each question is the last acknowledged one or a later one."""
    participant = f"P-{sender.number + 1:03d}"
    problems = []
    for question in ("q1", "q3", "q4"):
        sent = [s for s in sender.sent if s.question == question]
        acked = [i for i, s in enumerate(sent) if s.id in sender.acked]
        value = stored.get((participant, question))
        allowed = (
            [s.value for s in sent[acked[-1] :]] if acked else [None, *(s.value for s in sent)]
        )
        if value not in allowed:
            problems.append(
                f"{participant} {question}: stored {value!r}, sent "
                f"{[s.value for s in sent]}, last acknowledged: "
                f"{sent[acked[-1]].value if acked else None!r}"
            )
    return problems


async def test_kill_9_with_answers_in_flight_keeps_every_acknowledged_answer(
    own_server: RunningServer,
) -> None:
    phones = 100
    own_server.start()
    async with Organizer(own_server) as org:
        session = await org.create()
        senders = await ready_senders(own_server, session["code"], phones)
    room = Room(own_server, kill_after=phones * PER_PHONE // 2)
    await asyncio.gather(*(stream_until_killed(s, room) for s in senders))
    assert room.killed
    in_flight = sum(len(s.sent) - len(s.acked) for s in senders)
    assert in_flight > 0  # the kill really cut answers off
    for sender in senders:
        await sender.phone.close()

    own_server.start()
    async with Organizer(own_server) as org:
        stored = stored_answers(await export_rows(org, session["id"]))
        problems = [p for s in senders for p in slot_problems(s, stored)]
        assert not problems, f"{len(problems)} answers lost, e.g. {problems[:3]}"
        assert served(await org.results(session["id"])) == recount(stored)
