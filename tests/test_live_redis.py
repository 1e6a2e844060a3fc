"""Two workers sharing live updates through a real redis-server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from websockets.asyncio.client import connect

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


async def test_health_reports_a_dead_broker(tmp_path: Path, redis_server: RedisServer) -> None:
    server = RunningServer(tmp_path, extra_args=("--redis", redis_server.url)).start()
    try:
        async with Organizer(server) as org:
            redis_server.stop()
            r = await org.http.get("/healthz")
            assert r.status_code == 503
            assert r.json()["broker"] == "unavailable" and r.json()["store"] == "ok"
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
                return (await org.http.get("/healthz")).status_code == 200

            await wait_until(healthy, timeout=15)
    finally:
        server.stop()
