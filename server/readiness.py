"""The readiness verdict: is the request clear enough to start designing, or should the work
pause until something is answered?

The performance alignment checklist asks about five areas (problem definition, success
metrics, strategic alignment, solution design, impact measurement), each a scale question
whose statements the room rates. An area is clear when every statement's mean sits in the
top third of its scale; a statement below that, or nobody's answer, leaves the area open.
The verdict is "clear to design" only when every area is clear, otherwise "pause", with the
statements still open listed by name, so that the brief says what has to be answered
rather than offering a score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .kinds import Question, ScaleConfig
from .store import ResultMap

CLEAR_SHARE = 2 / 3  # a mean this far from the scale's bottom to its top counts as clear

AreaState = Literal["clear", "open", "unanswered"]
Verdict = Literal["clear_to_design", "pause"]
VERDICTS: dict[Verdict, str] = {
    "clear_to_design": "Clear to design",
    "pause": "Pause: answer the open points first",
}


@dataclass
class Statement:
    label: str
    n: int
    mean: float | None
    clear: bool


@dataclass
class Area:
    question: str  # its id
    title: str  # its prompt
    state: AreaState
    threshold: float  # the mean a statement needs to be clear
    statements: list[Statement] = field(default_factory=list)


@dataclass
class Readiness:
    verdict: Verdict
    verdict_label: str
    areas: list[Area]
    open_points: list[str]  # the statements still open, by label, in question order


def assess(fed: list[Question], results: ResultMap) -> Readiness | None:
    """The verdict over the scale questions that feed the readiness section, or None when
    there are none (the section then says it has no evidence)."""
    areas = [_area(q, results) for q in fed if isinstance(q.config, ScaleConfig)]
    if not areas:
        return None
    open_points = [s.label for a in areas for s in a.statements if not s.clear]
    verdict: Verdict = "clear_to_design" if all(a.state == "clear" for a in areas) else "pause"
    return Readiness(verdict, VERDICTS[verdict], areas, open_points)


def _area(q: Question, results: ResultMap) -> Area:
    assert isinstance(q.config, ScaleConfig)
    config = q.config
    threshold = round(config.min + CLEAR_SHARE * (config.max - config.min), 2)
    found = results.get(q.id, {}).get("result", {}).get("statements", {})
    statements = []
    for s in config.statements:
        entry = found.get(s.id, {})
        mean = entry.get("mean")
        statements.append(
            Statement(s.label, int(entry.get("n", 0)), mean, mean is not None and mean >= threshold)
        )
    return Area(q.id, q.prompt, _state(statements), threshold, statements)


def _state(statements: list[Statement]) -> AreaState:
    if all(s.n == 0 for s in statements):
        return "unanswered"
    return "clear" if all(s.clear for s in statements) else "open"
