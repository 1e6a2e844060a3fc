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
