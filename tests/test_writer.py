"""The store's writer thread, below the database: order, batching, failures, back-pressure.

A fake batch function stands in for SQLite here; the real store is tested through the
server everywhere else (test_live_race, test_durability, test_property)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from server.store import writer as writer_module
from server.store.writer import Job, Writer


class Recorder:
    """A batch function that records what it got, can fail, and can be held."""

    def __init__(self) -> None:
        self.batches: list[list[Any]] = []
        self.release = threading.Event()
        self.release.set()
        self.fail_on: object = None

    def __call__(self, batch: list[Job]) -> list[Any]:
        self.release.wait(10)
        payloads = [job.payload for job in batch]
        self.batches.append(payloads)
        if self.fail_on in payloads:
            raise RuntimeError("disk full")
        return [ValueError(p) if p == "refused" else f"stored {p}" for p in payloads]


async def test_outcomes_come_back_in_order_and_only_after_the_batch_ran() -> None:
    runner = Recorder()
    runner.release.clear()
    writer = Writer(runner)
    writer.start()
    seen: list[tuple[Any, Any]] = []
    for n in range(100):
        assert writer.offer("answer", n, lambda payload, outcome: seen.append((payload, outcome)))
    await asyncio.sleep(0.05)
    assert seen == []  # nothing is settled before its batch has run
    runner.release.set()
    await writer.stop()
    assert seen == [(n, f"stored {n}") for n in range(100)]
    assert [p for batch in runner.batches for p in batch] == list(range(100))
    assert len(runner.batches) < 100  # queued jobs went in together


async def test_a_refusal_reaches_only_its_own_job() -> None:
    writer = Writer(Recorder())
    assert not writer.alive
    writer.start()
    assert writer.alive
    assert await writer.submit("answer", "fine") == "stored fine"
    with pytest.raises(ValueError):
        await writer.submit("answer", "refused")
    await writer.stop()
    assert not writer.alive


async def test_a_failed_batch_fails_each_of_its_jobs_and_the_writer_goes_on() -> None:
    runner = Recorder()
    runner.fail_on = "bad"
    writer = Writer(runner)
    writer.start()
    with pytest.raises(RuntimeError, match="disk full"):
        await writer.submit("answer", "bad")
    assert await writer.submit("answer", "later") == "stored later"
    await writer.stop()


async def test_a_broken_callback_does_not_stop_the_others() -> None:
    writer = Writer(Recorder())
    writer.start()
    seen: list[Any] = []

    def broken(_payload: Any, _outcome: Any) -> None:
        raise KeyError("bug")

    writer.offer("answer", 1, broken)
    writer.offer("answer", 2, lambda payload, outcome: seen.append(outcome))
    assert await writer.submit("answer", 3) == "stored 3"
    assert seen == ["stored 2"]
    await writer.stop()


async def test_a_full_queue_refuses_offers_until_there_is_room(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(writer_module, "QUEUE_LIMIT", 3)
    runner = Recorder()
    runner.release.clear()
    writer = Writer(runner)
    writer.start()
    settled: list[Any] = []
    assert all(writer.offer("answer", n, lambda p, o: settled.append(o)) for n in range(3))
    assert not writer.offer("answer", 3, lambda p, o: settled.append(o))
    waiting = asyncio.create_task(writer.room())
    await asyncio.sleep(0.05)
    assert not waiting.done()
    runner.release.set()
    await asyncio.wait_for(waiting, 5)
    assert writer.offer("answer", 3, lambda p, o: settled.append(o))
    await writer.stop()
    assert settled == [f"stored {n}" for n in range(4)]
