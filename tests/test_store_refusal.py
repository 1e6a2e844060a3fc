"""The second line of defence: a row the database refuses fails alone, its batch commits.

The edge refuses text that UTF-8 cannot encode, so these tests hand the real SQLite store
answers that slipped past it, the way a future bug in validation would let them through."""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path

import pytest

from server.errors import NotStorable
from server.kinds import Question, TextConfig, validate_value
from server.store import Answer, Recorded, Store, open_store

QUESTION = Question(
    id="q1", kind="open_text", prompt="Tell us a story", config=TextConfig(max_length=200)
)
PHONES = 30
BAD_AT = (0, 13, 29)  # first, middle and last of the batch


async def _open(tmp_path: Path) -> tuple[Store, str, list[int]]:
    store = open_store(f"sqlite:///{tmp_path / 'trifecta.db'}")
    await store.open()
    created = await store.create_session(
        title="Refusals", mode="self_paced", template_id=None, questions=(QUESTION,)
    )
    participants = [await store.join(created.id, f"{i:064x}") for i in range(PHONES)]
    return store, created.id, participants


def _answers(session_id: str, participants: list[int]) -> list[Answer]:
    out = []
    for i, participant in enumerate(participants):
        text = "a story \ud800" if i in BAD_AT else f"story {i}"
        out.append(Answer(session_id, participant, str(uuid.uuid4()), "q1", text))
    return out


async def test_a_refused_row_fails_alone_and_the_rest_of_its_batch_commits(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store, session_id, participants = await _open(tmp_path)
    try:
        answers = _answers(session_id, participants)
        caplog.set_level(logging.WARNING)
        # Offered back to back, they reach the writer thread together: one batch (or a few)
        outcomes = await asyncio.gather(
            *(store.record_answer(a) for a in answers), return_exceptions=True
        )
        for i, outcome in enumerate(outcomes):
            if i in BAD_AT:
                assert isinstance(outcome, NotStorable), (i, outcome)
            else:
                assert outcome is Recorded.ACCEPTED, (i, outcome)
        results = await store.results(session_id)
        texts = sorted(item["text"] for item in results["q1"]["result"]["items"])
        assert texts == sorted(f"story {i}" for i in range(PHONES) if i not in BAD_AT)
        refusals = [r for r in caplog.records if "refused an answer" in r.getMessage()]
        assert len(refusals) == len(BAD_AT)
        assert all(r.exc_info is None for r in caplog.records), "a refusal logs no traceback"
    finally:
        await store.close()


async def test_a_refused_answer_stores_nothing_and_a_good_retry_is_accepted(tmp_path: Path) -> None:
    store, session_id, participants = await _open(tmp_path)
    try:
        client_id = str(uuid.uuid4())
        bad = Answer(session_id, participants[0], client_id, "q1", "bad \udfff")
        with pytest.raises(NotStorable):
            await store.record_answer(bad)
        assert (await store.results(session_id))["q1"]["responses"] == 0
        good = Answer(
            session_id, participants[0], client_id, "q1", validate_value(QUESTION, "good")
        )
        assert await store.record_answer(good) is Recorded.ACCEPTED
        assert (await store.results(session_id))["q1"]["responses"] == 1
    finally:
        await store.close()
