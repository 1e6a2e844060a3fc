"""Interview mode through the real server: the facilitator records respondents and types
their answers; the answers take the phone's path, so results, the split by role (with its
withholding), exports and the brief count them as they count phones' answers. Nobody
joins an interview by code, and a respondent's label never leaves the console."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from typing import Any

import httpx2
import pytest
from websockets.asyncio.client import connect

from server.config import ROOT
from server.errors import TemplateError
from server.surveys import load_surveys, parse_template

from .client import Organizer, Phone
from .conftest import RunningServer

GROUP = {
    "kind": "single_choice",
    "id": "group",
    "prompt": "Which group is this person part of?",
    "options": ["Learner", "Leader", "L&D"],
    "segment": True,
}
CLEAR = {
    "kind": "scale",
    "id": "clear",
    "prompt": "How true is it?",
    "statements": ["The goal is clear"],
    "min": 1,
    "max": 5,
}
CAUSES = {
    "kind": "multiple_choice",
    "id": "causes",
    "prompt": "What causes the gap?",
    "options": ["Tools", "Time", "Skill"],
    "max_choices": 2,
}
STORY = {"kind": "open_text", "id": "story", "prompt": "Tell us a story", "max_length": 200}
QUESTIONS = [GROUP, CLEAR, CAUSES, STORY]


class Interviewer:
    """The organizer's client, with the respondent API."""

    def __init__(self, org: Organizer, session: dict[str, Any]) -> None:
        self.http, self.session = org.http, session
        self.url = f"/api/sessions/{session['id']}/respondents"

    async def add(self, label: str, role: str | None = None) -> httpx2.Response:
        body: dict[str, Any] = {"label": label}
        if role is not None:
            body["role"] = role
        return await self.http.post(self.url, json=body)

    async def added(self, label: str, role: str | None = None) -> int:
        r = await self.add(label, role)
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    async def answer(
        self, rid: int, question: str, value: Any, client_id: str | None = None
    ) -> httpx2.Response:
        body = {"client_id": client_id or str(uuid.uuid4()), "question": question, "value": value}
        return await self.http.post(f"{self.url}/{rid}/answers", json=body)

    async def answers(self, rid: int) -> dict[str, Any]:
        r = await self.http.get(f"{self.url}/{rid}/answers")
        assert r.status_code == 200, r.text
        found: dict[str, Any] = r.json()["answers"]
        return found


async def interview(org: Organizer) -> Interviewer:
    created = await org.create(mode="interview", questions=QUESTIONS)
    return Interviewer(org, created)


async def results_now(org: Organizer, session_id: str) -> dict[str, dict[str, Any]]:
    return await org.results(session_id)


async def test_a_respondent_is_recorded_with_their_role(server: RunningServer) -> None:
    async with Organizer(server) as org:
        it = await interview(org)
        assert all(q["state"] == "open" for q in it.session["questions"])  # self-directed
        r = await it.add("  Dana, Sales director  ", "leader")
        assert r.status_code == 201, r.text
        assert r.json() == {"id": r.json()["id"], "label": "Dana, Sales director", "answered": 1}
        listed = (await it.http.get(it.url)).json()
        assert listed == [r.json()]
        assert await it.answers(r.json()["id"]) == {"group": "leader"}
        results = await org.results(it.session["id"])
        assert results["group"]["result"]["counts"]["leader"] == 1
        no_role = await it.added("Sam")
        assert (await it.answers(no_role)) == {}


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"label": ""}, "invalid_request", "label"),
        ({"label": "   "}, "invalid_request", "label"),
        ({"label": "x" * 81}, "invalid_request", "label"),
        ({"label": "👍🏽" * 81}, "invalid_request", "label"),
        ({}, "invalid_request", "label"),
        ({"label": 5}, "invalid_request", "label"),
        ({"label": "Dana", "role": "ceo"}, "unknown_option", "ceo"),
        ({"label": "Dana", "extra": 1}, "invalid_request", "extra"),
    ],
)
async def test_a_bad_respondent_is_refused_and_nothing_is_stored(
    server: RunningServer, body: dict[str, Any], code: str, field: str
) -> None:
    async with Organizer(server) as org:
        it = await interview(org)
        r = await it.http.post(it.url, json=body)
        assert r.status_code in (422,), r.text
        assert r.json()["error"]["code"] == code
        assert field in r.json()["error"]["message"]
        assert (await it.http.get(it.url)).json() == []
        summary = next(
            s for s in (await org.http.get("/api/sessions")).json() if s["id"] == it.session["id"]
        )
        assert summary["participants"] == 0


async def test_a_locked_question_refuses_a_respondent_as_it_refuses_a_phone(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        it = await interview(org)
        rid = await it.added("Dana")
        await org.control(it.session["id"], "lock", "story")
        r = await it.answer(rid, "story", "too late")
        assert (r.status_code, r.json()["error"]["code"]) == (409, "question_locked")
        await org.control(it.session["id"], "lock", "group")
        r = await it.add("Sam", "leader")
        assert (r.status_code, r.json()["error"]["code"]) == (409, "question_locked")
        assert [x["label"] for x in (await it.http.get(it.url)).json()] == ["Dana"]
        await org.control(it.session["id"], "end")
        r = await it.add("Kim")
        assert (r.status_code, r.json()["error"]["code"]) == (409, "session_ended")
        r = await it.answer(rid, "clear", {"the-goal-is-clear": 3})
        assert (r.status_code, r.json()["error"]["code"]) == (409, "session_ended")


async def test_eighty_emoji_are_eighty_characters(server: RunningServer) -> None:
    async with Organizer(server) as org:
        it = await interview(org)
        r = await it.add("👍🏽" * 80)
        assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    ("question", "value", "code"),
    [
        ("causes", ["tools", "time", "skill"], "too_many_choices"),
        ("causes", ["nope"], "unknown_option"),
        ("clear", {"the-goal-is-clear": 9}, "out_of_range"),
        ("clear", {"nope": 1}, "unknown_statement"),
        ("story", "x" * 201, "text_too_long"),
        ("nope", "x", "unknown_question"),
        ("group", 3, "invalid_value"),
    ],
)
async def test_a_bad_answer_gets_the_phones_error_and_changes_nothing(
    server: RunningServer, question: str, value: Any, code: str
) -> None:
    async with Organizer(server) as org:
        it = await interview(org)
        rid = await it.added("Dana", "leader")
        before = await org.results(it.session["id"])
        r = await it.answer(rid, question, value)
        assert r.json()["error"]["code"] == code, r.text
        assert await org.results(it.session["id"]) == before
        assert await it.answers(rid) == {"group": "leader"}


async def test_a_bad_client_id_and_an_unknown_respondent_are_refused(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        it = await interview(org)
        rid = await it.added("Dana")
        r = await it.answer(rid, "story", "hello", client_id="not-a-uuid")
        assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_answer_id")
        assert "client_id" in r.json()["error"]["message"]
        r = await it.answer(rid + 1000, "story", "hello")
        assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found")


async def test_the_latest_answer_wins_and_a_repeat_is_a_duplicate(server: RunningServer) -> None:
    async with Organizer(server) as org:
        it = await interview(org)
        rid = await it.added("Dana", "leader")
        first = str(uuid.uuid4())
        assert (await it.answer(rid, "causes", ["tools"], first)).status_code == 201
        again = await it.answer(rid, "causes", ["tools"], first)
        assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
        assert (await it.answer(rid, "causes", ["time", "skill"])).status_code == 201
        assert (await it.answer(rid, "group", "l-d")).status_code == 201  # role corrected
        assert await it.answers(rid) == {"group": "l-d", "causes": ["time", "skill"]}
        results = await org.results(it.session["id"])
        assert results["causes"]["responses"] == 1
        assert results["causes"]["result"]["counts"] == {"tools": 0, "time": 1, "skill": 1}
        assert results["group"]["result"]["counts"]["leader"] == 0
        listed = (await it.http.get(it.url)).json()
        assert listed == [{"id": rid, "label": "Dana", "answered": 2}]


async def test_the_facilitators_live_view_updates_as_answers_are_typed(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        it = await interview(org)
        url = f"{server.ws_url}/ws/present/{it.session['id']}"
        key = {"Authorization": f"Bearer {it.session['presenter_key']}"}
        async with connect(url, additional_headers=key) as presenter:
            first = json.loads(await asyncio.wait_for(presenter.recv(), 10))
            assert first["type"] == "results"
            rid = await it.added("Dana", "leader")
            assert (await it.answer(rid, "causes", ["tools"])).status_code == 201
            counts: dict[str, int] = {}
            while counts.get("tools") != 1:  # each message carries full results: wait for it
                message = json.loads(await asyncio.wait_for(presenter.recv(), 10))
                for q in message.get("questions", []) if message["type"] == "results" else []:
                    if q["id"] == "causes":
                        counts = q["result"]["counts"]


async def test_nobody_joins_an_interview_by_its_code(server: RunningServer) -> None:
    async with Organizer(server) as org:
        it = await interview(org)
        code = it.session["code"]
        phone = Phone(server)
        r = await phone.http.post(f"/api/join/{code}", json={})
        assert (r.status_code, r.json()["error"]["code"]) == (409, "interview_session")
        page = await phone.http.get(f"/j/{code}")
        assert page.status_code == 409
        assert "interview" in page.text and "Which group" not in page.text
        start = await phone.http.get(f"/join?code={code}")
        assert start.status_code == 409
        for view in ("present", "screen"):  # neither shows a code that joins nobody
            page = (await org.http.get(f"/{view}/{it.session['id']}")).text
            assert "qr.svg" not in page and code not in page
        async with connect(f"{server.ws_url}/ws/session/{code}") as ws:
            refusal = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert (refusal["type"], refusal["code"]) == ("error", "interview_session")
        await phone.close()
        summary = next(
            s for s in (await org.http.get("/api/sessions")).json() if s["id"] == it.session["id"]
        )
        assert summary["participants"] == 0


async def test_respondents_are_for_interviews_only(server: RunningServer) -> None:
    async with Organizer(server) as org:
        survey = await org.create(mode="self_paced", questions=QUESTIONS)
        r = await org.http.post(f"/api/sessions/{survey['id']}/respondents", json={"label": "Dana"})
        assert (r.status_code, r.json()["error"]["code"]) == (409, "not_an_interview")
        it = await interview(org)
        anonymous = await httpx2.AsyncClient(base_url=server.url).post(it.url, json={"label": "x"})
        assert anonymous.status_code == 401


# (role, scale point, causes, story) per respondent: two leaders only, so they are withheld
PEOPLE = [
    ("learner", 2, ["time"], "A learner's <b>story</b>"),
    ("learner", 3, ["time", "tools"], "Another learner"),
    ("learner", 2, ["skill"], "Third learner"),
    ("leader", 5, ["skill"], "A leader"),
    ("leader", 4, ["tools"], "Another leader"),
    ("l-d", 1, ["time"], "L&D one"),
    ("l-d", 2, ["time"], "L&D two"),
    ("l-d", 1, ["tools", "skill"], "L&D three"),
]


async def test_results_equal_a_recount_and_the_split_by_role_withholds_small_groups(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        it = await interview(org)
        for n, (role, point, causes, story) in enumerate(PEOPLE):
            rid = await it.added(f"Person {n}", role)
            for question, value in (
                ("clear", {"the-goal-is-clear": point}),
                ("causes", causes),
                ("story", story),
            ):
                assert (await it.answer(rid, question, value)).status_code == 201
        results = await org.results(it.session["id"])
        assert results["group"]["result"]["counts"] == dict(Counter(p[0] for p in PEOPLE))
        clear = results["clear"]["result"]["statements"]["the-goal-is-clear"]
        assert clear["n"] == len(PEOPLE)
        assert clear["mean"] == round(sum(p[1] for p in PEOPLE) / len(PEOPLE), 3)
        counted = Counter(c for p in PEOPLE for c in p[2])
        assert results["causes"]["result"]["counts"] == {c: counted[c] for c in counted}
        split = (
            await org.http.get(f"/api/sessions/{it.session['id']}/results?segment=group")
        ).json()
        groups = {g["id"]: g for g in split["groups"]}
        assert groups["leader"]["withheld"] and groups["leader"]["questions"] == []
        assert groups["leader"]["n"] == 2
        learners = {q["id"]: q for q in groups["learner"]["questions"]}
        learner_points = [p[1] for p in PEOPLE if p[0] == "learner"]
        assert learners["clear"]["result"]["statements"]["the-goal-is-clear"]["mean"] == round(
            sum(learner_points) / len(learner_points), 3
        )
        assert groups["all"]["n"] == len(PEOPLE)


async def test_labels_never_reach_exports_the_brief_or_the_screen(server: RunningServer) -> None:
    async with Organizer(server) as org:
        it = await interview(org)
        for n, (role, point, _, story) in enumerate(PEOPLE):
            rid = await it.added(f"Secret name {n}", role)
            assert (await it.answer(rid, "clear", {"the-goal-is-clear": point})).status_code == 201
            assert (await it.answer(rid, "story", story)).status_code == 201
        sid = it.session["id"]
        texts = [
            (await org.http.get(f"/api/sessions/{sid}/export?format={f}")).text
            for f in ("csv", "json")
        ]
        texts += [
            (await org.http.get(f"/api/sessions/{sid}/brief?format={f}")).text
            for f in ("md", "json", "html")
        ]
        for text in texts:
            assert "Secret name" not in text
        exported = (await org.http.get(f"/api/sessions/{sid}/export?format=json")).json()
        assert "Secret name" not in json.dumps(exported)


def test_stakeholder_discovery_ships_as_an_interview_and_a_bad_mode_is_refused() -> None:
    surveys, _ = load_surveys(ROOT / "session_templates")
    discovery = surveys["stakeholder-discovery"]
    assert discovery.mode == "interview"
    assert any(q.segment for q in discovery.questions)  # the role of each respondent
    bad = 'id = "x"\ntitle = "X"\nmode = "phone_call"\n'
    bad += '[[questions]]\nkind = "open_text"\nprompt = "?"'
    with pytest.raises(TemplateError, match="mode"):
        parse_template("x.toml", bad)
