"""Q&A through the real server: posts are items, votes count once per participant and
post, the rules that need the stored posts hold, moderation decides what the room sees,
and 200 phones voting at once count exactly."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from typing import Any

from websockets.asyncio.client import ClientConnection

from .client import Organizer, Phone, wait_until
from .conftest import RunningServer, on_every_backend

pytestmark = on_every_backend

QA = {"kind": "qa", "id": "asks", "prompt": "What do you want to ask the sponsor?"}
MODERATED = {**QA, "id": "moderated", "moderation": True}


async def phones(server: RunningServer, code: str, n: int) -> list[Phone]:
    async def ready() -> Phone:
        phone = Phone(server)
        await phone.join(code)
        await phone.connect(code)
        return phone

    return list(await asyncio.gather(*(ready() for _ in range(n))))


async def post(phone: Phone, text: str, question: str = "asks") -> str:
    reply = await phone.answer_ws(question, {"ask": text})
    assert reply["status"] == "accepted", reply
    return str(reply["item"])


async def items(org: Organizer, session_id: str, question: str = "asks") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await org.results(session_id))[question]["result"]["items"]
    return found


async def moderate(org: Organizer, session_id: str, item: str, **change: bool) -> None:
    r = await org.http.post(f"/api/sessions/{session_id}/moderation", json={"item": item, **change})
    assert r.status_code == 200, r.text


async def next_results(ws: ClientConnection, question: str, timeout: float = 10) -> Any:
    """The next results push for `question` on a phone's socket."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "results":
                for entry in message["questions"]:
                    if entry["id"] == question:
                        return entry["result"]


async def test_posts_votes_and_the_rules_that_need_the_stored_posts(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=[QA])
        asker, voter = await phones(server, session["code"], 2)
        first = await post(asker, "  Who decides what success looks like?  ")
        second = await post(voter, "من يقرر؟ 🤔")

        assert (await voter.answer_ws("asks", {"upvote": first}))["status"] == "accepted"
        again = await voter.answer_ws("asks", {"upvote": first})  # a new id, the same vote
        assert again["status"] == "accepted"
        own = await asker.answer_ws("asks", {"upvote": first})
        assert (own["code"], own["message"]) == (
            "own_question",
            "you cannot vote for your own question",
        )
        unknown = await voter.answer_ws("asks", {"upvote": "987654321"})
        assert unknown["code"] == "unknown_item"

        listed = await items(org, session["id"])
        assert [(i["id"], i["text"], i["votes"]) for i in listed] == [
            (first, "Who decides what success looks like?", 1),  # trimmed; most votes first
            (second, "من يقرر؟ 🤔", 0),
        ]
        results = await org.results(session["id"])
        assert results["asks"]["responses"] == 2

        # the repeated answer id is a duplicate, whatever it carries
        answer_id = str(uuid.uuid4())
        assert (await voter.answer_ws("asks", {"unvote": first}, answer_id))["status"] == "accepted"
        repeat = await voter.answer_ws("asks", {"upvote": first}, answer_id)
        assert repeat["status"] == "duplicate"
        assert [i["votes"] for i in await items(org, session["id"])] == [0, 0]

        # newest first among equal votes; a hidden post takes no votes and leaves phones
        await moderate(org, session["id"], second, hidden=True)
        hidden = await asker.answer_ws("asks", {"upvote": second})
        assert hidden["code"] == "unknown_item"
        state = await asker.connect(session["code"])
        assert [i["id"] for i in state["results"][0]["result"]["items"]] == [first]
        assert state["answers"]["asks"] == {"posts": [first], "votes": []}
        await asyncio.gather(asker.close(), voter.close())


async def test_an_eleventh_post_is_refused_and_the_ten_stay(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=[QA])
        (phone,) = await phones(server, session["code"], 1)
        for n in range(10):
            await post(phone, f"Question {n + 1}")
        refused = await phone.answer_ws("asks", {"ask": "Question 11"})
        assert refused["code"] == "too_many_posts"
        over_http = await phone.answer_http("asks", {"ask": "Question 12"})
        assert (over_http.status_code, over_http.json()["error"]["code"]) == (422, "too_many_posts")
        texts = {i["text"] for i in await items(org, session["id"])}
        assert texts == {f"Question {n + 1}" for n in range(10)}
        await phone.close()


async def test_moderated_posts_wait_for_approval_and_phones_see_changes_live(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=[MODERATED])
        asker, reader = await phones(server, session["code"], 2)
        assert reader.ws is not None
        item = await post(asker, "Can we see the metric before we agree on it?", "moderated")

        [waiting] = await items(org, session["id"], "moderated")
        assert (waiting["pending"], waiting["votes"]) == (True, 0)
        refused = await reader.answer_ws("moderated", {"upvote": item})
        assert refused["code"] == "unknown_item"  # not seen yet, so not voted on

        await moderate(org, session["id"], item, approved=True)
        shown = await next_results(reader.ws, "moderated")
        while not shown["items"]:  # a push from before the approval may come first
            shown = await next_results(reader.ws, "moderated")
        assert [(i["id"], i["pending"]) for i in shown["items"]] == [(item, False)]

        assert (await reader.answer_ws("moderated", {"upvote": item}))["status"] == "accepted"
        await moderate(org, session["id"], item, answered=True)

        async def answered_with_a_vote() -> bool:
            [entry] = (await next_results(reader.ws, "moderated"))["items"]
            return bool(entry["answered"] and entry["votes"] == 1)

        await wait_until(answered_with_a_vote)
        r = await org.http.post(f"/api/sessions/{session['id']}/moderation", json={"item": item})
        assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_request")
        await asyncio.gather(asker.close(), reader.close())


async def test_answered_applies_only_to_posts(server: RunningServer) -> None:
    story = {"kind": "open_text", "id": "story", "prompt": "A story"}
    async with Organizer(server) as org:
        session = await org.create(questions=[story])
        (phone,) = await phones(server, session["code"], 1)
        assert (await phone.answer_ws("story", "We never agreed"))["status"] == "accepted"
        [entry] = (await org.results(session["id"]))["story"]["result"]["items"]
        r = await org.http.post(
            f"/api/sessions/{session['id']}/moderation",
            json={"item": entry["id"], "answered": True},
        )
        assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_request")
        assert "not a Q&A post" in r.json()["error"]["message"]
        await phone.close()


async def test_200_participants_voting_and_unvoting_at_once_count_exactly(
    server: RunningServer,
) -> None:
    rng = random.Random(9)
    async with Organizer(server) as org:
        session = await org.create(questions=[QA])
        room = await phones(server, session["code"], 200)
        posts = [await post(room[n], f"Question {n}") for n in range(3)]
        plans = [
            [(rng.choice(("upvote", "unvote")), rng.choice(posts)) for _ in range(6)] for _ in room
        ]

        async def vote(phone: Phone, steps: list[tuple[str, str]]) -> list[str]:
            assert phone.ws is not None
            sent = [str(uuid.uuid4()) for _ in steps]
            for answer_id, (action, item) in zip(sent, steps, strict=True):
                await phone.send(
                    {"type": "answer", "id": answer_id, "question": "asks", "value": {action: item}}
                )
            return [str((await phone.reply(timeout=60)).get("status") or "error") for _ in steps]

        outcomes = await asyncio.gather(*(vote(p, s) for p, s in zip(room, plans, strict=True)))

        expected = dict.fromkeys(posts, 0)
        for n, steps in enumerate(plans):
            last: dict[str, str] = {}
            for (action, item), outcome in zip(steps, outcomes[n], strict=True):
                own = n < 3 and posts[n] == item
                assert outcome == ("error" if own else "accepted"), (n, action, item, outcome)
                if not own:
                    last[item] = action
            for item, action in last.items():
                expected[item] += action == "upvote"
        counted = {i["id"]: i["votes"] for i in await items(org, session["id"])}
        assert counted == expected
        assert sum(expected.values()) > 100  # the race had votes to count
        await asyncio.gather(*(p.close() for p in room))


async def test_posts_are_exported_as_rows(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=[QA])
        asker, voter = await phones(server, session["code"], 2)
        item = await post(asker, "=Who owns the metric?")
        await voter.answer_ws("asks", {"upvote": item})
        export = await org.http.get(f"/api/sessions/{session['id']}/export?format=json")
        rows = [row for row in export.json()["rows"] if row["question_id"] == "asks"]
        assert [row["answer"] for row in rows] == ["=Who owns the metric?"]
        csv = (await org.http.get(f"/api/sessions/{session['id']}/export?format=csv")).text
        assert "'=Who owns the metric?" in csv  # no formula injection in a spreadsheet
        await asyncio.gather(asker.close(), voter.close())
