"""Templates: loading, validation reported by file and field, stable slugs."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from server.config import ROOT
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
    assert [o.id for o in survey.questions[0].options] == ["learner", "l-d", "lead"]
    assert survey.questions[0].id == "q1"


@given(st.text(max_size=100))
def test_slugs_are_short_ascii_and_stable(text: str) -> None:
    slug = slugify(text)
    assert slug == slugify(text)
    assert 1 <= len(slug) <= 40
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
