"""No participant can harm another, no stranger can find a room: tried as an attacker would,
against the real server."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from .client import Organizer, Phone, wait_until
from .conftest import RunningServer

JSON = {"content-type": "application/json"}
CHOICES = [
    {"kind": "single_choice", "prompt": "Pick one", "options": ["A", "B", "C"]},
    {"kind": "open_text", "prompt": "Tell us a story", "max_length": 200},
]
ENCODED_SURROGATE = b"\xed\xa0\x80"  # what UTF-8 would be for U+D800, which it forbids
CLOSE_NOT_JOINED, CLOSE_REPLACED = 4401, 4409


def bad_bytes_answer() -> bytes:
    return (
        f'{{"id": "{uuid.uuid4()}", "question": "q2", "value": "a story '.encode()
        + ENCODED_SURROGATE
        + b'"}'
    )


async def answer_many(phone: Phone, count: int) -> list[tuple[str, dict[str, Any]]]:
    """Send `count` answers back to back over the socket; (option sent, reply) in order."""
    sent = [("ABC"[(i + len(phone.token)) % 3].lower(), str(uuid.uuid4())) for i in range(count)]
    for option, answer_id in sent:
        await phone.send({"type": "answer", "id": answer_id, "question": "q1", "value": option})
    replies = {}
    while len(replies) < count:
        reply = await phone.reply()
        replies[reply["id"]] = reply
    return [(option, replies[answer_id]) for option, answer_id in sent]


# -- one bad body fails alone -------------------------------------------------------------------
async def test_raw_invalid_utf8_fails_alone_while_30_phones_keep_answering(
    server: RunningServer,
) -> None:
    log_start = len(server.output())
    async with Organizer(server) as org:
        session = await org.create(questions=CHOICES)
        phones = [Phone(server) for _ in range(30)]
        for phone in phones:
            await phone.join(session["code"])
            await phone.connect(session["code"])
        attacker = Phone(server)
        await attacker.join(session["code"])
        url = f"/api/sessions/{session['id']}/responses"

        async def attack() -> list[httpx2.Response]:
            return [
                await attacker.http.post(url, content=bad_bytes_answer(), headers=JSON)
                for _ in range(20)
            ]

        outcomes, refusals = await asyncio.gather(
            asyncio.gather(*(answer_many(phone, 30) for phone in phones)), attack()
        )
        for refusal in refusals:
            assert refusal.status_code == 400, refusal.text
            assert refusal.json()["error"]["code"] == "malformed_json"
        for sent in outcomes:
            assert [reply.get("status") for _, reply in sent] == ["accepted"] * 30, sent
        expected = {"a": 0, "b": 0, "c": 0}
        for sent in outcomes:
            expected[sent[-1][0]] += 1  # each phone's latest answer counts
        results = await org.results(session["id"])
        assert results["q1"]["result"]["counts"] == expected
        assert results["q2"]["responses"] == 0
        for phone in [*phones, attacker]:
            await phone.close()
    assert "Traceback" not in server.output()[log_start:]


async def test_binary_frame_with_an_encoded_surrogate_is_refused_and_the_socket_stays(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=CHOICES)
        phone = Phone(server)
        await phone.join(session["code"])
        await phone.connect(session["code"])
        assert phone.ws is not None
        await phone.ws.send(b'{"type": "answer", ' + bad_bytes_answer()[1:])
        reply = await phone.reply()
        assert (reply["type"], reply["code"]) == ("error", "malformed_json"), reply
        assert (await phone.answer_ws("q1", "a"))["status"] == "accepted"
        assert (await org.results(session["id"]))["q2"]["responses"] == 0
        await phone.close()


# -- join codes cannot be guessed -------------------------------------------------------------
@pytest.fixture
async def strict_server(own_server: RunningServer) -> AsyncIterator[RunningServer]:
    """60 wrong codes a minute (one a second after the budget), 30 new participants."""
    own_server.extra_args = ("--code-misses", "60", "--joins-per-minute", "30")
    yield own_server.start()


async def wrong_code(http: httpx2.AsyncClient, n: int) -> httpx2.Response:
    return await http.post(f"/api/join/9{n:07d}", json={})


async def test_wrong_codes_meet_a_growing_back_off_and_right_joins_never_count(
    strict_server: RunningServer,
) -> None:
    async with (
        Organizer(strict_server) as org,
        httpx2.AsyncClient(base_url=strict_server.url) as http,
    ):
        session = await org.create(questions=CHOICES)
        for _ in range(25):  # a room joining from one NAT: never counted, never slowed
            http.cookies.clear()  # each time a new phone
            phone = await http.post(f"/api/join/{session['code']}", json={})
            assert phone.status_code == 200, phone.text
        for n in range(60):
            assert (await wrong_code(http, n)).status_code == 404
        assert (await wrong_code(http, 60)).status_code == 404  # over budget: now it waits
        first = await wrong_code(http, 61)
        assert first.status_code == 429 and first.json()["error"]["code"] == "rate_limited"
        assert first.headers["retry-after"] == "1"

        async def allowed_again() -> bool:
            return (await http.get("/join?code=1")).status_code != 429

        await wait_until(allowed_again, timeout=5)  # that lookup was a miss: waits longer
        second = await wrong_code(http, 62)
        assert second.status_code == 429 and second.headers["retry-after"] == "2"


async def test_a_blocked_address_learns_nothing_but_its_joined_phones_get_through(
    strict_server: RunningServer,
) -> None:
    async with Organizer(strict_server) as org:
        session = await org.create(questions=CHOICES)
        member = Phone(strict_server)
        await member.join(session["code"])
        async with httpx2.AsyncClient(base_url=strict_server.url) as stranger:
            for n in range(62):
                await wrong_code(stranger, n)
            right = await stranger.post(f"/api/join/{session['code']}", json={})
            wrong = await wrong_code(stranger, 99)
            assert right.status_code == wrong.status_code == 429
            assert right.json()["error"]["code"] == wrong.json()["error"]["code"]
            assert "trifecta_pid" not in right.cookies
            page = await stranger.get(f"/j/{session['code']}")
            assert page.status_code == 429
        # the room's own phones reconnect and rejoin from the same address
        assert (await member.http.post(f"/api/join/{session['code']}", json={})).status_code == 200
        state = await member.connect(session["code"])
        assert state["joined"] is True
        assert (await member.answer_ws("q1", "b"))["status"] == "accepted"
        await member.close()


async def test_new_participants_are_limited_per_address_and_rejoins_are_not(
    strict_server: RunningServer,
) -> None:
    async with Organizer(strict_server) as org:
        session = await org.create(questions=CHOICES)
        phones = [Phone(strict_server) for _ in range(30)]
        for phone in phones:
            await phone.join(session["code"])
        late = Phone(strict_server)
        r = await late.http.post(f"/api/join/{session['code']}", json={})
        assert r.status_code == 429 and r.headers["retry-after"] == "2"
        assert "trifecta_pid" not in r.cookies
        rejoin = await phones[0].http.post(f"/api/join/{session['code']}", json={})
        assert rejoin.status_code == 200
        listed = (await org.http.get("/api/sessions")).json()
        assert [s["participants"] for s in listed if s["id"] == session["id"]] == [30]
        for phone in [*phones, late]:
            await phone.close()


async def test_an_ended_code_looks_unknown_to_a_stranger_and_ended_to_its_phones(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=CHOICES)
        member = Phone(server)
        await member.join(session["code"])
        await org.control(session["id"], "end")
        unknown_code = (
            "0" + session["code"][1:] if session["code"][0] != "0" else "1" + session["code"][1:]
        )
        async with httpx2.AsyncClient(base_url=server.url) as stranger:
            ended = await stranger.get(f"/j/{session['code']}")
            unknown = await stranger.get(f"/j/{unknown_code}")
            assert ended.status_code == unknown.status_code == 404
            assert ended.text.replace(session["code"], "CODE") == unknown.text.replace(
                unknown_code, "CODE"
            )
            ended_join = await stranger.post(f"/api/join/{session['code']}", json={})
            unknown_join = await stranger.post(f"/api/join/{unknown_code}", json={})
            assert ended_join.status_code == unknown_join.status_code == 404
            assert ended_join.json()["error"]["message"].replace(
                session["code"], "CODE"
            ) == unknown_join.json()["error"]["message"].replace(unknown_code, "CODE")
        assert (await member.http.get(f"/j/{session['code']}")).status_code == 410
        await member.close()


# -- sockets and participants have bounds -------------------------------------------------------
async def presenter_connected(ws: ClientConnection, expected: int) -> None:
    """Wait for a session message from the presenter feed with `connected == expected`."""

    async def seen() -> bool:
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if message["type"] == "session" and message["connected"] == expected:
                return True

    assert await asyncio.wait_for(seen(), 10)


async def test_a_sixth_socket_of_one_participant_closes_the_first_and_counts_once(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=CHOICES)
        headers = {"Authorization": f"Bearer {session['presenter_key']}"}
        async with connect(
            f"{server.ws_url}/ws/present/{session['id']}", additional_headers=headers
        ) as presenter:
            phone = Phone(server)
            await phone.join(session["code"])
            cookie = {"Cookie": f"trifecta_pid={phone.token}"}
            url = f"{server.ws_url}/ws/session/{session['code']}"
            sockets = []
            for _ in range(5):
                ws = await connect(url, additional_headers=cookie)
                assert json.loads(await ws.recv())["type"] == "state"
                sockets.append(ws)
            await presenter_connected(presenter, 1)
            sixth = await connect(url, additional_headers=cookie)
            assert json.loads(await sixth.recv())["joined"] is True
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(sockets[0].recv(), 10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == CLOSE_REPLACED
            for ws in sockets[1:]:  # the others stay open
                await ws.send(json.dumps({"type": "ping"}))
                assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"type": "pong"}
            async with connect(url) as cookieless:  # never joined: state, closed, not counted
                assert json.loads(await cookieless.recv())["joined"] is False
                with pytest.raises(ConnectionClosed) as unjoined:
                    await asyncio.wait_for(cookieless.recv(), 10)
                assert unjoined.value.rcvd is not None
                assert unjoined.value.rcvd.code == CLOSE_NOT_JOINED
            for ws in [*sockets[1:], sixth]:
                await ws.close()
            await presenter_connected(presenter, 0)
            await phone.close()


async def test_looking_at_the_phone_page_creates_no_participant(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=CHOICES)

        async def participants() -> int:
            listed = (await org.http.get("/api/sessions")).json()
            return int(next(s["participants"] for s in listed if s["id"] == session["id"]))

        async with httpx2.AsyncClient(base_url=server.url) as crawler:
            for _ in range(5):
                page = await crawler.get(f"/j/{session['code']}")
                assert page.status_code == 200 and "trifecta_pid" not in page.cookies
        assert await participants() == 0
        phone = Phone(server)
        await phone.join(session["code"])
        assert await participants() == 1
        await phone.close()


# -- organizer sign-in can be revoked ----------------------------------------------------------
async def test_an_organizer_cookie_stops_working_after_the_token_changes(
    own_server: RunningServer,
) -> None:
    own_server.start()
    browser = httpx2.AsyncClient(base_url=own_server.url)
    try:
        r = await browser.get(f"/signin?token={own_server.admin_token}", follow_redirects=False)
        assert r.status_code == 303
        assert (await browser.get("/console")).status_code == 200
        assert (await browser.get("/api/sessions")).status_code == 200
        own_server.stop()
        own_server.admin_token = "a-new-organizer-token-" + uuid.uuid4().hex
        own_server.start()
        assert (await browser.get("/console")).status_code == 401
        assert (await browser.get("/api/sessions")).status_code == 401
    finally:
        await browser.aclose()


async def test_sign_out_ends_the_organizer_session(server: RunningServer) -> None:
    async with httpx2.AsyncClient(base_url=server.url) as browser:
        await browser.get(f"/signin?token={server.admin_token}", follow_redirects=False)
        console = await browser.get("/console")
        assert console.status_code == 200 and 'action="/signout"' in console.text
        out = await browser.post(
            "/signout", headers={"sec-fetch-site": "same-origin"}, follow_redirects=False
        )
        assert out.status_code == 303
        assert (await browser.get("/console")).status_code == 401
        assert (await browser.get("/api/sessions")).status_code == 401


# -- smaller ones -----------------------------------------------------------------------------
async def test_organizer_and_presenter_responses_are_never_cached(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=CHOICES)
        for path in (
            "/api/sessions",
            f"/api/sessions/{session['id']}",
            f"/api/sessions/{session['id']}/results",
            f"/api/sessions/{session['id']}/export?format=csv",
            f"/api/sessions/{session['id']}/export?format=xlsx",
            f"/api/sessions/{session['id']}/export?format=json",
            "/api/templates",
            "/api/nothing-here",
        ):
            r = await org.http.get(path)
            assert r.headers.get("cache-control") == "no-store", path


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example"])
async def test_a_foreign_host_name_is_refused_on_pages_api_and_sockets(
    server: RunningServer, host: str
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=CHOICES)
        async with httpx2.AsyncClient(base_url=server.url, headers={"host": host}) as rebound:
            for path in (
                "/",
                f"/j/{session['code']}",
                f"/present/{session['id']}",
                "/api/openapi.json",
            ):
                r = await rebound.get(path)
                assert r.status_code == 421 and r.json()["error"]["code"] == "invalid_host"
            assert (await rebound.get("/healthz")).status_code == 200  # probes use any name
        with pytest.raises(InvalidStatus) as refused:
            await connect(
                f"{server.ws_url}/ws/session/{session['code']}", additional_headers={"Host": host}
            )
        assert refused.value.response.status_code == 403
        async with httpx2.AsyncClient(
            base_url=server.url, headers={"host": f"localhost:{server.port}"}
        ) as local:
            assert (await local.get(f"/j/{session['code']}")).status_code == 200


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
async def test_an_api_post_that_is_not_json_is_refused_and_stores_nothing(
    server: RunningServer, content_type: str | None
) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=CHOICES)
        phone = Phone(server)
        await phone.join(session["code"])
        body = json.dumps({"id": str(uuid.uuid4()), "question": "q1", "value": "a"})
        headers = {"content-type": content_type} if content_type else {}
        r = await phone.http.post(
            f"/api/sessions/{session['id']}/responses", content=body, headers=headers
        )
        assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"
        assert (await org.results(session["id"]))["q1"]["responses"] == 0
        r = await phone.http.post(
            f"/api/sessions/{session['id']}/responses",
            content=body,
            headers={"content-type": "application/json; charset=utf-8"},
        )
        assert r.status_code == 201
        await phone.close()


async def test_the_log_keeps_no_phone_address_no_join_code_and_no_traceback_for_bad_bytes(
    own_server: RunningServer,
) -> None:
    own_server.start()
    async with Organizer(own_server) as org:
        session = await org.create(questions=CHOICES)
        phone = Phone(own_server)
        await phone.join(session["code"])
        await phone.connect(session["code"])
        assert (await phone.answer_ws("q1", "a"))["status"] == "accepted"
        await phone.close()
        # a text frame that is not UTF-8: websockets' client will not send one, so by hand
        ws = await connect(
            f"{own_server.ws_url}/ws/session/{session['code']}",
            additional_headers={"Cookie": f"trifecta_pid={phone.token}"},
        )
        await ws.recv()
        ws.protocol.send_text(b"\xed\xa0\x80")  # type: ignore[attr-defined]
        for data in ws.protocol.data_to_send():  # type: ignore[attr-defined]
            ws.transport.write(data)
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1007
    log = own_server.output()
    assert session["code"] not in log
    assert '"WebSocket' not in log and "Traceback" not in log
    assert "Invalid UTF-8" in log  # said once, in one line
