"""The performance brief (Markdown and JSON so far) through the real server: sections in
their fixed order, numbers equal to a recount per group, stories quoted as written and
escaped, small groups withheld, and a plain word where a section has no evidence."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from server.sections import SECTIONS

from .client import Organizer, Phone
from .conftest import RunningServer

QUESTIONS = [
    {
        "kind": "single_choice",
        "id": "group",
        "prompt": "Which group are you part of?",
        "options": ["Learner", "Leader", "L&D"],
        "segment": True,
        "brief": "audience",
    },
    {
        "kind": "scale",
        "id": "clear",
        "prompt": "How clear is it?",
        "statements": ["The goal", "The metric"],
        "min": 1,
        "max": 5,
        "brief": "alignment",
    },
    {"kind": "open_text", "id": "story", "prompt": "A moment that mattered", "brief": "voices"},
]
HOSTILE = '<script>alert("x")</script> **not bold** [a link](http://evil.example)'
# (group or None for not said, goal, metric, story). The one L&D person and the two who
# did not say are withheld together (3 people), so learners and leaders can be shown.
PEOPLE: list[tuple[str | None, int, int, str]] = [
    *[("learner", 2, 1, f"Learner story {n}") for n in range(3)],
    *[("leader", 5, 4, f"Leader story {n}") for n in range(3)],
    ("l-d", 3, 3, HOSTILE),
    (None, 1, 1, "I would rather not say my group"),
    (None, 4, 4, "Neither would I"),
]


async def run_session(server: RunningServer, org: Organizer) -> dict[str, Any]:
    session = await org.create(questions=QUESTIONS)

    async def one(group: str | None, goal: int, metric: int, story: str) -> None:
        phone = Phone(server)
        await phone.join(session["code"])
        answers: list[tuple[str, Any]] = [("group", group)] if group else []
        answers += [("clear", {"the-goal": goal, "the-metric": metric}), ("story", story)]
        for question, value in answers:
            assert (await phone.answer_http(question, value)).status_code == 201
        await phone.close()

    await asyncio.gather(*(one(*person) for person in PEOPLE))
    return session


async def test_the_brief_stands_on_recounted_numbers_and_hides_small_groups(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await run_session(server, org)
        url = f"/api/sessions/{session['id']}/brief"
        brief = (await org.http.get(f"{url}?format=json")).json()
        assert [s["id"] for s in brief["sections"]] == list(SECTIONS)
        assert brief["participants"] == len(PEOPLE)
        sections = {s["id"]: s for s in brief["sections"]}
        assert sections["problem"]["gap"] == "No question of this session feeds this section yet."
        assert sections["alignment"]["gap"] is None

        groups = {g["id"]: g for g in sections["alignment"]["groups"]}
        assert {g: (groups[g]["n"], groups[g]["withheld"]) for g in groups} == {
            "learner": (3, False),
            "leader": (3, False),
            "l-d": (1, True),
            "not_said": (2, True),
            "all": (9, False),
        }
        for group in ("learner", "leader"):
            members = [p for p in PEOPLE if p[0] == group]
            assert groups[group]["means"] == {
                "clear.the-goal": sum(p[1] for p in members) / len(members),
                "clear.the-metric": sum(p[2] for p in members) / len(members),
            }
        assert groups["l-d"]["means"] == {}
        # every section says how many of each group answered it; a withheld group only
        # that it is withheld (whether its one member answered would single them out)
        assert sections["voices"]["answered"] == [
            {"group": "Learner", "n": 3},
            {"group": "Leader", "n": 3},
            {"group": "L&D", "n": None},
            {"group": "not said", "n": None},
        ]
        assert sections["problem"]["answered"] == []  # no question feeds it

        md = (await org.http.get(f"{url}?format=md")).text
        headings = [line[3:] for line in md.splitlines() if line.startswith("## ")]
        # the sections in their fixed order, then the sign-off
        assert headings == [*(sections[sid]["title"] for sid in SECTIONS), "Sign-off"]
        assert "<script>" not in md and "&lt;script&gt;" in md  # quoted, never markup
        assert "\\*\\*not bold\\*\\*" in md and "\\[a link\\]" in md
        assert "- **L&amp;D** (n = 1): withheld, too few people to show" in md
        assert "- **Learner** (n = 3): The goal: 2.00; The metric: 1.00" in md
        assert (
            "Answered per group: Learner 3 · Leader 3 · L&amp;D withheld · not said withheld" in md
        )
        bad = await org.http.get(f"{url}?format=docx")
        assert bad.status_code == 422 and "md, json, html, pdf" in bad.json()["error"]["message"]


async def test_the_brief_as_a_printable_page_escapes_stories_and_draws_its_charts(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await run_session(server, org)
        r = await org.http.get(f"/api/sessions/{session['id']}/brief?format=html")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        page = r.text
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page
        headings = re.findall(r'<h2 id="s-([a-z]+)">', page)
        assert headings == [*SECTIONS, "signoff"]
        assert '<div class="chart chart-bars">' in page  # the audience's shares, drawn
        assert '<div class="chart chart-dots">' in page  # the groups side by side
        assert "withheld, too few people to show" in page
        assert "@page" in (await org.http.get("/static/css/brief.css")).text


CHECKLIST = [
    {
        "kind": "scale",
        "id": area,
        "prompt": f"{area.capitalize()}: how true is this today?",
        "statements": statements,
        "min": 1,
        "max": 4,
        "brief": "readiness",
    }
    for area, statements in {
        "problem": ["We can name the business problem"],
        "metrics": ["A business number is tied to this work", "Everyone counts it the same way"],
    }.items()
]


async def test_the_readiness_verdict_pauses_on_what_is_still_open(server: RunningServer) -> None:
    """An area is clear when each statement's mean is in the top third of its scale
    (3.00 on 1..4); one open statement makes the verdict a pause that names it."""
    async with Organizer(server) as org:
        session = await org.create(questions=CHECKLIST)
        ratings = [(4, 4, 2), (3, 4, 3), (3, 3, 3)]  # metric agreement mean 2.67: open
        for problem, number, counted in ratings:
            phone = Phone(server)
            await phone.join(session["code"])
            await phone.answer_http("problem", {"we-can-name-the-business-problem": problem})
            value = {
                "a-business-number-is-tied-to-this-work": number,
                "everyone-counts-it-the-same-way": counted,
            }
            assert (await phone.answer_http("metrics", value)).status_code == 201
            await phone.close()
        url = f"/api/sessions/{session['id']}/brief"
        brief = (await org.http.get(url, params={"format": "json"})).json()
        verdict = next(s for s in brief["sections"] if s["id"] == "readiness")["readiness"]
        assert verdict["verdict"] == "pause"
        assert [a["state"] for a in verdict["areas"]] == ["clear", "open"]
        assert verdict["open_points"] == ["Everyone counts it the same way"]
        means = [s["mean"] for a in verdict["areas"] for s in a["statements"]]
        assert means == [round(10 / 3, 3), round(11 / 3, 3), round(8 / 3, 3)]
        md = (await org.http.get(url, params={"format": "md"})).text
        assert "**Verdict: Pause: answer the open points first**" in md
        page = (await org.http.get(url, params={"format": "html"})).text
        assert "verdict-pause" in page and "Everyone counts it the same way" in page
