"""The API fuzzed by schemathesis against the running server's own /api/openapi.json: no
request it can make gets a 5xx or a response outside the description (issue #3).

Each operation is fuzzed with valid and invalid data: as the organizer with a participant
cookie on a live session (so requests reach the answer, control and moderation logic), as the
organizer on generated ids, and without credentials. `schemathesis.pytest.from_fixture` does
not run under pytest 9.2 (it writes `Function._nodeid`, which pytest removed), so each test
draws cases from the operation's own hypothesis strategy."""

from __future__ import annotations

import uuid
from typing import Any

import httpx2
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.generation.modes import GenerationMode
from schemathesis.schemas import BaseSchema

from server.kinds import KINDS
from server.openapi import spec

from .client import KIND_OF_QUESTION, SIMPLE_QUESTIONS
from .conftest import RunningServer

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
EXAMPLES = 40  # per operation, mode and caller: the whole file runs in well under a minute
QUESTION_IDS = [f"q{n}" for n in range(1, len(SIMPLE_QUESTIONS) + 1)]
KEEP: Any = object()  # keep the generated value
# Values valid for one of the questions (and so near misses for the others): every kind's
# valid examples, and text a spreadsheet or a terminal would trip over.
PLAUSIBLE_VALUES = [
    *(value for kind in KINDS.values() for value in kind.examples.valid),
    "A story \u00e9\U0001f600",
    '=HYPERLINK("x")\n\x00\x1b',
]
FIRST_VALID = [KINDS[KIND_OF_QUESTION[q]].examples.valid[0] for q in QUESTION_IDS]


def _operations() -> list[tuple[str, str, str]]:
    """(path, method, caller) for every operation of the description, read without a server."""
    out = []
    for path, item in spec()["paths"].items():
        for method in item:
            callers = ["organizer"]
            if "{" in path:
                callers = ["organizer on a live session", "organizer on generated ids"]
            out += [(path, method.upper(), caller) for caller in [*callers, "anonymous"]]
    return out


def _negatable(path: str, method: str) -> bool:
    """Whether the operation has anything schemathesis can make invalid (any text is a
    valid path segment, so a plain string parameter is not enough)."""
    operation = spec()["paths"][path][method.lower()]
    constrained = [p for p in operation.get("parameters", []) if p["schema"] != {"type": "string"}]
    return bool(constrained) or "requestBody" in operation or "security" in operation


CASES = [
    pytest.param(path, method, caller, mode, id=f"{method} {path} {caller} {mode.value}")
    for path, method, caller in _operations()
    for mode in GenerationMode
    if mode is GenerationMode.POSITIVE or _negatable(path, method)
]


@pytest.fixture(scope="module")
def api(server: RunningServer) -> BaseSchema:
    schema = schemathesis.openapi.from_url(f"{server.url}/api/openapi.json")
    schema.config.update(base_url=server.url)
    return schema


def live_session(server: RunningServer, mode: str = "self_paced") -> tuple[dict[str, Any], str]:
    """A fresh session and the cookie of a participant who answered it all (an interview:
    one respondent, who answered it all, and no cookie)."""
    auth = {"Authorization": f"Bearer {server.admin_token}"}
    r = httpx2.post(
        f"{server.url}/api/sessions",
        headers=auth,
        json={"title": "Fuzzed session", "mode": mode, "questions": SIMPLE_QUESTIONS},
    )
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    if mode == "interview":
        return {**created, "respondent_id": interviewed(server, created["id"], auth)}, ""
    with httpx2.Client(base_url=server.url) as phone:
        joined = phone.post(f"/api/join/{created['code']}", json={})
        assert joined.status_code == 200, joined.text
        for question, value in zip(QUESTION_IDS, FIRST_VALID, strict=True):
            answered = phone.post(
                f"/api/sessions/{created['id']}/responses",
                json={"id": str(uuid.uuid4()), "question": question, "value": value},
            )
            assert answered.status_code == 201, answered.text  # results and exports have data
        return created, str(joined.cookies["trifecta_pid"])


def interviewed(server: RunningServer, session_id: str, auth: dict[str, str]) -> str:
    """A respondent of the interview, who answered every question."""
    url = f"{server.url}/api/sessions/{session_id}/respondents"
    r = httpx2.post(url, headers=auth, json={"label": "Fuzzed respondent"})
    assert r.status_code == 201, r.text
    respondent = str(r.json()["id"])
    for question, value in zip(QUESTION_IDS, FIRST_VALID, strict=True):
        body = {"client_id": str(uuid.uuid4()), "question": question, "value": value}
        answered = httpx2.post(f"{url}/{respondent}/answers", headers=auth, json=body)
        assert answered.status_code == 201, answered.text
    return respondent


@pytest.mark.parametrize(("path", "method", "caller", "mode"), CASES)
def test_no_request_gets_a_server_error_or_a_response_outside_the_description(
    server: RunningServer,
    api: BaseSchema,
    path: str,
    method: str,
    caller: str,
    mode: GenerationMode,
) -> None:
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    path_parameters: dict[str, str] | None = None
    if caller != "anonymous":
        headers["Authorization"] = f"Bearer {server.admin_token}"
    if caller == "organizer on a live session":
        interview = "/respondents" in path
        created, cookie = live_session(server, "interview" if interview else "self_paced")
        if cookie:
            cookies["trifecta_pid"] = cookie
        names = (("session_id", "id"), ("code", "code"), ("respondent_id", "respondent_id"))
        path_parameters = {name: created[key] for name, key in names if f"{{{name}}}" in path}
    strategy = api[path][method].as_strategy(mode, path_parameters=path_parameters)

    @given(
        case=strategy,
        question=st.sampled_from([*QUESTION_IDS, None]),
        value=st.sampled_from([KEEP, *PLAUSIBLE_VALUES]),
    )
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def fuzz(case: Any, question: str | None, value: Any) -> None:
        # Point answers at real questions, sometimes with plausible values, so they reach
        # each kind's validation and the store, not only "unknown question".
        if isinstance(case.body, dict) and "question" in case.body and question:
            case.body["question"] = question
            if "value" in case.body and value is not KEEP:
                case.body["value"] = value
        case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS, timeout=30)

    fuzz()
