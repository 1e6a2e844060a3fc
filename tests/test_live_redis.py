"""Two workers sharing live updates through a real redis-server."""

from __future__ import annotations

import json
from pathlib import Path

from websockets.asyncio.client import connect

from .client import Organizer, Phone
from .conftest import RedisServer, RunningServer


async def test_two_workers_show_every_answer_on_the_presenter_screen(
        tmp_path: Path, redis_server: RedisServer) -> None:
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
