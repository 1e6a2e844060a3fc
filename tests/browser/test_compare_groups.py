"""Compare groups in the browser: the facilitator presses Compare groups, the audience
screen shows one column per group that follows the phones' answers live, a group too small
to hide its people says so and shows nothing, and it all fits the projector unscrolled."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, Page, expect

from ..client import Phone
from ..conftest import RunningServer
from .conftest import ErrorWatch, axe_violations, control, create, open_presenter, open_screen
from .test_stage import assert_fits

LEARNERS = "Lernende 🎓"
LEADERS = "قادة الأعمال"  # business leaders, in Arabic
LND = "Personalentwicklungsverantwortliche"  # one long German word
GROUP = {
    "kind": "single_choice",
    "id": "group",
    "prompt": "Which group are you part of?",
    "options": [
        {"id": "learner", "label": LEARNERS},
        {"id": "leader", "label": LEADERS},
        {"id": "l-d", "label": LND},
    ],
    "segment": True,
}
BARRIERS = {
    "kind": "multiple_choice",
    "id": "barriers",
    "prompt": "What stops the new behaviour on the job? <b>pick two</b>",
    "options": ["No time to practise", "Managers do not coach it", "The tools fight it"],
    "max_choices": 2,
}
STORY = {"kind": "open_text", "id": "story", "prompt": "Tell us about a breakthrough"}


async def answer(server: RunningServer, code: str, group: str | None, picks: list[str]) -> None:
    phone = Phone(server)
    try:
        await phone.join(code)
        if group is not None:
            assert (await phone.answer_http("group", group)).status_code == 201
        assert (await phone.answer_http("barriers", picks)).status_code == 201
        story = f"<script>alert(1)</script> {group} found time on Fridays."
        assert (await phone.answer_http("story", story)).status_code == 201
    finally:
        await phone.close()


def column(page: Page, group: str) -> Any:
    return page.locator(f'.group-column[data-group="{group}"]')


async def test_compare_groups_live_on_the_screen_with_a_small_group_withheld(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server, questions=[GROUP, BARRIERS, STORY])
    await control(server, session["id"], "open", "story")  # answered alongside, shown later
    for question in ("group", "barriers"):
        await control(server, session["id"], "goto", question)
    # bypass_csp: only so that the test can add axe-core to the pages
    presenter = await open_presenter(browser, js_errors, session, bypass_csp=True)
    screen = await open_screen(browser, js_errors, session, bypass_csp=True)
    await expect(screen.locator("#prompt")).to_contain_text("What stops")
    button = presenter.locator("#groups-button")
    await expect(button).to_be_visible()
    await expect(button).to_have_attribute("aria-pressed", "false")
    await button.click()
    await expect(button).to_have_attribute("aria-pressed", "true")
    columns = screen.locator(".group-column")
    await expect(columns).to_have_count(3)  # nobody who did not say: no column for them
    for shown, label in (("learner", LEARNERS), ("leader", LEADERS), ("l-d", LND)):
        await expect(column(screen, shown).locator(".group-name")).to_have_text(label)
    await expect(column(screen, "learner")).to_contain_text("Nobody in this group yet")

    for _ in range(3):
        await answer(server, session["code"], "learner", ["no-time-to-practise"])
    for _ in range(3):
        await answer(server, session["code"], "leader", ["the-tools-fight-it"])
    # Two L&D people and one who did not say: both withheld, together as many as min_group,
    # so that no subtraction from the whole room gives them back and the others can show.
    for group in ("l-d", "l-d", None):
        await answer(server, session["code"], group, ["managers-do-not-coach-it"])
    await expect(columns).to_have_count(4)
    await expect(column(screen, "not_said").locator(".group-name")).to_have_text("Did not say")
    for page in (screen, presenter):  # both follow the answers, no reload
        learner = column(page, "learner")
        await expect(learner.locator(".group-size")).to_have_text("n = 3")
        first = learner.locator(".bar-row").first
        await expect(first.locator(".label")).to_have_text("No time to practise")
        await expect(first.locator(".value")).to_contain_text("3")
        leader_bar = column(page, "leader").locator(".bar-row").nth(2)
        await expect(leader_bar.locator(".value")).to_contain_text("3")
        for small in ("l-d", "not_said"):
            withheld = column(page, small)
            await expect(withheld.locator(".group-size")).to_have_text("n < 3")
            await expect(withheld.locator(".group-note")).to_contain_text("fewer than 3 people")
            await expect(withheld.locator(".bar-row")).to_have_count(0)
    await assert_fits(screen, "four groups at 1280x720")
    assert await axe_violations(screen) == []
    assert await axe_violations(presenter) == []
    await screen.screenshot(path="/tmp/split-screen-1280.png")
    await presenter.screenshot(path="/tmp/split-presenter-1280.png", full_page=True)

    # stories per group: verbatim as text, never markup; still no scrolling
    await control(server, session["id"], "goto", "story")
    await control(server, session["id"], "split", "story")
    await expect(column(screen, "learner").locator(".story")).to_have_count(3)
    await expect(column(screen, "leader").locator(".story")).to_have_count(3)
    texts = await column(screen, "leader").locator(".story-text").all_text_contents()
    assert texts and all(t.startswith("<script>alert(1)</script>") for t in texts)
    await expect(column(screen, "l-d").locator(".story")).to_have_count(0)
    for width, height in ((1280, 720), (1920, 1080)):
        await screen.set_viewport_size({"width": width, "height": height})
        await assert_fits(screen, f"stories per group at {width}x{height}")
    await screen.screenshot(path="/tmp/split-screen-1920-stories.png")

    # one row on the projector; a narrow window stacks the columns instead of squeezing them
    tops = [(await column(screen, g).bounding_box() or {})["y"] for g in ("learner", "not_said")]
    assert tops[0] == tops[1], tops
    await screen.set_viewport_size({"width": 600, "height": 900})
    boxes = [await column(screen, g).bounding_box() for g in ("learner", "l-d")]
    assert boxes[0] is not None and boxes[1] is not None
    assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"], boxes
    await screen.screenshot(path="/tmp/split-screen-600.png")

    # unsplit: back to the whole room's result, on the screen too
    await control(server, session["id"], "unsplit", "story")
    await expect(screen.locator(".group-columns")).to_have_count(0)
    await expect(screen.locator("#results .story")).to_have_count(9)
    assert js_errors.errors == []


async def test_no_compare_button_without_a_segment_question(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server, questions=[{**GROUP, "segment": False}, BARRIERS])
    await control(server, session["id"], "goto", "barriers")
    presenter = await open_presenter(browser, js_errors, session)
    await expect(presenter.locator("#prompt")).to_contain_text("What stops")
    await expect(presenter.locator("#groups-button")).to_be_hidden()
    await presenter.keyboard.press("g")  # the key does nothing either
    await expect(presenter.locator(".group-columns")).to_have_count(0)
    assert js_errors.errors == []


async def test_the_segment_question_itself_has_no_compare_button(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server, questions=[GROUP, BARRIERS])
    await control(server, session["id"], "goto", "group")
    presenter = await open_presenter(browser, js_errors, session)
    await expect(presenter.locator("#prompt")).to_contain_text("Which group")
    await expect(presenter.locator("#groups-button")).to_be_hidden()
    await presenter.keyboard.press("PageDown")
    await expect(presenter.locator("#groups-button")).to_be_visible()
    await presenter.keyboard.press("g")  # the clicker's key does what the button does
    await expect(presenter.locator("#groups-button")).to_have_attribute("aria-pressed", "true")
    await expect(presenter.locator(".group-column")).to_have_count(3)
    assert js_errors.errors == []


CLEAR = {
    "kind": "scale",
    "id": "clear",
    "prompt": "How true is each statement today, in your part of the business?",
    "statements": [
        "The business goal of this training is clear to me",
        "We agreed on one metric that shows success",
        "Managers coach the new behaviour every week",
        "Learners have time to practise on the job",
        "Die Qualitätssicherungsverantwortlichen unterstützen die Umsetzung",
    ],
    "min": 1,
    "max": 5,
    "min_label": "Not at all",
    "max_label": "Completely",
}


async def test_four_groups_of_a_five_statement_scale_fit_the_projector(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server, questions=[GROUP, CLEAR])
    for question in ("group", "clear"):
        await control(server, session["id"], "goto", question)
    await control(server, session["id"], "split", "clear")
    statements = [s["id"] for s in session["questions"][1]["statements"]]
    for n, group in enumerate(["learner"] * 4 + ["leader"] * 3 + ["l-d"] * 3 + [None] * 3):
        phone = Phone(server)
        await phone.join(session["code"])
        if group is not None:
            assert (await phone.answer_http("group", group)).status_code == 201
        value = {s: 1 + (n + i) % 5 for i, s in enumerate(statements)}
        assert (await phone.answer_http("clear", value)).status_code == 201
        await phone.close()
    screen = await open_screen(browser, js_errors, session, color_scheme="dark", bypass_csp=True)
    await expect(screen.locator(".group-column")).to_have_count(4)
    await expect(column(screen, "not_said").locator(".group-size")).to_have_text("n = 3")
    await expect(column(screen, "not_said").locator(".scale-row")).to_have_count(5)
    for width, height in ((1280, 720), (1920, 1080)):
        await screen.set_viewport_size({"width": width, "height": height})
        await screen.screenshot(path=f"/tmp/split-scale-{width}.png")
        await assert_fits(screen, f"a scale in four groups at {width}x{height}")
    assert await axe_violations(screen) == []  # in the dark theme
    assert js_errors.errors == []
