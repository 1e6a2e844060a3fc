"""Templates: loading, validation reported by file and field, stable slugs."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from server.config import ROOT
from server.errors import TemplateError
from server.sections import SECTIONS
from server.surveys import load_surveys, parse_template, slugify

GOOD = """
id = "good"
title = "Good"
[[questions]]
kind = "single_choice"
prompt = "Which group?"
options = ["Learner", "L&D", {id = "lead", label = "Leader"}]
"""


def test_shipped_templates_all_load() -> None:
    surveys, problems = load_surveys(ROOT / "session_templates")
    assert problems == []
    assert len(surveys) >= 2
    for survey in surveys.values():
        assert survey.questions and survey.title


def test_bad_template_is_reported_by_file_and_field_and_good_ones_still_load(
    tmp_path: Path,
) -> None:
    (tmp_path / "good.toml").write_text(GOOD)
    (tmp_path / "bad.toml").write_text(
        GOOD.replace('id = "good"', 'id = "bad"') + '[[questions]]\nkind = "scale"\nprompt = "x"\n'
        'statements = ["a"]\nmin = 5\nmax = 1\n'
    )
    (tmp_path / "broken.toml").write_text("id = [")
    surveys, problems = load_surveys(tmp_path)
    assert list(surveys) == ["good"]
    assert any(
        p.startswith("bad.toml: questions.1") and "max must be greater than min" in p
        for p in problems
    ), problems
    assert any(p.startswith("broken.toml: not valid TOML") for p in problems)


def test_option_ids_are_slugs_of_labels_unless_given() -> None:
    survey = parse_template("good.toml", GOOD)
    assert [o.id for o in survey.questions[0].config.options] == ["learner", "l-d", "lead"]
    assert survey.questions[0].id == "q1"


@given(st.text(max_size=100))
def test_slugs_are_short_ascii_and_stable(text: str) -> None:
    slug = slugify(text)
    assert slug == slugify(text)
    assert 1 <= len(slug) <= 40
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)


UNKIND_LABELS = {
    "arabic": ["موافق", "غير موافق", "محايد"],
    "emoji": ["👍", "👎", "🤷", "👍🏽"],
    "case only": ["A", "a", "Ä"],
    "long common prefix": [
        "Our leaders agree on the business goal and say so in every meeting",
        "Our leaders agree on the business goal but rarely say so to teams",
    ],
    "mixed with explicit ids": ["Learner", {"id": "learner", "label": "Lerner"}, "learner!"],
}


def _toml_list(labels: list[str | dict[str, str]]) -> str:
    items = [
        f'{{id = "{item["id"]}", label = "{item["label"]}"}}'
        if isinstance(item, dict)
        else f'"{item}"'
        for item in labels
    ]
    return "[" + ", ".join(items) + "]"


def test_every_option_and_statement_id_is_unique_whatever_the_script() -> None:
    for name, labels in UNKIND_LABELS.items():
        text = (
            f'id = "t"\ntitle = "T"\n[[questions]]\nkind = "single_choice"\nprompt = "p"\n'
            f"options = {_toml_list(labels)}\n"
            f'[[questions]]\nkind = "scale"\nprompt = "p"\nstatements = {_toml_list(labels)}\n'
        )
        survey = parse_template(f"{name}.toml", text)
        options, statements = (
            survey.questions[0].config.options,
            survey.questions[1].config.statements,
        )
        assert len({o.id for o in options}) == len(labels), (name, options)
        assert len({s.id for s in statements}) == len(labels), (name, statements)
        again = parse_template(f"{name}.toml", text)  # stable: the same file, the same ids
        assert again.questions[0].config.options == options


def test_an_explicit_id_used_twice_is_refused() -> None:
    text = GOOD.replace('"Learner"', '{id = "lead", label = "Learner"}')
    try:
        parse_template("twice.toml", text)
    except Exception as e:
        assert "ids must be unique" in str(e)
    else:
        raise AssertionError("two options with the id 'lead' were accepted")


def test_a_template_naming_an_unknown_brief_section_is_refused_at_load() -> None:
    text = GOOD + 'brief = "stories"\n'
    try:
        parse_template("voices.toml", text)
    except TemplateError as e:
        message = str(e)
    else:
        raise AssertionError("a template with an unknown brief section was loaded")
    assert message.startswith("voices.toml: questions.0.single_choice.brief:")
    assert "'voices'" in message and "'readiness'" in message  # the allowed names
    good = parse_template("voices.toml", GOOD + 'brief = "voices"\n')
    assert good.questions[0].brief == "voices"
    assert next(iter(SECTIONS)) == "audience"
