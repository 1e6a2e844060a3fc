"""Broker: carries change notices between workers. A notice is a hint, never data.

Messages are small dicts `{"session": id, "questions": [...], "control": bool}`; a
`{"resync": true}` message tells listeners to re-read everything from the store (sent
after the Redis connection was lost, when notices may have been missed), and
`{"resync": true, "session": id}` only that session's. On Redis every session notice
carries a `seq` that grows by one per session across all workers; a listener that sees a
number skipped re-reads that session (a notice was lost between hosts). The exception is
`{"session": id, "reactions": {name: n}}`: reactions are never stored, so their notice is
the data itself, and a lost one is a reaction nobody saw. So is
`{"session": id, "presence": {"worker": w, "phones": n}}`, a worker's connected phones,
repeated while it has any (server/presence.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

CHANNEL = "trifecta:events"
SEQ_KEY = "trifecta:seq:"  # + session id: the session's last notice number
SEQ_KEY_SECONDS = 7 * 24 * 3600  # a session quiet for a week starts counting afresh
Notice = dict[str, Any]


# KEYS[1]: the session's counter; ARGV: channel, the notice as a JSON object, key lifetime.
# The number goes in front of the notice's own keys: `{"seq": n, ...}`.
NUMBERED_PUBLISH = """
local seq = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[1], '{"seq": ' .. seq .. ', ' .. string.sub(ARGV[2], 2))
return seq
"""


class SequenceCheck:
    """The listener's side of the per-session numbers: which session skipped one."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def gap(self, notice: Notice) -> str | None:
        """The session of a notice that came after a lost one, else None."""
        session, seq = notice.get("session"), notice.get("seq")
        if not isinstance(session, str) or not isinstance(seq, int):
            return None
        last = self._last.get(session)
        self._last[session] = seq
        return session if last is not None and seq != last + 1 else None


class Broker(Protocol):
    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def is_healthy(self) -> bool: ...

    async def publish(self, notice: Notice) -> None:
        """Send a notice to every listener of every worker (best effort)."""

    def listen(self) -> AsyncIterator[Notice]:
        """Notices from all workers, this one included, until the broker closes."""


class MemoryBroker:
    """The in-process broker: one worker, no network."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Notice] = asyncio.Queue(maxsize=10_000)

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def is_healthy(self) -> bool:
        return True

    async def publish(self, notice: Notice) -> None:
        try:
            self._queue.put_nowait(notice)
        except asyncio.QueueFull:  # the listener is far behind: ask it to re-read everything
            log.warning("broker queue full; asking listeners to resync")

    async def listen(self) -> AsyncIterator[Notice]:
        while True:
            yield await self._queue.get()


class RedisBroker:
    """Redis pub/sub, for several workers. Reconnects with backoff and asks for a resync."""

    def __init__(self, url: str) -> None:
        self._client = aioredis.from_url(
            url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=10
        )
        self._numbered = self._client.register_script(NUMBERED_PUBLISH)

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        await self._client.aclose()

    async def is_healthy(self) -> bool:
        try:
            return bool(await asyncio.wait_for(self._client.ping(), timeout=2))
        except (RedisError, OSError, TimeoutError):
            return False

    async def publish(self, notice: Notice) -> None:
        try:
            await asyncio.wait_for(self._publish(notice), timeout=2)
        except (RedisError, OSError, TimeoutError) as e:
            log.warning("could not publish to redis: %s", e)

    async def _publish(self, notice: Notice) -> None:
        session = notice.get("session")
        if not isinstance(session, str):
            await self._client.publish(CHANNEL, json.dumps(notice))
            return
        # numbered in a script, so that the numbers reach the channel in the order they grow
        await self._numbered(
            keys=[SEQ_KEY + session], args=[CHANNEL, json.dumps(notice), SEQ_KEY_SECONDS]
        )

    async def listen(self) -> AsyncIterator[Notice]:
        delay = 0.2
        while True:
            try:
                async with self._client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    yield {"resync": True}  # anything before this moment may be missed
                    delay, numbers = 0.2, SequenceCheck()
                    async for notice in self._messages(pubsub):
                        yield notice
                        if (skipped := numbers.gap(notice)) is not None:
                            log.warning("a notice of session %s was lost; re-reading", skipped)
                            yield {"resync": True, "session": skipped}
            except (RedisError, OSError, TimeoutError) as e:
                log.warning("redis subscription lost (%s); retrying in %.1fs", e, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _messages(self, pubsub: Any) -> AsyncIterator[Notice]:
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=15)
            if message is None:
                await asyncio.wait_for(pubsub.ping(), timeout=5)  # silence may be a dead link
                continue
            with contextlib.suppress(ValueError):
                yield json.loads(message["data"])


def open_broker(redis_url: str | None) -> Broker:
    return RedisBroker(redis_url) if redis_url else MemoryBroker()
