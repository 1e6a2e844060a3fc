"""The brief as a printed document: which chart each question gets, the page as HTML, and
that same HTML as a PDF (WeasyPrint), so that screen, browser print and download agree.

WeasyPrint is imported when a PDF is first asked for: it needs the system's Pango, and a
server without it still serves every other format and says plainly why PDF is missing.
"""

from __future__ import annotations

import logging
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from anyio import CapacityLimiter, to_thread
from markupsafe import Markup

from . import charts, kinds
from .brief import Brief, Group, Section
from .config import ROOT
from .errors import PdfUnavailable
from .kinds import ScaleConfig
from .store import ResultMap, SessionInfo

logger = logging.getLogger(__name__)

PAPERS = ("a4", "letter")
PDF_RENDERS = 1  # at once per worker process
STATIC = ROOT / "static"
# The page's own address while WeasyPrint reads it: links resolve under it, and the fetcher
# serves only /static/ below it, from disk (never the network, never user-given URLs)
BASE_URL = "https://trifecta.invalid/"


@dataclass
class Charts:
    """The charts of one brief: per question number, and the groups side by side."""

    by_question: dict[int, Markup] = field(default_factory=dict)
    alignment: Markup | None = None


def draw(info: SessionInfo, brief: Brief, results: ResultMap, labels: dict[str, str]) -> Charts:
    by_position = {q.position + 1: q for q in info.questions}
    drawn = Charts()
    for section in brief.sections:
        for table in section.tables:
            q = by_position.get(table.question_no)
            if q is not None and q.id in results:
                chart = kinds.chart(q, results[q.id]["result"], table.responses)
                if chart is not None:
                    drawn.by_question[table.question_no] = Markup(chart)
        if section.groups:
            drawn.alignment = alignment_chart(info, section, labels)
    return drawn


def alignment_chart(info: SessionInfo, section: Section, labels: dict[str, str]) -> Markup | None:
    """Per statement of the alignment section's ratings, each group's mean as a dot."""
    fed = [q for q in info.questions if q.brief == section.id and isinstance(q.config, ScaleConfig)]
    if not fed:
        return None
    keys = [f"{q.id}.{s.id}" for q in fed for s in q.config.statements]
    low = min(q.config.min for q in fed)
    high = max(q.config.max for q in fed)
    groups = [_group_means(g, keys) for g in section.groups if g.n]  # none: nothing to draw
    statements = [labels.get(key, key) for key in keys]
    return charts.group_dots(statements, groups, charts.Scale(low, high))


def _group_means(group: Group, keys: list[str]) -> charts.GroupMeans:
    label = group.label or group.id.replace("_", " ")
    means = [group.means.get(key) for key in keys]
    return charts.GroupMeans(label, group.n, group.withheld, means)


# -- PDF -----------------------------------------------------------------------------------
def filename(title: str, extension: str, today: datetime | None = None) -> str:
    """`trifecta-brief-<title slug>-<YYYY-MM-DD>.<extension>`, ASCII only."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60] or "session"
    day = (today or datetime.now(UTC)).date().isoformat()
    return f"trifecta-brief-{slug}-{day}.{extension}"


def render_limiter() -> CapacityLimiter:
    """How many PDFs one worker renders at once (the app's lifespan holds it): rendering
    is CPU-bound Python, so more at once only slows each and takes CPU from the live
    sessions; further requests wait their turn."""
    return CapacityLimiter(PDF_RENDERS)


async def pdf(html: str, limiter: CapacityLimiter) -> bytes:
    """The page as a PDF, rendered in a worker thread: a long brief takes a second or more,
    and the live sessions on this server must not wait for it."""
    return await to_thread.run_sync(render_pdf, html, limiter=limiter)


def render_pdf(html: str) -> bytes:
    try:
        import weasyprint
    except OSError as error:  # the library is there, the system's Pango is not
        logger.warning("PDF unavailable: %s", error)
        raise PdfUnavailable(
            "PDF needs the system libraries Pango and HarfBuzz (Debian: apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core); the html format prints to PDF "
            "from a browser meanwhile"
        ) from error
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_static_fetcher())
    return bytes(document.write_pdf())


def _static_fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):  # type: ignore[misc]
        """Serves our own stylesheets, fonts and icons from disk; refuses anything else."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = static_file(url)
            if path is None:
                raise ValueError(f"the brief loads only its own static files, not {url[:80]!r}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})

    return StaticOnly(allowed_protocols=("https",))


def static_file(url: str) -> Path | None:
    """The file under static/ that a URL of the page names, or None for any other URL."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith("/static/"):
        return None
    path = (STATIC / parts.path.removeprefix("/static/")).resolve()
    if not path.is_relative_to(STATIC.resolve()) or not path.is_file():
        return None
    return path
