"""What every backend's answer writer decides, written once: why an answer is refused,
and how a batch with one answer the database will not take still stores all the others.
The backends only read the rows these rules look at, each in its own dialect."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import (
    NotStorable,
    OwnQuestion,
    QuestionLocked,
    QuestionNotOpen,
    SessionEnded,
    TooManyPosts,
    UnknownItem,
)
from ..kinds import ItemRules
from . import Answer
from .core import effective_state

log = logging.getLogger(__name__)

QuestionRow = tuple[str, str, str, str | None]  # session, question, state, deadline


def refusals(
    batch: list[Answer],
    session_states: dict[str, str],
    question_rows: Iterable[QuestionRow],
    at: str,
) -> list[Exception | None]:
    """Why each answer cannot be taken at `at`, or None. The states must be read inside
    the write transaction, so that no lock or deadline slips in between check and insert."""
    question_states = {
        (sid, qid): effective_state(state, deadline, at)
        for sid, qid, state, deadline in question_rows
    }
    out: list[Exception | None] = []
    for a in batch:
        state = question_states.get((a.session_id, a.question_id))
        if session_states.get(a.session_id) != "live":
            out.append(SessionEnded("this session has ended and takes no more answers"))
        elif state == "locked":
            out.append(QuestionLocked(f"question {a.question_id!r} is locked"))
        elif state != "open":
            out.append(QuestionNotOpen(f"question {a.question_id!r} is not open yet"))
        else:
            out.append(None)
    return out


def post_refusal(posted: int, rules: ItemRules) -> Exception | None:
    """A Q&A post beyond the participant's limit (`posted`: theirs so far)."""
    if posted >= rules.max_posts:
        return TooManyPosts(f"at most {rules.max_posts} questions per participant here")
    return None


def vote_refusal(
    answer: Answer, item_id: int, item: tuple[int, bool, bool] | None
) -> Exception | None:
    """A vote needs a post of this question that the room can see, and not one's own.
    `item`: the post's (participant, pending, hidden), None when the question has none."""
    if item is None or item[1] or item[2]:
        return UnknownItem(f"question {answer.question_id!r} shows no post {str(item_id)!r}")
    if item[0] == answer.participant_id:
        return OwnQuestion("you cannot vote for your own question")
    return None


def stored_apart_if_refused(
    store: Callable[[list[Answer]], list[Any]],
    batch: list[Answer],
    refused: tuple[type[BaseException], ...],
) -> list[Any]:
    """`store` the batch in one transaction. If the database refuses a row (`refused`),
    the batch is split in halves and each half stored again, so the refused answer fails
    alone and every other answer commits: one bad answer costs about 2 log2(n)
    transactions, in order."""
    try:
        return store(batch)
    except refused as e:
        if len(batch) > 1:
            half = len(batch) // 2
            return stored_apart_if_refused(store, batch[:half], refused) + (
                stored_apart_if_refused(store, batch[half:], refused)
            )
        log.warning(
            "the store refused an answer to question %r: %s",
            batch[0].question_id[:64],
            type(e).__name__,
        )
        return [NotStorable("the store could not take this answer's value; it was not stored")]
