"""The OpenAPI description, generated from the same models that validate requests."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import JSONResponse

from . import models as m
from .brief_render import PAPERS

_MODELS: list[type[BaseModel]] = [
    m.CreateSessionRequest,
    m.EditQuestionsRequest,
    m.TemplateRequest,
    m.ImportTemplateRequest,
    m.ControlRequest,
    m.ModerationRequest,
    m.SettingsRequest,
    m.AnswerRequest,
    m.RespondentRequest,
    m.RespondentAnswerRequest,
    m.RespondentOut,
    m.RespondentAnswersResponse,
    m.ErrorResponse,
    m.CreatedSessionResponse,
    m.JoinResponse,
    m.AnswerResponse,
    m.OkResponse,
    m.HealthResponse,
    m.ResultsResponse,
    m.SegmentResultsResponse,
    m.SessionResponse,
    m.SessionSummaryOut,
    m.TemplateOut,
    m.BriefDetails,
    m.NewInsightRequest,
    m.EditInsightRequest,
]
_REF = "#/components/schemas/{model}"


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _op(
    summary: str,
    ok: dict[str, dict[str, Any]],
    *,
    body: type[BaseModel] | None = None,
    security: list[dict[str, list[str]]] | None = None,
    params: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {**ok, "default": _json(_ref(m.ErrorResponse), "Error")},
    }
    if body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(body)}},
        }
    if security is not None:
        op["security"] = security
    if params:
        op["parameters"] = params
    return op


def _path(name: str, pattern: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if pattern:
        schema["pattern"] = pattern
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _format_param(*formats: str) -> dict[str, Any]:
    """The optional `?format=` of a download; the first is the default."""
    return {
        "name": "format",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": list(formats)},
    }


@cache
def spec() -> dict[str, Any]:
    _, defs = models_json_schema([(model, "validation") for model in _MODELS], ref_template=_REF)
    organizer: list[dict[str, list[str]]] = [{"bearer": []}]
    presenter: list[dict[str, list[str]]] = [{"bearer": []}]
    participant: list[dict[str, list[str]]] = [{"participant": []}]
    sid = [_path("session_id")]
    results_params = [
        *sid,
        {
            "name": "segment",
            "in": "query",
            "required": False,
            "description": "split the results by the answers to this segment question",
            "schema": {"type": "string", "maxLength": 64},
        },
    ]
    respondent_params = [*sid, _path("respondent_id", "^[0-9]{1,18}$")]
    export_params = [
        *sid,
        _format_param("csv", "xlsx", "json"),
    ]
    files = {
        "200": {
            "description": "The export file",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Trifecta",
            "version": "1",
            "description": "Live audience polling for alignment sessions.",
        },
        "components": {
            "schemas": defs["$defs"],
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The organizer token or a session's presenter key",
                },
                "participant": {"type": "apiKey", "in": "cookie", "name": "trifecta_pid"},
            },
        },
        "paths": {
            "/healthz": {
                "get": _op(
                    "Store and broker health",
                    {
                        "200": _json(_ref(m.HealthResponse)),
                        "503": _json(_ref(m.HealthResponse), "The store is unavailable"),
                    },
                )
            },
            "/api/templates": {
                "get": _op(
                    "Session templates: the shipped ones, then those saved in the console",
                    {"200": _json({"type": "array", "items": _ref(m.TemplateOut)})},
                    security=organizer,
                ),
                "post": _op(
                    "Save a template (its id is made from its title)",
                    {"201": _json(_ref(m.TemplateOut), "Created")},
                    body=m.TemplateRequest,
                    security=organizer,
                ),
            },
            "/api/templates/import": {
                "post": _op(
                    "Save a template from the text of its TOML file",
                    {"201": _json(_ref(m.TemplateOut), "Created")},
                    body=m.ImportTemplateRequest,
                    security=organizer,
                )
            },
            "/api/templates/{template_id}/export": {
                "get": _op(
                    "A template as a TOML file",
                    {
                        "200": {
                            "description": "The TOML file",
                            "content": {"application/toml": {"schema": {"type": "string"}}},
                        }
                    },
                    security=organizer,
                    params=[_path("template_id")],
                )
            },
            "/api/sessions": {
                "get": _op(
                    "Sessions",
                    {"200": _json({"type": "array", "items": _ref(m.SessionSummaryOut)})},
                    security=organizer,
                ),
                "post": _op(
                    "Create a session",
                    {"201": _json(_ref(m.CreatedSessionResponse), "Created")},
                    body=m.CreateSessionRequest,
                    security=organizer,
                ),
            },
            "/api/sessions/{session_id}": {
                "get": _op(
                    "A session with its questions",
                    {"200": _json(_ref(m.SessionResponse))},
                    security=presenter,
                    params=sid,
                ),
                "delete": _op(
                    "Delete a session with all its participants, answers, posts and votes",
                    {"200": _json(_ref(m.OkResponse))},
                    security=organizer,
                    params=sid,
                ),
            },
            "/api/sessions/{session_id}/questions": {
                "put": _op(
                    "Replace a session's questions (and title) while nobody has answered",
                    {"200": _json(_ref(m.SessionResponse))},
                    body=m.EditQuestionsRequest,
                    security=organizer,
                    params=sid,
                )
            },
            "/api/sessions/{session_id}/control": {
                "post": _op(
                    "Presenter action",
                    {"200": _json(_ref(m.SessionResponse))},
                    body=m.ControlRequest,
                    security=presenter,
                    params=sid,
                )
            },
            "/api/sessions/{session_id}/settings": {
                "post": _op(
                    "Change a running session's settings (the language filter)",
                    {"200": _json(_ref(m.SessionResponse))},
                    body=m.SettingsRequest,
                    security=presenter,
                    params=sid,
                )
            },
            "/api/sessions/{session_id}/moderation": {
                "post": _op(
                    "Hide or show a story or Q&A post; approve or mark a post answered",
                    {"200": _json(_ref(m.OkResponse))},
                    body=m.ModerationRequest,
                    security=presenter,
                    params=sid,
                )
            },
            "/api/sessions/{session_id}/results": {
                "get": _op(
                    "Current results, or with ?segment= per group of a segment question",
                    {
                        "200": _json(
                            {"oneOf": [_ref(m.ResultsResponse), _ref(m.SegmentResultsResponse)]}
                        )
                    },
                    security=presenter,
                    params=results_params,
                )
            },
            "/api/sessions/{session_id}/responses": {
                "post": _op(
                    "Answer a question",
                    {
                        "201": _json(_ref(m.AnswerResponse), "Accepted"),
                        "200": _json(_ref(m.AnswerResponse), "Duplicate"),
                    },
                    body=m.AnswerRequest,
                    security=participant,
                    params=sid,
                )
            },
            "/api/sessions/{session_id}/respondents": {
                "get": _op(
                    "An interview's respondents, with how many questions each has answered",
                    {"200": _json({"type": "array", "items": _ref(m.RespondentOut)})},
                    security=presenter,
                    params=sid,
                ),
                "post": _op(
                    "Record a respondent of an interview session (their role is their answer "
                    "to the segment question)",
                    {"201": _json(_ref(m.RespondentOut), "Created")},
                    body=m.RespondentRequest,
                    security=presenter,
                    params=sid,
                ),
            },
            "/api/sessions/{session_id}/respondents/{respondent_id}/answers": {
                "get": _op(
                    "A respondent's current answers",
                    {"200": _json(_ref(m.RespondentAnswersResponse))},
                    security=presenter,
                    params=respondent_params,
                ),
                "post": _op(
                    "Record a respondent's answer, validated and stored as a phone's is",
                    {
                        "201": _json(_ref(m.AnswerResponse), "Accepted"),
                        "200": _json(_ref(m.AnswerResponse), "Duplicate"),
                    },
                    body=m.RespondentAnswerRequest,
                    security=presenter,
                    params=respondent_params,
                ),
            },
            "/api/sessions/{session_id}/brief": {
                "get": _op(
                    "The performance brief so far, section by section (Markdown, JSON, the "
                    "printable HTML page or that page as PDF)",
                    {
                        "200": {
                            "description": "The brief",
                            "content": {
                                "text/markdown": {"schema": {"type": "string"}},
                                "application/json": {"schema": {"type": "object"}},
                                "text/html": {"schema": {"type": "string"}},
                                "application/pdf": {
                                    "schema": {"type": "string", "format": "binary"}
                                },
                            },
                        },
                    },
                    security=presenter,
                    params=[
                        *sid,
                        _format_param("md", "json", "html", "pdf"),
                        {
                            "name": "paper",
                            "in": "query",
                            "required": False,
                            "description": "the sheet the html and pdf formats are laid out on",
                            "schema": {"type": "string", "enum": list(PAPERS)},
                        },
                    ],
                )
            },
            "/api/sessions/{session_id}/brief/details": {
                "get": _op(
                    "The brief's header, success KPI and sign-off",
                    {"200": _json({"type": "object"})},
                    security=presenter,
                    params=sid,
                ),
                "put": _op(
                    "Replace the brief's header, success KPI and sign-off",
                    {"200": _json({"type": "object"})},
                    body=m.BriefDetails,
                    security=presenter,
                    params=sid,
                ),
            },
            "/api/sessions/{session_id}/insights": {
                "get": _op(
                    "The proposals not yet decided, and the stored insights",
                    {"200": _json({"type": "object"})},
                    security=presenter,
                    params=sid,
                ),
                "post": _op(
                    "Accept or discard a proposal by its origin, or write an insight",
                    {"201": _json({"type": "object"}, "Created")},
                    body=m.NewInsightRequest,
                    security=presenter,
                    params=sid,
                ),
            },
            "/api/sessions/{session_id}/insights/{insight_id}": {
                "patch": _op(
                    "Change an insight's wording, section, tag, place or status",
                    {"200": _json({"type": "object"})},
                    body=m.EditInsightRequest,
                    security=presenter,
                    params=[*sid, _path("insight_id", "^[0-9]{1,18}$")],
                )
            },
            "/api/sessions/{session_id}/insights/{insight_id}/history": {
                "get": _op(
                    "An insight's changes, oldest first",
                    {"200": _json({"type": "object"})},
                    security=presenter,
                    params=[*sid, _path("insight_id", "^[0-9]{1,18}$")],
                )
            },
            "/api/sessions/{session_id}/export": {
                "get": _op("Export answers", files, security=presenter, params=export_params)
            },
            "/api/join/{code}": {
                "post": {
                    **_op(
                        "Join a session; sets the participant cookie",
                        {"200": _json(_ref(m.JoinResponse))},
                        params=[_path("code")],
                    ),
                    # No fields, but JSON all the same: every API POST is (see security.py)
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"type": "object", "maxProperties": 0}}
                        },
                    },
                }
            },
        },
    }


async def endpoint(request: Request) -> JSONResponse:
    return JSONResponse(spec())
