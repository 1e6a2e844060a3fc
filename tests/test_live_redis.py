"""Two workers sharing live updates through a real redis-server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from .client import Organizer, Phone, wait_until
from .conftest import RedisServer, RunningServer


async def test_two_workers_show_every_answer_on_the_presenter_screen(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    server = RunningServer(tmp_path, extra_args=("--workers", "2", "--redis", redis_server.url))
    server.start()
    try:
        async with Organizer(server) as org:
            session = await org.create()
            url = f"{server.ws_url}/ws/present/{session['id']}"
            headers = {"Authorization": f"Bearer {session['presenter_key']}"}
            presenters = [await connect(url, additional_headers=headers) for _ in range(4)]
            for presenter in presenters:
                assert json.loads(await presenter.recv())["type"] == "results"
            phones = [Phone(server) for _ in range(24)]
            for phone in phones:
                await phone.join(session["code"])
                assert (await phone.answer_http("q1", "learner")).status_code == 201
            for presenter in presenters:  # each sees all 24, whichever worker it is on
                count = 0
                while count < 24:
                    message = json.loads(await presenter.recv())
                    if message["type"] == "results":
                        count = message["questions"][0]["result"]["counts"]["learner"]
                await presenter.close()
            for phone in phones:
                await phone.close()
            health = (await org.http.get("/healthz")).json()
            assert health == {"status": "ok", "store": "ok", "broker": "ok"}
    finally:
        server.stop()


async def test_health_reports_a_dead_broker_as_degraded(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    """Still 200: the worker stores answers without Redis, so it stays in the pool."""
    server = RunningServer(tmp_path, extra_args=("--redis", redis_server.url)).start()
    try:
        async with Organizer(server) as org:
            redis_server.stop()
            r = await org.http.get("/healthz")
            assert r.status_code == 200
            assert r.json() == {"status": "degraded", "store": "ok", "broker": "unavailable"}
    finally:
        server.stop()


async def test_presenter_heals_after_a_redis_outage(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    server = RunningServer(tmp_path, extra_args=("--redis", redis_server.url)).start()
    try:
        async with Organizer(server) as org:
            session = await org.create()
            url = f"{server.ws_url}/ws/present/{session['id']}"
            headers = {"Authorization": f"Bearer {session['presenter_key']}"}
            async with connect(url, additional_headers=headers) as presenter:
                assert json.loads(await presenter.recv())["type"] == "results"
                redis_server.stop()
                phone = Phone(server)
                await phone.join(session["code"])
                # the store is the truth: answers are taken while the broker is down
                assert (await phone.answer_http("q1", "l-d")).status_code == 201
                redis_server.start()  # same port: the broker reconnects and resyncs
                count = 0
                while count < 1:
                    message = json.loads(await asyncio.wait_for(presenter.recv(), 30))
                    if message["type"] == "results":
                        count = {q["id"]: q for q in message["questions"]}.get(
                            "q1", {"result": {"counts": {"l-d": 0}}}
                        )["result"]["counts"]["l-d"]
                await phone.close()

            async def healthy() -> bool:
                return bool((await org.http.get("/healthz")).json()["status"] == "ok")

            await wait_until(healthy, timeout=15)
    finally:
        server.stop()


async def test_a_reaction_reaches_presenters_on_both_workers(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    server = RunningServer(tmp_path, extra_args=("--workers", "2", "--redis", redis_server.url))
    server.start()
    try:
        async with Organizer(server) as org:
            session = await org.create()
            phone = Phone(server)
            await phone.join(session["code"])
            await phone.connect(session["code"])
            # A presenter's first session message counts the phones on *its* worker: 1 on
            # the phone's, 0 on the other. Connect until both kinds are there.
            by_worker: dict[int, ClientConnection] = {}
            for _ in range(40):
                presenter, phones_here = await present(server, session)
                if phones_here in by_worker:
                    await presenter.close()
                else:
                    by_worker[phones_here] = presenter
                if len(by_worker) == 2:
                    break
            assert set(by_worker) == {0, 1}, "every presenter landed on the phone's worker"
            assert phone.ws is not None
            await phone.send({"type": "reaction", "reaction": "laugh"})
            for presenter in by_worker.values():
                message = {"type": ""}
                while message["type"] != "reactions":
                    message = json.loads(await asyncio.wait_for(presenter.recv(), 10))
                assert message["counts"] == {"laugh": 1}
                await presenter.close()
            await phone.close()
    finally:
        server.stop()


async def present(server: RunningServer, session: dict[str, Any]) -> tuple[ClientConnection, int]:
    """A presenter socket, and the phones its first session message says are connected."""
    url = f"{server.ws_url}/ws/present/{session['id']}"
    headers = {"Authorization": f"Bearer {session['presenter_key']}"}
    presenter = await connect(url, additional_headers=headers)
    while True:
        message = json.loads(await asyncio.wait_for(presenter.recv(), 10))
        if message["type"] == "session":
            return presenter, int(message["connected"])
