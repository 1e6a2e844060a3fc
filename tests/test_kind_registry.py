"""Every question kind has one home per layer, and all of them: Python module, examples,
phone and presenter script, no-script form, catalog strings, README row."""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from server import errors
from server.config import ROOT
from server.errors import TemplateError, TrifectaError
from server.kinds import KINDS, Kind, Question, QuestionSpecs, questions_from_specs, validate_value
from server.models import AnswerRequest, QuestionResult
from server.surveys import parse_template

README = (ROOT / "README.md").read_text()
JS_KINDS = ROOT / "static" / "js" / "kinds"
PARTIALS = ROOT / "server" / "templates" / "kinds"
CATALOGS = sorted((ROOT / "static" / "i18n").glob("*.json"))
PO_FILES = sorted((ROOT / "server" / "locale").glob("*/LC_MESSAGES/messages.po"))
ALL_CODES = {e.code for e in errors.ALL_ERRORS}
KIND_PARAMS = [pytest.param(kind, id=name) for name, kind in KINDS.items()]


def _example_question(kind: Kind[typing.Any]) -> Question:
    spec = kind.spec.model_validate(kind.examples.question)
    return questions_from_specs([spec])[0]


def test_the_spec_union_lists_exactly_the_registered_kinds() -> None:
    union = typing.get_args(typing.get_args(QuestionSpecs)[0])
    assert {spec.model_fields["kind"].annotation.__args__[0] for spec in union} == set(KINDS)
    assert all(kind.spec in union for kind in KINDS.values())


@pytest.mark.parametrize("kind", KIND_PARAMS)
def test_every_kind_has_its_module_script_partial_and_readme_row(kind: Kind[typing.Any]) -> None:
    module = type(kind).__module__
    assert module.startswith("server.kinds.") and module != "server.kinds.base", module
    script = JS_KINDS / f"{kind.name}.js"
    assert script.is_file(), script
    source = script.read_text()
    for export in (
        "export function phone",
        "export function read",
        "export function present",
        "export const sendsOnChange",
    ):
        assert export in source, (script.name, export)
    assert f'"./{kind.name}.js"' in (JS_KINDS / "index.js").read_text()
    assert (PARTIALS / f"{kind.name}.html").is_file()
    openapi_value = AnswerRequest.model_json_schema()["properties"]["value"]["description"]
    openapi_result = QuestionResult.model_json_schema()["properties"]["result"]["description"]
    assert f"- {kind.name}: {kind.value_doc}" in openapi_value
    assert f"- {kind.name}: {kind.result_doc}" in openapi_result
    assert re.search(rf"^\| `{kind.name}` \|", README, re.M), f"README has no row for {kind.name}"


@pytest.mark.parametrize("kind", KIND_PARAMS)
def test_every_kind_takes_its_valid_examples_and_refuses_its_invalid_ones(
    kind: Kind[typing.Any],
) -> None:
    question = _example_question(kind)
    assert kind.examples.valid and kind.examples.invalid
    for value in kind.examples.valid:
        validate_value(question, value)
    for what, value, code in kind.examples.invalid:
        if code in kind.stored_codes:  # refused by the store: tests/test_qa.py and the API tests
            validate_value(question, value)
            continue
        with pytest.raises(TrifectaError) as refused:
            validate_value(question, value)
        assert refused.value.code == code, (kind.name, what)
    used = {code for _, _, code in kind.examples.invalid}
    assert used <= set(kind.codes) <= ALL_CODES, (used, kind.codes)


@pytest.mark.parametrize("kind", KIND_PARAMS)
def test_every_string_a_kind_shows_exists_in_every_language(kind: Kind[typing.Any]) -> None:
    keys = set(re.findall(r"\bt\(\"([a-z_.]+)\"", (JS_KINDS / f"{kind.name}.js").read_text()))
    keys |= set(re.findall(r"\bt\(\"([a-z_.]+)\"", (JS_KINDS / "parts.js").read_text()))
    for catalog in CATALOGS:
        missing = keys - set(json.loads(catalog.read_text()))
        assert not missing, (catalog.name, missing)
    partials = "".join(p.read_text() for p in PARTIALS.glob("*.html"))
    phrases = set(re.findall(r'_\("([^"]+)"', partials))
    for po in PO_FILES:
        with po.open("rb") as f:
            catalog = read_po(f)
        for phrase in phrases:
            message = catalog.get(phrase)
            assert message is not None, (po, phrase)
            assert message.string or "/en/" in str(po), (po, phrase)  # English is the msgid


def test_an_unknown_kind_is_refused_at_template_load_naming_the_kinds() -> None:
    text = 'id = "t"\ntitle = "T"\n[[questions]]\nkind = "poll"\nprompt = "p"\n'
    with pytest.raises(TemplateError) as refused:
        parse_template("poll.toml", text)
    assert "poll" in str(refused.value) and "single_choice" in str(refused.value)


def test_no_page_or_script_decides_by_a_kind_name() -> None:
    """The kinds' own modules are the only place that knows a kind by name."""
    places = [
        *(ROOT / "static" / "js").glob("*.js"),
        *(ROOT / "server").glob("*.py"),
        *(ROOT / "server" / "store").glob("*.py"),
        ROOT / "server/templates/phone.html",
    ]
    for place in places:
        text = Path(place).read_text()
        for name in KINDS:
            assert f'"{name}"' not in text, (place.name, name)
