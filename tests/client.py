"""Small real clients for tests: the organizer/presenter API and anonymous phones."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx2
from websockets.asyncio.client import ClientConnection, connect

from server.kinds import KINDS

from .conftest import RunningServer

# One question of every kind, q1, q2, ... in the registry's order, as each kind's examples
# describe it: the examples' valid and invalid values are then about these very questions.
SIMPLE_QUESTIONS: list[dict[str, Any]] = [
    {**kind.examples.question, **({"segment": True} if name == "single_choice" else {})}
    for name, kind in KINDS.items()
]
KIND_OF_QUESTION = {f"q{n}": name for n, name in enumerate(KINDS, start=1)}


class Organizer:
    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.http = httpx2.AsyncClient(
            base_url=server.url,
            timeout=30,
            headers={"Authorization": f"Bearer {server.admin_token}"},
        )

    async def __aenter__(self) -> Organizer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()

    async def create(
        self,
        *,
        mode: str = "self_paced",
        questions: list[dict[str, Any]] | None = None,
        reveal: str = "live",  # most tests watch results arrive while people answer
    ) -> dict[str, Any]:
        r = await self.http.post(
            "/api/sessions",
            json={
                "title": "Test session",
                "mode": mode,
                "questions": questions or SIMPLE_QUESTIONS,
                "reveal": reveal,
            },
        )
        assert r.status_code == 201, r.text
        created: dict[str, Any] = r.json()
        session = await self.session(created["id"])
        return {**created, "questions": session["questions"]}

    async def session(self, session_id: str) -> dict[str, Any]:
        r = await self.http.get(f"/api/sessions/{session_id}")
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()
        return data

    async def control(self, session_id: str, action: str, question: str | None = None) -> None:
        body = {"action": action, **({"question": question} if question else {})}
        r = await self.http.post(f"/api/sessions/{session_id}/control", json=body)
        assert r.status_code == 200, r.text

    async def results(self, session_id: str) -> dict[str, dict[str, Any]]:
        r = await self.http.get(f"/api/sessions/{session_id}/results")
        assert r.status_code == 200, r.text
        return {q["id"]: q for q in r.json()["questions"]}


class Phone:
    """One anonymous participant: a cookie jar, HTTP answers and a WebSocket."""

    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.http = httpx2.AsyncClient(base_url=server.url, timeout=30, verify=False)  # plain http
        self.ws: ClientConnection | None = None
        self.session_id = ""

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        await self.http.aclose()

    async def join(self, code: str) -> str:
        r = await self.http.post(f"/api/join/{code}", json={})
        assert r.status_code == 200, r.text
        self.session_id = r.json()["session"]
        return self.session_id

    @property
    def token(self) -> str:
        return str(self.http.cookies.get("trifecta_pid"))

    async def answer_http(
        self, question: str, value: Any, answer_id: str | None = None
    ) -> httpx2.Response:
        return await self.http.post(
            f"/api/sessions/{self.session_id}/responses",
            json={"id": answer_id or str(uuid.uuid4()), "question": question, "value": value},
        )

    async def connect(self, code: str) -> dict[str, Any]:
        self.ws = await connect(
            f"{self.server.ws_url}/ws/session/{code}",
            additional_headers={"Cookie": f"trifecta_pid={self.token}"},
        )
        state: dict[str, Any] = json.loads(await self.ws.recv())
        assert state["type"] == "state", state
        return state

    async def send(self, message: dict[str, Any] | str) -> None:
        assert self.ws is not None
        await self.ws.send(message if isinstance(message, str) else json.dumps(message))

    async def reply(self, timeout: float = 10) -> dict[str, Any]:
        """The next ack or error (session pushes are skipped)."""
        assert self.ws is not None
        while True:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if message["type"] in ("ack", "error"):
                return message

    async def answer_ws(
        self, question: str, value: Any, answer_id: str | None = None
    ) -> dict[str, Any]:
        await self.send(
            {
                "type": "answer",
                "id": answer_id or str(uuid.uuid4()),
                "question": question,
                "value": value,
            }
        )
        return await self.reply()


@dataclass
class Room:
    """A self-paced session whose answers were seeded by `phone` and a neighbour."""

    org: Organizer
    session: dict[str, Any]
    phone: Phone
    neighbour: Phone

    @property
    def id(self) -> str:
        return str(self.session["id"])

    @property
    def code(self) -> str:
        return str(self.session["code"])

    @property
    def responses_url(self) -> str:
        return f"/api/sessions/{self.id}/responses"

    async def results(self) -> dict[str, dict[str, Any]]:
        return await self.org.results(self.id)


async def wait_until(predicate: Callable[[], Awaitable[bool]], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


# -- several workers -------------------------------------------------------------------
async def present(server: RunningServer, session: dict[str, Any]) -> ClientConnection:
    url = f"{server.ws_url}/ws/present/{session['id']}"
    headers = {"Authorization": f"Bearer {session['presenter_key']}"}
    return await connect(url, additional_headers=headers)


def worker_of(ws: ClientConnection) -> str:
    assert ws.response is not None
    return str(ws.response.headers["x-trifecta-worker"])


async def presenters_on_both_workers(
    server: RunningServer, session: dict[str, Any], timeout: float = 30
) -> dict[str, ClientConnection]:
    """A presenter socket on each of two workers, by the worker id each handshake names.
    The server is healthy once one worker answers, so the other may still be starting;
    sockets are opened in bursts, which the kernel spreads better than one at a time."""
    by_worker: dict[str, ClientConnection] = {}
    deadline = time.monotonic() + timeout
    while len(by_worker) < 2:
        assert time.monotonic() < deadline, "every presenter socket landed on one worker"
        for presenter in await asyncio.gather(*(present(server, session) for _ in range(8))):
            if len(by_worker) < 2 and worker_of(presenter) not in by_worker:
                by_worker[worker_of(presenter)] = presenter
            else:
                await presenter.close()
        await asyncio.sleep(0.1)  # give a starting worker a moment before the next burst
    return by_worker
