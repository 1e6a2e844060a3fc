"""Reactions: the fixed set a phone may tap, their check, their rate limit and their way out.

A reaction floats on the presenter screen and is gone. It is never stored: not an answer,
not in results, not in exports. That makes it the one thing a broker notice carries as
data rather than as a hint; a notice lost with Redis is a reaction nobody saw, no more."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .errors import InvalidRequest, RateLimited, SessionEnded, UnknownReaction
from .limits import TokenBuckets

if TYPE_CHECKING:  # the hub reads counts_from_notice from here
    from .hub import Hub
    from .store import Store

# name -> how the pages draw it; the pages name each in the reader's language
REACTION_EMOJI = {
    "thumbs_up": "\N{THUMBS UP SIGN}",
    "heart": "\N{HEAVY BLACK HEART}\N{VARIATION SELECTOR-16}",
    "laugh": "\N{FACE WITH TEARS OF JOY}",
    "surprise": "\N{FACE WITH OPEN MOUTH}",
    "question": "\N{BLACK QUESTION MARK ORNAMENT}",
}
REACTIONS = tuple(REACTION_EMOJI)
# Someone delighted taps a burst of a few and stops: 5 at once, then 2 a second, is more
# than hands do, and it holds a script to 2 a second. Workers sum reactions before they
# publish them, so even 300 scripts at that pace cost a few notices a second.
REACTIONS_PER_SECOND = 2
REACTION_BURST = 5
# How long "this session is live" is believed before the store is asked again: a reaction
# in the second after the end floats on a thank-you slide, which costs nothing.
LIVE_CHECK_SECONDS = 1.0
_LIVE_CACHE_LIMIT = 10_000  # sessions remembered; then the stale ones are dropped

_ALLOWED = ", ".join(REACTIONS)


def parse_reaction(message: dict[str, Any]) -> str:
    """The reaction a message names; refuses anything but one of REACTIONS."""
    name = message.get("reaction")
    if not isinstance(name, str):
        raise InvalidRequest(f"'reaction' is required: one of {_ALLOWED}")
    if name not in REACTIONS:
        raise UnknownReaction(f"there is no reaction {name[:32]!r}; send one of {_ALLOWED}")
    return name


def counts_from_notice(raw: object) -> dict[str, int]:
    """The counts of a broker notice, keeping only known reactions and positive counts:
    another worker wrote them, but through a network."""
    if not isinstance(raw, dict):
        return {}
    return {
        name: n
        for name, n in raw.items()
        if name in REACTIONS and type(n) is int and n > 0  # type() check: refuses True
    }


class ReactionDesk:
    """Takes the reactions of joined phones: rate-limited per participant (per worker, like
    every limit), refused once the session ended, handed to the hub to coalesce."""

    def __init__(self, store: Store, hub: Hub) -> None:
        self.store, self.hub = store, hub
        self._buckets = TokenBuckets(REACTIONS_PER_SECOND, REACTION_BURST)
        self._live: dict[str, tuple[bool, float]] = {}  # session -> (is live, checked at)

    async def take(self, session_id: str, participant_id: int, message: dict[str, Any]) -> str:
        """Check one reaction message and send it on; raise a TrifectaError to refuse it."""
        if not self._buckets.allow(participant_id):
            raise RateLimited(
                f"at most {REACTION_BURST} reactions at once, then "
                f"{REACTIONS_PER_SECOND} a second; slow down"
            )
        name = parse_reaction(message)
        if not await self._is_live(session_id):
            raise SessionEnded("this session has ended and takes no more reactions")
        self.hub.reacted(session_id, name)
        return name

    async def _is_live(self, session_id: str) -> bool:
        now = time.monotonic()
        known = self._live.get(session_id)
        if known is not None and now - known[1] < LIVE_CHECK_SECONDS:
            return known[0]
        info = await self.store.session(session_id)
        live = info is not None and info.state == "live"
        if len(self._live) >= _LIVE_CACHE_LIMIT:
            self._live = {s: v for s, v in self._live.items() if now - v[1] < LIVE_CHECK_SECONDS}
        self._live[session_id] = (live, now)
        return live
