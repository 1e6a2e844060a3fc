"""Regenerate the README's example brief: the first page of a PDF brief, as
docs/screenshots/brief.png.

Runs the shipped alignment pulse check through a real server with a dozen participants in
the three groups (five learners, four business partners or leaders, three from L&D), their
answers plausible and fixed (a seeded generator), then asks the server for the PDF and
renders its first page with pypdfium2. Needs the test and docs extras:

    scripts/install test && .venv/bin/pip install -e '.[docs]'
    .venv/bin/python docs/example_brief.py
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.client import Organizer, Phone  # noqa: E402  (the repository's own clients)
from tests.conftest import RunningServer  # noqa: E402

PNG = ROOT / "docs" / "screenshots" / "brief.png"
GROUPS = {  # group: (people, how far along each statement is, on 1-5)
    "learner": (5, [3, 2, 3, 4, 2]),
    "business-partner-or-leader": (4, [5, 4, 3, 3, 4]),
    "l-d": (3, [4, 3, 4, 4, 3]),
}
READY = {"learner": [2, 3, 3, 2], "business-partner-or-leader": [4, 3, 4, 3], "l-d": [2, 2, 3, 2]}
PURPOSE = {
    "learner": "building-people-s-skills-for-the-future",
    "business-partner-or-leader": "hitting-a-specific-business-target",
    "l-d": "fixing-a-recurring-problem-on-the-job",
}
SIGNALS = {
    "learner": ["how-confident-learners-feel", "feedback-from-managers-or-peers"],
    "business-partner-or-leader": ["a-business-metric-such-as-sales-errors-o"],
    "l-d": ["behaviour-observed-on-the-job", "a-business-metric-such-as-sales-errors-o"],
}
GOALS = {
    "learner": [
        "Fewer angry customers, I think, and better scores in the quality checks",
        "Handling more calls per hour without the customer feeling rushed",
        "Honestly not sure: we were told it is about soft skills",
    ],
    "business-partner-or-leader": [
        "Repeat calls down from 18 % to 14 % by the end of Q3",
        "First-call resolution up, so the backlog stops growing every Monday",
    ],
    "l-d": [
        "First-call resolution in the service centre; the baseline is still being agreed",
        "Fewer escalations to second level, measured in the ticket system",
    ],
}
BEHAVIOURS = [
    "Agents confirm the customer's real issue before they offer a fix",
    "Nobody hands a call to a supervisor for a refund they could approve themselves",
    "Team leads listen in on two calls a week and give feedback the same day",
    "Customers do not have to call back about the same problem",
    "Agents close every call with a clear next step and a date",
]
STORIES = [
    "Our team lead said the course is about 'soft skills', but the targets we get every "
    "Monday are about first-call resolution. Nobody has connected the two for us yet.",
    "In the kick-off the sponsor talked about cutting repeat calls by a fifth. In the "
    "workshop we spent most of the day on product features.",
    "We were told to 'own the customer', but the refund tool still needs a supervisor's "
    "approval for anything over 50 euros, so we hand the call over anyway.",
    "L&D asked for observation checklists; the floor managers said they have no time to sit "
    "with anyone during peak hours.",
    "I changed how I open calls after the pilot and my repeat rate dropped, but no one "
    "looks at that number at team level.",
]


def answers(group: str, person: int, rng: random.Random, ids: dict[str, Any]) -> list[Any]:
    def near(target: int) -> int:
        return max(1, min(5, target + rng.choice([-1, 0, 0, 1])))

    understanding = dict(zip(ids["shared-understanding"], map(near, GROUPS[group][1]), strict=True))
    readiness = dict(zip(ids["conditions-for-change"], map(near, READY[group]), strict=True))
    out: list[tuple[str, Any]] = [
        ("group", group),
        ("shared-understanding", understanding),
        ("main-purpose", PURPOSE[group] if person % 3 else "i-am-not-sure"),
        ("conditions-for-change", readiness),
        ("success-signals", SIGNALS[group]),
        ("goal-in-own-words", GOALS[group][person % len(GOALS[group])]),
        ("key-behaviour", BEHAVIOURS[(person + len(group)) % len(BEHAVIOURS)]),
    ]
    if person < len(STORIES) and rng.random() < 0.7:
        out.append(("mismatch-story", STORIES[(person + len(group)) % len(STORIES)]))
    return out


async def run(server: RunningServer) -> bytes:
    rng = random.Random(11)
    async with Organizer(server) as org:
        created = await org.http.post("/api/sessions", json={"template": "alignment-pulse-check"})
        session = await org.session(created.json()["id"])
        ids = {q["id"]: [s["id"] for s in q.get("statements", [])] for q in session["questions"]}
        for q in session["questions"]:
            await org.control(session["id"], "open", q["id"])
        for group, (people, _) in GROUPS.items():
            for person in range(people):
                phone = Phone(server)
                await phone.join(created.json()["code"])
                for question, value in answers(group, person, rng, ids):
                    reply = await phone.answer_http(question, value)
                    assert reply.status_code == 201, reply.text
                await phone.close()
        await curate(org, session["id"])
        pdf = await org.http.get(f"/api/sessions/{session['id']}/brief?format=pdf")
        assert pdf.status_code == 200, pdf.text
        return bytes(pdf.content)


DETAILS = {
    "header": {
        "initiative": "Customer service training request, Northern region",
        "sponsor": "Head of Customer Operations",
        "ld_partner": "L&D business partner, Operations",
        "audience": "First-line agents and their team leads",
        "date": "2026-11-30",
        "version": "0.3 draft",
    },
    "kpi": {
        "name": "First-contact resolution",
        "owner": "Customer Operations",
        "baseline": "61%",
        "target": "72%",
        "target_date": "2027-06-30",
    },
}


async def curate(org: Organizer, session_id: str) -> None:
    """What a facilitator does next: the header and KPI, and the strongest proposal of each
    kind accepted (a leading answer, the largest gap between groups, the lowest statement,
    a barrier, a story pinned)."""
    url = f"/api/sessions/{session_id}"
    assert (await org.http.put(f"{url}/brief/details", json=DETAILS)).status_code == 200
    proposals = (await org.http.get(f"{url}/insights")).json()["proposals"]
    firsts: dict[str, dict[str, Any]] = {}
    for proposal in proposals:  # the first of each kind: they come strongest first
        firsts.setdefault(proposal["kind"], proposal)
    wanted = [firsts[k] for k in ("leading", "gap", "lowest", "barrier", "story") if k in firsts]
    for proposal in wanted:
        accepted = await org.http.post(f"{url}/insights", json={"origin": proposal["origin"]})
        assert accepted.status_code == 201, accepted.text


def main() -> None:
    import pypdfium2  # type: ignore[import-untyped]

    server = RunningServer(Path(tempfile.mkdtemp(prefix="trifecta-example-"))).start()
    try:
        pdf = asyncio.run(run(server))
    finally:
        server.stop()
    if "--save-pdf" in sys.argv:  # to look at every page, not only the first
        Path("/tmp/example-brief.pdf").write_bytes(pdf)
    page = pypdfium2.PdfDocument(pdf)[0]
    page.render(scale=1.5).to_pil().save(PNG)
    print(f"wrote {PNG.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
