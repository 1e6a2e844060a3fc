"""The fixed set of reactions and what a message or a broker notice may carry."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.errors import InvalidRequest, UnknownReaction
from server.reactions import REACTIONS, counts_from_notice, parse_reaction


@pytest.mark.parametrize("name", REACTIONS)
def test_every_reaction_of_the_set_is_taken(name: str) -> None:
    assert parse_reaction({"type": "reaction", "reaction": name}) == name


@pytest.mark.parametrize("name", ["clap", "Heart", "heart ", "", "👍"])
def test_a_name_outside_the_set_is_refused_naming_the_allowed_ones(name: str) -> None:
    with pytest.raises(UnknownReaction) as refused:
        parse_reaction({"type": "reaction", "reaction": name})
    assert ", ".join(REACTIONS) in refused.value.message


@pytest.mark.parametrize("value", [None, 1, True, ["heart"], {"name": "heart"}])
def test_a_missing_or_non_text_reaction_is_an_invalid_request(value: Any) -> None:
    message = {"type": "reaction"} if value is None else {"type": "reaction", "reaction": value}
    with pytest.raises(InvalidRequest) as refused:
        parse_reaction(message)
    assert "'reaction'" in refused.value.message


def test_a_long_unknown_name_is_cut_short_in_the_message() -> None:
    with pytest.raises(UnknownReaction) as refused:
        parse_reaction({"reaction": "x" * 10_000})
    assert len(refused.value.message) < 200


def test_notice_counts_keep_only_known_reactions_with_positive_whole_counts() -> None:
    raw = {"heart": 3, "laugh": 0, "clap": 4, "question": -1, "surprise": True, "thumbs_up": 1.5}
    assert counts_from_notice(raw) == {"heart": 3}


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), st.lists, max_leaves=8))
def test_notice_counts_of_any_other_shape_are_empty(raw: object) -> None:
    assert counts_from_notice(raw) == {}


@given(st.dictionaries(st.text(max_size=12), st.integers() | st.booleans() | st.floats()))
def test_notice_counts_are_always_a_subset_of_the_set(raw: dict[str, Any]) -> None:
    counts = counts_from_notice(raw)
    assert set(counts) <= set(REACTIONS)
    assert all(type(n) is int and n > 0 for n in counts.values())
