"""Answer validation and tallies of the core kinds (pure functions)."""

from __future__ import annotations

import json
import statistics
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server import errors
from server.kinds import (
    KINDS,
    Choice,
    ChoiceConfig,
    Question,
    ScaleConfig,
    StoredAnswer,
    TextConfig,
    UnknownKind,
    public_result,
    question_json,
    questions_from_specs,
    tally,
    validate_value,
)
from server.profanity import caught
from server.store.codec import decode_question, encode_question

SINGLE = Question(
    id="q1",
    kind="single_choice",
    prompt="?",
    config=ChoiceConfig((Choice("a", "A"), Choice("b", "B"))),
)
MULTI = Question(
    id="q2",
    kind="multiple_choice",
    prompt="?",
    config=ChoiceConfig((Choice("a", "A"), Choice("b", "B"), Choice("c", "C")), max_choices=2),
)
SCALE = Question(
    id="q3",
    kind="scale",
    prompt="?",
    config=ScaleConfig((Choice("s1", "S1"), Choice("s2", "S2")), min=1, max=5),
)
TEXT = Question(id="q4", kind="open_text", prompt="?", config=TextConfig(max_length=10))


@pytest.mark.parametrize(
    ("question", "value", "error"),
    [
        (SINGLE, {"id": "a"}, errors.InvalidValue),
        (SINGLE, "zzz", errors.UnknownOption),
        (MULTI, "a", errors.InvalidValue),
        (MULTI, [], errors.InvalidValue),
        (MULTI, ["a", "a"], errors.DuplicateChoice),
        (MULTI, ["a", "b", "c"], errors.TooManyChoices),
        (MULTI, ["a", "x"], errors.UnknownOption),
        (SCALE, [1], errors.InvalidValue),
        (SCALE, {"s9": 1}, errors.UnknownStatement),
        (SCALE, {"s1": 6}, errors.OutOfRange),
        (SCALE, {"s1": 2.0}, errors.InvalidValue),
        (SCALE, {"s1": True}, errors.InvalidValue),
        (TEXT, "x" * 11, errors.TextTooLong),
        (TEXT, 5, errors.InvalidValue),
        (TEXT, "   ", errors.InvalidValue),
    ],
)
def test_bad_values_are_refused_with_their_own_error(
    question: Question, value: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        validate_value(question, value)


def test_scale_keeps_statement_order_and_allows_skips() -> None:
    assert validate_value(SCALE, {"s2": 5, "s1": 1}) == {"s1": 1, "s2": 5}
    assert validate_value(SCALE, {"s2": 3}) == {"s2": 3}


@given(st.lists(st.dictionaries(st.sampled_from(["s1", "s2"]), st.integers(1, 5), min_size=1)))
def test_scale_tally_matches_a_naive_count(values: list[dict[str, int]]) -> None:
    result = tally(SCALE, [StoredAnswer(i, v) for i, v in enumerate(values)])["statements"]
    for statement in ("s1", "s2"):
        given_points = [v[statement] for v in values if statement in v]
        assert result[statement]["n"] == len(given_points)
        assert sum(result[statement]["counts"].values()) == len(given_points)
        if given_points:
            assert result[statement]["mean"] == round(sum(given_points) / len(given_points), 3)


@given(st.lists(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=2, unique=True)))
def test_multiple_choice_counts_each_ticked_option(values: list[list[str]]) -> None:
    counts = tally(MULTI, [StoredAnswer(i, v) for i, v in enumerate(values)])["counts"]
    assert counts == {o: sum(o in v for v in values) for o in ("a", "b", "c")}


@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.floats(),
        st.text(),
        st.lists(st.text()),
        st.dictionaries(st.text(), st.integers()),
    )
)
def test_validators_raise_only_trifecta_errors(value: Any) -> None:
    for question in (SINGLE, MULTI, SCALE, TEXT):
        try:
            validate_value(question, value)
        except errors.TrifectaError:
            pass


def test_open_text_items_keep_hidden_flag_in_arrival_order() -> None:
    result = tally(TEXT, [StoredAnswer(7, "b", True), StoredAnswer(3, "a")])
    assert result == {
        "items": [
            {"id": "3", "text": "a", "hidden": False, "filtered": False},
            {"id": "7", "text": "b", "hidden": True, "filtered": False},
        ]
    }


def test_the_language_filter_marks_stories_and_leaves_words_out_of_the_cloud() -> None:
    stories = [StoredAnswer(1, "We never agreed on the goal"), StoredAnswer(2, "This is shit")]
    result = tally(TEXT, stories, caught)
    assert [i["filtered"] for i in result["items"]] == [False, True]
    assert [i["text"] for i in public_result(TEXT, result)["items"]] == [
        "We never agreed on the goal"
    ]
    cloud = questions_from_specs(
        [KINDS["word_cloud"].spec.model_validate(KINDS["word_cloud"].examples.question)]
    )[0]
    words = [StoredAnswer(1, ["time", "Scheiße"]), StoredAnswer(2, ["Time", "Kimme"])]
    assert tally(cloud, words, caught) == {"words": [{"text": "time", "count": 2}], "filtered": 2}
    assert tally(cloud, words)["filtered"] == 0  # the filter is off
    assert not caught("Scunthorpe") and not caught("Analyse der Daten")  # whole words only


LEGACY_DEFINITIONS = [  # as the store kept questions before kinds had configs (flat)
    '{"id": "q1", "kind": "single_choice", "prompt": "?", "position": 0, "options": '
    '[{"id": "a", "label": "A"}, {"id": "b", "label": "B"}], "statements": [], "max_choices": '
    'null, "min": 1, "max": 5, "min_label": null, "max_label": null, "max_length": 1000, '
    '"segment": true, "brief": "audience"}',
    '{"id": "q3", "kind": "scale", "prompt": "?", "position": 2, "options": [], "statements": '
    '[{"id": "s1", "label": "S1"}, {"id": "s2", "label": "S2"}], "max_choices": null, "min": 1, '
    '"max": 5, "min_label": "No", "max_label": "Yes", "max_length": 1000, "segment": false, '
    '"brief": null}',
    '{"id": "q4", "kind": "open_text", "prompt": "?", "position": 3, "options": [], '
    '"statements": [], "max_choices": null, "min": 1, "max": 5, "min_label": null, '
    '"max_label": null, "max_length": 10, "segment": false, "brief": null}',
]


@pytest.mark.parametrize("stored", LEGACY_DEFINITIONS)
def test_questions_stored_before_configs_still_load_and_round_trip(stored: str) -> None:
    q = decode_question(stored)
    assert decode_question(encode_question(q)) == q
    flat = json.loads(stored)
    assert question_json(q)["prompt"] == flat["prompt"] and q.position == flat["position"]
    if q.kind == "scale":
        assert q.config == ScaleConfig((Choice("s1", "S1"), Choice("s2", "S2")), 1, 5, "No", "Yes")
    if q.kind == "open_text":
        assert q.config == TextConfig(10)
    if q.kind == "single_choice":
        assert q.segment and q.brief == "audience"


def test_an_unknown_kind_fails_loudly_everywhere() -> None:
    with pytest.raises(UnknownKind, match="'poll'"):
        decode_question(LEGACY_DEFINITIONS[0].replace("single_choice", "poll"))
    with pytest.raises(UnknownKind):
        validate_value(Question(id="x", kind="poll", prompt="?", config=None), "a")


GRID = questions_from_specs(
    [KINDS["grid_2x2"].spec.model_validate(KINDS["grid_2x2"].examples.question)]
)[0]


@given(st.lists(st.tuples(st.integers(1, 10), st.integers(1, 10)), max_size=30))
def test_grid_tally_matches_statistics(places: list[tuple[int, int]]) -> None:
    answers = [StoredAnswer(i, {"job-aid": {"x": x, "y": y}}) for i, (x, y) in enumerate(places)]
    found = tally(GRID, answers)["items"]["job-aid"]
    assert found["n"] == len(places)
    for axis, points in (("x", [p[0] for p in places]), ("y", [p[1] for p in places])):
        if points:
            assert found[f"{axis}_mean"] == pytest.approx(statistics.fmean(points), abs=1e-3)
            assert found[f"{axis}_sd"] == pytest.approx(statistics.pstdev(points), abs=1e-3)
        else:
            assert found[f"{axis}_mean"] is None and found[f"{axis}_sd"] is None


def _cloud(language: str = "en") -> Question:
    spec = {**KINDS["word_cloud"].examples.question, "language": language}
    return questions_from_specs([KINDS["word_cloud"].spec.model_validate(spec)])[0]


def test_word_cloud_counts_a_word_however_it_is_typed_once_per_answer() -> None:
    answers = [
        ["Time", "the"],
        [" time ", "TIME"],
        ["unclear   goals", "Unclear Goals"],
        ["ﬂow"],
    ]  # the ligature is NFKC "flow"
    stored = [StoredAnswer(i, validate_value(_cloud(), a)) for i, a in enumerate(answers)]
    assert tally(_cloud(), stored) == {
        "words": [
            {"text": "time", "count": 2},
            {"text": "flow", "count": 1},
            {"text": "unclear goals", "count": 1},
        ],
        "filtered": 0,
    }  # "the" is an English stop word


def test_word_cloud_leaves_out_the_stop_words_of_its_own_language() -> None:
    german = [StoredAnswer(1, ["und", "Termine", "die"])]
    assert tally(_cloud("de"), german)["words"] == [{"text": "termine", "count": 1}]
    assert {w["text"] for w in tally(_cloud("en"), german)["words"]} == {
        "und",
        "termine",
        "die",
    }  # "die" is an English word
