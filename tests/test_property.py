"""Random sequences of answers, changes, repeats, bad input and presenter controls against
the real server, over HTTP and WebSocket: after every step the results equal a naive
recount of the latest accepted answer per participant and question."""

from __future__ import annotations

import json
import statistics
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from websockets.sync.client import ClientConnection, connect

from server.kinds import KINDS, is_blank, slugify

from .client import KIND_OF_QUESTION, SIMPLE_QUESTIONS
from .conftest import RunningServer, on_every_backend
from .test_api_errors import STATUS

pytestmark = on_every_backend

OPTIONS = {"q1": ("learner", "leader", "l-d"), "q2": ("time", "tools", "support", "clarity")}
STATEMENTS = ("goals-are-clear", "metrics-are-agreed")
QUESTION_IDS = tuple(KIND_OF_QUESTION)
QA = next(q for q, kind in KIND_OF_QUESTION.items() if kind == "qa")  # posts and votes
MAX_POSTS = KINDS["qa"].public(KINDS["qa"].config_type())["max_posts"]
MAX_PARTICIPANTS = 5
TIMEOUT = 10

# Values of each kind beyond its examples; any kind also draws from its examples
RICHER: dict[str, st.SearchStrategy[Any]] = {
    "single_choice": st.sampled_from(OPTIONS["q1"]),
    "multiple_choice": st.lists(
        st.sampled_from(OPTIONS["q2"]), min_size=1, max_size=2, unique=True
    ),
    "scale": st.dictionaries(st.sampled_from(STATEMENTS), st.integers(1, 5), min_size=1),
    # a story with something to see (blank ones are among the bad inputs below)
    "open_text": st.text(min_size=1, max_size=50).filter(lambda text: not is_blank(text)),
}
VALID: dict[str, st.SearchStrategy[Any]] = {
    qid: st.one_of(st.sampled_from(KINDS[kind].examples.valid), RICHER.get(kind, st.nothing()))
    for qid, kind in KIND_OF_QUESTION.items()
}
valid_answers = st.sampled_from(QUESTION_IDS).flatmap(lambda q: st.tuples(st.just(q), VALID[q]))

# (question, value, error code): refused whatever the question's state, nothing changes.
# Every kind's invalid examples, and what is not about one kind.
BAD_ANSWERS: list[tuple[str, Any, str]] = [
    *(
        (qid, value, code)
        for qid, kind in KIND_OF_QUESTION.items()
        for _, value, code in KINDS[kind].examples.invalid
    ),
    ("q4", "\x1b\t", "invalid_value"),
    ("q99", "learner", "unknown_question"),
]
HTTP_STATUS = {"accepted": 201, "duplicate": 200, **STATUS}  # STATUS: the error contract
ANSWER_OUTCOME = {"open": "accepted", "locked": "question_locked", "pending": "question_not_open"}
AFTER_CONTROL = {  # (action, state before) -> state after
    ("goto", "pending"): "open",
    ("goto", "open"): "open",
    ("goto", "locked"): "locked",
    ("open", "pending"): "open",
    ("open", "open"): "open",
    ("open", "locked"): "open",
    ("lock", "pending"): "locked",
    ("lock", "open"): "locked",
    ("lock", "locked"): "locked",
}


@dataclass(eq=False)
class Participant:
    number: int
    http: httpx2.Client
    ws: ClientConnection | None = None

    @property
    def cookie(self) -> str:
        return f"trifecta_pid={self.http.cookies['trifecta_pid']}"


@dataclass(frozen=True)
class Accepted:
    participant: Participant
    id: str
    question: str
    value: Any


def client(server: RunningServer, **headers: str) -> httpx2.Client:
    # plain HTTP: verify=False only skips building a TLS context (slow) for each client
    return httpx2.Client(base_url=server.url, timeout=TIMEOUT, headers=headers, verify=False)


def next_reply(ws: ClientConnection) -> dict[str, Any]:
    """The next ack or error; session pushes after presenter controls are skipped."""
    while True:
        message: dict[str, Any] = json.loads(ws.recv(timeout=TIMEOUT))
        if message["type"] in ("ack", "error"):
            return message


class TallyMachine(RuleBasedStateMachine):
    """The model: question states and each participant's latest accepted answer."""

    running: RunningServer
    participants = Bundle("participants")
    accepted = Bundle("accepted")

    def __init__(self) -> None:
        super().__init__()
        self.organizer = client(self.running, Authorization=f"Bearer {self.running.admin_token}")
        self.people: list[Participant] = []
        self.states: dict[str, str] = {}
        self.latest: dict[tuple[int, str], tuple[int, Any]] = {}  # -> (acceptance no, value)
        self.posts: dict[int, tuple[int, str]] = {}  # Q&A item id -> (participant, text)
        self.votes: set[tuple[int, int]] = set()  # (item id, participant)
        self.accepted_count = 0
        self.session: dict[str, Any] = {}
        self.sockets = ExitStack()

    @initialize(target=participants, mode=st.sampled_from(["presenter", "self_paced"]))
    def create_session(self, mode: str) -> Any:
        """A fresh session with two phones in it, so answers can come from the first step."""
        r = self.organizer.post(
            "/api/sessions",
            json={"title": "Property run", "mode": mode, "questions": SIMPLE_QUESTIONS},
        )
        assert r.status_code == 201, r.text
        self.session = r.json()
        initial = "pending" if mode == "presenter" else "open"
        self.states = dict.fromkeys(QUESTION_IDS, initial)
        return multiple(self.join_session(), self.join_session())

    # -- participants ---------------------------------------------------------------------
    @precondition(lambda self: len(self.people) < MAX_PARTICIPANTS)
    @rule(target=participants)
    def join(self) -> Participant:
        return self.join_session()

    def join_session(self) -> Participant:
        person = Participant(len(self.people), client(self.running))
        r = person.http.post(f"/api/join/{self.session['code']}", json={})
        assert r.status_code == 200, r.text
        self.people.append(person)
        return person

    def socket(self, person: Participant) -> ClientConnection:
        if person.ws is None:
            person.ws, state = self.open_socket(person)
            assert state["joined"] is True, state
        return person.ws

    def open_socket(self, person: Participant) -> tuple[ClientConnection, dict[str, Any]]:
        """A new participant socket and its first message, the phone's state."""
        ws = self.sockets.enter_context(
            connect(
                f"{self.running.ws_url}/ws/session/{self.session['code']}",
                additional_headers={"Cookie": person.cookie},
                proxy=None,
            )
        )
        state: dict[str, Any] = json.loads(ws.recv(timeout=TIMEOUT))
        assert state["type"] == "state", state
        return ws, state

    def submit(self, person: Participant, body: dict[str, Any], over_ws: bool) -> str:
        """Send one answer; return its status or error code (checked against HTTP status)."""
        if over_ws:
            ws = self.socket(person)
            ws.send(json.dumps({"type": "answer", **body}))
            reply = next_reply(ws)
            assert reply["id"] == body["id"], reply
            return str(reply.get("status") or reply["code"])
        r = person.http.post(f"/api/sessions/{self.session['id']}/responses", json=body)
        outcome = str(r.json().get("status") or r.json()["error"]["code"])
        assert r.status_code == HTTP_STATUS[outcome], r.text
        return outcome

    # -- answers --------------------------------------------------------------------------
    @rule(target=accepted, person=participants, answer=valid_answers, over_ws=st.booleans())
    def answer(self, person: Participant, answer: tuple[str, Any], over_ws: bool) -> Any:
        question, value = answer
        return self._answer(person, question, value, over_ws)

    @rule(target=accepted, earlier=accepted, data=st.data(), over_ws=st.booleans())
    def change(self, earlier: Accepted, data: st.DataObject, over_ws: bool) -> Any:
        value = data.draw(VALID[earlier.question], label="new value")
        return self._answer(earlier.participant, earlier.question, value, over_ws)

    def _answer(self, person: Participant, question: str, value: Any, over_ws: bool) -> Any:
        answer_id = str(uuid.uuid4())
        outcome = self.submit(
            person, {"id": answer_id, "question": question, "value": value}, over_ws
        )
        assert outcome == self.expected_outcome(person, question)
        if outcome != "accepted":
            return multiple()
        if question == QA:
            self.posts[self.new_post_id()] = (person.number, value["ask"].strip())
        else:
            self.accepted_count += 1
            self.latest[(person.number, question)] = (self.accepted_count, value)
        return Accepted(person, answer_id, question, value)

    def expected_outcome(self, person: Participant, question: str) -> str:
        outcome = ANSWER_OUTCOME[self.states[question]]
        posted = sum(number == person.number for number, _ in self.posts.values())
        if question == QA and outcome == "accepted" and posted >= MAX_POSTS:
            return "too_many_posts"
        return outcome

    def new_post_id(self) -> int:
        """The id the store gave the post just accepted: the one item not known yet."""
        r = self.organizer.get(f"/api/sessions/{self.session['id']}/results")
        served = next(q for q in r.json()["questions"] if q["id"] == QA)
        (new,) = {int(i["id"]) for i in served["result"]["items"]} - set(self.posts)
        return new

    @precondition(lambda self: bool(self.posts))
    @rule(person=participants, data=st.data(), up=st.booleans(), over_ws=st.booleans())
    def vote(self, person: Participant, data: st.DataObject, up: bool, over_ws: bool) -> None:
        """Up- or un-vote a post: once per participant and post, never one's own."""
        item = data.draw(st.sampled_from(sorted(self.posts)), label="post")
        body = {"id": str(uuid.uuid4()), "question": QA, "value": {}}
        body["value"] = {"upvote" if up else "unvote": str(item)}
        expected = ANSWER_OUTCOME[self.states[QA]]
        if expected == "accepted" and self.posts[item][0] == person.number:
            expected = "own_question"
        assert self.submit(person, body, over_ws) == expected
        if expected == "accepted":
            (self.votes.add if up else self.votes.discard)((item, person.number))

    @rule(earlier=accepted, same_value=st.booleans(), data=st.data(), over_ws=st.booleans())
    def repeat(
        self, earlier: Accepted, same_value: bool, data: st.DataObject, over_ws: bool
    ) -> None:
        """A re-sent id is a duplicate, whatever it carries and whatever the state now."""
        value = earlier.value if same_value else data.draw(VALID[earlier.question])
        body = {"id": earlier.id, "question": earlier.question, "value": value}
        assert self.submit(earlier.participant, body, over_ws) == "duplicate"

    @rule(person=participants, bad=st.sampled_from(BAD_ANSWERS), over_ws=st.booleans())
    def send_bad_value(self, person: Participant, bad: tuple[str, Any, str], over_ws: bool) -> None:
        question, value, code = bad
        body = {"id": str(uuid.uuid4()), "question": question, "value": value}
        state = ANSWER_OUTCOME.get(self.states.get(question, ""), "accepted")
        if code in KINDS[KIND_OF_QUESTION.get(question, "open_text")].stored_codes:
            code = code if state == "accepted" else state  # the state is checked first
        assert self.submit(person, body, over_ws) == code

    @rule(person=participants, answer=valid_answers, over_ws=st.booleans())
    def send_bad_id(self, person: Participant, answer: tuple[str, Any], over_ws: bool) -> None:
        body = {"id": "not-a-uuid", "question": answer[0], "value": answer[1]}
        assert self.submit(person, body, over_ws) == "invalid_answer_id"

    @rule(person=participants)
    def reconnect(self, person: Participant) -> None:
        """A phone that reconnects reads back its own latest answers."""
        if person.ws is not None:
            person.ws.close()
        person.ws, state = self.open_socket(person)
        mine = {
            q: value for (number, q), (_, value) in self.latest.items() if number == person.number
        }
        posts = sorted(i for i, (number, _) in self.posts.items() if number == person.number)
        votes = sorted(i for i, number in self.votes if number == person.number)
        if posts or votes:
            mine[QA] = {"posts": [str(i) for i in posts], "votes": [str(i) for i in votes]}
        assert state["answers"] == mine

    # -- presenter ------------------------------------------------------------------------
    @rule(action=st.sampled_from(["goto", "open", "lock"]), question=st.sampled_from(QUESTION_IDS))
    def control(self, action: str, question: str) -> None:
        r = self.organizer.post(
            f"/api/sessions/{self.session['id']}/control",
            json={"action": action, "question": question},
        )
        assert r.status_code == 200, r.text
        self.states[question] = AFTER_CONTROL[(action, self.states[question])]
        assert {q["id"]: q["state"] for q in r.json()["questions"]} == self.states

    # -- the property ---------------------------------------------------------------------
    @invariant()
    def results_equal_recount(self) -> None:
        r = self.organizer.get(f"/api/sessions/{self.session['id']}/results")
        assert r.status_code == 200, r.text
        served = {q["id"]: q for q in r.json()["questions"]}
        means = {s: v.pop("mean") for s, v in served["q3"]["result"]["statements"].items()}
        spreads = {  # floats of the grid, compared with a tolerance like the means
            (q, item, key): entry.pop(key)
            for q, kind in KIND_OF_QUESTION.items()
            if kind == "grid_2x2"
            for item, entry in served[q]["result"]["items"].items()
            for key in ("x_mean", "y_mean", "x_sd", "y_sd")
        }
        for item in served["q4"]["result"]["items"]:
            item.pop("id")  # the store's own number: the model orders by acceptance instead
        expected, expected_means = self.recount()
        expected_spreads = {
            (q, item, key): entry.pop(key)
            for q, kind in KIND_OF_QUESTION.items()
            if kind == "grid_2x2"
            for item, entry in expected[q]["result"]["items"].items()
            for key in ("x_mean", "y_mean", "x_sd", "y_sd")
        }
        assert served == expected
        assert means == pytest.approx(expected_means, abs=1e-3)
        assert spreads == pytest.approx(expected_spreads, abs=1e-3)

    def recount(self) -> tuple[dict[str, Any], dict[str, float | None]]:
        """Tally the model's latest answers in plain Python, in the results' shape."""
        values: dict[str, list[Any]] = {q: [] for q in QUESTION_IDS}
        for (_, question), (_, value) in sorted(self.latest.items(), key=lambda kv: kv[1][0]):
            values[question].append(value)
        q3_points = {s: [v[s] for v in values["q3"] if s in v] for s in STATEMENTS}
        full = {
            q: {
                "id": q,
                "kind": KIND_OF_QUESTION[q],
                "responses": len(values[q]),
                "result": naive_result(q, values[q]),
            }
            for q in QUESTION_IDS
        }
        full[QA].update(responses=len(self.posts), result=self.naive_qa())
        means = {
            s: sum(points) / len(points) if points else None for s, points in q3_points.items()
        }
        return full, means

    def naive_qa(self) -> dict[str, Any]:
        """Every post with its votes, most votes first, then newest."""
        items = [
            {
                "id": str(item),
                "text": text,
                "votes": sum(voted == item for voted, _ in self.votes),
                "answered": False,
                "hidden": False,
                "pending": False,
                "filtered": False,
            }
            for item, (_, text) in self.posts.items()
        ]
        return {"items": sorted(items, key=lambda i: (-i["votes"], -int(i["id"])))}

    def teardown(self) -> None:
        self.sockets.close()
        for person in self.people:
            person.http.close()
        self.organizer.close()


def naive_result(question: str, values: list[Any]) -> dict[str, Any]:
    """A question's result counted the plain way, without the kinds' code (means are
    compared apart, with a tolerance)."""
    kind = KIND_OF_QUESTION[question]
    if kind == "single_choice":
        return {"counts": {o: values.count(o) for o in OPTIONS[question]}}
    if kind == "multiple_choice":
        return {"counts": {o: sum(o in v for v in values) for o in OPTIONS[question]}}
    if kind == "scale":
        points = {s: [v[s] for v in values if s in v] for s in STATEMENTS}
        return {
            "statements": {
                s: {"n": len(p), "counts": {str(n): p.count(n) for n in range(1, 6)}}
                for s, p in points.items()
            }
        }
    if kind == "open_text":
        return {"items": [{"text": text, "hidden": False, "filtered": False} for text in values]}
    if kind == "nps":
        promoters = sum(v >= 9 for v in values)
        detractors = sum(v <= 6 for v in values)
        score = round(100 * (promoters - detractors) / len(values), 3) if values else None
        return {
            "n": len(values),
            "score": score,
            "promoters": promoters,
            "passives": len(values) - promoters - detractors,
            "detractors": detractors,
            "counts": {str(n): values.count(n) for n in range(11)},
        }
    if kind == "ranking":
        items = [i["id"] for i in KINDS["ranking"].public(ranking_config())["items"]]
        return {"items": {item: naive_ranking(item, values) for item in items}}
    if kind == "points":
        options = [slugify(label) for label in KINDS["points"].examples.question["options"]]
        return {"budget": 100, "options": {o: naive_points(o, values) for o in options}}
    if kind == "grid_2x2":
        items = [slugify(label) for label in KINDS["grid_2x2"].examples.question["items"]]
        return {"items": {i: naive_grid([v[i] for v in values if i in v]) for i in items}}
    if kind == "word_cloud":
        counts: dict[str, int] = {}
        for words in values:  # the examples hold no stop words, so none is left out here
            for word in {" ".join(w.split()).casefold() for w in words}:
                counts[word] = counts.get(word, 0) + 1
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return {"words": [{"text": text, "count": n} for text, n in ordered], "filtered": 0}
    if kind == "qa":
        return {"items": []}  # posts and votes are counted apart: TallyMachine.naive_qa
    raise AssertionError(f"add a naive recount of {kind!r} here")


def naive_grid(places: list[dict[str, int]]) -> dict[str, Any]:
    out: dict[str, Any] = {"n": len(places)}
    for axis in ("x", "y"):
        points = [p[axis] for p in places]
        out[f"{axis}_mean"] = round(statistics.fmean(points), 3) if points else None
        out[f"{axis}_sd"] = round(statistics.pstdev(points), 3) if points else None
    return out


def naive_points(option: str, values: list[dict[str, int]]) -> dict[str, Any]:
    total = sum(v.get(option, 0) for v in values)
    return {
        "total": total,
        "mean": round(total / len(values), 3) if values else None,
        "n": sum(v.get(option, 0) > 0 for v in values),
    }


def ranking_config() -> Any:
    spec = KINDS["ranking"].spec.model_validate(KINDS["ranking"].examples.question)
    return KINDS["ranking"].config(spec)


def naive_ranking(item: str, values: list[list[str]]) -> dict[str, Any]:
    ranks = [v.index(item) + 1 for v in values if item in v]
    k = ranking_config().max_rank
    return {
        "n": len(ranks),
        "mean_rank": round(sum(ranks) / len(ranks), 3) if ranks else None,
        "points": sum(k - r + 1 for r in ranks),
        "positions": {str(p): ranks.count(p) for p in range(1, k + 1)},
    }


# A passing run takes about 15 s. Every step is a real request, so shrinking a failure
# takes minutes: the timeout leaves room for it.
@pytest.mark.timeout(600)
def test_results_equal_recount_after_random_answers_repeats_bad_input_and_controls(
    server: RunningServer,
) -> None:
    class AgainstServer(TallyMachine):
        running = server

    run_state_machine_as_test(
        AgainstServer,
        settings=settings(
            max_examples=50,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
