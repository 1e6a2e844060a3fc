"""Bad input over HTTP: each case gets its own code and a message naming what was wrong,
changes nothing stored, and the same client goes on answering (issue #3)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from server.kinds import KINDS

from .client import KIND_OF_QUESTION, Organizer, Phone, Room
from .conftest import RunningServer, on_every_backend

pytestmark = on_every_backend

JSON = {"content-type": "application/json"}

# The contract: every error code with its HTTP status (README, server/errors.py).
STATUS = {
    "malformed_json": 400,
    "unknown_message_type": 400,
    "invalid_request": 422,
    "invalid_answer_id": 422,
    "payload_too_large": 413,
    "rate_limited": 429,
    "unauthorized": 401,
    "forbidden": 403,
    "not_joined": 401,
    "not_found": 404,
    "unknown_session": 404,
    "unknown_template": 404,
    "unknown_question": 404,
    "unknown_option": 422,
    "unknown_statement": 422,
    "invalid_value": 422,
    "out_of_range": 422,
    "too_many_choices": 422,
    "duplicate_choice": 422,
    "text_too_long": 422,
    "question_locked": 409,
    "question_not_open": 409,
    "session_ended": 409,
    "session_has_answers": 409,
    "unsupported_media_type": 415,
    "invalid_host": 421,
    "not_storable": 422,
    "unknown_item": 422,
    "duplicate_item": 422,
    "ranking_length": 422,
    "over_budget": 422,
    "too_many_words": 422,
    "word_too_long": 422,
    "own_question": 422,
    "too_many_posts": 422,
    "unknown_reaction": 422,
}
BODY_LIMIT = 64 * 1024
OMIT: Any = object()  # leave this field out of the answer

# What two phones answered before each bad request: a wrongly stored answer would change it.
SEED = {
    "q1": "learner",
    "q2": ["time", "tools"],
    "q3": {"goals-are-clear": 4, "metrics-are-agreed": 2},
    "q4": "We never agreed what success looks like",
}
NEIGHBOUR_SEED = {
    "q1": "l-d",
    "q2": ["clarity"],
    "q3": {"goals-are-clear": 2},
    "q4": "Too many tools",
}


def answer(question: str = "q1", value: Any = "learner", **changes: Any) -> dict[str, Any]:
    """An answer body (without the WebSocket 'type'); OMIT drops a field."""
    body = {"id": str(uuid.uuid4()), "question": question, "value": value, **changes}
    return {key: v for key, v in body.items() if v is not OMIT}


@dataclass(frozen=True)
class BadAnswer:
    """One bad answer: what is sent, the code it gets, and words its message must contain."""

    name: str
    body: dict[str, Any]
    code: str
    names: str


# Shared with tests/test_ws_errors.py: the same cases over the participant WebSocket.
BAD_ANSWERS = [
    BadAnswer("missing id", answer(id=OMIT), "invalid_answer_id", "'id'"),
    BadAnswer("id not a uuid", answer(id="answer-1"), "invalid_answer_id", "UUID"),
    BadAnswer("id a number", answer(id=7), "invalid_answer_id", "UUID"),
    BadAnswer("id an object", answer(id={"id": str(uuid.uuid4())}), "invalid_answer_id", "UUID"),
    BadAnswer("missing question", answer(question=OMIT), "invalid_request", "question"),
    BadAnswer("question a number", answer(question=1), "invalid_request", "question"),
    BadAnswer("question too long", answer(question="q" * 65), "invalid_request", "question"),
    BadAnswer("unknown question", answer(question="q99"), "unknown_question", "'q99'"),
    BadAnswer("missing value", answer(value=OMIT), "invalid_value", "'value'"),
    BadAnswer("unknown field", answer(weight=10), "invalid_request", "weight"),
    BadAnswer("unknown option", answer("q1", "ceo"), "unknown_option", "'ceo'"),
    BadAnswer(
        "object where an option id belongs",
        answer("q1", {"id": "learner"}),
        "invalid_value",
        "'q1' takes one option id",
    ),
    BadAnswer(
        "list for a single choice",
        answer("q1", ["learner"]),
        "invalid_value",
        "'q1' takes one option id",
    ),
    BadAnswer("number for a single choice", answer("q1", 1), "invalid_value", "'q1'"),
    BadAnswer("null for a single choice", answer("q1", None), "invalid_value", "'q1'"),
    BadAnswer(
        "option id where a list belongs", answer("q2", "time"), "invalid_value", "'q2' takes a list"
    ),
    BadAnswer(
        "objects in a choice list",
        answer("q2", [{"id": "time"}]),
        "invalid_value",
        "'q2' takes a list",
    ),
    BadAnswer("no choices", answer("q2", []), "invalid_value", "at least one"),
    BadAnswer(
        "unknown option among choices", answer("q2", ["time", "money"]), "unknown_option", "'money'"
    ),
    BadAnswer(
        "more choices than allowed",
        answer("q2", ["time", "tools", "support"]),
        "too_many_choices",
        "at most 2 choices, got 3",
    ),
    BadAnswer(
        "duplicate choices", answer("q2", ["time", "time"]), "duplicate_choice", "same option twice"
    ),
    BadAnswer(
        "number where statements belong", answer("q3", 3), "invalid_value", "'q3' takes an object"
    ),
    BadAnswer("no statements", answer("q3", {}), "invalid_value", "at least one statement"),
    BadAnswer(
        "unknown statement",
        answer("q3", {"budget-is-set": 3}),
        "unknown_statement",
        "'budget-is-set'",
    ),
    BadAnswer(
        "number above max", answer("q3", {"goals-are-clear": 6}), "out_of_range", "from 1 to 5"
    ),
    BadAnswer(
        "number below min", answer("q3", {"goals-are-clear": 0}), "out_of_range", "from 1 to 5"
    ),
    BadAnswer(
        "negative number",
        answer("q3", {"metrics-are-agreed": -2}),
        "out_of_range",
        "'metrics-are-agreed'",
    ),
    BadAnswer(
        "huge number", answer("q3", {"goals-are-clear": 10**30}), "out_of_range", "from 1 to 5"
    ),
    BadAnswer("fraction", answer("q3", {"goals-are-clear": 2.5}), "invalid_value", "whole number"),
    BadAnswer(
        "float with a zero fraction",
        answer("q3", {"goals-are-clear": 3.0}),
        "invalid_value",
        "whole number",
    ),
    BadAnswer(
        "boolean where a number belongs",
        answer("q3", {"goals-are-clear": True}),
        "invalid_value",
        "whole number",
    ),
    BadAnswer(
        "number as a string",
        answer("q3", {"goals-are-clear": "3"}),
        "invalid_value",
        "whole number",
    ),
    BadAnswer(
        "null where a number belongs",
        answer("q3", {"goals-are-clear": None}),
        "invalid_value",
        "whole number",
    ),
    BadAnswer(
        "text over max_length",
        answer("q4", "x" * 51),
        "text_too_long",
        "at most 50 characters, got 51",
    ),
    BadAnswer("blank text", answer("q4", "   "), "invalid_value", "'q4' needs some visible"),
    BadAnswer(
        "only invisible characters",
        answer("q4", "\u200b\u200d\ufeff\u2060\u3164\u2800\ufe0f \u200e"),
        "invalid_value",
        "'q4' needs some visible",
    ),
    BadAnswer(
        "list where text belongs", answer("q4", ["a story"]), "invalid_value", "'q4' takes text"
    ),
]


# Every kind's invalid examples, on the room's question of that kind
BAD_ANSWERS += [
    BadAnswer(f"{kind} example: {what}", answer(qid, value), code, "")
    for qid, kind in KIND_OF_QUESTION.items()
    for what, value, code in KINDS[kind].examples.invalid
]


async def seed(phone: Phone, answers: dict[str, Any], *, over_ws: bool = False) -> None:
    for question, value in answers.items():
        if over_ws:
            ack = await phone.answer_ws(question, value)
            assert ack["status"] == "accepted", ack
        else:
            r = await phone.answer_http(question, value)
            assert r.status_code == 201, r.text


@contextlib.asynccontextmanager
async def seeded_room(server: RunningServer, *, over_ws: bool) -> AsyncIterator[Room]:
    """A session whose phone answered SEED and whose neighbour answered NEIGHBOUR_SEED,
    over HTTP or over their WebSockets (left open)."""
    async with Organizer(server) as org:
        session = await org.create()
        phone, neighbour = Phone(server), Phone(server)
        for p, answers in ((phone, SEED), (neighbour, NEIGHBOUR_SEED)):
            await p.join(session["code"])
            if over_ws:
                await p.connect(session["code"])
            await seed(p, answers, over_ws=over_ws)
        try:
            yield Room(org, session, phone, neighbour)
        finally:
            await phone.close()
            await neighbour.close()


@pytest.fixture
async def room(server: RunningServer) -> AsyncIterator[Room]:
    async with seeded_room(server, over_ws=False) as seeded:
        yield seeded


def assert_error(r: httpx2.Response, code: str, names: str) -> None:
    assert r.status_code == STATUS[code], r.text
    assert r.headers["content-type"] == "application/json"
    error = r.json()["error"]
    assert error["code"] == code, error
    assert names in error["message"], error


async def assert_still_answers(room: Room) -> None:
    r = await room.phone.answer_http("q1", "leader")
    assert (r.status_code, r.json()) == (201, {"status": "accepted"})


# -- answers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", BAD_ANSWERS, ids=lambda bad: bad.name)
async def test_bad_answer_is_refused_with_its_code_and_changes_nothing(
    room: Room, bad: BadAnswer
) -> None:
    before = await room.results()
    r = await room.phone.http.post(room.responses_url, json=bad.body)
    assert_error(r, bad.code, bad.names)
    assert await room.results() == before
    await assert_still_answers(room)


NESTED = "[" * 5000 + "]" * 5000
BAD_BODIES = [
    ("not JSON", b'{"id": "1", question', "malformed_json", "not valid JSON"),
    ("empty body", b"", "malformed_json", "not valid JSON"),
    ("not UTF-8", b"\xff\xfe\xfd", "malformed_json", "not valid UTF-8"),
    (
        "UTF-8-encoded lone surrogate",
        (f'{{"id": "{uuid.uuid4()}", "question": "q4", "value": "a story ').encode()
        + b'\xed\xa0\x80"}',
        "malformed_json",
        "not valid UTF-8",
    ),
    (
        "UTF-16",
        f'{{"id": "{uuid.uuid4()}", "question": "q4", "value": "x"}}'.encode("utf-16"),
        "malformed_json",
        "not valid UTF-8",
    ),
    ("truncated", b'{"id": "' + str(uuid.uuid4()).encode(), "malformed_json", "not valid JSON"),
    ("a list", b'[{"question": "q1"}]', "invalid_request", "body"),
    ("a string", b'"learner"', "invalid_request", "body"),
    ("null", b"null", "invalid_request", "body"),
    ("nested too deeply", b"[" * 5000, "malformed_json", "nested too deeply"),
    (
        "value nested too deeply",
        (f'{{"id": "{uuid.uuid4()}", "question": "q3", "value": {NESTED}}}').encode(),
        "malformed_json",
        "nested too deeply",
    ),
    (
        "lone surrogate escape in text",
        (f'{{"id": "{uuid.uuid4()}", "question": "q4", "value": "a story \\ud800"}}').encode(),
        "malformed_json",
        "lone surrogate",
    ),
    (
        "lone surrogate escape in a key",
        (f'{{"id": "{uuid.uuid4()}", "question": "q3", "value": {{"\\udfff": 3}}}}').encode(),
        "malformed_json",
        "lone surrogate",
    ),
    (
        "NUL character in a story",
        (f'{{"id": "{uuid.uuid4()}", "question": "q4", "value": "a\\u0000b"}}').encode(),
        "malformed_json",
        "NUL character",
    ),
    (
        "NUL character in a key",
        (f'{{"id": "{uuid.uuid4()}", "question": "q3", "value": {{"x\\u0000": 3}}}}').encode(),
        "malformed_json",
        "NUL character",
    ),
    (
        "NaN where a number belongs",
        (
            f'{{"id": "{uuid.uuid4()}", "question": "q3", "value": {{"goals-are-clear": NaN}}}}'
        ).encode(),
        "invalid_value",
        "whole number",
    ),
    (
        "Infinity where a number belongs",
        (
            f'{{"id": "{uuid.uuid4()}", "question": "q3", '
            '"value": {"goals-are-clear": Infinity}}'
        ).encode(),
        "invalid_value",
        "whole number",
    ),
]


@pytest.mark.parametrize(
    ("body", "code", "names"),
    [case[1:] for case in BAD_BODIES],
    ids=[case[0] for case in BAD_BODIES],
)
async def test_bad_body_is_refused_with_its_code_and_changes_nothing(
    room: Room, body: bytes, code: str, names: str
) -> None:
    before = await room.results()
    r = await room.phone.http.post(
        room.responses_url, content=body, headers={"content-type": "application/json"}
    )
    assert_error(r, code, names)
    assert await room.results() == before
    await assert_still_answers(room)


async def _chunks(total: int, size: int = 8 * 1024) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_body_over_64_kib_is_refused_as_payload_too_large(room: Room, framing: str) -> None:
    before = await room.results()
    text = "x" * (BODY_LIMIT + 1)
    if framing == "content-length":
        r = await room.phone.http.post(room.responses_url, json=answer("q4", text))
    else:  # no Content-Length: the server counts while it reads
        r = await room.phone.http.post(
            room.responses_url, content=_chunks(BODY_LIMIT + 1), headers=JSON
        )
    assert_error(r, "payload_too_large", str(BODY_LIMIT))
    assert await room.results() == before
    await assert_still_answers(room)


async def test_body_under_64_kib_is_read_and_its_text_refused_as_too_long(room: Room) -> None:
    before = await room.results()
    r = await room.phone.http.post(room.responses_url, json=answer("q4", "x" * (BODY_LIMIT - 200)))
    assert_error(r, "text_too_long", "at most 50 characters")
    assert await room.results() == before


# -- question and session state --------------------------------------------------------------
async def test_answer_to_locked_question_is_refused_and_keeps_results(room: Room) -> None:
    await room.org.control(room.id, "lock", "q1")
    before = await room.results()
    r = await room.phone.answer_http("q1", "leader")
    assert_error(r, "question_locked", "'q1' is locked")
    assert await room.results() == before
    r = await room.phone.answer_http("q2", ["support"])  # other questions stay open
    assert r.status_code == 201


async def test_answer_to_question_not_yet_open_is_refused(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(mode="presenter")
        await org.control(session["id"], "goto", "q2")
        phone = Phone(server)
        await phone.join(session["code"])
        assert (await phone.answer_http("q2", ["time"])).status_code == 201
        before = await org.results(session["id"])
        r = await phone.answer_http("q1", "learner")
        assert_error(r, "question_not_open", "'q1' is not open")
        assert await org.results(session["id"]) == before
        await org.control(session["id"], "goto", "q1")
        assert (await phone.answer_http("q1", "learner")).status_code == 201
        await phone.close()


async def test_answer_after_session_ended_is_refused_but_a_retry_stays_duplicate(
    room: Room,
) -> None:
    stored_id = str(uuid.uuid4())
    assert (await room.phone.answer_http("q1", "leader", stored_id)).status_code == 201
    await room.org.control(room.id, "end")
    before = await room.results()
    r = await room.phone.answer_http("q1", "l-d")
    assert_error(r, "session_ended", "has ended")
    retry = await room.phone.answer_http("q1", "leader", stored_id)  # an outbox retry
    assert (retry.status_code, retry.json()) == (200, {"status": "duplicate"})
    assert await room.results() == before
    r = await room.phone.http.post(f"/api/join/{room.session['code']}", json={})
    assert_error(r, "not_found", room.session["code"])  # README: no live session, this code


NOT_JOINED = [
    "no cookie",
    "unknown cookie",
    "malformed cookie",
    "cookie of another session",
    "session that does not exist",
]


@pytest.mark.parametrize("who", NOT_JOINED)
async def test_answer_without_joining_is_refused(
    server: RunningServer, room: Room, who: str
) -> None:
    stranger = Phone(server)
    url = room.responses_url
    if who == "unknown cookie":
        stranger.http.cookies.set("trifecta_pid", "A" * 43)
    elif who == "malformed cookie":
        stranger.http.cookies.set("trifecta_pid", "<script>")
    elif who == "cookie of another session":
        other = await room.org.create()
        await stranger.join(other["code"])
    elif who == "session that does not exist":
        stranger.http.cookies.set("trifecta_pid", room.phone.token)
        url = "/api/sessions/no-such-session/responses"
    before = await room.results()
    r = await stranger.http.post(url, json=answer("q1", "leader"))
    assert_error(r, "not_joined", "join")
    assert await room.results() == before
    await stranger.close()
    await assert_still_answers(room)


async def test_unknown_join_code_is_refused_and_sets_no_cookie(server: RunningServer) -> None:
    async with httpx2.AsyncClient(base_url=server.url) as http:
        r = await http.post("/api/join/00000000", json={})
    assert_error(r, "not_found", "'00000000'")
    assert "trifecta_pid" not in r.cookies


async def test_unknown_session_id_is_refused_for_the_organizer(room: Room) -> None:
    for path in ("", "/results", "/export?format=json"):
        r = await room.org.http.get(f"/api/sessions/no-such-session{path}")
        assert_error(r, "unknown_session", "'no-such-session'")


# -- presenter and organizer requests --------------------------------------------------------
BAD_CONTROLS = [
    ("unknown question", {"action": "open", "question": "q99"}, "unknown_question", "'q99'"),
    ("unknown action", {"action": "reset", "question": "q1"}, "invalid_request", "action"),
    ("missing action", {"question": "q1"}, "invalid_request", "action"),
    ("missing question", {"action": "lock"}, "invalid_request", "needs a 'question'"),
    ("question a list", {"action": "lock", "question": ["q1"]}, "invalid_request", "question"),
    ("unknown field", {"action": "end", "force": True}, "invalid_request", "force"),
    ("not an object", ["end"], "invalid_request", "body"),
]


@pytest.mark.parametrize(
    ("body", "code", "names"), [c[1:] for c in BAD_CONTROLS], ids=[c[0] for c in BAD_CONTROLS]
)
async def test_bad_control_is_refused_and_changes_nothing(
    room: Room, body: Any, code: str, names: str
) -> None:
    before = await room.org.session(room.id)
    r = await room.org.http.post(f"/api/sessions/{room.id}/control", json=body)
    assert_error(r, code, names)
    assert await room.org.session(room.id) == before
    await assert_still_answers(room)


async def test_control_with_malformed_json_is_refused(room: Room) -> None:
    before = await room.org.session(room.id)
    r = await room.org.http.post(
        f"/api/sessions/{room.id}/control", content=b"{action: end}", headers=JSON
    )
    assert_error(r, "malformed_json", "not valid JSON")
    assert await room.org.session(room.id) == before


BAD_MODERATIONS = [
    ("unknown item", {"item": "999999999", "hidden": True}, "not_found", "999999999"),
    ("item not a number", {"item": "abc", "hidden": True}, "invalid_request", "item"),
    ("item a number", {"item": 1, "hidden": True}, "invalid_request", "item"),
    ("hidden not a boolean", {"item": "1", "hidden": "maybe"}, "invalid_request", "hidden"),
    ("missing hidden", {"item": "1"}, "invalid_request", "hidden"),
]


@pytest.mark.parametrize(
    ("body", "code", "names"), [c[1:] for c in BAD_MODERATIONS], ids=[c[0] for c in BAD_MODERATIONS]
)
async def test_bad_moderation_is_refused_and_changes_nothing(
    room: Room, body: Any, code: str, names: str
) -> None:
    before = await room.results()
    r = await room.org.http.post(f"/api/sessions/{room.id}/moderation", json=body)
    assert_error(r, code, names)
    assert await room.results() == before


async def test_moderating_an_answer_of_another_session_is_refused(room: Room) -> None:
    other = await room.org.create()
    phone = Phone(room.org.server)
    await phone.join(other["code"])
    await seed(phone, {"q4": "A story from elsewhere"})
    item = (await room.org.results(other["id"]))["q4"]["result"]["items"][0]["id"]
    before = await room.org.results(other["id"])
    r = await room.org.http.post(
        f"/api/sessions/{room.id}/moderation", json={"item": item, "hidden": True}
    )
    assert_error(r, "not_found", item)
    assert await room.org.results(other["id"]) == before
    await phone.close()


BAD_SESSIONS = [
    (
        "unknown template",
        {"template": "no-such-template"},
        "unknown_template",
        "'no-such-template'",
    ),
    ("neither template nor questions", {"title": "x"}, "invalid_request", "template"),
    (
        "template and questions",
        {
            "template": "alignment-pulse-check",
            "title": "x",
            "questions": [{"kind": "open_text", "prompt": "p"}],
        },
        "invalid_request",
        "not both",
    ),
    (
        "questions without title",
        {"questions": [{"kind": "open_text", "prompt": "p"}]},
        "invalid_request",
        "'title'",
    ),
    (
        "unknown kind",
        {"title": "x", "questions": [{"kind": "ranking", "prompt": "p"}]},
        "invalid_request",
        "questions.0",
    ),
    (
        "scale max below min",
        {
            "title": "x",
            "questions": [
                {"kind": "scale", "prompt": "p", "min": 5, "max": 1, "statements": ["a"]}
            ],
        },
        "invalid_request",
        "questions",
    ),
    (
        "unknown mode",
        {"title": "x", "mode": "karaoke", "questions": [{"kind": "open_text", "prompt": "p"}]},
        "invalid_request",
        "mode",
    ),
]


@pytest.mark.parametrize(
    ("body", "code", "names"), [c[1:] for c in BAD_SESSIONS], ids=[c[0] for c in BAD_SESSIONS]
)
async def test_bad_session_request_is_refused_and_creates_nothing(
    room: Room, body: dict[str, Any], code: str, names: str
) -> None:
    before = (await room.org.http.get("/api/sessions")).json()
    r = await room.org.http.post("/api/sessions", json=body)
    assert_error(r, code, names)
    assert (await room.org.http.get("/api/sessions")).json() == before


async def test_session_title_with_a_lone_surrogate_is_refused(room: Room) -> None:
    before = (await room.org.http.get("/api/sessions")).json()
    r = await room.org.http.post(
        "/api/sessions",
        content=b'{"title": "\\ud800", "questions": [{"kind": "open_text", "prompt": "p"}]}',
        headers=JSON,
    )
    assert_error(r, "malformed_json", "lone surrogate")
    assert (await room.org.http.get("/api/sessions")).json() == before


async def test_unknown_export_format_is_refused(room: Room) -> None:
    r = await room.org.http.get(f"/api/sessions/{room.id}/export?format=pdf")
    assert_error(r, "invalid_request", "format must be one of csv, xlsx, json")


async def test_unknown_path_and_method_get_json_errors(room: Room) -> None:
    r = await room.org.http.get("/api/nothing-here")
    assert_error(r, "not_found", "Not Found")
    r = await room.org.http.delete(f"/api/sessions/{room.id}/results")
    assert (r.status_code, r.json()["error"]["code"]) == (405, "method_not_allowed")
    r = await room.org.http.delete("/api/sessions")
    assert (r.status_code, r.json()["error"]["code"]) == (405, "method_not_allowed")
    assert set(r.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


# -- auth ------------------------------------------------------------------------------------
PRESENTER_REQUESTS = [
    ("GET", "/api/sessions/{id}", None),
    ("POST", "/api/sessions/{id}/control", {"action": "end"}),
    ("POST", "/api/sessions/{id}/moderation", {"item": "1", "hidden": True}),
    ("GET", "/api/sessions/{id}/results", None),
    ("GET", "/api/sessions/{id}/export?format=json", None),
]
# credentials -> (status, code)
PRESENTER_REFUSALS = {
    "none": (401, "unauthorized"),
    "basic auth": (401, "unauthorized"),
    "bearer without a token": (401, "unauthorized"),
    "participant cookie": (401, "unauthorized"),
    "wrong token": (403, "forbidden"),
    "presenter key of another session": (403, "forbidden"),
}


async def credentials(room: Room, kind: str) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and cookies for one kind of (bad) credential."""
    if kind == "basic auth":
        return {"Authorization": "Basic b3JnYW5pemVyOnNlY3JldA=="}, {}
    if kind == "bearer without a token":
        return {"Authorization": "Bearer"}, {}
    if kind == "participant cookie":
        return {}, {"trifecta_pid": room.phone.token}
    if kind == "wrong token":
        return {"Authorization": "Bearer " + "w" * 43}, {}
    if kind == "presenter key of another session":
        other = await room.org.create()
        return {"Authorization": f"Bearer {other['presenter_key']}"}, {}
    return {}, {}


async def send(
    server: RunningServer,
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
    cookies: dict[str, str],
) -> httpx2.Response:
    async with httpx2.AsyncClient(base_url=server.url, cookies=cookies) as http:
        return await http.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize("kind", list(PRESENTER_REFUSALS))
@pytest.mark.parametrize(
    ("method", "path", "body"),
    PRESENTER_REQUESTS,
    ids=[f"{m} {p.removeprefix('/api/sessions/{id}') or '/'}" for m, p, _ in PRESENTER_REQUESTS],
)
async def test_presenter_request_without_its_key_is_refused_and_reveals_nothing(
    server: RunningServer, room: Room, method: str, path: str, body: Any, kind: str
) -> None:
    headers, cookies = await credentials(room, kind)
    session_before, results_before = await room.org.session(room.id), await room.results()
    r = await send(server, method, path.format(id=room.id), body, headers, cookies)
    status, code = PRESENTER_REFUSALS[kind]
    assert (r.status_code, r.json()["error"]["code"]) == (status, code), r.text
    for secret in (room.id, room.session["code"], "Test session", room.session["presenter_key"]):
        assert secret not in r.text
    missing = await send(server, method, path.format(id="no-such-session"), body, headers, cookies)
    assert (missing.status_code, missing.content) == (r.status_code, r.content)
    assert await room.org.session(room.id) == session_before
    assert await room.results() == results_before


@pytest.mark.parametrize("kind", ["none", "wrong token", "presenter key", "participant cookie"])
async def test_organizer_request_without_the_admin_token_is_refused(
    server: RunningServer, room: Room, kind: str
) -> None:
    headers, cookies = await credentials(room, kind)
    if kind == "presenter key":
        headers = {"Authorization": f"Bearer {room.session['presenter_key']}"}
    expected = (
        (401, "unauthorized") if kind in ("none", "participant cookie") else (403, "forbidden")
    )
    sessions_before = (await room.org.http.get("/api/sessions")).json()
    for method, path, body in (
        ("GET", "/api/templates", None),
        ("GET", "/api/sessions", None),
        ("POST", "/api/sessions", {"template": "alignment-pulse-check"}),
    ):
        r = await send(server, method, path, body, headers, cookies)
        assert (r.status_code, r.json()["error"]["code"]) == expected, (path, r.text)
        assert room.id not in r.text
    assert (await room.org.http.get("/api/sessions")).json() == sessions_before


async def test_presenter_key_opens_its_own_session_only(server: RunningServer, room: Room) -> None:
    own = {"Authorization": f"Bearer {room.session['presenter_key']}"}
    r = await send(server, "GET", f"/api/sessions/{room.id}/results", None, own, {})
    assert r.status_code == 200
    assert {q["id"]: q for q in r.json()["questions"]} == await room.results()


# -- flooding --------------------------------------------------------------------------------
async def test_http_flood_from_one_phone_is_rate_limited_without_starving_others(
    room: Room,
) -> None:
    flood = [answer("q4", f"flood {i}") for i in range(300)]

    async def flood_all() -> list[httpx2.Response]:
        return list(
            await asyncio.gather(
                *(room.phone.http.post(room.responses_url, json=body) for body in flood)
            )
        )

    async def answer_calmly() -> list[httpx2.Response]:
        replies = []
        for i in range(20):
            replies.append(await room.neighbour.answer_http("q4", f"calm {i}"))
        return replies

    flooded, calm = await asyncio.gather(flood_all(), answer_calmly())
    codes = [r.json()["error"]["code"] if r.status_code >= 400 else r.status_code for r in flooded]
    assert set(codes) <= {201, "rate_limited"}
    assert codes.count("rate_limited") > 0 and codes.count(201) > 0
    assert [r.status_code for r in calm] == [201] * 20
    refused = next(r for r in flooded if r.status_code == 429)
    assert_error(refused, "rate_limited", "answers a second")
    accepted = {
        body["value"] for body, r in zip(flood, flooded, strict=True) if r.status_code == 201
    }
    texts = {item["text"] for item in (await room.results())["q4"]["result"]["items"]}
    flood_texts = {t for t in texts if t.startswith("flood")}
    assert len(flood_texts) == 1 and flood_texts <= accepted
    assert "calm 19" in texts and len(texts) == 2


@pytest.mark.parametrize(
    "path",
    [
        "/api/sessions/%00",
        "/api/sessions/{id}/results?segment=%00",
        "/present/%00",
        "/join?code=%00",
    ],
)
async def test_a_nul_character_in_the_address_is_refused_on_every_store(
    room: Room, path: str
) -> None:
    """PostgreSQL refuses NUL in a lookup, SQLite does not: one refusal before either."""
    r = await room.org.http.get(path.replace("{id}", room.session["id"]))
    assert_error(r, "invalid_request", "NUL character")
