"""One writer per process: drains a bounded queue and commits queued work in batches.

Group commit: every answer waiting in the queue when the writer wakes goes into one
transaction; each caller's future resolves only after that transaction committed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

QUEUE_LIMIT = 20_000
BATCH_LIMIT = 512


@dataclass(slots=True)
class Job:
    """A unit of write work; `payload` goes to the batch function, `future` gets its result."""

    kind: str  # "answer" runs batched; anything else runs alone in its own transaction
    payload: Any
    future: asyncio.Future[Any]


BatchRunner = Callable[[list[Job]], list[Any]]  # runs in the writer thread; one result per job


class Writer:
    def __init__(self, run_batch: BatchRunner) -> None:
        self._run_batch = run_batch
        self._queue: asyncio.Queue[Job] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trifecta-writer")
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="store-writer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._thread.shutdown(wait=True)

    async def submit(self, kind: str, payload: Any) -> Any:
        return await (await self.enqueue(kind, payload))

    async def enqueue(self, kind: str, payload: Any) -> asyncio.Future[Any]:
        """Queue a job (waiting only while the queue is full); its future resolves after
        COMMIT. Jobs queued in order are committed in that order."""
        job = Job(kind, payload, asyncio.get_running_loop().create_future())
        if self._queue.full():
            await self._queue.put(job)
        else:
            self._queue.put_nowait(job)
        return job.future

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            while len(batch) < BATCH_LIMIT and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                outcomes = await loop.run_in_executor(self._thread, self._run_batch, batch)
            except Exception as e:  # the transaction failed: nothing in it is acknowledged
                log.exception("write batch of %d failed", len(batch))
                outcomes = [e] * len(batch)
            for job, outcome in zip(batch, outcomes, strict=True):
                if job.future.done():
                    continue
                if isinstance(outcome, BaseException):
                    job.future.set_exception(outcome)
                else:
                    job.future.set_result(outcome)
