"""Questions to and from the JSON stored with a session (definitions never change)."""

from __future__ import annotations

import json
from dataclasses import asdict

from ..kinds import Choice, Question


def question_to_json(q: Question) -> str:
    data = asdict(q)
    data.pop("option_ids")
    data.pop("statement_ids")
    return json.dumps(data, ensure_ascii=False)


def question_from_json(text: str) -> Question:
    data = json.loads(text)
    data["options"] = tuple(Choice(**o) for o in data["options"])
    data["statements"] = tuple(Choice(**s) for s in data["statements"])
    return Question(**data)
