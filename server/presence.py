"""How many phones are connected to a session across all workers: the presenter's
"connected" count.

Each worker knows its own sockets. It publishes its count per session through the broker
when the count changes (gathered for a moment) and again every few seconds while it has
phones, so that a worker that starts late learns the others' counts. A count that is not
repeated expires, which is how a worker that died stops being counted. Two tabs of one
phone on two workers count twice: the workers do not share who their participants are.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from secrets import token_hex
from typing import Any

PRESENCE_FLUSH_SECONDS = 0.5  # changes of a burst of joins are published together
PRESENCE_HEARTBEAT_SECONDS = 5.0  # a worker with phones repeats its count this often
PRESENCE_EXPIRY_SECONDS = 3 * PRESENCE_HEARTBEAT_SECONDS  # then it is forgotten


@dataclass
class Presence:
    local: Callable[[str], int]  # this worker's connected phones in a session
    worker: str = field(default_factory=lambda: token_hex(8))
    clock: Callable[[], float] = time.monotonic
    # session -> other worker -> (its count, when that count expires)
    _others: dict[str, dict[str, tuple[int, float]]] = field(default_factory=dict)
    _changed: set[str] = field(default_factory=set)

    def changed(self, session_id: str) -> None:
        """A phone of this worker connected to or left the session."""
        self._changed.add(session_id)

    def due(self, sessions_with_phones: set[str], *, heartbeat: bool) -> list[dict[str, Any]]:
        """The notices to publish now: changed counts, or on a heartbeat every session this
        worker has phones in."""
        sessions = self._changed | (sessions_with_phones if heartbeat else set())
        self._changed = set()
        return [
            {"session": s, "presence": {"worker": self.worker, "phones": self.local(s)}}
            for s in sorted(sessions)
        ]

    def everything_changed(self, sessions_with_phones: set[str]) -> None:
        """After a broker outage: others may have missed our counts, send them all again."""
        self._changed |= sessions_with_phones

    def heard(self, session_id: str, presence: Any) -> bool:
        """A count from a notice; True when the session's total changed by it."""
        if not isinstance(presence, dict):
            return False
        worker, phones = presence.get("worker"), presence.get("phones")
        if worker == self.worker or not isinstance(worker, str) or not _count(phones):
            return False
        before = self._others_total(session_id)
        others = self._others.setdefault(session_id, {})
        if phones:
            others[worker] = (phones, self.clock() + PRESENCE_EXPIRY_SECONDS)
        else:
            others.pop(worker, None)
        if not others:
            self._others.pop(session_id, None)
        return self._others_total(session_id) != before

    def expire(self) -> set[str]:
        """Forget counts not repeated in time; the sessions whose total changed."""
        now, changed = self.clock(), set()
        for session_id, others in list(self._others.items()):
            for worker, (_, expires) in list(others.items()):
                if expires < now:
                    del others[worker]
                    changed.add(session_id)
            if not others:
                del self._others[session_id]
        return changed

    def total(self, session_id: str) -> int:
        return self.local(session_id) + self._others_total(session_id)

    def _others_total(self, session_id: str) -> int:
        return sum(count for count, _ in self._others.get(session_id, {}).values())


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 1_000_000
