"""The live hub of one worker: its sockets per session, coalesced updates, broker notices.

Broadcast never waits for a slow phone: a message is encoded once and offered to each
connection's bounded queue; a connection whose queue is full is closed and, when it
reconnects, reads a fresh snapshot from the store."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from . import segments
from .broker import Broker, Notice
from .presence import PRESENCE_FLUSH_SECONDS, PRESENCE_HEARTBEAT_SECONDS, Presence
from .reactions import counts_from_notice
from .store import Answer, SessionInfo, Store
from .views import phone_result_ids, phone_results, results_json, session_json

log = logging.getLogger(__name__)

SEND_QUEUE_LIMIT = 256
SOCKETS_PER_PARTICIPANT = 5  # tabs and reconnects of one phone; a newer one closes the oldest
PRESENTER_FLUSH_SECONDS = 0.1
NOTICE_FLUSH_SECONDS = 0.05
# Phones get results (Q&A posts, revealed results) at most this often: one read and one
# encoding per session for every phone in it, however many answers came meanwhile.
PHONE_FLUSH_SECONDS = 0.25
EVERY_QUESTION = "*"  # in a session's pending phone changes: re-read all it may see
# A countdown's end is announced this long after its deadline, so that the store reading
# the session then already counts the question as locked (clocks tick unevenly).
COUNTDOWN_GRACE_SECONDS = 0.2
# Reactions are summed per session for this long before they are published, so a room
# tapping at once costs a worker four notices a second, whatever the number of phones.
REACTION_FLUSH_SECONDS = 0.25


class Outlet:
    """The outgoing side of one socket: a bounded queue that a send task drains."""

    def __init__(self, *, warming: bool = False) -> None:
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=SEND_QUEUE_LIMIT)
        self.too_slow = False
        self.replaced = False
        # A phone's socket is registered before its first state is read, so that no change
        # is missed; a change pushed meanwhile waits, since it may be newer than that state.
        self._warming, self._missed = warming, False

    def push(self, text: str) -> None:
        """A change for the phone: offered, or remembered while the first state is read."""
        if self._warming:
            self._missed = True
        else:
            self.offer(text)

    def warmed(self) -> bool:
        """The first state is queued; True when a change came meanwhile (send it again)."""
        self._warming = False
        return self._missed

    def offer(self, text: str) -> None:
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:  # too far behind: the sender ends it; it re-reads later
            self.too_slow = True

    def replace(self) -> None:
        """A newer socket of the same participant took this one's place: the sender closes
        it after what is queued ("" only wakes the sender)."""
        self.replaced = True
        self.offer("")


Send = Callable[[dict[str, Any]], Awaitable[None]]


class PresenterFeed:
    """Coalesces changes for one presenter socket: remembers *which* questions changed and
    sends their full current results on a short timer, with seq growing by one. A question
    the facilitator split is also sent per segment group ("groups"), while its results
    may be seen: the same timer, so a burst of answers is one split, not one per answer."""

    def __init__(
        self, store: Store, session_id: str, base_url: str, phones: Callable[[], int] = lambda: 0
    ) -> None:
        self.store, self.session_id, self.base_url = store, session_id, base_url
        self.phones = phones  # phones connected on every worker ("37 of 52 answered")
        self._changed: set[str] = set()
        self._everything = True
        self._session_changed = True
        self._reactions: Counter[str] = Counter()  # never stored: sent once, then forgotten
        self._wake = asyncio.Event()
        self._wake.set()
        self.seq = 0
        # The session as last read: every change of a split, a reveal or min_group comes
        # with a session change, which reads it again.
        self._info: SessionInfo | None = None

    def mark(self, question_ids: list[str], *, control: bool = False) -> None:
        self._changed.update(question_ids)
        self._session_changed |= control
        self._wake.set()

    def mark_all(self) -> None:
        self._everything = self._session_changed = True
        self._wake.set()

    def add_reactions(self, counts: dict[str, int]) -> None:
        """Reactions from a broker notice: summed until the next flush."""
        self._reactions.update(counts)
        self._wake.set()

    async def run(self, send: Send) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(PRESENTER_FLUSH_SECONDS)  # let a burst gather
            self._wake.clear()
            await self._flush(send)

    async def _flush(self, send: Send) -> None:
        everything, changed, session_changed, reactions = (
            self._everything,
            self._changed,
            self._session_changed,
            self._reactions,
        )
        self._everything, self._changed, self._session_changed = False, set(), False
        self._reactions = Counter()
        if session_changed or self._info is None:
            before, self._info = self._info, await self.store.session(self.session_id)
            if _has_ended(before, self._info):
                everything = True  # the review shows every result: split ones per group too
        if everything or changed:
            only = () if everything else changed
            results = await self.store.results(self.session_id, only)
            await self._send(send, {"type": "results", "questions": results_json(results)})
            await self._send_groups(send, everything, changed)
        if session_changed and self._info is not None:
            await self._send(
                send,
                {
                    "type": "session",
                    "session": session_json(self._info, self.base_url),
                    "connected": self.phones(),
                },
            )
        if reactions:
            await self._send(send, {"type": "reactions", "counts": dict(reactions)})

    async def _send_groups(self, send: Send, everything: bool, changed: set[str]) -> None:
        """The changed questions that are split, per group, before the session message
        that may have split them; never one whose results the screen would not show."""
        info = self._info
        segment = segments.split_segment(info) if info is not None else None
        if info is None or segment is None:
            return
        regrouped = everything or segment.id in changed  # people joined or left a group
        split = [
            q.id
            for q in info.questions
            if (regrouped or q.id in changed) and _shows_groups(info, q.id)
        ]
        if not split:
            return
        found = await self.store.segment_results(self.session_id, segment.id, split)
        questions = [segments.question_groups_json(segment, found, qid) for qid in split]
        await self._send(send, {"type": "groups", "questions": questions})

    async def _send(self, send: Send, message: dict[str, Any]) -> None:
        self.seq += 1
        await send({**message, "seq": self.seq})


def _has_ended(before: SessionInfo | None, now: SessionInfo | None) -> bool:
    return before is not None and now is not None and before.state != now.state == "ended"


def _shows_groups(info: SessionInfo, question_id: str) -> bool:
    """Split, and its results on view: revealed, or the session over (its review)."""
    state = info.question_states[question_id]
    return state.split and (state.results_visible or info.state == "ended")


class Hub:
    def __init__(self, store: Store, broker: Broker, base_url: str) -> None:
        self.store, self.broker, self.base_url = store, broker, base_url
        # session -> participant -> that participant's sockets, oldest first
        self._phones: dict[str, dict[int, list[Outlet]]] = defaultdict(dict)
        self._feeds: dict[str, set[PresenterFeed]] = defaultdict(set)
        self._pending: dict[str, set[str]] = defaultdict(set)
        self._pending_wake = asyncio.Event()
        self._phone_changes: dict[str, set[str]] = defaultdict(set)
        self._phone_wake = asyncio.Event()
        # (session, question) -> the timer that announces the end of its countdown
        self._countdowns: dict[tuple[str, str], asyncio.TimerHandle] = {}
        self._ended: set[tuple[str, str]] = set()
        self._ended_wake = asyncio.Event()
        self._reactions: dict[str, Counter[str]] = defaultdict(Counter)
        self._reactions_wake = asyncio.Event()
        self._replaced_listeners: list[Callable[[str | None], None]] = []
        self.presence = Presence(local=lambda session_id: len(self._phones.get(session_id, ())))
        self._presence_wake = asyncio.Event()

    # -- registration -----------------------------------------------------------------------
    def add_phone(self, session_id: str, participant_id: int, outlet: Outlet) -> None:
        """A joined phone's socket; beyond SOCKETS_PER_PARTICIPANT the oldest is closed."""
        sockets = self._phones[session_id].setdefault(participant_id, [])
        sockets.append(outlet)
        while len(sockets) > SOCKETS_PER_PARTICIPANT:
            sockets.pop(0).replace()
        self._phones_changed(session_id)

    def remove_phone(self, session_id: str, participant_id: int, outlet: Outlet) -> None:
        participants = self._phones.get(session_id, {})
        sockets = participants.get(participant_id, [])
        if outlet in sockets:
            sockets.remove(outlet)
        if not sockets:
            participants.pop(participant_id, None)
        if not participants:
            self._phones.pop(session_id, None)
        self._phones_changed(session_id)

    def _phones_changed(self, session_id: str) -> None:
        """Presenter screens show the count, on every worker: this one's at once, the
        others' when the presence notice reaches them."""
        self.presence.changed(session_id)
        self._presence_wake.set()
        self._count_changed(session_id)

    def _count_changed(self, session_id: str) -> None:
        for feed in self._feeds.get(session_id, ()):  # a fresh session message (coalesced)
            feed.mark([], control=True)

    def add_feed(self, feed: PresenterFeed) -> None:
        feed.phones = lambda: self.phones_connected(feed.session_id)
        self._feeds[feed.session_id].add(feed)

    def remove_feed(self, feed: PresenterFeed) -> None:
        self._feeds[feed.session_id].discard(feed)
        if not self._feeds[feed.session_id]:
            del self._feeds[feed.session_id]

    def phones_connected(self, session_id: str) -> int:
        """Participants with at least one open socket, on all workers (two tabs on one
        worker are one phone; see server/presence.py)."""
        return self.presence.total(session_id)

    def own_answer_saved(self, answer: Answer, *, others_only: bool) -> None:
        """Tell a participant's open tabs the answer one of them (or a form) just saved,
        so that two tabs of one phone show the same answer. `others_only`: the socket that
        sent it has its ack; say nothing while it is the only one."""
        sockets = self._phones.get(answer.session_id, {}).get(answer.participant_id)
        if not sockets or (others_only and len(sockets) < 2) or answer.items:
            return
        text = json.dumps(
            {"type": "saved", "question": answer.question_id, "value": answer.value},
            ensure_ascii=False,
        )
        for outlet in sockets:
            outlet.push(text)

    # -- notices out ------------------------------------------------------------------------
    def answered(self, session_id: str, question_id: str) -> None:
        """Called once per stored answer: O(1), never awaits; published in batches."""
        self._pending[session_id].add(question_id)
        self._pending_wake.set()

    def reacted(self, session_id: str, reaction: str) -> None:
        """Called once per taken reaction: O(1), never awaits; published summed."""
        self._reactions[session_id][reaction] += 1
        self._reactions_wake.set()

    async def session_changed(self, session_id: str, question_ids: list[str]) -> None:
        await self.broker.publish(
            {"session": session_id, "questions": question_ids, "control": True}
        )

    def on_questions_replaced(self, listener: Callable[[str | None], None]) -> None:
        """`listener(session_id)` runs on this worker whenever any worker replaced (or
        deleted) a session's questions, `listener(None)` after a broker outage (a notice
        may have been lost): for caches of question definitions."""
        self._replaced_listeners.append(listener)

    async def questions_replaced(self, session_id: str, question_ids: list[str]) -> None:
        """The session's questions were edited or it was deleted: every worker forgets
        what it cached, and every page of it redraws."""
        for listener in self._replaced_listeners:  # this worker at once, before it answers
            listener(session_id)
        await self.broker.publish(
            {"session": session_id, "questions": question_ids, "control": True, "replaced": True}
        )

    def follow_countdown(self, session_id: str, question_id: str, left: float | None) -> None:
        """Announce the end of a question's countdown `left` seconds from now as a session
        change (None: it has none, forget any timer). Phones flip to locked on their own
        timers; this reaches presenters and pages that missed it. Only the worker that
        set the countdown keeps the timer: after a restart, whoever reads the session still
        sees it locked, because the store derives that from the stored deadline."""
        key = (session_id, question_id)
        timer = self._countdowns.pop(key, None)
        if timer is not None:
            timer.cancel()
        if left is not None and left > 0:
            loop = asyncio.get_running_loop()
            delay = left + COUNTDOWN_GRACE_SECONDS
            self._countdowns[key] = loop.call_later(delay, self._countdown_ended, key)

    def _countdown_ended(self, key: tuple[str, str]) -> None:
        self._countdowns.pop(key, None)
        self._ended.add(key)
        self._ended_wake.set()

    # -- running ----------------------------------------------------------------------------
    async def run(self) -> None:
        try:
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(self._publish_answers())
                tasks.create_task(self._publish_countdown_ends())
                tasks.create_task(self._publish_reactions())
                tasks.create_task(self._listen())
                tasks.create_task(self._push_phone_results())
                tasks.create_task(self._publish_presence())
        finally:
            for timer in self._countdowns.values():
                timer.cancel()

    async def _publish_countdown_ends(self) -> None:
        while True:
            await self._ended_wake.wait()
            self._ended_wake.clear()
            ended, self._ended = self._ended, set()
            for session_id, question_id in sorted(ended):
                await self.session_changed(session_id, [question_id])

    async def _publish_answers(self) -> None:
        while True:
            await self._pending_wake.wait()
            await asyncio.sleep(NOTICE_FLUSH_SECONDS)
            self._pending_wake.clear()
            pending, self._pending = self._pending, defaultdict(set)
            for session_id, question_ids in pending.items():
                await self.broker.publish(
                    {"session": session_id, "questions": sorted(question_ids)}
                )

    async def _publish_reactions(self) -> None:
        while True:
            await self._reactions_wake.wait()
            await asyncio.sleep(REACTION_FLUSH_SECONDS)
            self._reactions_wake.clear()
            pending, self._reactions = self._reactions, defaultdict(Counter)
            for session_id, counts in pending.items():
                await self.broker.publish({"session": session_id, "reactions": dict(counts)})

    async def _publish_presence(self) -> None:
        loop = asyncio.get_running_loop()
        next_beat = loop.time() + PRESENCE_HEARTBEAT_SECONDS
        while True:
            with contextlib.suppress(TimeoutError):
                left = max(0.0, next_beat - loop.time())
                await asyncio.wait_for(self._presence_wake.wait(), timeout=left)
            await asyncio.sleep(PRESENCE_FLUSH_SECONDS)  # let a burst of joins gather
            self._presence_wake.clear()
            heartbeat = loop.time() >= next_beat
            if heartbeat:
                next_beat = loop.time() + PRESENCE_HEARTBEAT_SECONDS
            for notice in self.presence.due(set(self._phones), heartbeat=heartbeat):
                await self.broker.publish(notice)
            for session_id in self.presence.expire():  # a worker stopped repeating its count
                self._count_changed(session_id)

    async def _listen(self) -> None:
        async for notice in self.broker.listen():
            try:
                await self._dispatch(notice)
            except Exception:
                log.exception("could not dispatch a broker notice")

    async def _dispatch(self, notice: Notice) -> None:
        if notice.get("resync") and isinstance(notice.get("session"), str):
            await self._resync_session(notice["session"])
            return
        if notice.get("resync"):
            for listener in self._replaced_listeners:
                listener(None)
            for feeds in self._feeds.values():
                for feed in feeds:
                    feed.mark_all()
            for session_id in list(self._phones):
                await self._push_session(session_id)
                self._phones_need(session_id, [EVERY_QUESTION])
            self.presence.everything_changed(set(self._phones))
            self._presence_wake.set()
            return
        session_id = str(notice.get("session"))
        if "presence" in notice:
            if self.presence.heard(session_id, notice["presence"]):
                self._count_changed(session_id)
            return
        if "reactions" in notice:
            counts = counts_from_notice(notice["reactions"])
            for feed in self._feeds.get(session_id, ()) if counts else ():
                feed.add_reactions(counts)
            return
        if notice.get("replaced"):
            for listener in self._replaced_listeners:
                listener(session_id)
        control = bool(notice.get("control"))
        question_ids = [str(q) for q in notice.get("questions", [])]
        for feed in self._feeds.get(session_id, ()):
            feed.mark(question_ids, control=control)
        if session_id in self._phones:
            if control:
                await self._push_session(session_id)
            self._phones_need(session_id, [EVERY_QUESTION] if control else question_ids)

    async def _resync_session(self, session_id: str) -> None:
        """A notice of this session was lost: its views re-read it all from the store."""
        for listener in self._replaced_listeners:
            listener(session_id)
        for feed in self._feeds.get(session_id, ()):
            feed.mark_all()
        if session_id in self._phones:
            await self._push_session(session_id)
            self._phones_need(session_id, [EVERY_QUESTION])

    def _phones_need(self, session_id: str, question_ids: list[str]) -> None:
        self._phone_changes[session_id].update(question_ids)
        self._phone_wake.set()

    async def _push_phone_results(self) -> None:
        while True:
            await self._phone_wake.wait()
            await asyncio.sleep(PHONE_FLUSH_SECONDS)
            self._phone_wake.clear()
            changes, self._phone_changes = self._phone_changes, defaultdict(set)
            for session_id, question_ids in changes.items():
                try:
                    await self._push_results(session_id, question_ids)
                except Exception:
                    log.exception("could not push results to the phones of a session")

    async def _push_results(self, session_id: str, question_ids: set[str]) -> None:
        phones = self._phones.get(session_id)
        if not phones:
            return
        text = await self.phone_results_message(session_id, question_ids)
        if text is None:
            return
        for sockets in list(phones.values()):
            for outlet in sockets:
                outlet.push(text)

    async def phone_results_message(
        self, session_id: str, question_ids: set[str] | None = None
    ) -> str | None:
        """The results phones may see now (of the questions named, or of all), as one
        message for every phone of the session; None when there is nothing to show."""
        info = await self.store.session(session_id)
        if info is None:
            return None
        shown = phone_result_ids(info)
        if question_ids is not None and EVERY_QUESTION not in question_ids:
            shown = [q for q in shown if q in question_ids]
        if not shown:
            return None
        results = await self.store.results(session_id, shown)
        return json.dumps(
            {"type": "results", "questions": phone_results(info, results)}, ensure_ascii=False
        )

    async def session_message(self, session_id: str) -> str | None:
        """The session as phones see it, as a message; None when it is gone."""
        info = await self.store.session(session_id)
        if info is None:
            return None
        return json.dumps(
            {"type": "session", "session": session_json(info, self.base_url, for_participant=True)}
        )

    async def _push_session(self, session_id: str) -> None:
        text = await self.session_message(session_id)
        if text is None:
            return
        for sockets in list(self._phones.get(session_id, {}).values()):
            for outlet in sockets:
                outlet.push(text)
