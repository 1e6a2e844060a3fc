"""Two workers sharing live updates through a real redis-server."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

import redis.asyncio as aioredis
from websockets.asyncio.client import ClientConnection, connect

from .client import Organizer, Phone, present, presenters_on_both_workers, wait_until
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
            by_worker = await presenters_on_both_workers(server, session)
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


async def connected_count(presenter: ClientConnection) -> int:
    """The connected count of the next session message."""
    while True:
        message = json.loads(await asyncio.wait_for(presenter.recv(), 10))
        if message["type"] == "session":
            return int(message["connected"])


async def test_the_connected_count_adds_up_the_phones_of_every_worker(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    """A presenter on each worker counts every phone, wherever the kernel put it (at
    least one presenter is on another worker than some of the phones), and a phone that
    leaves is subtracted on both."""
    server = RunningServer(tmp_path, extra_args=("--workers", "2", "--redis", redis_server.url))
    server.start()
    try:
        async with Organizer(server) as org:
            session = await org.create()
            presenters = await presenters_on_both_workers(server, session)
            phones = [Phone(server) for _ in range(6)]
            for phone in phones:
                await phone.join(session["code"])
                await phone.connect(session["code"])
            for presenter in presenters.values():
                await wait_for_count(presenter, 6)
            await phones[0].close()
            for presenter in presenters.values():
                await wait_for_count(presenter, 5)
                await presenter.close()
            for phone in phones[1:]:
                await phone.close()
    finally:
        server.stop()


async def wait_for_count(presenter: ClientConnection, expected: int, timeout: float = 15) -> None:
    async def reached() -> bool:
        return await connected_count(presenter) == expected

    await wait_until(reached, timeout=timeout)


async def results_of(presenter: ClientConnection) -> set[str]:
    """The question ids of the presenter's next results message."""
    while True:
        message = json.loads(await asyncio.wait_for(presenter.recv(), 10))
        if message["type"] == "results":
            return {q["id"] for q in message["questions"]}


async def test_a_lost_notice_makes_the_views_reread_the_session(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    """Notices are numbered per session; a number skipped (here the counter is moved on,
    as if a notice from another host had been lost) makes the presenter get every result
    of the session again, where a notice in sequence sends only the question that changed."""
    server = RunningServer(tmp_path, extra_args=("--redis", redis_server.url)).start()
    rogue = aioredis.from_url(redis_server.url)
    try:
        async with Organizer(server) as org:
            session = await org.create()
            every = {q["id"] for q in session["questions"]}
            presenter = await present(server, session)
            assert await results_of(presenter) == every  # the first snapshot
            first, second = Phone(server), Phone(server)
            await first.join(session["code"])
            assert (await first.answer_http("q1", "learner")).status_code == 201
            assert await results_of(presenter) == {"q1"}
            await rogue.incrby(f"trifecta:seq:{session['id']}", 3)
            await second.join(session["code"])
            assert (await second.answer_http("q1", "learner")).status_code == 201
            assert await results_of(presenter) == every
            await presenter.close()
    finally:
        await rogue.aclose()
        server.stop()


def cpu_seconds_of_workers(server: RunningServer) -> float:
    """User and system CPU time of the server's worker processes so far (Linux /proc)."""
    assert server.process is not None
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for child in [str(pid), *children]:
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


async def learner_count(presenter: ClientConnection, expected: int, timeout: float) -> None:
    """Read the presenter's messages until q1's learner count is `expected`."""
    deadline = time.monotonic() + timeout
    count = -1
    while count != expected:
        left = deadline - time.monotonic()
        assert left > 0, f"the presenter shows {count} learners, not {expected}"
        message = json.loads(await asyncio.wait_for(presenter.recv(), left))
        if message["type"] == "results":
            for q in message["questions"]:
                if q["id"] == "q1":
                    count = q["result"]["counts"]["learner"]


async def test_a_redis_crash_mid_session_loses_nothing_and_every_view_converges(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    """Redis is killed while answers arrive on two workers: every answer is still
    acknowledged and stored, health says degraded, the workers do not spin while they
    wait, and once Redis is back both presenters show the recount without reconnecting."""
    server = RunningServer(tmp_path, extra_args=("--workers", "2", "--redis", redis_server.url))
    server.start()
    try:
        async with Organizer(server) as org:
            session = await org.create()
            presenters = await presenters_on_both_workers(server, session)
            phones = [Phone(server) for _ in range(16)]
            for phone in phones[:8]:
                await phone.join(session["code"])
                assert (await phone.answer_http("q1", "learner")).status_code == 201
            for presenter in presenters.values():
                await learner_count(presenter, 8, timeout=15)
            redis_server.stop()  # SIGKILL
            for phone in phones[8:]:
                await phone.join(session["code"])
                assert (await phone.answer_http("q1", "learner")).status_code == 201
            assert (await org.http.get("/healthz")).json()["status"] == "degraded"
            before = cpu_seconds_of_workers(server)
            await asyncio.sleep(3)  # a quiet outage: measure what the workers burn
            assert cpu_seconds_of_workers(server) - before < 0.6, "workers spin without Redis"
            redis_server.start()
            for presenter in presenters.values():
                await learner_count(presenter, 16, timeout=20)
                await presenter.close()
            recount = await org.results(session["id"])
            assert recount["q1"]["result"]["counts"]["learner"] == 16
            for phone in phones:
                await phone.close()
    finally:
        server.stop()
