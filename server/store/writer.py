"""One writer per process: a thread that takes queued work in batches and commits it.

Group commit: every answer waiting in the queue when the writer is free goes into one
transaction; each job's `done` callback gets its outcome on the event loop, only after
that transaction committed."""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

QUEUE_LIMIT = 20_000
BATCH_LIMIT = 512

Done = Callable[[Any, Any], None]  # done(payload, result or the exception that refused it)


@dataclass(slots=True)
class Job:
    """A unit of write work; `payload` goes to the batch function, `done` gets it back with
    its outcome (so that one callback object can serve every job of a connection)."""

    kind: str  # "answer" runs batched; anything else runs alone in its own transaction
    payload: Any
    done: Done


BatchRunner = Callable[[list[Job]], list[Any]]  # runs in the writer thread; one result per job


class Writer:
    """Its own thread rather than a task handing batches to an executor: the thread starts
    the next batch while the event loop is still acknowledging the last one, and no batch
    waits for a hop through the event loop to begin."""

    def __init__(self, run_batch: BatchRunner) -> None:
        self._run_batch = run_batch
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._queued = 0  # jobs not yet delivered; only touched on the event loop
        self._room = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._work, name="trifecta-writer", daemon=True)

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread.start()

    @property
    def alive(self) -> bool:
        """False once the thread ended: no answer would be stored or acknowledged."""
        return self._thread.is_alive()

    async def stop(self) -> None:
        """Commit what is queued, then end the thread."""
        if self._thread.is_alive():
            self._jobs.put(None)
            await asyncio.to_thread(self._thread.join)

    async def submit(self, kind: str, payload: Any) -> Any:
        """Queue a job and wait for its committed result (or its exception)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def done(_payload: Any, outcome: Any) -> None:
            if future.done():
                return
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

        while not self.offer(kind, payload, done):
            await self.room()
        return await future

    def offer(self, kind: str, payload: Any, done: Done) -> bool:
        """Queue a job unless the queue is full (then wait for `room` and offer again).
        `done` is called on the event loop after COMMIT; jobs queued in order are committed
        in that order.

        A callback rather than a future per job: a future's callbacks run one loop
        iteration later, and at thousands of answers a second that hop is measurable."""
        if self._queued >= QUEUE_LIMIT:
            return False
        self._queued += 1
        self._jobs.put(Job(kind, payload, done))
        return True

    async def room(self) -> None:
        """Wait until the queue takes jobs again."""
        while self._queued >= QUEUE_LIMIT:
            self._room.clear()
            await self._room.wait()

    def _work(self) -> None:
        """The writer thread: block for a job, take all that wait, run them, hand back."""
        assert self._loop is not None
        while (first := self._jobs.get()) is not None:
            batch, stopping = [first], False
            while len(batch) < BATCH_LIMIT:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                    break
                batch.append(job)
            try:
                outcomes = self._run_batch(batch)
            except Exception as e:  # the transaction failed: nothing in it is acknowledged
                log.exception("write batch of %d failed", len(batch))
                outcomes = [e] * len(batch)
            try:
                self._loop.call_soon_threadsafe(self._deliver, batch, outcomes)
            except RuntimeError:  # the loop is closed: nobody is waiting any more
                return
            if stopping:
                return

    def _deliver(self, batch: list[Job], outcomes: list[Any]) -> None:
        self._queued -= len(batch)
        self._room.set()
        for job, outcome in zip(batch, outcomes, strict=True):
            try:
                job.done(job.payload, outcome)
            except Exception:  # one caller's bug must not stop the others' acks
                log.exception("a write job's callback failed")
