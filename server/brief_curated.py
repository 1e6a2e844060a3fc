"""The facilitator's part of the brief: the header, the KPI, the insights they accepted
(section by section, in their order) and the sign-off, as the console recorded them.

Pure: made from the saved details (models.BriefDetails) and the stored insights. Barriers
carry their type, and those that training alone does not remove are called out; measures
are ordered by Kirkpatrick level. A section with pinned stories quotes those only."""

from __future__ import annotations

from typing import Any

from .sections import NOT_TRAINING, TAGS
from .store import Insight

HEADER_FIELDS = {
    "initiative": "Initiative or request",
    "sponsor": "Business sponsor",
    "ld_partner": "L&D partner",
    "audience": "Audience",
    "date": "Date",
    "version": "Version",
}
KPI_FIELDS = {
    "name": "KPI",
    "owner": "Owner",
    "baseline": "Baseline",
    "target": "Target",
    "target_date": "By",
}
SIGNERS = {"ld": "L&D owner", "business": "Business owner"}
NO_HEADER = "The header is not filled in yet (initiative, sponsor, L&D partner, audience)."
NO_KPI = "No KPI recorded yet: name it, its owner, baseline, target and date."
NOT_SIGNED = "not signed yet"
UNCURATED = "Not picked yet: the longest stories, as written."


def header_rows(details: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of each header field filled in."""
    header = details.get("header", {})
    return [(label, header[key]) for key, label in HEADER_FIELDS.items() if header.get(key)]


def kpi_rows(details: dict[str, Any]) -> list[tuple[str, str]]:
    kpi = details.get("kpi", {})
    return [(label, kpi[key]) for key, label in KPI_FIELDS.items() if kpi.get(key)]


def signers(details: dict[str, Any]) -> list[dict[str, str]]:
    """Each owner's sign-off: role in the brief, name, role, date (empty until signed)."""
    signoff = details.get("signoff", {})
    out = []
    for key, owner in SIGNERS.items():
        person = signoff.get(key, {})
        out.append(
            {
                "owner": owner,
                "name": person.get("name", ""),
                "role": person.get("role", ""),
                "signed_on": person.get("signed_on", ""),
            }
        )
    return out


def section_insights(section: str, stored: list[Insight]) -> list[dict[str, Any]]:
    """The accepted insights of a section as the brief shows them, in their order; in
    measurement, ordered by Kirkpatrick level (untagged ones last)."""
    accepted = [i for i in stored if i.section == section and i.status == "accepted"]
    if section == "measurement":
        levels = list(TAGS["measurement"])
        accepted.sort(key=lambda i: levels.index(i.tag) if i.tag in levels else len(levels))
    return [
        {
            "id": i.id,
            "text": i.text,
            "tag": i.tag,
            "tag_label": TAGS.get(section, {}).get(i.tag or ""),
            "not_training": i.tag in NOT_TRAINING,
            "quote": i.quote,
            "evidence": i.evidence,
        }
        for i in accepted
    ]


def not_training_note(insights: list[dict[str, Any]]) -> str | None:
    """How many of the typed barriers training alone cannot remove, when any."""
    typed = [i for i in insights if i["tag"]]
    other = sum(1 for i in typed if i["not_training"])
    if not other:
        return None
    which = "(motivation, tools, process, feedback): training alone will not remove"
    if len(typed) == 1:
        return f"The one typed barrier is not about knowledge or skill {which} it."
    if other == 1:
        return f"1 of {len(typed)} typed barriers is not about knowledge or skill {which} it."
    return f"{other} of {len(typed)} typed barriers are not about knowledge or skill {which} them."
