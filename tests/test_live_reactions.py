"""Reactions through the real server: from a joined phone to every presenter screen,
coalesced, rate-limited per participant, refused when bad, and never stored (issue #9)."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from server.hub import REACTION_FLUSH_SECONDS
from server.reactions import REACTION_BURST, REACTIONS

from .client import Organizer, Phone, wait_until
from .conftest import RunningServer

CLOSE_NOT_JOINED = 4401


@contextlib.asynccontextmanager
async def presenter_socket(
    server: RunningServer, session: dict[str, Any]
) -> AsyncIterator[ClientConnection]:
    """A presenter socket whose first snapshot was read."""
    url = f"{server.ws_url}/ws/present/{session['id']}"
    headers = {"Authorization": f"Bearer {session['presenter_key']}"}
    async with connect(url, additional_headers=headers) as ws:
        first = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert first["type"] == "results" and first["seq"] == 1, first
        yield ws


async def reaction_messages(presenter: ClientConnection, total: int) -> list[dict[str, Any]]:
    """The presenter's `reactions` messages until their counts add up to `total`; checks
    on the way that `seq` grows by one per message, whatever its type."""
    seq, found, seen = 1, [], 0
    while seen < total:
        message = json.loads(await asyncio.wait_for(presenter.recv(), 10))
        assert message["seq"] == seq + 1, (message, seq)
        seq = message["seq"]
        if message["type"] == "reactions":
            found.append(message)
            seen += sum(message["counts"].values())
    assert seen == total, found
    return found


def summed(messages: list[dict[str, Any]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for message in messages:
        total.update(message["counts"])
    return total


async def react(phone: Phone, name: Any, message_id: str | None = None) -> dict[str, Any]:
    """Send a reaction and return the phone's reply to it."""
    assert phone.ws is not None
    await phone.send(
        {"type": "reaction", "reaction": name, **({"id": message_id} if message_id else {})}
    )
    return await next_reply(phone)


async def next_reply(phone: Phone) -> dict[str, Any]:
    """The next `reacted` or error (session pushes are skipped)."""
    assert phone.ws is not None
    while True:
        reply: dict[str, Any] = json.loads(await asyncio.wait_for(phone.ws.recv(), 10))
        if reply["type"] in ("reacted", "error"):
            return reply


@pytest.fixture
async def live(server: RunningServer) -> AsyncIterator[tuple[Organizer, dict[str, Any], Phone]]:
    """A live session with one joined phone on its socket."""
    async with Organizer(server) as org:
        session = await org.create()
        phone = Phone(server)
        await phone.join(session["code"])
        await phone.connect(session["code"])
        try:
            yield org, session, phone
        finally:
            await phone.close()


async def test_a_reaction_is_acknowledged_and_floats_to_the_presenter(
    server: RunningServer, live: tuple[Organizer, dict[str, Any], Phone]
) -> None:
    _, session, phone = live
    async with presenter_socket(server, session) as presenter:
        reply = await react(phone, "heart", "r-1")
        assert reply == {"type": "reacted", "id": "r-1", "reaction": "heart"}
        messages = await reaction_messages(presenter, 1)
        assert [m["counts"] for m in messages] == [{"heart": 1}]


async def test_a_room_tapping_at_once_reaches_presenters_as_a_handful_of_messages(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create()
        phones = [Phone(server) for _ in range(30)]
        for phone in phones:
            await phone.join(session["code"])
            await phone.connect(session["code"])
        async with presenter_socket(server, session) as a, presenter_socket(server, session) as b:
            taps = ("heart", "laugh", "heart")

            async def tap(phone: Phone) -> list[dict[str, Any]]:
                for name in taps:
                    await phone.send({"type": "reaction", "reaction": name})
                return [await next_reply(phone) for _ in taps]

            started = time.monotonic()
            replies = await asyncio.gather(*(tap(phone) for phone in phones))
            assert {r["type"] for rs in replies for r in rs} == {"reacted"}
            for presenter in (a, b):
                messages = await reaction_messages(presenter, len(taps) * len(phones))
                elapsed = time.monotonic() - started
                assert summed(messages) == {"heart": 60, "laugh": 30}
                # one notice per flush window at most, not one message per tap
                assert len(messages) <= elapsed / REACTION_FLUSH_SECONDS + 2, (elapsed, messages)
        for phone in phones:
            await phone.close()


BAD_REACTIONS = [
    ("unknown name", {"reaction": "clap"}, "unknown_reaction", "thumbs_up, heart, laugh"),
    ("name in another case", {"reaction": "Heart"}, "unknown_reaction", "'Heart'"),
    ("the emoji itself", {"reaction": "❤️"}, "unknown_reaction", "thumbs_up"),
    ("missing", {}, "invalid_request", "'reaction' is required"),
    ("a number", {"reaction": 1}, "invalid_request", "'reaction' is required"),
    ("a list", {"reaction": ["heart"]}, "invalid_request", "'reaction' is required"),
    ("null", {"reaction": None}, "invalid_request", "'reaction' is required"),
]


@pytest.mark.parametrize(
    ("fields", "code", "names"), [c[1:] for c in BAD_REACTIONS], ids=[c[0] for c in BAD_REACTIONS]
)
async def test_a_bad_reaction_gets_its_code_and_the_socket_goes_on(
    server: RunningServer,
    live: tuple[Organizer, dict[str, Any], Phone],
    fields: dict[str, Any],
    code: str,
    names: str,
) -> None:
    _, session, phone = live
    async with presenter_socket(server, session) as presenter:
        await phone.send({"type": "reaction", "id": "r-bad", **fields})
        reply = await next_reply(phone)
        assert reply["type"] == "error" and reply["code"] == code, reply
        assert names in reply["message"] and reply["id"] == "r-bad", reply
        assert (await react(phone, "surprise"))["type"] == "reacted"
        # the bad one never reached the screen: the good one arrives alone
        assert summed(await reaction_messages(presenter, 1)) == {"surprise": 1}
        assert (await phone.answer_ws("q1", "learner"))["status"] == "accepted"


async def test_a_burst_beyond_the_limit_refuses_only_the_excess(
    server: RunningServer, live: tuple[Organizer, dict[str, Any], Phone]
) -> None:
    _, session, phone = live
    async with presenter_socket(server, session) as presenter:
        sent = REACTION_BURST + 3
        for n in range(sent):
            await phone.send({"type": "reaction", "id": f"r-{n}", "reaction": "thumbs_up"})
        replies = [await next_reply(phone) for _ in range(sent)]
        assert [r["id"] for r in replies] == [f"r-{n}" for n in range(sent)]
        kinds = [r.get("code", r["type"]) for r in replies]
        assert kinds == ["reacted"] * REACTION_BURST + ["rate_limited"] * 3, replies
        assert summed(await reaction_messages(presenter, REACTION_BURST)) == {
            "thumbs_up": REACTION_BURST
        }
        # reactions have their own budget: answers are not slowed by them
        assert (await phone.answer_ws("q1", "learner"))["status"] == "accepted"


async def test_a_socket_that_has_not_joined_cannot_react(
    server: RunningServer, live: tuple[Organizer, dict[str, Any], Phone]
) -> None:
    _, session, phone = live
    async with presenter_socket(server, session) as presenter:
        async with connect(f"{server.ws_url}/ws/session/{session['code']}") as stranger:
            state = json.loads(await asyncio.wait_for(stranger.recv(), 10))
            assert state["type"] == "state" and state["joined"] is False
            with contextlib.suppress(ConnectionClosed):  # it may be closed already
                await stranger.send(json.dumps({"type": "reaction", "reaction": "laugh"}))
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(stranger.recv(), 10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == CLOSE_NOT_JOINED
        # the joined phone's reaction arrives alone: the stranger's laugh never counted
        assert (await react(phone, "heart"))["type"] == "reacted"
        assert summed(await reaction_messages(presenter, 1)) == {"heart": 1}


async def test_an_ended_session_takes_no_more_reactions(
    live: tuple[Organizer, dict[str, Any], Phone],
) -> None:
    org, session, phone = live
    await org.control(session["id"], "end")
    codes: list[str] = []

    async def refused() -> bool:
        reply = await react(phone, "heart")
        codes.append(reply.get("code", reply["type"]))
        return codes[-1] == "session_ended"

    # the desk believes "live" for up to LIVE_CHECK_SECONDS; after that the end is seen
    await wait_until(refused, timeout=10)
    assert set(codes) <= {"reacted", "rate_limited", "session_ended"}, codes


# -- never stored ------------------------------------------------------------------------------
def table_counts(server: RunningServer) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(server.data_dir / "trifecta.db")) as db:
        return {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("responses", "answers", "participants", "qa_items")
        }


async def exports(org: Organizer, session_id: str) -> tuple[list[dict[str, str]], Any]:
    """The CSV and JSON exports, without the moment they were made."""
    url = f"/api/sessions/{session_id}/export?format="
    text = (await org.http.get(url + "csv")).content.decode("utf-8-sig")
    rows = [
        {k: v for k, v in r.items() if k != "exported_at"}
        for r in csv.DictReader(io.StringIO(text))
    ]
    document = (await org.http.get(url + "json")).json()
    return rows, [{k: v for k, v in r.items() if k != "exported_at"} for r in document["rows"]]


async def test_reactions_are_never_stored_nor_in_results_or_exports(
    server: RunningServer, live: tuple[Organizer, dict[str, Any], Phone]
) -> None:
    org, session, phone = live
    assert (await phone.answer_ws("q1", "learner"))["status"] == "accepted"
    before = (await org.results(session["id"]), await exports(org, session["id"]))
    rows_before = table_counts(server)
    async with presenter_socket(server, session) as presenter:
        for name in REACTIONS:
            assert (await react(phone, name, str(uuid.uuid4())))["type"] == "reacted"
        await reaction_messages(presenter, len(REACTIONS))  # they went all the way
    assert (await org.results(session["id"]), await exports(org, session["id"])) == before
    assert table_counts(server) == rows_before
    assert before[1][0] and before[1][0][0]["question_id"] == "q1"  # the export has rows
