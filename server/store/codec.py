"""Questions to and from the JSON stored with a session (definitions never change)."""

from __future__ import annotations

import json

from ..kinds import Question, question_from_json, question_to_json


def encode_question(q: Question) -> str:
    return json.dumps(question_to_json(q), ensure_ascii=False)


def decode_question(text: str) -> Question:
    return question_from_json(json.loads(text))
