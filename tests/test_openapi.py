"""The OpenAPI description states the same rules as the models that validate requests:
whatever a model accepts the schema accepts, and the other way round."""

from __future__ import annotations

from itertools import product
from typing import Any

import jsonschema_rs
import pytest
from pydantic import BaseModel, ValidationError

from server import models
from server.openapi import spec

from .client import SIMPLE_QUESTIONS

ABSENT: Any = object()


def schema_accepts(model: type[BaseModel], body: dict[str, Any]) -> bool:
    document = {**spec(), "$ref": f"#/components/schemas/{model.__name__}"}
    return bool(jsonschema_rs.Draft202012Validator(document).is_valid(body))


def model_accepts(model: type[BaseModel], body: dict[str, Any]) -> bool:
    try:
        model.model_validate(body)
    except ValidationError:
        return False
    return True


def bodies(choices: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of each field being absent, null or one of its values."""
    names = list(choices)
    return [
        {n: v for n, v in zip(names, values, strict=True) if v is not ABSENT}
        for values in product(*([ABSENT, None, *choices[n]] for n in names))
    ]


CREATE = bodies(
    {
        "template": ["alignment-pulse-check"],
        "title": ["Pulse"],
        "questions": [SIMPLE_QUESTIONS],
        "mode": ["self_paced"],
    }
)
CONTROL = bodies(
    {
        "action": ["goto", "open", "lock", "show_results", "hide_results", "countdown", "end"],
        "question": ["q1"],
        "seconds": [30, 4, 3601, "30", 30.5],
    }
)


@pytest.mark.parametrize("body", CREATE, ids=[str(sorted(b)) for b in CREATE])
def test_create_session_template_or_questions_rule_is_in_the_schema(body: dict[str, Any]) -> None:
    model = models.CreateSessionRequest
    assert schema_accepts(model, body) == model_accepts(model, body), body


@pytest.mark.parametrize("body", CONTROL, ids=[repr(b) for b in CONTROL])
def test_control_rules_question_and_seconds_are_in_the_schema(body: dict[str, Any]) -> None:
    model = models.ControlRequest
    assert schema_accepts(model, body) == model_accepts(model, body), body
