"""Insights through the real server: proposals stand on recounted numbers and never name a
withheld group; the facilitator accepts, edits, moves, discards and restores them, and
every change is kept in the insight's history; a pinned story keeps its words; tags fit
their section. The brief carries its details, the insights and the sign-off, escaped."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import httpx2
import openpyxl

from .client import Organizer, Phone
from .conftest import RunningServer

QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "single_choice",
        "id": "group",
        "prompt": "Which group are you part of?",
        "options": ["Learner", "Leader", "L&D"],
        "segment": True,
        "brief": "audience",
    },
    {
        "kind": "single_choice",
        "id": "cause",
        "prompt": "What is the main cause?",
        "options": ["Skills", "Process", "Tools"],
        "brief": "problem",
    },
    {
        "kind": "scale",
        "id": "do",
        "prompt": "How often do you do this?",
        "statements": ["Ask open questions", "Agree a next step"],
        "min": 1,
        "max": 5,
        "brief": "behaviours",
    },
    {
        "kind": "multiple_choice",
        "id": "blocks",
        "prompt": "What gets in the way?",
        "options": ["Time", "Unclear process", "No feedback"],
        "brief": "barriers",
    },
    {
        "kind": "points",
        "id": "mix",
        "prompt": "Spread 100 points",
        "options": ["Coaching", "Job aids"],
        "budget": 100,
        "brief": "solutions",
    },
    {"kind": "open_text", "id": "story", "prompt": "A moment that mattered", "brief": "voices"},
]
HOSTILE = '<script>alert("x")</script> **not bold** & <b>bold</b>'
# group, cause, (ask, agree), blocks, coaching points, story. The one L&D person and the
# two who did not say are withheld together (3 people): learners and leaders are shown.
PEOPLE: list[tuple[str | None, str, tuple[int, int], list[str], int, str]] = [
    ("learner", "process", (2, 4), ["time", "unclear-process"], 30, "Short one"),
    ("learner", "process", (1, 4), ["unclear-process"], 40, "A somewhat longer story here"),
    ("learner", "skills", (2, 5), ["time"], 50, HOSTILE),
    ("leader", "process", (4, 3), ["unclear-process"], 80, "Leader says"),
    ("leader", "tools", (5, 3), ["no-feedback", "time"], 70, "Another leader"),
    ("leader", "process", (4, 2), ["unclear-process"], 90, "Third leader"),
    ("l-d", "tools", (5, 1), ["no-feedback"], 0, "The only L&D person writes this"),
    (None, "skills", (3, 3), ["time"], 20, "Not said one"),
    (None, "process", (3, 3), ["time"], 10, "Not said two"),
]


async def run_session(server: RunningServer, org: Organizer) -> dict[str, Any]:
    session = await org.create(questions=QUESTIONS)

    async def one(
        group: str | None,
        cause: str,
        scores: tuple[int, int],
        blocks: list[str],
        coach: int,
        story: str,
    ) -> None:
        phone = Phone(server)
        await phone.join(session["code"])
        answers: list[tuple[str, Any]] = [("group", group)] if group else []
        answers += [
            ("cause", cause),
            ("do", {"ask-open-questions": scores[0], "agree-a-next-step": scores[1]}),
            ("blocks", blocks),
            ("mix", {"coaching": coach, "job-aids": 100 - coach}),
            ("story", story),
        ]
        for question, value in answers:
            r = await phone.answer_http(question, value)
            assert r.status_code == 201, r.text
        await phone.close()

    await asyncio.gather(*(one(*person) for person in PEOPLE))
    return session


async def workspace(org: Organizer, session_id: str) -> dict[str, Any]:
    r = await org.http.get(f"/api/sessions/{session_id}/insights")
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def by_origin(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["origin"]: p for p in data["proposals"]}


async def test_proposals_stand_on_recounted_numbers_and_never_name_a_withheld_group(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await run_session(server, org)
        data = await workspace(org, session["id"])
        proposals = by_origin(data)
        n = len(PEOPLE)

        process = sum(1 for p in PEOPLE if p[1] == "process")
        leading = proposals["leading:cause"]
        assert leading["section"] == "problem"
        assert leading["evidence"]["numbers"]["count"] == process
        share = round(100 * process / n)
        assert leading["text"].startswith(f"Asked 'What is the main cause?', {share}% of {n} chose")

        unclear = sum(1 for p in PEOPLE if "unclear-process" in p[3])
        barrier = proposals["barrier:blocks:unclear-process"]
        assert barrier["section"] == "barriers"
        assert barrier["evidence"]["numbers"]["count"] == unclear

        lowest = proposals["lowest:do.ask-open-questions"]
        mean = sum(p[2][0] for p in PEOPLE) / n
        assert lowest["evidence"]["numbers"]["mean"] == round(mean, 3)
        assert f"a mean of {mean:.2f} on 1-5 (n = {n})" in lowest["text"]

        coaching = sum(p[4] for p in PEOPLE)
        mix = proposals["mix:mix"]
        assert mix["evidence"]["numbers"]["totals"] == {
            "coaching": coaching,
            "job-aids": 100 * n - coaching,
        }

        gap = proposals["gap:do.ask-open-questions"]
        groups = {g["id"]: g for g in gap["evidence"]["groups"]}
        assert set(groups) == {"learner", "leader"}
        for group in groups:
            members = [p for p in PEOPLE if p[0] == group]
            assert groups[group]["n"] == len(members)
            assert groups[group]["mean"] == round(sum(p[2][0] for p in members) / len(members), 3)

        stories = [p for p in data["proposals"] if p["kind"] == "story"]
        assert stories[0]["text"] == max((p[5] for p in PEOPLE), key=len)  # longest first
        assert all(s["quote"] and s["section"] == "voices" for s in stories)
        texts = {s["text"] for s in stories}
        assert HOSTILE in texts  # verbatim: the server never rewrites a story

        # Nothing outside the stories carries the withheld group, by id, label or size
        numbers = json.dumps([p for p in data["proposals"] if p["kind"] != "story"])
        assert '"l-d"' not in numbers and "L&D" not in numbers
        assert '"not_said"' not in numbers
        assert all(
            g["id"] in ("learner", "leader")
            for p in data["proposals"]
            for g in p["evidence"].get("groups", [])
        )


async def test_curation_keeps_history_and_pinned_stories_keep_their_words(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await run_session(server, org)
        url = f"/api/sessions/{session['id']}/insights"
        r = await org.http.post(url, json={"origin": "leading:cause"})
        assert r.status_code == 201, r.text
        taken = r.json()
        assert taken["status"] == "accepted" and taken["evidence"]["questions"] == ["cause"]
        assert "leading:cause" not in by_origin(await workspace(org, session["id"]))
        again = await org.http.post(url, json={"origin": "leading:cause"})
        assert again.status_code == 409 and again.json()["error"]["code"] == "proposal_decided"
        unknown = await org.http.post(url, json={"origin": "leading:nothing"})
        assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_proposal"

        one = f"{url}/{taken['id']}"
        edited = await org.http.patch(one, json={"text": "Most see the process as the cause"})
        assert edited.status_code == 200, edited.text
        moved = await org.http.patch(one, json={"section": "evidence"})
        assert moved.json()["section"] == "evidence"
        assert (await org.http.patch(one, json={"status": "discarded"})).json()[
            "status"
        ] == "discarded"
        assert (await org.http.patch(one, json={"status": "accepted"})).json()[
            "status"
        ] == "accepted"

        history = (await org.http.get(f"{one}/history")).json()["history"]
        assert [h["action"] for h in history] == [
            "created",
            "edited",
            "moved",
            "discarded",
            "restored",
        ]
        assert history[1]["changes"] == {
            "text": [taken["text"], "Most see the process as the cause"]
        }
        assert history[2]["changes"]["section"] == ["problem", "evidence"]
        assert history[3]["changes"] == {"status": ["accepted", "discarded"]}

        # tags: barriers take a barrier type, measurement a level, other sections none
        own = await org.http.post(
            url,
            json={
                "section": "barriers",
                "text": "No time to practise",
                "tag": "environment_process",
            },
        )
        assert own.status_code == 201 and own.json()["tag"] == "environment_process"
        wrong = await org.http.post(
            url, json={"section": "barriers", "text": "x", "tag": "level_2"}
        )
        assert wrong.status_code == 422
        assert "knowledge, skill, motivation, environment_tools" in wrong.json()["error"]["message"]
        none = await org.http.patch(one, json={"tag": "skill"})
        assert none.status_code == 422 and "takes no tag" in none.json()["error"]["message"]
        level = await org.http.post(
            url, json={"section": "measurement", "text": "Calls", "tag": "level_3"}
        )
        assert level.status_code == 201

        # a pinned story can move and be discarded, but its words stay as written
        story = next(
            p for p in (await workspace(org, session["id"]))["proposals"] if p["kind"] == "story"
        )
        pinned = (await org.http.post(url, json={"origin": story["origin"]})).json()
        assert pinned["quote"] and pinned["text"] == story["text"]
        refused = await org.http.patch(f"{url}/{pinned['id']}", json={"text": "Nicer words"})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "quote_is_verbatim"
        assert (
            await org.http.patch(f"{url}/{pinned['id']}", json={"section": "barriers"})
        ).status_code == 200
        stored = {i["id"]: i for i in (await workspace(org, session["id"]))["insights"]}
        assert stored[pinned["id"]]["text"] == story["text"]

        # bad input names the field; nothing changes
        for body, field in (
            ({}, "origin"),
            ({"section": "nowhere", "text": "x"}, "section"),
            ({"section": "problem", "text": " \u200b "}, "text"),
            ({"section": "problem", "text": "x" * 1001}, "text"),
        ):
            bad = await org.http.post(url, json=body)
            assert bad.status_code == 422 and field in bad.json()["error"]["message"], bad.text
        assert (await org.http.patch(f"{url}/999999", json={"text": "x"})).status_code == 404
        huge = await org.http.get(f"{url}/{10**30}/history")
        assert huge.status_code == 404 and huge.json()["error"]["code"] == "unknown_insight"
        assert (await org.http.patch(one, json={"position": -1})).status_code == 422
        assert len((await workspace(org, session["id"]))["insights"]) == len(stored)


async def test_insights_reorder_within_their_section(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=QUESTIONS)
        url = f"/api/sessions/{session['id']}/insights"
        ids = []
        for text in ("first", "second", "third"):
            r = await org.http.post(url, json={"section": "behaviours", "text": text})
            ids.append(r.json()["id"])
        r = await org.http.patch(f"{url}/{ids[2]}", json={"position": 0})
        assert r.json()["position"] == 0
        order = [i["text"] for i in (await workspace(org, session["id"]))["insights"]]
        assert order == ["third", "first", "second"]
        history = (await org.http.get(f"{url}/{ids[2]}/history")).json()["history"]
        assert history[-1] == {**history[-1], "action": "moved", "changes": {"position": [2, 0]}}


async def test_brief_details_are_validated_and_kept(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=QUESTIONS)
        url = f"/api/sessions/{session['id']}/brief/details"
        empty = (await org.http.get(url)).json()
        assert empty["updated_at"] is None and empty["details"]["signoff"]["ld"]["name"] == ""
        details = {
            "header": {
                "initiative": "Kundenzufriedenheitsverbesserungsprogramm",
                "date": "2026-11-30",
            },
            "kpi": {"name": "First-contact resolution", "baseline": "61%", "target": "75%"},
            "signoff": {
                "business": {"name": "سارة", "role": "Director 🎯", "signed_on": "2026-12-01"}
            },
        }
        saved = await org.http.put(url, json=details)
        assert saved.status_code == 200, saved.text
        again = (await org.http.get(url)).json()
        assert again["details"]["signoff"]["business"]["name"] == "سارة"
        assert again["details"]["header"]["version"] == ""
        for body, field in (
            ({"header": {"date": "30.11.2026"}}, "header.date"),
            ({"kpi": {"target_date": "2026-02-30"}}, "kpi.target_date"),
            ({"header": {"version": "v" * 21}}, "header.version"),
            ({"header": {"colour": "red"}}, "header.colour"),
        ):
            bad = await org.http.put(url, json=body)
            assert bad.status_code == 422 and field in bad.json()["error"]["message"], bad.text
        # 120 emoji with skin tones are 120 characters, not 240 code points
        ok = await org.http.put(url, json={"signoff": {"ld": {"name": "👍🏽" * 120}}})
        assert ok.status_code == 200, ok.text


async def test_the_brief_carries_details_insights_and_sign_off_escaped(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await run_session(server, org)
        sid = session["id"]
        details = {
            "header": {"initiative": "<b>Service</b> & calls", "sponsor": "سارة 🎯"},
            "kpi": {"name": "First-contact resolution", "baseline": "61%", "target": "75%"},
            "signoff": {
                "ld": {"name": "Jo <i>L&D</i>", "role": "Partner", "signed_on": "2026-12-01"}
            },
        }
        assert (await org.http.put(f"/api/sessions/{sid}/brief/details", json=details)).is_success
        url = f"/api/sessions/{sid}/insights"
        own = {
            "section": "barriers",
            "text": "<script>x</script> no time",
            "tag": "environment_tools",
        }
        assert (await org.http.post(url, json=own)).status_code == 201
        skill = {"section": "barriers", "text": "Cannot ask open questions yet", "tag": "skill"}
        assert (await org.http.post(url, json=skill)).status_code == 201
        for level in ("level_4", "level_1"):
            body = {"section": "measurement", "text": f"Measure {level}", "tag": level}
            assert (await org.http.post(url, json=body)).status_code == 201
        stories = [p for p in (await workspace(org, sid))["proposals"] if p["kind"] == "story"]
        hostile = next(p for p in stories if p["text"] == HOSTILE)
        assert (await org.http.post(url, json={"origin": hostile["origin"]})).status_code == 201

        brief = (await org.http.get(f"/api/sessions/{sid}/brief?format=json")).json()
        sections = {s["id"]: s for s in brief["sections"]}
        assert ["Initiative or request", "<b>Service</b> & calls"] in brief["header"]
        assert ["Baseline", "61%"] in sections["success"]["kpi"]
        assert [i["tag"] for i in sections["measurement"]["insights"]] == ["level_1", "level_4"]
        barriers = sections["barriers"]
        assert [i["not_training"] for i in barriers["insights"]] == [True, False]
        assert barriers["note"].startswith("1 of 2 typed barriers is not about knowledge")
        voices = sections["voices"]
        assert voices["quotes_picked"] and voices["quotes"] == []
        assert [i["text"] for i in voices["insights"]] == [HOSTILE]
        assert brief["signoff"][0]["signed_on"] == "2026-12-01"
        assert brief["signoff"][1]["name"] == ""

        md = (await org.http.get(f"/api/sessions/{sid}/brief?format=md")).text
        assert "- **Initiative or request:** &lt;b&gt;Service&lt;/b&gt; &amp; calls" in md
        assert "- **KPI:** First\\-contact resolution" in md
        assert (
            "- **Environment: tools**: &lt;script&gt;x&lt;/script&gt; no time "
            "*(not a training fix)*" in md
        )
        assert "> &lt;script&gt;alert" in md and "<script>" not in md
        assert "- **L&D owner:** Jo &lt;i&gt;L&amp;D&lt;/i&gt;, Partner; signed 2026-12-01" in md
        assert "- **Business owner:** not signed yet" in md
        assert md.index("## Sign-off") > md.index("## Readiness")

        html = (await org.http.get(f"/api/sessions/{sid}/brief?format=html")).text
        assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt; no time" in html
        assert "&lt;b&gt;Service&lt;/b&gt; &amp; calls" in html and "<b>Service" not in html
        assert "Jo &lt;i&gt;L&amp;D&lt;/i&gt;" in html
        assert 'class="not-training"' in html and "not a training fix" in html
        assert '<h2 id="s-signoff">Sign-off</h2>' in html and "not signed yet" in html
        assert html.count('class="pinned"') == 1


async def test_exports_carry_the_insights_and_a_session_deletes_with_them(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await run_session(server, org)
        sid = session["id"]
        url = f"/api/sessions/{sid}/insights"
        own = {
            "section": "barriers",
            "text": '=HYPERLINK("x") no tools',
            "tag": "environment_tools",
        }
        mine = (await org.http.post(url, json=own)).json()
        await org.http.post(url, json={"origin": "leading:cause", "status": "discarded"})
        exported = (await org.http.get(f"/api/sessions/{sid}/export?format=json")).json()
        assert (own["text"], "accepted") in [(i["text"], i["status"]) for i in exported["insights"]]
        assert {i["status"] for i in exported["insights"]} == {"accepted", "discarded"}

        xlsx = await org.http.get(f"/api/sessions/{sid}/export?format=xlsx")
        book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
        sheet = book["Insights"]
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        assert ["barriers", own["text"], "environment_tools", "no", "accepted"] in [
            v[:5] for v in values
        ]
        cells = [c for row in sheet.iter_rows() for c in row if c.value == own["text"]]
        assert [c.data_type for c in cells] == ["s"]  # text, never a formula

        await org.http.patch(f"{url}/{mine['id']}", json={"text": "changed"})
        deleted = await org.http.delete(f"/api/sessions/{sid}")
        assert deleted.status_code == 200, deleted.text


async def test_only_the_brief_may_be_framed_and_only_by_our_own_pages(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=QUESTIONS)
        brief = await org.http.get(f"/api/sessions/{session['id']}/brief?format=html")
        assert "frame-ancestors 'self'" in brief.headers["content-security-policy"]
        assert brief.headers["x-frame-options"] == "SAMEORIGIN"
        for other in (f"/api/sessions/{session['id']}", "/console", f"/present/{session['id']}"):
            r = await org.http.get(other)
            assert "frame-ancestors 'none'" in r.headers["content-security-policy"], other
            assert r.headers["x-frame-options"] == "DENY"


OTHER_KINDS: list[dict[str, Any]] = [
    {
        "kind": "ranking",
        "id": "rank",
        "prompt": "What matters most?",
        "items": ["Listen", "Summarise", "Follow up"],
        "brief": "behaviours",
    },
    {"kind": "word_cloud", "id": "words", "prompt": "In a word: what blocks you?"},
    {
        "kind": "grid_2x2",
        "id": "grid",
        "prompt": "Where does each idea sit?",
        "items": ["Job aid", "Coaching"],
        "x": {"label": "Effort", "min_label": "Low", "max_label": "High"},
        "y": {"label": "Impact", "min_label": "Low", "max_label": "High"},
        "brief": "solutions",
    },
    {"kind": "nps", "id": "nps", "prompt": "Would you recommend it?", "brief": "evidence"},
    {"kind": "qa", "id": "ask", "prompt": "What do you want to ask?"},
]
RANKS = [
    ["listen", "summarise", "follow-up"],
    ["listen", "follow-up", "summarise"],
    ["summarise", "listen", "follow-up"],
]
WORDS = [["time", "tools"], ["Time"], ["process"]]
PLACES = [
    {"job-aid": {"x": 2, "y": 8}, "coaching": {"x": 8, "y": 6}},
    {"job-aid": {"x": 3, "y": 9}, "coaching": {"x": 7, "y": 7}},
    {"job-aid": {"x": 1, "y": 7}},
]
SCORES = [10, 9, 3]


async def test_rankings_words_grids_nps_and_posts_are_proposed_from_a_recount(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=OTHER_KINDS)
        phones = [Phone(server) for _ in RANKS]
        posts = []
        for n, phone in enumerate(phones):
            await phone.join(session["code"])
            for question, value in (
                ("rank", RANKS[n]),
                ("words", WORDS[n]),
                ("grid", PLACES[n]),
                ("nps", SCORES[n]),
            ):
                assert (await phone.answer_http(question, value)).status_code == 201
            posted = await phone.answer_http("ask", {"ask": f"Question {n} " + "?" * n})
            posts.append(posted.json()["item"])
        # the shortest post gets two votes: the most upvoted comes first, then the longest
        for phone in phones[1:]:
            assert (await phone.answer_http("ask", {"upvote": posts[0]})).status_code == 201
        for phone in phones:
            await phone.close()

        proposals = by_origin(await workspace(org, session["id"]))
        borda = {item: 0 for item in RANKS[0]}
        for ranking in RANKS:
            for place, item in enumerate(ranking):
                borda[item] += len(ranking) - place
        top = proposals["ranked:rank"]["evidence"]["numbers"]["top"]
        assert [(t["item"], t["borda_points"]) for t in top] == [
            ("Listen", borda["listen"]),
            ("Summarise", borda["summarise"]),
            ("Follow up", borda["follow-up"]),
        ]
        assert proposals["barrier:words:time"]["evidence"]["numbers"]["count"] == 2
        assert proposals["barrier:words:time"]["section"] == "barriers"
        grid = proposals["grid:grid"]
        assert grid["evidence"]["numbers"]["items"]["job-aid"]["y_mean"] == 8.0
        assert grid["text"].startswith("Highest on Impact (1-10): 'Job aid' 8.0")
        promoters = sum(1 for s in SCORES if s >= 9)
        detractors = sum(1 for s in SCORES if s <= 6)
        score = proposals["score:nps"]["evidence"]["numbers"]["score"]
        assert score == round(100 * (promoters - detractors) / len(SCORES), 3)
        stories = [p for p in proposals.values() if p["kind"] == "story"]
        assert [s["text"] for s in stories] == ["Question 0", "Question 2 ??", "Question 1 ?"]


async def test_the_same_story_from_several_people_is_offered_once(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=QUESTIONS)
        for story in ("Same words", "Same words", "Other words here"):
            phone = Phone(server)
            await phone.join(session["code"])
            assert (await phone.answer_http("story", story)).status_code == 201
            await phone.close()
        stories = [p for p in (await workspace(org, session["id"]))["proposals"] if p["quote"]]
        assert [(s["text"], s["evidence"]["numbers"]["written_by"]) for s in stories] == [
            ("Other words here", 1),
            ("Same words", 2),
        ]


async def test_an_insight_naming_a_group_withheld_later_keeps_its_numbers_out_of_the_brief(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await run_session(server, org)
        sid = session["id"]
        url = f"/api/sessions/{sid}/insights"
        taken = await org.http.post(url, json={"origin": "gap:do.ask-open-questions"})
        assert taken.status_code == 201 and "Learner" in taken.json()["text"]
        brief = (await org.http.get(f"/api/sessions/{sid}/brief?format=json")).json()
        alignment = next(s for s in brief["sections"] if s["id"] == "alignment")
        assert "Learner" in alignment["insights"][0]["text"]

        # learners and leaders are 3 each: a minimum of 4 withholds them both
        raised = await org.http.post(f"/api/sessions/{sid}/settings", json={"min_group": 4})
        assert raised.status_code == 200, raised.text
        brief = (await org.http.get(f"/api/sessions/{sid}/brief?format=json")).json()
        alignment = next(s for s in brief["sections"] if s["id"] == "alignment")
        assert alignment["insights"][0]["text"].startswith("Withheld: a group this insight")
        assert alignment["insights"][0]["evidence"] == {}
        for fmt in ("md", "html"):
            text = (await org.http.get(f"/api/sessions/{sid}/brief?format={fmt}")).text
            assert "Learner 1.67" not in text and "Withheld: a group this insight" in text
        exported = (await org.http.get(f"/api/sessions/{sid}/export?format=json")).json()
        assert "Learner" not in json.dumps(exported["insights"])
        assert not [p for p in (await workspace(org, sid))["proposals"] if p["kind"] == "gap"]


async def test_the_workspace_api_is_the_presenters_only(server: RunningServer) -> None:
    async with Organizer(server) as org:
        mine = await org.create(questions=QUESTIONS)
        other = await org.create(questions=QUESTIONS)
    base = f"/api/sessions/{mine['id']}"
    calls = [
        ("GET", f"{base}/insights", None),
        ("POST", f"{base}/insights", {"section": "problem", "text": "x"}),
        ("PATCH", f"{base}/insights/1", {"text": "x"}),
        ("GET", f"{base}/insights/1/history", None),
        ("GET", f"{base}/brief/details", None),
        ("PUT", f"{base}/brief/details", {}),
    ]
    async with httpx2.AsyncClient(base_url=server.url) as anonymous:
        for method, path, body in calls:
            r = await anonymous.request(method, path, json=body)
            assert r.status_code == 401, (method, path, r.text)
        wrong_key = {"Authorization": f"Bearer {other['presenter_key']}"}
        for method, path, body in calls:
            r = await anonymous.request(method, path, json=body, headers=wrong_key)
            assert r.status_code == 403, (method, path, r.text)
        own_key = {"Authorization": f"Bearer {mine['presenter_key']}"}
        r = await anonymous.get(f"{base}/insights", headers=own_key)
        assert r.status_code == 200, r.text
