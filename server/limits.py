"""Rate limits kept in memory, per worker: token buckets, and misses with growing back-off.

A workshop room shares one address (the venue's NAT), so limits by address count only
what a room does not do in bulk: wrong join codes and new participants by the hundred."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Hashable
from dataclasses import dataclass

from starlette.requests import HTTPConnection

_FORGET_ABOVE = 100_000  # keys kept before idle ones are dropped; bounds memory


def client_key(conn: HTTPConnection) -> str:
    """The client's address as the limits see it: an IPv6 client owns a whole /64, so its
    addresses count as one. Behind a reverse proxy this is the forwarded address (uvicorn
    trusts X-Forwarded-For from FORWARDED_ALLOW_IPS, 127.0.0.1 by default)."""
    host = conn.client.host if conn.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:10.0.0.5 is the IPv4 client 10.0.0.5
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class TokenBuckets:
    """Token buckets by key: `burst` at once, then `rate` a second. Written here rather than
    with `limits`: its memory storage took a tenth of the event loop's time at 5,000
    answers a second (py-spy)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[Hashable, tuple[float, float]] = {}  # key -> (tokens, last time)

    def allow(self, key: Hashable) -> bool:
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        if len(self._buckets) > _FORGET_ABOVE:
            self._forget_full(now)
        return True

    def _forget_full(self, now: float) -> None:
        refill = self.burst / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < refill}


@dataclass(slots=True)
class _Misses:
    tokens: float
    last: float  # when tokens were last counted; a block moves it to the block's end
    strikes: int = 0  # misses beyond the budget since the last hour without one
    until: float = 0.0  # blocked until then
    last_strike: float = 0.0


class MissLimiter:
    """Misses (wrong join codes) per client: `per_minute` of them at any pace; beyond that
    the client is blocked, first for one refill interval, then twice as long with every
    further miss, up to `max_block` seconds. No budget refills during a block, and the
    doubling is forgiven after `forgive` seconds without a miss beyond the budget.

    A guesser's best sustained pace is therefore `per_minute` wrong codes a minute."""

    def __init__(self, per_minute: int, max_block: float = 900, forgive: float = 3600) -> None:
        self.capacity, self.rate = float(per_minute), per_minute / 60
        self.max_block, self.forgive = max_block, forgive
        self._clients: dict[str, _Misses] = {}

    def wait(self, key: str) -> float:
        """Seconds until this client may look up a code again; 0 when it may now."""
        state = self._clients.get(key)
        return max(0.0, state.until - time.monotonic()) if state else 0.0

    def miss(self, key: str) -> None:
        now = time.monotonic()
        state = self._clients.get(key) or _Misses(self.capacity, now)
        self._clients[key] = state
        if state.strikes and now - state.last_strike > self.forgive:
            state.strikes = 0
        state.tokens = min(self.capacity, state.tokens + max(0.0, now - state.last) * self.rate)
        state.last = max(state.last, now)
        if state.tokens >= 1:
            state.tokens -= 1
            return
        state.strikes += 1
        state.last_strike = now
        block = min(self.max_block, 2 ** (state.strikes - 1) / self.rate)
        state.until = state.last = now + block
        if len(self._clients) > _FORGET_ABOVE:
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        full = self.capacity / self.rate
        self._clients = {
            k: s
            for k, s in self._clients.items()
            if s.until > now or now - s.last < max(full, self.forgive)
        }
