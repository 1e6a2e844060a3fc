"""The console's API through the real server: questions change only while nobody answered,
a session is deleted with all its data, and templates are saved, listed, exported as TOML
and imported back."""

from __future__ import annotations

import sqlite3
import tomllib
from typing import Any

from .client import SIMPLE_QUESTIONS, Organizer, Phone
from .conftest import RunningServer

CHOICE = {"kind": "single_choice", "id": "role", "prompt": "Your role?", "options": ["A", "B"]}
STORY = {"kind": "open_text", "id": "story", "prompt": "A story?"}
QA = {"kind": "qa", "id": "asks", "prompt": "Questions?"}
# Every table that holds a session's rows, with the column naming the session
SESSION_TABLES = {
    "sessions": "id",
    "questions": "session_id",
    "participants": "session_id",
    "responses": "session_id",
    "answers": "session_id",
    "qa_items": "session_id",
    "qa_votes": "session_id",
}


def rows_of(server: RunningServer, session_id: str) -> dict[str, int]:
    with sqlite3.connect(server.data_dir / "trifecta.db") as db:
        return {
            table: db.execute(
                f"SELECT count(*) FROM {table} WHERE {column} = ?", (session_id,)
            ).fetchone()[0]
            for table, column in SESSION_TABLES.items()
        }


async def joined_phone(server: RunningServer, code: str) -> Phone:
    phone = Phone(server)
    await phone.join(code)
    return phone


async def test_questions_change_until_the_first_answer_then_are_refused(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(mode="self_paced", questions=[CHOICE])
        phone = await joined_phone(server, session["code"])  # joined, not answered: editable
        r = await org.http.put(
            f"/api/sessions/{session['id']}/questions",
            json={"title": "Renamed", "questions": [STORY, CHOICE]},
        )
        assert r.status_code == 200, r.text
        assert r.json()["title"] == "Renamed"
        assert [q["id"] for q in r.json()["questions"]] == ["story", "role"]
        assert r.json()["questions"][0]["state"] == "open"  # self-paced: open afresh

        # the worker's cached definitions were forgotten: the new question takes answers
        assert (await phone.answer_http("story", "It changed")).status_code == 201

        r = await org.http.put(
            f"/api/sessions/{session['id']}/questions", json={"questions": [CHOICE]}
        )
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] == "session_has_answers"
        assert "duplicate" in r.json()["error"]["message"]
        kept = await org.session(session["id"])
        assert [q["id"] for q in kept["questions"]] == ["story", "role"]
        assert kept["title"] == "Renamed"
        await phone.close()


async def test_questions_of_an_ended_session_are_not_changed(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=[CHOICE])
        await org.control(session["id"], "end")
        r = await org.http.put(
            f"/api/sessions/{session['id']}/questions", json={"questions": [STORY]}
        )
        assert r.status_code == 409 and r.json()["error"]["code"] == "session_ended", r.text


async def test_bad_questions_are_refused_naming_the_field(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=[CHOICE])
        bad = {**CHOICE, "options": []}
        r = await org.http.put(
            f"/api/sessions/{session['id']}/questions", json={"questions": [bad]}
        )
        assert r.status_code == 422 and "options" in r.json()["error"]["message"], r.text
        assert (await org.session(session["id"]))["questions"][0]["id"] == "role"


async def test_presenter_key_can_neither_edit_nor_delete(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=[CHOICE])
    key = {"Authorization": f"Bearer {session['presenter_key']}"}
    async with Organizer(server) as presenter:
        presenter.http.headers.update(key)
        edit = await presenter.http.put(
            f"/api/sessions/{session['id']}/questions", json={"questions": [STORY]}
        )
        gone = await presenter.http.delete(f"/api/sessions/{session['id']}")
        assert (edit.status_code, gone.status_code) == (403, 403), (edit.text, gone.text)
        assert (await presenter.session(session["id"]))["questions"][0]["id"] == "role"


async def test_delete_removes_every_row_of_the_session_and_only_its_own(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        doomed = await org.create(mode="self_paced", questions=[CHOICE, QA])
        kept = await org.create(mode="self_paced", questions=[CHOICE, QA])
        for session in (doomed, kept):
            asker = await joined_phone(server, session["code"])
            voter = await joined_phone(server, session["code"])
            assert (await asker.answer_http("role", "a")).status_code == 201
            posted = await asker.answer_http("asks", {"ask": "Who decides?"})
            assert posted.status_code == 201, posted.text
            vote = await voter.answer_http("asks", {"upvote": posted.json()["item"]})
            assert vote.status_code == 201, vote.text
            for phone in (asker, voter):
                await phone.close()
        before = rows_of(server, kept["id"])
        assert all(rows_of(server, doomed["id"]).values())  # something in every table

        r = await org.http.delete(f"/api/sessions/{doomed['id']}")
        assert r.status_code == 200 and r.json() == {"status": "ok"}, r.text
        assert set(rows_of(server, doomed["id"]).values()) == {0}
        assert rows_of(server, kept["id"]) == before
        assert (await org.http.get(f"/api/sessions/{doomed['id']}")).status_code == 404
        again = await org.http.delete(f"/api/sessions/{doomed['id']}")
        assert again.json()["error"]["code"] == "unknown_session"
        listed = [s["id"] for s in (await org.http.get("/api/sessions")).json()]
        assert doomed["id"] not in listed and kept["id"] in listed


async def test_saved_template_is_listed_started_exported_and_imported_back(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        r = await org.http.post(
            "/api/templates",
            json={"title": "Team retro", "mode": "self_paced", "questions": SIMPLE_QUESTIONS},
        )
        assert r.status_code == 201, r.text
        saved = r.json()
        assert saved["id"].startswith("team-retro") and saved["saved"] is True
        listed = {t["id"]: t for t in (await org.http.get("/api/templates")).json()}
        assert listed[saved["id"]] == saved
        assert listed["alignment-pulse-check"]["saved"] is False

        created = await org.http.post("/api/sessions", json={"template": saved["id"]})
        assert created.status_code == 201, created.text
        session = await org.session(created.json()["id"])
        assert session["mode"] == "self_paced" and session["title"] == "Team retro"
        assert [q["kind"] for q in session["questions"]] == [q["kind"] for q in SIMPLE_QUESTIONS]

        exported = await org.http.get(f"/api/templates/{saved['id']}/export")
        assert exported.status_code == 200
        assert exported.headers["content-type"].startswith("application/toml")
        assert tomllib.loads(exported.text)["title"] == "Team retro"
        imported = await org.http.post("/api/templates/import", json={"toml": exported.text})
        assert imported.status_code == 201, imported.text
        copy: dict[str, Any] = imported.json()
        assert copy["id"] != saved["id"]  # the id was taken: the copy gets its own
        assert copy["questions"] == saved["questions"]


async def test_shipped_template_exports_and_imports_under_a_free_id(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        exported = await org.http.get("/api/templates/alignment-pulse-check/export")
        imported = await org.http.post("/api/templates/import", json={"toml": exported.text})
        assert imported.status_code == 201, imported.text
        assert imported.json()["id"].startswith("alignment-pulse-check-")
        shipped = {t["id"]: t for t in (await org.http.get("/api/templates")).json()}
        assert imported.json()["questions"] == shipped["alignment-pulse-check"]["questions"]
        missing = await org.http.get("/api/templates/no-such-template/export")
        assert missing.json()["error"]["code"] == "unknown_template"


async def test_bad_template_file_is_refused_naming_the_problem(server: RunningServer) -> None:
    async with Organizer(server) as org:
        before = len((await org.http.get("/api/templates")).json())
        broken = await org.http.post("/api/templates/import", json={"toml": "title = "})
        assert broken.status_code == 422 and "not valid TOML" in broken.text, broken.text
        wrong = 'id = "x"\ntitle = "X"\n[[questions]]\nkind = "scale"\nprompt = "P"\n'
        r = await org.http.post("/api/templates/import", json={"toml": wrong})
        assert r.status_code == 422 and "statements" in r.json()["error"]["message"], r.text
        assert len((await org.http.get("/api/templates")).json()) == before


async def test_a_template_with_unset_optional_fields_exports_and_imports_back(
    server: RunningServer,
) -> None:
    """TOML has no null: a grid axis without end labels (found by schemathesis) is left
    out of the file rather than failing the export."""
    grid = {
        "kind": "grid_2x2",
        "prompt": "Effort and impact",
        "items": ["Job aid", "Coaching"],
        "x": {"label": "Effort", "min": 1, "max": 10},
        "y": {"label": "Impact", "min": 1, "max": 10},
    }
    async with Organizer(server) as org:
        r = await org.http.post(
            "/api/templates", json={"title": "Bare grid", "mode": "interview", "questions": [grid]}
        )
        assert r.status_code == 201, r.text
        saved = r.json()
        exported = await org.http.get(f"/api/templates/{saved['id']}/export")
        assert exported.status_code == 200, exported.text
        imported = await org.http.post("/api/templates/import", json={"toml": exported.text})
        assert imported.status_code == 201, imported.text
        assert imported.json()["questions"] == saved["questions"]
