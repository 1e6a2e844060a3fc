"""The language filter through the real server: what it catches is marked for the
facilitator, left out of what phones see, kept in the store and marked in exports, and
switching it off brings everything back."""

from __future__ import annotations

import asyncio
from typing import Any

from .client import Organizer, Phone
from .conftest import RunningServer

QUESTIONS = [
    {"kind": "open_text", "id": "story", "prompt": "Tell us a story"},
    {"kind": "word_cloud", "id": "words", "prompt": "In a word?", "max_words": 3},
    {"kind": "qa", "id": "asks", "prompt": "Ask the sponsor"},
]


async def joined(server: RunningServer, code: str) -> Phone:
    phone = Phone(server)
    await phone.join(code)
    await phone.connect(code)
    return phone


async def settings(org: Organizer, session_id: str, body: Any) -> Any:
    return await org.http.post(f"/api/sessions/{session_id}/settings", json=body)


async def phone_results(server: RunningServer, code: str) -> dict[str, Any]:
    """The results a phone that connects now is shown, by question."""
    return {q["id"]: q["result"] for q in (await phone_state(server, code))["results"]}


async def phone_state(server: RunningServer, code: str) -> dict[str, Any]:
    phone = Phone(server)
    await phone.join(code)
    state = await phone.connect(code)
    await phone.close()
    return state


async def test_caught_words_leave_the_room_stay_in_the_store_and_are_marked_in_exports(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        r = await org.http.post(
            "/api/sessions",
            json={
                "title": "Filtered",
                "mode": "self_paced",
                "questions": QUESTIONS,
                "profanity_filter": True,
            },
        )
        assert r.status_code == 201, r.text
        session = {**r.json()}
        assert (await org.session(session["id"]))["profanity_filter"] is True
        one, two = await asyncio.gather(
            joined(server, session["code"]), joined(server, session["code"])
        )
        for phone, story, words, ask in (
            (one, "We never agreed on the goal", ["time", "Scheiße"], "Who owns the metric?"),
            (two, "This whole plan is shit", ["Time", "goals"], "Why is this such a sh1t show?"),
        ):
            for question, value in (("story", story), ("words", words), ("asks", {"ask": ask})):
                assert (await phone.answer_ws(question, value))["status"] == "accepted"
        for question in ("story", "words"):
            await org.control(session["id"], "show_results", question)

        full = await org.results(session["id"])
        assert [(i["text"], i["filtered"]) for i in full["story"]["result"]["items"]] == [
            ("We never agreed on the goal", False),
            ("This whole plan is shit", True),
        ]
        assert full["words"]["result"] == {
            "words": [{"text": "time", "count": 2}, {"text": "goals", "count": 1}],
            "filtered": 1,
        }
        assert {i["text"]: i["filtered"] for i in full["asks"]["result"]["items"]} == {
            "Who owns the metric?": False,
            "Why is this such a sh1t show?": True,
        }

        seen = await phone_results(server, session["code"])
        assert [i["text"] for i in seen["story"]["items"]] == ["We never agreed on the goal"]
        assert [i["text"] for i in seen["asks"]["items"]] == ["Who owns the metric?"]
        assert [w["text"] for w in seen["words"]["words"]] == ["time", "goals"]

        export = await org.http.get(f"/api/sessions/{session['id']}/export?format=json")
        marked = {
            (row["question_id"], row["answer"]): row["filtered"] for row in export.json()["rows"]
        }
        assert marked[("story", "This whole plan is shit")] is True
        assert marked[("story", "We never agreed on the goal")] is False
        assert marked[("words", "time; Scheiße")] is True
        assert marked[("asks", "Why is this such a sh1t show?")] is True
        csv = (await org.http.get(f"/api/sessions/{session['id']}/export?format=csv")).text
        assert csv.splitlines()[0].endswith('"hidden","filtered"')

        # switched off: everything is back, nothing was lost
        r = await settings(org, session["id"], {"profanity_filter": False})
        assert (r.status_code, r.json()["profanity_filter"]) == (200, False)
        seen = await phone_results(server, session["code"])
        assert len(seen["story"]["items"]) == len(seen["asks"]["items"]) == 2
        assert {w["text"] for w in seen["words"]["words"]} == {"time", "goals", "scheisse"}
        await asyncio.gather(one.close(), two.close())


async def test_the_filter_switch_refuses_bad_input_and_changes_nothing(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=QUESTIONS)
        assert (await org.session(session["id"]))["profanity_filter"] is False
        for body, wrong in (
            ({}, "profanity_filter"),
            ({"profanity_filter": "yes please"}, "profanity_filter"),
            ({"profanity_filter": True, "more": 1}, "more"),
        ):
            r = await settings(org, session["id"], body)
            assert r.status_code == 422, r.text
            assert r.json()["error"]["code"] == "invalid_request"
            assert wrong in r.json()["error"]["message"]
        assert (await org.session(session["id"]))["profanity_filter"] is False
        r = await org.http.post(
            f"/api/sessions/{session['id']}/settings",
            json={"profanity_filter": True},
            headers={"Authorization": "Bearer wrong"},
        )
        assert r.status_code in (401, 403)
        assert (await org.session(session["id"]))["profanity_filter"] is False


async def test_phones_see_a_question_s_results_only_after_they_are_revealed(
    server: RunningServer,
) -> None:
    choice = {"kind": "single_choice", "id": "pick", "prompt": "Coffee?", "options": ["Yes", "No"]}
    async with Organizer(server) as org:
        session = await org.create(mode="presenter", questions=[choice])
        await org.control(session["id"], "goto", "pick")
        phone = await joined(server, session["code"])
        assert (await phone.answer_ws("pick", "yes"))["status"] == "accepted"
        assert (await phone_state(server, session["code"]))["results"] == []
        assert (await org.session(session["id"]))["questions"][0]["results_shared"] is False

        await org.control(session["id"], "show_results", "pick")
        state = await phone_state(server, session["code"])
        assert [(q["id"], q["result"]["counts"]) for q in state["results"]] == [
            ("pick", {"yes": 1, "no": 0})
        ]
        assert state["session"]["questions"][0]["results_shared"] is True

        await org.control(session["id"], "hide_results", "pick")
        assert (await phone_state(server, session["code"]))["results"] == []
        await phone.close()
