"""Candidate insights for the brief, proposed from a session's results: pure functions.

Each proposal says what the numbers say, plainly, and carries the numbers and question
ids it rests on; the facilitator accepts, edits or discards it (server/store/curation.py
keeps what they decided). The wording is built from the numbers alone: nothing is
interpreted, and a story is offered exactly as it was written, never paraphrased.

Per group numbers come only from the segment split (server/segments.py), and only from
groups it shows: a withheld group never appears in a proposal, not even by its size."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from . import segments
from .kinds import (
    ChoiceConfig,
    GridConfig,
    NpsConfig,
    PointsConfig,
    QaConfig,
    Question,
    RankingConfig,
    ScaleConfig,
    TextConfig,
    WordsConfig,
    aggregates,
    item_rules,
    public_result,
)
from .kinds.base import text_length
from .store import ResultMap, SessionInfo

TOP = 3  # barriers, low scores, gaps and ranked items offered per question
STORIES = 12  # stories offered to pin, of all the session's stories


@dataclass(frozen=True, slots=True)
class Proposal:
    origin: str  # stable while the numbers it names exist: e.g. "leading:q2"
    section: str
    kind: str  # leading | barrier | lowest | gap | top_ranked | mix | grid | score | story
    text: str
    evidence: dict[str, Any] = field(default_factory=dict)
    quote: bool = False  # a story: its text is the participant's own, verbatim

    def json(self) -> dict[str, Any]:
        return asdict(self)


def propose(info: SessionInfo, results: ResultMap, split: dict[str, Any] | None) -> list[Proposal]:
    """Every proposal for the session, question by question, then where the groups
    differ most (with `split`, `segments.split_json` of its segment question), then the
    stories worth quoting."""
    found: list[Proposal] = []
    for q in info.questions:
        entry = results.get(q.id)
        if entry is not None and int(entry["responses"]) > 0 and not q.segment:
            found += _for_question(q, entry["result"], int(entry["responses"]))
    if split is not None:
        found += _gaps(info, split)
    found += _stories(info, results)
    return found


def _for_question(q: Question, result: Any, n: int) -> list[Proposal]:
    """What a question's result offers, told by its kind's config (the kinds' modules
    are the only place that knows a kind by name)."""
    if isinstance(q.config, ChoiceConfig):
        if q.brief == "barriers":
            return _named_barriers(q, result, n)
        return _leading(q, result, n)
    makers: tuple[tuple[type, Callable[[Question, Any, int], list[Proposal]]], ...] = (
        (WordsConfig, _named_words),
        (ScaleConfig, _lowest),
        (RankingConfig, _ranked),
        (PointsConfig, _mix),
        (GridConfig, _grid),
        (NpsConfig, _nps),
    )
    for config, make in makers:
        if isinstance(q.config, config):
            return make(q, result, n)
    return []


def _section(q: Question, default: str) -> str:
    return q.brief or default


def _percent(count: int, n: int) -> int:
    return round(100 * count / n) if n else 0


def _evidence(q: Question, n: int, **numbers: Any) -> dict[str, Any]:
    return {"questions": [q.id], "n": n, "numbers": numbers}


# -- choices ------------------------------------------------------------------------------
def _ranked_options(q: Question, result: Any) -> list[tuple[str, str, int]]:
    assert isinstance(q.config, ChoiceConfig)
    counts = result["counts"]
    options = [(o.id, o.label, int(counts.get(o.id, 0))) for o in q.config.options]
    return sorted((o for o in options if o[2] > 0), key=lambda o: -o[2])


def _leading(q: Question, result: Any, n: int) -> list[Proposal]:
    """The leading answer and its strength: its share, and its lead over the next."""
    ranked = _ranked_options(q, result)
    if not ranked:
        return []
    option, label, count = ranked[0]
    assert isinstance(q.config, ChoiceConfig)
    verb = "chose" if q.config.max_choices == 1 else "named"
    text = f"Asked '{q.prompt}', {_percent(count, n)}% of {n} {verb} '{label}'"
    numbers: dict[str, Any] = {"option": option, "count": count, "share": count / n}
    if len(ranked) > 1:
        runner, runner_label, runner_count = ranked[1]
        text += f", ahead of '{runner_label}' ({_percent(runner_count, n)}%)"
        numbers.update(runner_up=runner, runner_up_count=runner_count)
    return [
        Proposal(
            f"leading:{q.id}", _section(q, "evidence"), "leading", text, _evidence(q, n, **numbers)
        )
    ]


def _named_barriers(q: Question, result: Any, n: int) -> list[Proposal]:
    """The most-named barriers, one each, so that each can be marked with its type."""
    return [
        Proposal(
            f"barrier:{q.id}:{option}",
            "barriers",
            "barrier",
            f"'{label}' is named as a barrier by {count} of {n} ({_percent(count, n)}%)",
            _evidence(q, n, option=option, count=count, share=count / n),
        )
        for option, label, count in _ranked_options(q, result)[:TOP]
    ]


def _named_words(q: Question, result: Any, n: int) -> list[Proposal]:
    return [
        Proposal(
            f"barrier:{q.id}:{word['text']}"[:128],
            _section(q, "barriers"),
            "barrier",
            f"'{word['text']}' is among the words named most: {word['count']} times by {n} people",
            _evidence(q, n, word=word["text"], count=word["count"]),
        )
        for word in result["words"][:TOP]
    ]


# -- scales and their groups ---------------------------------------------------------------
def _lowest(q: Question, result: Any, n: int) -> list[Proposal]:
    """The lowest-scoring statements (behaviours, readiness, ...), lowest first."""
    assert isinstance(q.config, ScaleConfig)
    scored = [
        (entry["mean"], s.id, s.label, entry["n"])
        for s in q.config.statements
        if (entry := result["statements"][s.id])["mean"] is not None
    ]
    scored.sort()
    scale = f"{q.config.min}-{q.config.max}"
    proposals = []
    for place, (mean, statement, label, answered) in enumerate(scored[:TOP]):
        how = "scores lowest" if place == 0 else "is among the lowest"
        proposals.append(
            Proposal(
                f"lowest:{q.id}.{statement}",
                _section(q, "behaviours"),
                "lowest",
                f"'{label}' {how}: a mean of {mean:.2f} on {scale} (n = {answered})",
                _evidence(q, n, statement=statement, mean=mean, statement_n=answered),
            )
        )
    return proposals


def _gaps(info: SessionInfo, split: dict[str, Any]) -> list[Proposal]:
    """The statements where the shown groups' means differ most (at least two groups)."""
    shown = [
        g
        for g in split["groups"]
        if not g["withheld"] and g["id"] not in (segments.NOT_SAID, segments.ALL)
    ]
    found = []
    for q in info.questions:
        if isinstance(q.config, ScaleConfig):
            found += [_gap(q, s.id, s.label, shown) for s in q.config.statements]
    gaps = sorted((g for g in found if g is not None), key=lambda g: -g[0])
    return [proposal for _, proposal in gaps[:TOP]]


def _gap(
    q: Question, statement: str, label: str, groups: list[dict[str, Any]]
) -> tuple[float, Proposal] | None:
    assert isinstance(q.config, ScaleConfig)
    means = []
    for g in groups:
        entry = _group_result(g, q.id).get("statements", {}).get(statement)
        if entry is not None and entry["mean"] is not None:
            means.append(
                {"id": g["id"], "label": g["label"], "n": entry["n"], "mean": entry["mean"]}
            )
    if len(means) < 2:
        return None
    means.sort(key=lambda m: -m["mean"])
    gap = means[0]["mean"] - means[-1]["mean"]
    if gap <= 0:
        return None
    each = "; ".join(f"{m['label']} {m['mean']:.2f} (n = {m['n']})" for m in means)
    text = f"The groups differ on '{label}' by {gap:.2f} on {q.config.min}-{q.config.max}: {each}"
    evidence = {
        "questions": [q.id],
        "numbers": {"statement": statement, "gap": gap},
        "groups": means,
    }
    return gap, Proposal(f"gap:{q.id}.{statement}", "alignment", "gap", text, evidence)


def _group_result(group: dict[str, Any], question_id: str) -> dict[str, Any]:
    for entry in group["questions"]:
        if entry["id"] == question_id:
            return dict(entry["result"])
    return {}


# -- rankings, points, the grid, NPS -------------------------------------------------------
def _ranked(q: Question, result: Any, n: int) -> list[Proposal]:
    """The top-ranked items, as the ranking kind orders them (most Borda points first)."""
    table = aggregates(q, result, n)  # rows: item, points, mean rank, ranked by
    placed = [row for row in table.rows if row[3]]
    if not placed:
        return []
    first, points, mean_rank, _ = placed[0]
    text = f"Ranked first by {n}: '{first}' ({points} points, mean rank {mean_rank:.2f})"
    if len(placed) > 1:
        text += "; then " + ", ".join(f"'{row[0]}' ({row[1]})" for row in placed[1:TOP])
    top = [
        dict(zip(("item", "borda_points", "mean_rank", "n"), row, strict=True))
        for row in placed[:TOP]
    ]
    return [
        Proposal(
            f"ranked:{q.id}",
            _section(q, "behaviours"),
            "top_ranked",
            text,
            _evidence(q, n, top=top),
        )
    ]


def _mix(q: Question, result: Any, n: int) -> list[Proposal]:
    """The solution mix: each option's share of all the points given."""
    assert isinstance(q.config, PointsConfig)
    options = result["options"]
    given = sum(int(o["total"]) for o in options.values())
    if not given:
        return []
    parts = sorted(
        ((c.id, c.label, int(options[c.id]["total"])) for c in q.config.options),
        key=lambda p: -p[2],
    )
    each = ", ".join(f"'{label}' {_percent(total, given)}%" for _, label, total in parts if total)
    text = f"The solution mix by points: {each} (of {given} points from {n} people)"
    totals = {option: total for option, _, total in parts}
    return [
        Proposal(
            f"mix:{q.id}",
            _section(q, "solutions"),
            "mix",
            text,
            _evidence(q, n, given=given, totals=totals),
        )
    ]


def _grid(q: Question, result: Any, n: int) -> list[Proposal]:
    """The grid's items by their place on the vertical axis (e.g. impact), highest first."""
    assert isinstance(q.config, GridConfig)
    x, y = q.config.x, q.config.y
    placed = [(i.id, i.label, result["items"][i.id]) for i in q.config.items]
    placed = sorted((p for p in placed if p[2]["n"]), key=lambda p: -p[2]["y_mean"])
    if not placed:
        return []
    each = "; ".join(
        f"'{label}' {e['y_mean']:.1f} ({x.label} {e['x_mean']:.1f}, n = {e['n']})"
        for _, label, e in placed[:TOP]
    )
    text = f"Highest on {y.label} ({y.min}-{y.max}): {each}"
    items = {
        item: {"n": e["n"], "x_mean": e["x_mean"], "y_mean": e["y_mean"]} for item, _, e in placed
    }
    return [
        Proposal(
            f"grid:{q.id}", _section(q, "solutions"), "grid", text, _evidence(q, n, items=items)
        )
    ]


def _nps(q: Question, result: Any, n: int) -> list[Proposal]:
    if result["score"] is None:
        return []
    text = (
        f"NPS {result['score']:+.0f} from {result['n']} answers: {result['promoters']} "
        f"promoters, {result['passives']} passives, {result['detractors']} detractors"
    )
    numbers = {k: result[k] for k in ("score", "promoters", "passives", "detractors")}
    return [
        Proposal(
            f"score:{q.id}",
            _section(q, "evidence"),
            "score",
            text,
            _evidence(q, result["n"], **numbers),
        )
    ]


# -- stories -------------------------------------------------------------------------------
def _stories(info: SessionInfo, results: ResultMap) -> list[Proposal]:
    """Stories and Q&A posts the room may see (not hidden, not filtered, not pending),
    the most upvoted first, then the longest: the facilitator picks which to quote. The
    same words written by several people are offered once, saying how many wrote them."""
    found = []
    for q in info.questions:
        if not isinstance(q.config, TextConfig | QaConfig) or q.id not in results:
            continue
        shown = public_result(q, results[q.id]["result"])
        for item in shown.get("items", []):
            votes = int(item.get("votes", 0)) if item_rules(q) is not None else 0
            found.append((votes, text_length(item["text"]), q, item))
    found.sort(key=lambda f: (-f[0], -f[1], f[2].position, int(f[3]["id"])))
    written = Counter(item["text"] for *_, item in found)
    offered: list[Proposal] = []
    for votes, length, q, item in found:
        if len(offered) == STORIES:
            break
        if any(p.text == item["text"] for p in offered):
            continue
        numbers = {"item": item["id"], "votes": votes, "characters": length}
        numbers["written_by"] = written[item["text"]]
        evidence = {"questions": [q.id], "numbers": numbers}
        origin = f"story:{q.id}:{item['id']}"
        offered.append(Proposal(origin, "voices", "story", item["text"], evidence, quote=True))
    return offered
