"""The brief as a printed document through the real server: the PDF is a real PDF on the
paper asked for, with every section heading and the stories as text (never markup), the
charts are drawn by the server with their labels escaped, and unkind labels (Arabic, emoji,
HTML, a long German compound) neither break nor leak into the page."""

from __future__ import annotations

import asyncio
import io
import random
import re
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from server import brief_render, charts
from server.brief import TITLES
from server.config import ROOT
from server.i18n import LOCALES
from server.kinds import KINDS
from server.kinds.open_text import SHEETS_NOTE
from server.sections import SECTIONS

from .client import Organizer, Phone
from .conftest import RunningServer
from .test_templates_run import PEOPLE as DOZEN
from .test_templates_run import TEMPLATES, answer_for

FORMATS = ("md", "json", "html", "pdf")

SVG = "{http://www.w3.org/2000/svg}"
TITLE = "Onboarding <i>2027</i> · تدريب 🚀"
STORY = "<script>alert(1)</script> and <b>x</b> stay as typed"
LONG_WORD = "Führungskräfteentwicklungsprogrammverantwortliche"
QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "single_choice",
        "id": "group",
        "prompt": "Which group are you part of?",
        "options": [
            {"id": "learner", "label": "المتعلمون 📚"},
            {"id": "leader", "label": LONG_WORD},
            {"id": "ld", "label": "L&D <script>alert(2)</script>"},
        ],
        "segment": True,
        "brief": "audience",
    },
    {
        "kind": "scale",
        "id": "clear",
        "prompt": "How clear is it?",
        "statements": [
            {"id": "goal", "label": "The goal <b>is</b> clear"},
            {"id": "metric", "label": "المقياس واضح 🎯"},
        ],
        "min": 1,
        "max": 5,
        "brief": "alignment",
    },
    {"kind": "nps", "id": "nps", "prompt": "Would you recommend it?", "brief": "measurement"},
    {
        "kind": "ranking",
        "id": "rank",
        "prompt": "Which behaviours matter most?",
        "items": ["Ask open questions", "Summarise the need", "Agree a next step"],
        "brief": "behaviours",
    },
    {
        "kind": "points",
        "id": "mix",
        "prompt": "Spread 100 points over what would help",
        "options": ["Coaching", "Job aids", "Process change"],
        "brief": "solutions",
    },
    {
        "kind": "grid_2x2",
        "id": "grid",
        "prompt": "Where does each idea sit?",
        "items": ["Peer coaching", "Job aid"],
        "x": {"label": "Effort", "min_label": "Low", "max_label": "High"},
        "y": {"label": "Impact", "min_label": "Low", "max_label": "High"},
        "brief": "solutions",
    },
    {"kind": "word_cloud", "id": "words", "prompt": "What gets in the way?", "brief": "barriers"},
    {
        "kind": "open_text",
        "id": "story",
        "prompt": "A moment that mattered",
        "max_length": 1000,
        "brief": "voices",
    },
]
# (group, goal, metric, nps, story): 4 learners, 4 leaders, 2 L&D and 1 who did not say;
# with the default minimum of 3 the L&D pair and the one are withheld
PEOPLE: list[tuple[str | None, int, int, int, str]] = [
    *[("learner", 2, 3, 9, f"Learner story {n} 🙂") for n in range(4)],
    *[("leader", 4, 5, 6, f"{LONG_WORD} {n}") for n in range(4)],
    ("ld", 5, 5, 10, STORY),
    ("ld", 3, 2, 7, "Wir haben nie über Kennzahlen gesprochen"),
    (None, 1, 1, 0, "لم نتفق أبدا على معنى النجاح"),
]


ITEMS = ["agree-a-next-step", "ask-open-questions", "summarise-the-need"]


async def run_session(server: RunningServer, org: Organizer) -> str:
    r = await org.http.post(
        "/api/sessions", json={"title": TITLE, "mode": "self_paced", "questions": QUESTIONS}
    )
    assert r.status_code == 201, r.text
    session = r.json()

    async def one(person: tuple[str | None, int, int, int, str], n: int) -> None:
        group, goal, metric, score, story = person
        phone = Phone(server)
        await phone.join(session["code"])
        answers: list[tuple[str, Any]] = [("group", group)] if group else []
        answers += [
            ("clear", {"goal": goal, "metric": metric}),
            ("nps", score),
            ("rank", ITEMS[n % 3 :] + ITEMS[: n % 3]),
            ("mix", {"coaching": 50 + n, "job-aids": 50 - n}),
            ("grid", {"peer-coaching": {"x": 3, "y": 9}, "job-aid": {"x": 1 + n % 5, "y": 7}}),
            ("words", ["time", "unclear goals"] if n % 2 else ["time"]),
            ("story", story),
        ]
        for question, value in answers:
            reply = await phone.answer_http(question, value)
            assert reply.status_code == 201, reply.text
        await phone.close()

    await asyncio.gather(*(one(person, n) for n, person in enumerate(PEOPLE)))
    return str(session["id"])


def pdf_text(body: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return reader, " ".join(text.split())


async def test_the_pdf_holds_every_heading_the_title_and_stories_as_text(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session_id = await run_session(server, org)
        r = await org.http.get(f"/api/sessions/{session_id}/brief?format=pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    today = datetime.now(UTC).date().isoformat()
    expected = f'attachment; filename="trifecta-brief-onboarding-i-2027-i-{today}.pdf"'
    assert r.headers["content-disposition"] == expected

    reader, text = pdf_text(r.content)
    assert len(reader.pages) >= 2
    assert "Onboarding <i>2027</i>" in text  # the title as typed, markup and all
    for sid in SECTIONS:
        assert TITLES[sid] in text, TITLES[sid]
    assert "<script>alert(1)</script> and <b>x</b> stay as typed" in text
    assert "L&D <script>alert(2)</script>" in text  # a label too: text, not markup
    assert "withheld" in text and "NPS" in text  # the group dots and the NPS chart
    assert "Page 1 of" in text and f"Page {len(reader.pages)} of {len(reader.pages)}" in text
    assert SHEETS_NOTE not in text  # an export's pointer to its sheets: not the brief's
    # The two L&D people are withheld: their mean of the metric (5 and 2: 3.50) is nowhere
    assert "L&D <script>alert(2)</script> (n 2): withheld" in text and "3.50" not in text


async def test_the_paper_is_a4_unless_letter_is_asked_for(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session_id = await run_session(server, org)
        url = f"/api/sessions/{session_id}/brief?format=pdf"
        sizes = {}
        for paper in ("", "&paper=a4", "&paper=letter"):
            r = await org.http.get(url + paper)
            assert r.status_code == 200, r.text
            box = PdfReader(io.BytesIO(r.content)).pages[0].mediabox
            sizes[paper] = (round(float(box.width)), round(float(box.height)))
    assert sizes[""] == sizes["&paper=a4"] == (595, 842)  # 210 x 297 mm in points
    assert sizes["&paper=letter"] == (612, 792)  # 8.5 x 11 in


async def test_a_bad_paper_or_format_is_refused_by_name(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session_id = await run_session(server, org)
        url = f"/api/sessions/{session_id}/brief"
        for query, named in (
            ("format=pdf&paper=legal", "paper must be one of a4, letter, got 'legal'"),
            ("format=html&paper=A5", "paper must be one of a4, letter, got 'A5'"),
            ("format=docx", "format must be one of md, json, html, pdf, got 'docx'"),
        ):
            r = await org.http.get(f"{url}?{query}")
            assert r.status_code == 422, query
            assert r.json()["error"] == {"code": "invalid_request", "message": named}


async def test_the_page_draws_escaped_charts_and_quotes_stories_as_text(
    server: RunningServer,
) -> None:
    async with Organizer(server) as org:
        session_id = await run_session(server, org)
        r = await org.http.get(f"/api/sessions/{session_id}/brief?format=html&paper=letter")
        css = await org.http.get("/static/css/brief-letter.css")
    page = r.text
    assert r.status_code == 200 and "/static/css/brief-letter.css" in page
    assert "size: letter" in css.text
    assert "<script>alert" not in page and "<b>x</b>" not in page and "<b>is</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;x&lt;/b&gt; stay as typed" in page
    found = re.findall(r'<div class="chart chart-([a-z]+)">', page)
    # audience shares, alignment spread, NPS, ranking, points, grid, words, group dots
    assert sorted(found) == sorted(
        ["bars", "spread", "columns", "bars", "bars", "grid", "bars", "dots"]
    )
    for svg in re.findall(r"<svg .*?</svg>", page, re.S):
        root = ET.fromstring(svg)  # well-formed: every label escaped
        assert root.get("aria-label") or root.get("aria-hidden") == "true"
    assert "L&amp;D &lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert SHEETS_NOTE not in page
    # a withheld group shows its size, never its numbers
    assert "L&amp;D &lt;script&gt;alert(2)&lt;/script&gt;</span> (n 2): withheld" in page


@pytest.mark.parametrize("template", TEMPLATES)
async def test_every_shipped_template_becomes_a_brief_in_every_format(
    server: RunningServer, template: str
) -> None:
    rng = random.Random(template)
    async with Organizer(server) as org:
        r = await org.http.post("/api/sessions", json={"template": template, "mode": "self_paced"})
        session = await org.session(r.json()["id"])
        for _ in range(DOZEN):
            phone = Phone(server)
            await phone.join(session["code"])
            for q in session["questions"]:
                assert (await phone.answer_http(q["id"], answer_for(q, rng))).status_code == 201
            await phone.close()
        url = f"/api/sessions/{session['id']}/brief"
        found = {fmt: await org.http.get(f"{url}?format={fmt}") for fmt in FORMATS}
    assert all(r.status_code == 200 for r in found.values())
    brief = found["json"].json()
    assert brief["participants"] == DOZEN
    headings = [TITLES[sid] for sid in SECTIONS]
    assert all(f"## {heading}" in found["md"].text for heading in headings)
    assert all(f">{heading}</h2>" in found["html"].text for heading in headings)
    _, text = pdf_text(found["pdf"].content)
    assert session["title"] in text and all(heading in text for heading in headings)
    for svg in re.findall(r"<svg .*?</svg>", found["html"].text, re.S):
        ET.fromstring(svg)


def test_charts_escape_labels_and_carry_their_numbers_as_text() -> None:
    hostile = '<script>x</script> & "quoted" لم 🙂'
    drawn = {
        "shares": charts.shares([(hostile, 0.5), ("other", None)]),
        "ordered": charts.ordered([(hostile, 12), ("b", 30)], " pts"),
        "spread": charts.distribution(
            charts.Scale(1, 5, "Low <", "High >"), [(hostile, [1, 0, 2, 0, 3])]
        ),
        "nps": charts.nps({"0": 2, "9": 5}, 23.0),
        "grid": charts.scatter(
            [(hostile, 3.0, 9.0), ("none", None, None)],
            charts.Scale(1, 10),
            charts.Scale(1, 10),
            ("Effort <", "Impact"),
        ),
        "dots": charts.group_dots(
            [hostile],
            [charts.GroupMeans(hostile, 4, False, [3.5]), charts.GroupMeans("few", 2, True)],
            charts.Scale(1, 5),
        ),
    }
    alts = {}
    for name, chart in drawn.items():
        root = ET.fromstring(str(chart))  # well-formed: every label escaped
        assert "<script>" not in str(chart), name
        images = [svg for svg in root.iter(SVG + "svg") if svg.get("role") == "img"]
        assert images, name
        alts[name] = " | ".join(svg.get("aria-label") or "" for svg in images)
        for svg in root.iter(SVG + "svg"):  # an image says what it shows, or is hidden
            assert svg.get("aria-label") or svg.get("aria-hidden") == "true", name
    assert f"{hostile}: 50%" in alts["shares"] and "other: 0%" in alts["shares"]
    assert alts["ordered"] == f"b: 30 pts | {hostile}: 12 pts"  # most first
    assert alts["spread"] == f"{hostile}: 1: 1, 2: 0, 3: 2, 4: 0, 5: 3"
    assert alts["nps"].startswith("NPS +23; 0: 2, 1: 0")
    assert f"1. {hostile}: Effort < 3.0, Impact 9.0" in alts["grid"]
    # the grid's axis names are HTML text, never SVG text (WeasyPrint breaks Arabic there)
    grid = ET.fromstring(str(drawn["grid"]))
    axes = "".join(next(p for p in grid.iter("p") if p.get("class") == "chart-axes").itertext())
    assert "Effort <: low Effort <" in axes and "Impact: low Impact" in axes
    assert all(t.text and t.text.isdigit() for t in grid.iter(SVG + "text"))  # numbers only
    assert alts["dots"] == f"{hostile}: {hostile} (n 4) 3.50"  # the withheld group: no mean
    assert "few</span> (n 2): withheld" in str(drawn["dots"])
    assert "&lt;script&gt;x&lt;/script&gt; &amp; &#34;quoted&#34;" in str(drawn["shares"])


def test_the_pdf_loads_only_our_own_static_files() -> None:
    base = brief_render.BASE_URL
    assert brief_render.static_file(base + "static/css/brief.css") is not None
    for url in (
        "http://example.com/static/css/brief.css",
        "file:///etc/passwd",
        base + "static/../server/config.py",
        base + "static/%2e%2e/pyproject.toml",
        base + "api/sessions",
        base + "static/css/missing.css",
    ):
        assert brief_render.static_file(url) is None, url


NO_PANGO = '''
import sys


class NoPango:
    """WeasyPrint fails to load as it does where the system has no Pango."""

    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': no such file")
        return None


sys.meta_path.insert(0, NoPango())
'''


async def test_without_pango_the_pdf_says_what_to_install_and_the_rest_works(
    tmp_path: Path,
) -> None:
    """A server whose system lacks Pango (WeasyPrint cannot load it: faked one level
    below, at the import) still runs; the PDF is refused with what to install."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(NO_PANGO)
    server = RunningServer(tmp_path / "data", extra_env={"PYTHONPATH": str(tmp_path / "site")})
    server.start()
    try:
        async with Organizer(server) as org:
            session = await org.create(questions=QUESTIONS[:2])
            url = f"/api/sessions/{session['id']}/brief"
            refused = await org.http.get(f"{url}?format=pdf")
            page = await org.http.get(f"{url}?format=html")
    finally:
        server.stop()
    assert refused.status_code == 503
    error = refused.json()["error"]
    assert error["code"] == "pdf_unavailable" and "libpango-1.0-0" in error["message"]
    assert page.status_code == 200 and "<h1" in page.text


async def test_the_same_words_from_several_people_are_quoted_once(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(questions=[QUESTIONS[-1]])
        for text in ("We never agreed on the metric", "We never agreed on the metric", "Same"):
            phone = Phone(server)
            await phone.join(session["code"])
            assert (await phone.answer_http("story", text)).status_code == 201
            await phone.close()
        brief = (await org.http.get(f"/api/sessions/{session['id']}/brief?format=json")).json()
    voices = next(s for s in brief["sections"] if s["id"] == "voices")
    assert voices["quotes"] == ["We never agreed on the metric", "Same"]
    assert voices["tables"][0]["aggregates"]["rows"][0] == ["Answers", 3]  # all are counted


async def test_the_server_keeps_answering_while_a_long_pdf_renders(server: RunningServer) -> None:
    """Rendering runs beside the event loop: health checks sent while a long brief renders
    answer in a fraction of the render's time (on the loop, one would wait for all of it)."""
    statements = [f"Statement {n} about the goal" for n in range(8)]
    questions = [
        {"kind": "scale", "id": f"s{k}", "prompt": f"Rating {k}", "statements": statements,
         "brief": "evidence"}
        for k in range(30)
    ]  # fmt: skip
    async with Organizer(server) as org:
        session = await org.create(questions=questions)
        for person in range(3):
            phone = Phone(server)
            await phone.join(session["code"])
            for q in session["questions"]:
                value = {s["id"]: 1 + (person + n) % 5 for n, s in enumerate(q["statements"])}
                assert (await phone.answer_http(q["id"], value)).status_code == 201
            await phone.close()
        url = f"/api/sessions/{session['id']}/brief?format=pdf"
        started = time.monotonic()
        rendering = asyncio.create_task(org.http.get(url))
        waits = []
        while not rendering.done():
            asked = time.monotonic()
            assert (await org.http.get("/healthz")).status_code == 200
            waits.append(time.monotonic() - asked)
        took = time.monotonic() - started
        assert (await rendering).status_code == 200
    assert len(waits) >= 3, (took, waits)
    assert max(waits) < took / 3, (took, waits)


async def test_every_kind_is_drawn_from_a_single_answer_and_from_none(
    server: RunningServer,
) -> None:
    """One question of every kind, each feeding a section (the choice is the segment):
    the page and the PDF hold with one answer (every group withheld) and with none."""
    sections = [sid for sid in SECTIONS if sid != "audience"]
    questions = [
        {**kind.examples.question, "id": f"q{n}", "brief": sections[n % len(sections)]}
        for n, kind in enumerate(KINDS.values())
    ]
    questions[0] |= {"segment": True, "brief": "audience"}
    questions[2] |= {"brief": "alignment"}  # the scale: the groups' means side by side
    async with Organizer(server) as org:
        session = await org.create(questions=questions)
        url = f"/api/sessions/{session['id']}/brief"
        for answered in (False, True):
            if answered:
                phone = Phone(server)
                await phone.join(session["code"])
                for n, kind in enumerate(KINDS.values()):
                    value = kind.examples.valid[0]
                    assert (await phone.answer_http(f"q{n}", value)).status_code == 201
                await phone.close()
            page = await org.http.get(f"{url}?format=html")
            pdf = await org.http.get(f"{url}?format=pdf&paper=letter")
            assert page.status_code == 200 and pdf.status_code == 200
            charts_drawn = len(re.findall(r'<div class="chart chart-', page.text))
            # every kind but open text and Q&A (quoted instead), and the groups side by side
            assert charts_drawn == (len(KINDS) - 2 + 1 if answered else 0)
            assert "(n 1): withheld" in page.text or not answered


def test_the_pdf_file_name_is_the_title_as_ascii_and_the_day() -> None:
    day = datetime(2027, 3, 4, tzinfo=UTC)
    assert brief_render.filename("Führung & Co: Q3/2027", "pdf", day) == (
        "trifecta-brief-fuhrung-co-q3-2027-2027-03-04.pdf"
    )
    assert brief_render.filename("تدريب 🚀", "pdf", day) == "trifecta-brief-session-2027-03-04.pdf"
    assert brief_render.filename('a"b\r\nc', "pdf", day) == "trifecta-brief-a-b-c-2027-03-04.pdf"


async def test_the_page_numbers_speak_the_readers_language(server: RunningServer) -> None:
    for locale in LOCALES:  # every language has the words of its page numbers
        assert "counter(pages)" in (ROOT / "static" / "css" / f"brief-{locale}.css").read_text()
    async with Organizer(server) as org:
        session = await org.create(questions=QUESTIONS[:2])
        url = f"/api/sessions/{session['id']}/brief?format=pdf"
        german = await org.http.get(url, headers={"Accept-Language": "de-DE"})
    _, text = pdf_text(german.content)
    assert "Seite 1 von" in text and "Performance Brief" in text
