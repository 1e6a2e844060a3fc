"""The live loop over real HTTP and WebSocket: create, join, answer, control, results."""

from __future__ import annotations

import json

import httpx2

from .client import KIND_OF_QUESTION, Organizer, Phone, wait_until
from .conftest import RunningServer, on_every_backend

pytestmark = on_every_backend


async def test_session_from_template_starts_pending_in_presenter_mode(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        r = await org.http.post("/api/sessions", json={"template": "alignment-pulse-check"})
        assert r.status_code == 201, r.text
        created = r.json()
        assert created["code"].isdigit() and 6 <= len(created["code"]) <= 8
        assert created["join_url"].endswith(f"/j/{created['code']}")
        assert created["presenter_key"] in created["presenter_url"]
        session = await org.session(created["id"])
        assert session["mode"] == "presenter"
        assert {q["state"] for q in session["questions"]} == {"pending"}
        group = session["questions"][0]
        assert [o["id"] for o in group["options"]] == [
            "learner",
            "business-partner-or-leader",
            "l-d",
        ]


async def test_answer_change_and_repeat_count_once(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create()
        phone = Phone(server)
        await phone.join(session["code"])
        first = await phone.answer_http("q1", "learner", "00000000-0000-4000-8000-000000000001")
        assert (first.status_code, first.json()) == (201, {"status": "accepted"})
        again = await phone.answer_http("q1", "learner", "00000000-0000-4000-8000-000000000001")
        assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
        changed = await phone.answer_http("q1", "leader")
        assert changed.status_code == 201
        results = await org.results(session["id"])
        assert results["q1"]["responses"] == 1
        assert results["q1"]["result"]["counts"] == {"learner": 0, "leader": 1, "l-d": 0}
        await phone.close()


async def test_presenter_mode_rules_goto_lock_end(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(mode="presenter")
        phone = Phone(server)
        await phone.join(session["code"])
        state = await phone.connect(session["code"])
        assert state["session"]["questions"] == []
        assert (await phone.answer_ws("q1", "learner"))["code"] == "question_not_open"
        await org.control(session["id"], "goto", "q1")
        assert (await phone.answer_ws("q1", "learner"))["status"] == "accepted"
        await org.control(session["id"], "goto", "q2")  # q1 stays open for slow phones
        assert (await phone.answer_ws("q1", "leader"))["status"] == "accepted"
        await org.control(session["id"], "lock", "q1")
        assert (await phone.answer_ws("q1", "l-d"))["code"] == "question_locked"
        await org.control(session["id"], "goto", "q1")  # goto keeps a locked question locked
        assert (await phone.answer_ws("q1", "l-d"))["code"] == "question_locked"
        await org.control(session["id"], "end")
        assert (await phone.answer_ws("q2", ["time"]))["code"] == "session_ended"
        assert (await phone.http.post(f"/api/join/{session['code']}", json={})).status_code == 404
        results = await org.results(session["id"])
        assert results["q1"]["result"]["counts"]["leader"] == 1
        await phone.close()


async def test_phone_state_carries_own_answers_and_pushes_question_changes(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(mode="presenter")
        phone = Phone(server)
        await phone.join(session["code"])
        await phone.connect(session["code"])
        await org.control(session["id"], "goto", "q3")
        assert phone.ws is not None
        pushed = json.loads(await phone.ws.recv())
        assert pushed["type"] == "session"
        assert [q["id"] for q in pushed["session"]["questions"]] == ["q3"]
        ack = await phone.answer_ws("q3", {"goals-are-clear": 4})
        assert ack["status"] == "accepted"
        await phone.ws.close()
        state = await phone.connect(session["code"])
        assert state["answers"] == {"q3": {"goals-are-clear": 4}}
        await phone.close()


async def test_presenter_socket_sends_snapshot_then_coalesced_changes(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create()
        phones = [Phone(server) for _ in range(40)]
        for phone in phones:
            await phone.join(session["code"])
        from websockets.asyncio.client import connect

        url = f"{server.ws_url}/ws/present/{session['id']}"
        async with connect(
            url, additional_headers={"Authorization": f"Bearer {session['presenter_key']}"}
        ) as presenter:
            first = json.loads(await presenter.recv())
            assert first["type"] == "results" and first["seq"] == 1
            assert {q["id"] for q in first["questions"]} == set(KIND_OF_QUESTION)
            for phone in phones:
                await phone.connect(session["code"])
            for phone in phones:
                await phone.send(
                    {
                        "type": "answer",
                        "id": __import__("uuid").uuid4().hex,
                        "question": "q1",
                        "value": "learner",
                    }
                )
            for phone in phones:
                assert (await phone.reply())["status"] == "accepted"
            seq, messages, count = 1, 0, 0
            while count < 40:
                message = json.loads(await presenter.recv())
                assert message["seq"] == seq + 1
                seq = message["seq"]
                if message["type"] == "results":
                    messages += 1
                    assert [q["id"] for q in message["questions"]] == ["q1"]
                    count = message["questions"][0]["result"]["counts"]["learner"]
            assert messages < 10  # 40 answers arrive as a handful of messages
        for phone in phones:
            await phone.close()


async def test_exports_csv_xlsx_json(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create()
        others = [Phone(server) for _ in range(2)]  # three learners: a group big enough to show
        for other in others:
            await other.join(session["code"])
            await other.answer_http("q1", "learner")
        phone = Phone(server)
        await phone.join(session["code"])
        await phone.answer_http("q1", "learner")
        await phone.answer_http("q4", '=HYPERLINK("x"), "quoted"\nline')
        csv_r = await org.http.get(f"/api/sessions/{session['id']}/export?format=csv")
        assert csv_r.status_code == 200
        assert csv_r.content.startswith(b"\xef\xbb\xbf")
        text = csv_r.content.decode("utf-8-sig")
        assert "'=HYPERLINK" in text and "P-001" in text and phone.token not in text
        json_r = await org.http.get(f"/api/sessions/{session['id']}/export?format=json")
        rows = [r for r in json_r.json()["rows"] if r["participant"] == "P-003"]
        assert [r["question_id"] for r in rows] == ["q1", "q4"]
        assert rows[0]["answer"] == "Learner" and rows[1]["segment"] == "Learner"
        xlsx_r = await org.http.get(f"/api/sessions/{session['id']}/export?format=xlsx")
        assert xlsx_r.status_code == 200 and xlsx_r.content[:2] == b"PK"
        for one in (phone, *others):
            await one.close()


def test_healthz_reports_store_and_broker(server: RunningServer) -> None:
    r = httpx2.get(f"{server.url}/healthz")
    assert r.json() == {"status": "ok", "store": "ok", "broker": "ok"}


async def test_exports_open_cleanly_as_a_spreadsheet_user_would(server: RunningServer) -> None:
    import csv
    import io

    import openpyxl

    story = '@SUM(1,2), "quoted"\nsecond line'
    async with Organizer(server) as org:
        session = await org.create()
        phone = Phone(server)
        await phone.join(session["code"])
        await phone.answer_http("q4", story)
        await phone.answer_http("q3", {"goals-are-clear": 2})
        base = f"/api/sessions/{session['id']}/export"
        csv_r = await org.http.get(f"{base}?format=csv")
        assert "attachment" in csv_r.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(csv_r.content.decode("utf-8-sig"))))
        by_question = {r["question_id"]: r for r in rows}
        assert by_question["q4"]["answer"] == "'" + story  # kept whole, never a formula
        assert by_question["q3"]["answer"] == "Goals are clear: 2"
        assert by_question["q3"]["answered_at"].endswith("Z")
        xlsx_r = await org.http.get(f"{base}?format=xlsx")
        # The long sheet, by its name: the workbook opens on its Summary sheet
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx_r.content))["Answers"]
        header = [c.value for c in sheet[1]]
        cells = {
            row[header.index("question_id")]: row
            for row in sheet.iter_rows(min_row=2, values_only=True)
        }
        assert cells["q4"][header.index("answer")] == story
        assert sheet.cell(row=2, column=header.index("answer") + 1).data_type == "s"
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        await phone.close()


async def test_votes_for_options_in_any_script_are_counted_apart(server: RunningServer) -> None:
    """Options whose labels slug alike (Arabic, emoji, case, a long shared start) keep
    their own ids, so each vote counts for the option it was given to."""
    labels = ["موافق", "غير موافق", "👍", "👎", "A", "a", "x" * 41 + "1", "x" * 41 + "2"]
    async with Organizer(server) as org:
        session = await org.create(
            questions=[{"kind": "single_choice", "prompt": "اختر", "options": labels}]
        )
        options = session["questions"][0]["options"]
        assert [o["label"] for o in options] == labels
        assert len({o["id"] for o in options}) == len(labels)
        for option in options:
            phone = Phone(server)
            await phone.join(session["code"])
            assert (await phone.answer_http("q1", option["id"])).status_code == 201
            await phone.close()
        counts = (await org.results(session["id"]))["q1"]["result"]["counts"]
        assert counts == {o["id"]: 1 for o in options}


async def test_results_stay_off_the_screen_until_revealed_or_locked_by_default(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        r = await org.http.post("/api/sessions", json={"template": "alignment-pulse-check"})
        assert r.status_code == 201, r.text
        session = await org.session(r.json()["id"])
        assert session["reveal"] == "on_reveal"
        first, second = (q["id"] for q in session["questions"][:2])
        assert {q["results_visible"] for q in session["questions"]} == {False}

        await org.control(session["id"], "goto", first)
        await org.control(session["id"], "lock", first)  # locking reveals
        await org.control(session["id"], "goto", second)
        await org.control(session["id"], "show_results", second)  # and so does showing
        shown = {q["id"]: q for q in (await org.session(session["id"]))["questions"]}
        assert shown[first]["results_visible"] is True
        assert shown[first]["results_shared"] is False  # phones only when shown on purpose
        assert shown[second]["results_visible"] is shown[second]["results_shared"] is True

        live = await org.create(mode="presenter", reveal="live")
        assert (await org.session(live["id"]))["reveal"] == "live"
        assert {q["results_visible"] for q in live["questions"]} == {True}
        await org.control(live["id"], "goto", "q1")
        await org.control(live["id"], "hide_results", "q1")
        await org.control(live["id"], "lock", "q1")  # a live session's lock leaves it hidden
        hidden = (await org.session(live["id"]))["questions"][0]
        assert (hidden["state"], hidden["results_visible"]) == ("locked", False)

        r = await org.http.post(
            "/api/sessions",
            json={"title": "x", "questions": [{"kind": "nps", "prompt": "?"}], "reveal": "later"},
        )
        assert r.status_code == 422 and "reveal" in r.json()["error"]["message"]


async def test_a_countdown_that_runs_out_reveals_in_a_session_that_reveals_on_lock(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(mode="presenter", reveal="on_reveal")
        await org.control(session["id"], "goto", "q1")
        r = await org.http.post(
            f"/api/sessions/{session['id']}/control",
            json={"action": "countdown", "question": "q1", "seconds": 5},
        )
        assert r.status_code == 200 and r.json()["questions"][0]["results_visible"] is False

        async def revealed() -> bool:
            q1 = (await org.session(session["id"]))["questions"][0]
            return bool(q1["state"] == "locked" and q1["results_visible"])

        await wait_until(revealed, timeout=15)
