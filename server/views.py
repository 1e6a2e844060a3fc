"""Pure builders for what clients see: sessions, questions, results messages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .kinds import Question, item_rules, public_result, question_json
from .segments import splittable
from .store import QuestionState, ResultMap, SessionInfo
from .surveys import is_interview


def join_url(base_url: str, code: str) -> str:
    return f"{base_url}/j/{code}"


def seconds_left(deadline: str | None, now: datetime) -> float | None:
    """Seconds from now to a countdown's deadline, 0 once it passed; None without one.
    Clients count down from when they receive it, so a phone's wrong clock does no harm."""
    if deadline is None:
        return None
    left = (datetime.fromisoformat(deadline) - now).total_seconds()
    return round(max(0.0, left), 3)


def session_json(
    info: SessionInfo, base_url: str, *, for_participant: bool = False, now: datetime | None = None
) -> dict[str, Any]:
    """A session with its questions and their states. Phones in presenter mode see only
    the current question, so nobody reads ahead of the facilitator."""
    shown = phone_questions(info) if for_participant else info.questions
    at = now or datetime.now(UTC)
    can_split = set() if for_participant else splittable(info)
    questions = []
    for q in shown:
        state = info.question_states[q.id]
        questions.append(
            {
                **question_json(q),
                "state": state.state,
                "results_visible": state.results_visible,
                "results_shared": state.results_shared,
                "deadline": state.deadline,
                "seconds_left": seconds_left(state.deadline, at),
                # phones never see the split (anonymity and focus): presenters only
                **({} if for_participant else _split_json(q, state, can_split)),
            }
        )
    return {
        "id": info.id,
        "code": info.code,
        "title": info.title,
        "mode": info.mode,
        "state": info.state,
        "current_question": info.current_question,
        "created_at": info.created_at,
        "join_url": join_url(base_url, info.code),
        "profanity_filter": info.profanity_filter,
        "reveal": info.reveal,
        "min_group": info.min_group,
        "questions": questions,
    }


def _split_json(q: Question, state: QuestionState, can_split: set[str]) -> dict[str, Any]:
    return {"split": state.split, "can_split": q.id in can_split}


def phone_questions(info: SessionInfo) -> tuple[Question, ...]:
    """The questions a phone sees: in presenter mode only the current one, so nobody reads
    ahead of the facilitator; in a self-paced survey all of them; in an interview none
    (nobody joins one: the facilitator records the answers)."""
    if is_interview(info.mode):
        return ()
    if info.mode == "presenter":
        return tuple(q for q in info.questions if q.id == info.current_question)
    return info.questions


def phone_result_ids(info: SessionInfo) -> list[str]:
    """The questions whose results phones may see: a Q&A's posts always (voting on them is
    the point), any other question's only once the facilitator revealed them."""
    return [
        q.id
        for q in phone_questions(info)
        if item_rules(q) is not None or info.question_states[q.id].results_shared
    ]


def phone_results(info: SessionInfo, results: ResultMap) -> list[dict[str, Any]]:
    """Results as phones may see them: only revealed questions, without what the
    facilitator hid or has not approved."""
    shown = []
    for question_id in phone_result_ids(info):
        if question_id in results:
            q, entry = info.question(question_id), results[question_id]
            assert q is not None
            shown.append({**entry, "result": public_result(q, entry["result"])})
    return shown


def results_json(results: ResultMap) -> list[dict[str, Any]]:
    return list(results.values())
