"""Results split by a segment question, through the real server: each group's numbers
equal a recount of its members' answers, and a group too small to hide its people shows
nothing, neither directly nor by subtracting the groups that are shown from "all"."""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from typing import Any

import openpyxl
import pytest

from server.segments import ALL, NOT_SAID, withheld_groups

from .client import Organizer, Phone
from .conftest import RunningServer

GROUP = {
    "kind": "single_choice",
    "id": "group",
    "prompt": "Which group are you part of?",
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
STORY = {"kind": "open_text", "id": "story", "prompt": "Tell us a story"}
# (group or None for not said, scale point, story)
PEOPLE = [
    *[("learner", 2, f"learner story {n}") for n in range(5)],
    *[("leader", 4, f"leader story {n}") for n in range(4)],
    ("l-d", 5, "the one story from the smallest group"),
    (None, 3, "a story from someone who did not say"),
    (None, 1, "another who did not say"),
    (None, 2, "a third who did not say"),
]


async def answer_all(server: RunningServer, code: str) -> None:
    async def one(group: str | None, point: int, story: str) -> None:
        phone = Phone(server)
        await phone.join(code)
        if group is not None:
            assert (await phone.answer_http("group", group)).status_code == 201
        assert (await phone.answer_http("clear", {"the-goal-is-clear": point})).status_code == 201
        assert (await phone.answer_http("story", story)).status_code == 201
        await phone.close()

    await asyncio.gather(*(one(*person) for person in PEOPLE))


def by_id(group: dict[str, Any]) -> dict[str, Any]:
    return {q["id"]: q for q in group["questions"]}


async def test_each_group_equals_a_recount_and_a_lone_member_is_withheld(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=[GROUP, CLEAR, STORY])
        await answer_all(server, session["code"])
        r = await org.http.get(f"/api/sessions/{session['id']}/results?segment=group")
        assert r.status_code == 200, r.text
        split = r.json()
        assert (split["segment"], split["min_group"]) == ("group", 3)
        groups = {g["id"]: g for g in split["groups"]}
        assert list(groups) == ["learner", "leader", "l-d", NOT_SAID, ALL]
        assert {g: groups[g]["n"] for g in groups} == {
            "learner": 5,
            "leader": 4,
            "l-d": 1,
            NOT_SAID: 3,
            ALL: 13,
        }
        # the lone L&D person is withheld; 1 < 3, so the smallest shown group (not_said,
        # 3) is withheld too, or all minus learners minus leaders would give them back
        assert {g for g in groups if groups[g]["withheld"]} == {"l-d", NOT_SAID}
        assert groups["l-d"]["questions"] == groups[NOT_SAID]["questions"] == []

        for group in ("learner", "leader", ALL):
            members = [p for p in PEOPLE if group == ALL or p[0] == group]
            counted = by_id(groups[group])
            points = Counter(str(point) for _, point, _ in members)
            scale = counted["clear"]["result"]["statements"]["the-goal-is-clear"]
            assert scale["counts"] == {str(n): points.get(str(n), 0) for n in range(1, 6)}
            assert scale["n"] == counted["clear"]["responses"] == len(members)
            stories = {i["text"] for i in counted["story"]["result"]["items"]}
            assert stories == {story for *_, story in members}
        assert "the one story from the smallest group" not in str(groups["learner"]) + str(
            groups["leader"]
        )


async def test_the_minimum_group_is_a_session_setting_and_bad_splits_are_refused(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=[GROUP, CLEAR, STORY])
        await answer_all(server, session["code"])
        url = f"/api/sessions/{session['id']}"
        r = await org.http.post(f"{url}/settings", json={"min_group": 5})
        assert (r.status_code, r.json()["min_group"]) == (200, 5)
        split = (await org.http.get(f"{url}/results?segment=group")).json()
        withheld = {g["id"] for g in split["groups"] if g["withheld"]}
        assert withheld == {"leader", "l-d", NOT_SAID}  # 4, 1 and 3: together 8 >= 5

        for value in (1, 0, 101, "3", 2.5, None):
            r = await org.http.post(f"{url}/settings", json={"min_group": value})
            assert r.status_code == 422, (value, r.text)
            assert r.json()["error"]["code"] == "invalid_request"
        assert (await org.session(session["id"]))["min_group"] == 5

        for segment in ("clear", "nope", ""):
            r = await org.http.get(f"{url}/results?segment={segment}")
            assert r.status_code == 422, r.text
            assert "'group'" in r.json()["error"]["message"]  # names the segment questions


@pytest.mark.parametrize(
    ("sizes", "min_group", "withheld"),
    [
        ({"a": 5, "b": 4, "c": 1, NOT_SAID: 0}, 3, {"c", "b"}),  # 1 < 3: add the smallest
        ({"a": 5, "b": 4, "c": 2, NOT_SAID: 1}, 3, {"c", NOT_SAID}),  # together 3: enough
        ({"a": 5, "b": 4, "c": 3, NOT_SAID: 0}, 3, set()),  # nobody too few
        ({"a": 1, NOT_SAID: 0}, 3, {"a"}),  # nothing left to add: all shows the same 1
        ({"a": 0, "b": 6, NOT_SAID: 0}, 3, set()),  # an empty group hides nobody
    ],
)
def test_small_groups_are_withheld_so_that_no_subtraction_reveals_them(
    sizes: dict[str, int], min_group: int, withheld: set[str]
) -> None:
    assert withheld_groups({**sizes, ALL: sum(sizes.values())}, min_group) == withheld


async def test_exports_withhold_the_group_of_people_in_a_group_too_small(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=[GROUP, CLEAR, STORY])
        await answer_all(server, session["code"])
        url = f"/api/sessions/{session['id']}/export"
        rows = (await org.http.get(f"{url}?format=json")).json()["rows"]
        groups = Counter(row["answer"] for row in rows if row["question_id"] == "group")
        assert groups == {"Learner": 5, "Leader": 4, "withheld": 1}
        lone = {row["participant"] for row in rows if row["answer"] == "withheld"}
        assert {row["segment"] for row in rows if row["participant"] in lone} == {"withheld"}
        assert all(row["answer_value"] is None for row in rows if row["answer"] == "withheld")
        csv = (await org.http.get(f"{url}?format=csv")).text
        assert "L&D" not in csv and "l-d" not in csv
        book = openpyxl.load_workbook(
            io.BytesIO((await org.http.get(f"{url}?format=xlsx")).content)
        )
        for name in ("Answers", "Participants"):
            cells = {str(c.value) for row in book[name].iter_rows() for c in row}
            assert "L&D" not in cells and "withheld" in cells, name
