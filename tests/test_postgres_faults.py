"""PostgreSQL going away mid-session: nothing acknowledged is lost, nothing unacknowledged
is stored twice, health says so while it is down, and everything recovers by itself."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from websockets.asyncio.client import connect

from .client import Organizer, Phone, wait_until
from .conftest import RedisServer, RunningServer
from .postgres import PostgresServer, service_root

PHONES = 8
OPTIONS = ("learner", "leader", "l-d")


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A cluster of this test alone: it is stopped and started again."""
    with service_root() as root:
        running = PostgresServer(root).start()
        yield running
        running.stop()


class Sender:
    """A phone as phone.js behaves: an answer keeps its id until acknowledged, and goes
    again after `store_unavailable` (or a dropped socket)."""

    def __init__(self, phone: Phone) -> None:
        self.phone = phone
        self.acked: dict[str, str] = {}  # answer id -> status
        self.acked_at: dict[str, float] = {}
        self.refused = 0  # store_unavailable replies: the phone sent again

    async def deliver(self, value: str, deadline: float) -> str:
        answer_id = str(uuid.uuid4())
        while time.monotonic() < deadline:
            await self.phone.send(
                {"type": "answer", "id": answer_id, "question": "q1", "value": value}
            )
            reply = await self.phone.reply(timeout=max(0.1, deadline - time.monotonic()))
            if reply["type"] == "ack":
                self.acked[answer_id] = reply["status"]
                self.acked_at[answer_id] = time.monotonic()
                return answer_id
            assert reply["code"] == "store_unavailable", reply
            self.refused += 1
            await asyncio.sleep(0.5)  # as phone.js waits before sending again
        raise AssertionError(f"answer {answer_id} was never acknowledged")


def stored_copies(url: str, answer_ids: list[str]) -> dict[str, int]:
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT client_id, count(*) FROM responses WHERE client_id = ANY(%s) "
            "GROUP BY client_id",
            (answer_ids,),
        ).fetchall()
    return {str(cid): int(n) for cid, n in rows}


async def test_a_postgres_restart_mid_session_loses_and_doubles_nothing(
    tmp_path: Path, own_postgres: PostgresServer
) -> None:
    database = own_postgres.url
    server = RunningServer(tmp_path, database_url=database).start()
    try:
        async with Organizer(server) as org:
            session = await org.create()
            senders = []
            for _ in range(PHONES):
                phone = Phone(server)
                await phone.join(session["code"])
                await phone.connect(session["code"])
                senders.append(Sender(phone))
            before = [
                await s.deliver(OPTIONS[0], time.monotonic() + 30) for s in senders
            ]  # acknowledged while the database is up

            own_postgres.stop()
            health = await org.http.get("/healthz")
            assert health.status_code == 503 and health.json()["store"] == "unavailable"
            # answers sent while it is down, and it comes back while they wait
            during = [
                asyncio.create_task(s.deliver(OPTIONS[1], time.monotonic() + 60)) for s in senders
            ]
            await asyncio.sleep(4)  # longer than the writer retries: they are refused
            restarted = time.monotonic()
            own_postgres.start()
            after: list[Any] = await asyncio.gather(*during)
            # nothing was acknowledged while the database was down, and phones had to send
            # again: the writer gives up on a batch after 3 s of retries, and the first
            # batch began right after the stop (later batches may outlive the outage)
            assert all(s.acked_at[a] > restarted for s, a in zip(senders, after, strict=True))
            assert sum(s.refused for s in senders) >= 1

            async def healthy() -> bool:
                return bool((await org.http.get("/healthz")).status_code == 200)

            await wait_until(healthy, timeout=30)
            results = await org.results(session["id"])
            assert results["q1"]["responses"] == PHONES
            assert results["q1"]["result"]["counts"][OPTIONS[1]] == PHONES  # the latest won
            copies = stored_copies(database, [*before, *after])
            assert copies == dict.fromkeys([*before, *after], 1)  # each stored exactly once
            for s in senders:
                assert set(s.acked.values()) == {"accepted"}
                await s.phone.close()
    finally:
        server.stop()


async def test_two_servers_on_one_postgres_and_one_redis_show_the_same_room(
    tmp_path: Path, postgres: PostgresServer, redis_server: RedisServer
) -> None:
    """Two hosts, as far as one machine can tell: two server processes with their own
    folders share one database and one Redis. Phones answer on A; the presenter on B sees
    every answer, and B's count is the recount."""
    database = postgres.fresh_database()
    token = "an-admin-token-both-hosts-share-0123456789"
    hosts = [
        RunningServer(
            tmp_path / name,
            admin_token=token,
            database_url=database,
            extra_args=("--redis", redis_server.url, "--joins-per-minute", "1000000"),
        ).start()
        for name in ("a", "b")
    ]
    a, b = hosts
    try:
        async with Organizer(a) as on_a, Organizer(b) as on_b:
            session = await on_a.create()
            presenter = await connect(
                f"{b.ws_url}/ws/present/{session['id']}",
                additional_headers={"Authorization": f"Bearer {session['presenter_key']}"},
            )
            phones = [Phone(a) for _ in range(12)]
            for n, phone in enumerate(phones):
                await phone.join(session["code"])
                value = OPTIONS[n % len(OPTIONS)]
                assert (await phone.answer_http("q1", value)).status_code == 201
            expected = {option: 4 for option in OPTIONS}
            deadline = time.monotonic() + 20
            shown: dict[str, int] = {}
            while shown != expected:
                left = deadline - time.monotonic()
                assert left > 0, f"the presenter on B shows {shown}, not {expected}"
                message = json.loads(await asyncio.wait_for(presenter.recv(), left))
                for q in message.get("questions", []) if message["type"] == "results" else []:
                    if q["id"] == "q1":
                        shown = q["result"]["counts"]
            await presenter.close()
            assert (await on_b.results(session["id"]))["q1"]["result"]["counts"] == expected
            for phone in phones:
                await phone.close()
    finally:
        for host in hosts:
            host.stop()
