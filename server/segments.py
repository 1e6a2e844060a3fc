"""Results split by a segment question (learners, leaders, L&D side by side), and the one
rule that keeps people hidden in them: a group smaller than the session's minimum group
size shows no results.

Withholding a small group alone is not enough: "all" minus the groups that are shown
would give the withheld group's answers back. So while the withheld groups together
have fewer than the minimum, the smallest shown group is withheld too (secondary
suppression, as statistics offices do for small cells), and what can be worked out by
subtraction is at best the answers of at least `min_group` people."""

from __future__ import annotations

from typing import Any

from .errors import InvalidRequest
from .kinds import ChoiceConfig, Question, item_rules
from .store import SegmentSplit, SessionInfo

NOT_SAID, ALL = "not_said", "all"  # who did not answer the segment question; everyone


def segment_question(info: SessionInfo, question_id: str) -> Question:
    """The session's segment question of that id, or a clear refusal."""
    q = info.question(question_id)
    if q is None or not q.segment or not isinstance(q.config, ChoiceConfig):
        segments = [s.id for s in info.questions if s.segment]
        raise InvalidRequest(
            f"segment: {question_id[:64]!r} is not a segment question of this session; "
            f"its segment questions are {segments or 'none'}"
        )
    return q


def split_segment(info: SessionInfo) -> Question | None:
    """The question a side-by-side view groups by: the session's first segment question
    that is a choice (the brief splits by the same one)."""
    return next(
        (q for q in info.questions if q.segment and isinstance(q.config, ChoiceConfig)), None
    )


def splittable(info: SessionInfo) -> set[str]:
    """The questions that can be shown per group: all but the segment question itself
    and Q&As (their posts are the room's questions, not answers to compare); none
    without a segment question."""
    segment = split_segment(info)
    if segment is None:
        return set()
    return {q.id for q in info.questions if q.id != segment.id and item_rules(q) is None}


def check_splittable(info: SessionInfo, question_id: str) -> None:
    """Refuse to show a question per group when there is nothing to group by, or when
    grouping it means nothing. An unknown question is left to the store's own refusal."""
    q = info.question(question_id)
    if q is None or q.id in splittable(info):
        return
    segment = split_segment(info)
    if segment is None:
        raise InvalidRequest(
            "split: this session has no segment question to compare groups by; "
            "mark a single choice question as a segment (segment = true)"
        )
    if q.id == segment.id:
        raise InvalidRequest(
            f"split: {q.id!r} is the segment question itself; its result already shows the groups"
        )
    raise InvalidRequest(
        f"split: {q.id!r} is a Q&A; its posts are the room's questions, not answers "
        "to compare by group"
    )


def withheld_groups(sizes: dict[str, int], min_group: int) -> set[str]:
    """The groups whose results are not shown: those with fewer than `min_group` people
    (an empty group hides nobody), then the smallest others until the withheld ones
    together reach `min_group`, so that no subtraction gives a small group back."""
    small = {g for g, n in sizes.items() if g != ALL and 0 < n < min_group}
    shown = sorted((n, g) for g, n in sizes.items() if g not in small and g != ALL and n > 0)
    while small and sum(sizes[g] for g in small) < min_group and shown:
        small.add(shown.pop(0)[1])
    return small


def split_json(q: Question, split: SegmentSplit) -> dict[str, Any]:
    """`GET /api/sessions/{id}/results?segment=QID`: one group per option, then those who
    did not say and everyone; withheld groups carry their size and nothing else."""
    options = [(c.id, c.label) for c in q.config.options]
    order = [*options, (NOT_SAID, None), (ALL, None)]
    sizes = {group: split.groups.get(group, (0, {}))[0] for group, _ in order}
    hidden = withheld_groups(sizes, split.min_group)
    groups = []
    for group, label in order:
        _, results = split.groups.get(group, (0, {}))
        groups.append(
            {
                "id": group,
                "label": label,
                "n": sizes[group],
                "withheld": group in hidden,
                "questions": [] if group in hidden else list(results.values()),
            }
        )
    return {"segment": q.id, "min_group": split.min_group, "groups": groups}


def question_groups_json(
    segment: Question, split: SegmentSplit, question_id: str
) -> dict[str, Any]:
    """One question side by side per group, for the presenter's view and the screen: the
    groups of `split_json` without "all" (the unsplit view), "not_said" only when someone
    is in it, each with this question's responses and result; a withheld group carries
    its size and nothing else."""
    whole = split_json(segment, split)
    groups = []
    for group in whole["groups"]:
        if group["id"] == ALL or (group["id"] == NOT_SAID and group["n"] == 0):
            continue
        column = {key: group[key] for key in ("id", "label", "n", "withheld")}
        found = next((r for r in group["questions"] if r["id"] == question_id), None)
        if found is not None:  # never for a withheld group: split_json gave it no results
            column.update(responses=found["responses"], result=found["result"])
        groups.append(column)
    return {
        "id": question_id,
        "segment": whole["segment"],
        "min_group": whole["min_group"],
        "groups": groups,
    }
