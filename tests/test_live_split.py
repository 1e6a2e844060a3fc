"""Compare groups: a question split by the segment question, stored, pushed live to every
presenter socket (the facilitator's view and the audience screen), never to phones, and
never with the results of a group too small to hide its people."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

from .client import Organizer, Phone, present, presenters_on_both_workers
from .conftest import RedisServer, RunningServer

GROUP = {
    "kind": "single_choice",
    "id": "group",
    "prompt": "Which group are you part of?",
    "options": ["Learner", "Leader", "L&D"],
    "segment": True,
}
CHOICE = {
    "kind": "single_choice",
    "id": "goal",
    "prompt": "Is the business goal clear?",
    "options": ["Yes", "No"],
}
QA = {"kind": "qa", "id": "ask", "prompt": "Your questions"}
Message = dict[str, Any]


async def next_message(
    socket: ClientConnection, wanted: Callable[[Message], bool], timeout: float = 10
) -> tuple[Message, list[Message]]:
    """The first message that is `wanted`, and those that came before it."""
    before: list[Message] = []
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await socket.recv())
            if wanted(message):
                return message, before
            before.append(message)


def split_flag(question_id: str, on: bool) -> Callable[[Message], bool]:
    def wanted(message: Message) -> bool:
        if message["type"] != "session":
            return False
        found = {q["id"]: q for q in message["session"]["questions"]}
        return bool(found[question_id]["split"]) is on

    return wanted


def groups_where(question_id: str, test: Callable[[dict[str, Message]], bool]) -> Any:
    def wanted(message: Message) -> bool:
        if message["type"] != "groups":
            return False
        found = {q["id"]: q for q in message["questions"]}
        return question_id in found and test({g["id"]: g for g in found[question_id]["groups"]})

    return wanted


async def answer(server: RunningServer, code: str, group: str | None, goal: str) -> Phone:
    phone = Phone(server)
    await phone.join(code)
    if group is not None:
        assert (await phone.answer_http("group", group)).status_code == 201
    assert (await phone.answer_http("goal", goal)).status_code == 201
    return phone


async def test_split_is_stored_and_pushed_live_with_small_groups_withheld(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=[GROUP, CHOICE])
        facilitator, screen = await present(server, session), await present(server, session)
        watcher = Phone(server)
        await watcher.join(session["code"])
        phone_state = await watcher.connect(session["code"])
        stored = {q["id"]: q for q in (await org.session(session["id"]))["questions"]}
        assert [(q["split"], q["can_split"]) for q in stored.values()] == [
            (False, False),
            (False, True),
        ]
        await org.control(session["id"], "split", "goal")
        stored = {q["id"]: q for q in (await org.session(session["id"]))["questions"]}
        assert {q: (stored[q]["split"], stored[q]["can_split"]) for q in stored} == {
            "group": (False, False),  # the segment question itself: nothing to compare
            "goal": (True, True),
        }
        for socket in (facilitator, screen):
            await next_message(socket, split_flag("goal", True))
        phones = [
            *[await answer(server, session["code"], "learner", "yes") for _ in range(3)],
            await answer(server, session["code"], "leader", "no"),
            await answer(server, session["code"], None, "no"),
        ]
        for socket in (facilitator, screen):
            message, _ = await next_message(
                socket, groups_where("goal", lambda g: g["learner"]["n"] == 3)
            )
            groups = {g["id"]: g for g in message["questions"][0]["groups"]}
            assert list(groups) == ["learner", "leader", "l-d", "not_said"]  # never "all"
            learner = groups["learner"]
            assert (learner["withheld"], learner["responses"]) == (False, 3)
            assert learner["result"]["counts"] == {"yes": 3, "no": 0}
            # one leader; the watcher and one more did not say: their size, nothing else
            for small, size in (("leader", 1), ("not_said", 2)):
                assert (groups[small]["withheld"], groups[small]["n"]) == (True, size)
                assert set(groups[small]) == {"id", "label", "n", "withheld"}
            # nobody in it hides nobody and has nothing to show
            assert groups["l-d"] == {"id": "l-d", "label": "L&D", "n": 0, "withheld": False}
        # phones never see the split: not in their state, not in the session pushes
        assert all(
            "split" not in q and "can_split" not in q for q in phone_state["session"]["questions"]
        )
        assert watcher.ws is not None
        await org.control(session["id"], "unsplit", "goal")
        async with asyncio.timeout(10):
            while True:
                pushed = json.loads(await watcher.ws.recv())
                assert pushed["type"] != "groups"
                if pushed["type"] == "session":
                    assert all(
                        "split" not in q and "can_split" not in q
                        for q in pushed["session"]["questions"]
                    )
                    break
        for socket in (facilitator, screen):
            await next_message(socket, split_flag("goal", False))
            await socket.close()
        for phone in [*phones, watcher]:
            await phone.close()


async def test_joining_a_group_after_answering_moves_the_answer_to_that_column(
    server: RunningServer,
) -> None:
    """The groups change when people answer the segment question, not only the split one."""
    async with Organizer(server) as org:
        session = await org.create(questions=[GROUP, CHOICE])
        screen = await present(server, session)
        await org.control(session["id"], "split", "goal")
        phones = [Phone(server) for _ in range(3)]
        for phone in phones:
            await phone.join(session["code"])
            assert (await phone.answer_http("goal", "no")).status_code == 201
        await next_message(  # their answers arrived, in no group yet
            screen, groups_where("goal", lambda g: g["not_said"].get("responses") == 3)
        )
        for phone in phones:  # now only the segment question changes
            assert (await phone.answer_http("group", "leader")).status_code == 201
        message, _ = await next_message(
            screen, groups_where("goal", lambda g: g["leader"].get("responses") == 3)
        )
        leader = {g["id"]: g for g in message["questions"][0]["groups"]}["leader"]
        assert leader["result"]["counts"] == {"yes": 0, "no": 3}
        await screen.close()
        for phone in phones:
            await phone.close()


async def test_hidden_results_stay_hidden_when_split(server: RunningServer) -> None:
    """In an on_reveal session the split shows nothing per group before the reveal."""
    async with Organizer(server) as org:
        session = await org.create(questions=[GROUP, CHOICE], reveal="on_reveal")
        screen = await present(server, session)
        phones = [await answer(server, session["code"], "learner", "yes") for _ in range(3)]
        await org.control(session["id"], "split", "goal")
        _, before = await next_message(screen, split_flag("goal", True))
        assert [m for m in before if m["type"] == "groups"] == []  # sent before, if at all
        await org.control(session["id"], "show_results", "goal")
        message, _ = await next_message(screen, groups_where("goal", lambda g: True))
        learner = message["questions"][0]["groups"][0]
        assert (learner["id"], learner["result"]["counts"]) == ("learner", {"yes": 3, "no": 0})
        await screen.close()
        for phone in phones:
            await phone.close()


@pytest.mark.parametrize(
    ("questions", "target", "says"),
    [
        ([GROUP, CHOICE], "group", "segment question itself"),
        ([{**GROUP, "segment": False}, CHOICE], "goal", "no segment question"),
        ([GROUP, QA], "ask", "Q&A"),
    ],
)
async def test_split_is_refused_where_it_means_nothing(
    server: RunningServer, questions: list[Message], target: str, says: str
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=questions)
        url = f"/api/sessions/{session['id']}/control"
        r = await org.http.post(url, json={"action": "split", "question": target})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "invalid_request"
        assert says in r.json()["error"]["message"]
        stored = {q["id"]: q["split"] for q in (await org.session(session["id"]))["questions"]}
        assert not any(stored.values())
        r = await org.http.post(url, json={"action": "split", "question": "nope"})
        assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_question"


async def test_a_split_on_one_worker_reaches_screens_on_both(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    server = RunningServer(tmp_path, extra_args=("--workers", "2", "--redis", redis_server.url))
    server.start()
    try:
        async with Organizer(server) as org:
            session = await org.create(questions=[GROUP, CHOICE])
            watcher = Phone(server)
            await watcher.join(session["code"])
            await watcher.connect(session["code"])
            assert (await watcher.answer_http("group", "leader")).status_code == 201
            screens = list((await presenters_on_both_workers(server, session)).values())
            await org.control(session["id"], "split", "goal")  # taken by either worker
            phones = [await answer(server, session["code"], "leader", "no") for _ in range(3)]
            for screen in screens:  # groups come only while split: the split arrived
                message, _ = await next_message(
                    screen,
                    groups_where("goal", lambda g: g["leader"].get("responses") == 3),
                    timeout=20,
                )
                leader = {g["id"]: g for g in message["questions"][0]["groups"]}["leader"]
                assert (leader["n"], leader["result"]["counts"]) == (4, {"yes": 0, "no": 3})
                await screen.close()
            for phone in [*phones, watcher]:
                await phone.close()
    finally:
        server.stop()
