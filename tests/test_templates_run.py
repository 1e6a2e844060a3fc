"""Every shipped template, run as a facilitator would run it tomorrow: a dozen phones
answer every question through the real server (an interview template: a dozen
respondents recorded by the facilitator), every result counts them, the split by the
template's segment question adds up; an interview's brief comes out in every format."""

from __future__ import annotations

import html
import random
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from server.brief import TITLES
from server.config import ROOT
from server.sections import SECTIONS
from server.surveys import load_surveys

from .client import Organizer, Phone
from .conftest import RunningServer

PEOPLE = 12
BRIEF_TEXT_FORMATS = ("md", "html")
SURVEYS = load_surveys(ROOT / "session_templates")[0]
TEMPLATES = sorted(SURVEYS)
Answer = Callable[[dict[str, Any], random.Random], Any]


def ids(q: dict[str, Any], field: str) -> list[str]:
    return [choice["id"] for choice in q[field]]


def _points(q: dict[str, Any], rng: random.Random) -> dict[str, int]:
    """Some of the budget on one option (at least one option gets points)."""
    return {rng.choice(ids(q, "options")): rng.randint(1, q["budget"])}


# A valid answer to a question of each kind, from the question as phones see it
ANSWERS: dict[str, Answer] = {
    "single_choice": lambda q, rng: rng.choice(ids(q, "options")),
    "multiple_choice": lambda q, rng: rng.sample(ids(q, "options"), 1),
    "scale": lambda q, rng: {s: rng.randint(q["min"], q["max"]) for s in ids(q, "statements")},
    "open_text": lambda q, rng: f"A story numbered {rng.randint(1, 10**6)} about our goal",
    "nps": lambda q, rng: rng.randint(0, 10),
    "ranking": lambda q, rng: rng.sample(ids(q, "items"), q["max_rank"]),
    "points": _points,
    "grid_2x2": lambda q, rng: {
        item: {"x": q["x"]["min"], "y": q["y"]["max"]} for item in ids(q, "items")[:2]
    },
    "word_cloud": lambda q, rng: [rng.choice(["time", "tools", "Zeitdruck", "clarity"])],
    "qa": lambda q, rng: {"ask": f"Question {rng.randint(1, 10**6)} for the sponsor?"},
}


def answer_for(q: dict[str, Any], rng: random.Random) -> Any:
    if q["kind"] not in ANSWERS:
        raise AssertionError(f"add a valid answer for kind {q['kind']!r} to ANSWERS")
    return ANSWERS[q["kind"]](q, rng)


async def phones_answer(server: RunningServer, session: dict[str, Any], rng: random.Random) -> None:
    for _ in range(PEOPLE):
        phone = Phone(server)
        await phone.join(session["code"])
        for q in session["questions"]:
            r = await phone.answer_http(q["id"], answer_for(q, rng))
            assert r.status_code == 201, (session["title"], q["id"], r.text)
        await phone.close()


async def respondents_answer(org: Organizer, session: dict[str, Any], rng: random.Random) -> None:
    """An interview: the facilitator records each respondent with a role (the roles taken
    in turn) and types their answers; the role is their answer to the segment question."""
    url = f"/api/sessions/{session['id']}/respondents"
    segment = next(q for q in session["questions"] if q.get("segment"))
    roles = ids(segment, "options")
    for n in range(PEOPLE):
        r = await org.http.post(url, json={"label": f"Stakeholder {n}", "role": roles[n % 3]})
        assert r.status_code == 201, r.text
        rid = r.json()["id"]
        for q in session["questions"]:
            if q["id"] == segment["id"]:
                continue
            body = {
                "client_id": str(uuid.uuid4()),
                "question": q["id"],
                "value": answer_for(q, rng),
            }
            r = await org.http.post(f"{url}/{rid}/answers", json=body)
            assert r.status_code == 201, (session["title"], q["id"], r.text)


@pytest.mark.parametrize("template", TEMPLATES)
async def test_a_shipped_template_runs_with_a_dozen_people(
    server: RunningServer, template: str
) -> None:
    rng = random.Random(template)
    interview = SURVEYS[template].mode == "interview"
    async with Organizer(server) as org:
        body = {"template": template, **({} if interview else {"mode": "self_paced"})}
        r = await org.http.post("/api/sessions", json=body)
        assert r.status_code == 201, r.text
        session = await org.session(r.json()["id"])
        if interview:
            await respondents_answer(org, session, rng)
        else:
            await phones_answer(server, session, rng)
        results = await org.results(session["id"])
        assert {qid: entry["responses"] for qid, entry in results.items()} == dict.fromkeys(
            (q["id"] for q in session["questions"]), PEOPLE
        )
        for segment in (q["id"] for q in session["questions"] if q.get("segment")):
            split = (
                await org.http.get(f"/api/sessions/{session['id']}/results?segment={segment}")
            ).json()
            sizes = {g["id"]: g["n"] for g in split["groups"]}
            assert sizes.pop("all") == PEOPLE == sum(sizes.values())
        await _brief_in_every_format(org, session["id"], PEOPLE)


async def _brief_in_every_format(org: Organizer, session_id: str, people: int) -> None:
    """The session's brief comes out in every format, counting everyone who took part."""
    url = f"/api/sessions/{session_id}/brief"
    r = await org.http.get(url, params={"format": "json"})
    assert r.status_code == 200, r.text
    brief = r.json()
    assert brief["participants"] == people
    assert [s["id"] for s in brief["sections"]] == list(SECTIONS)
    for fmt in BRIEF_TEXT_FORMATS:
        r = await org.http.get(url, params={"format": fmt})
        assert r.status_code == 200, (fmt, r.text)
        for title in TITLES.values():
            assert html.escape(title, quote=False) in r.text, (fmt, title)
        assert "Stakeholder 0" not in r.text  # the brief never names a respondent
