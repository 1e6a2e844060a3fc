"""The sections of the performance brief, in the order the brief shows them: the fixed
list that a template's `brief = "..."` tags name (an unknown name is refused at load)."""

from __future__ import annotations

from typing import Literal, get_args

# What each section holds, and so which questions feed it
SECTIONS: dict[str, str] = {
    "audience": "who answered: the trifecta group of each participant (a segment question)",
    "problem": "the business problem or opportunity, not a training topic",
    "success": "what success looks like in numbers: the KPI, its owner, baseline, target, date",
    "evidence": "evidence of the gap between today and success",
    "behaviours": "what people must do differently, ranked",
    "barriers": "what stands in the way: knowledge, skill, motivation or environment",
    "solutions": "the solution mix: training and what else (job aids, coaching, process)",
    "measurement": "how the change is measured: early behaviour signals, business results",
    "alignment": "where learners, leaders and L&D agree and where they differ",
    "voices": "stories from the room, quoted as they were written",
    "readiness": "the performance alignment checklist: clear to design, or pause",
}
BriefSection = Literal[
    "audience",
    "problem",
    "success",
    "evidence",
    "behaviours",
    "barriers",
    "solutions",
    "measurement",
    "alignment",
    "voices",
    "readiness",
]
assert get_args(BriefSection) == tuple(SECTIONS), "BriefSection must list SECTIONS in order"

# What an insight may be tagged with, per section (no tag elsewhere). A barrier's type
# makes the causes that training cannot fix stand out; a measure's Kirkpatrick level
# says whether it watches reactions, learning, behaviour or business results.
TAGS: dict[str, dict[str, str]] = {
    "barriers": {
        "knowledge": "Knowledge",
        "skill": "Skill",
        "motivation": "Motivation",
        "environment_tools": "Environment: tools",
        "environment_process": "Environment: process",
        "environment_feedback": "Environment: feedback",
    },
    "measurement": {
        "level_1": "Level 1: reaction",
        "level_2": "Level 2: learning",
        "level_3": "Level 3: behaviour",
        "level_4": "Level 4: results",
    },
}
# Barriers that training alone does not remove: the brief calls them out
NOT_TRAINING = frozenset(
    {"motivation", "environment_tools", "environment_process", "environment_feedback"}
)


def tag_problem(section: str, tag: str | None) -> str | None:
    """Why `tag` cannot mark an insight of `section`, or None when it can."""
    allowed = TAGS.get(section, {})
    if tag is None or tag in allowed:
        return None
    if not allowed:
        return f"tag: the section {section!r} takes no tag, got {tag[:32]!r}"
    return f"tag: the section {section!r} takes one of {', '.join(allowed)}, got {tag[:32]!r}"
