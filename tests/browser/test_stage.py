"""The facilitator's view and the audience screen, as people use them: the screen shows the
content only and never scrolls, follows the facilitator, and both review after the end."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from ..client import Phone
from ..conftest import RunningServer
from .conftest import (
    ErrorWatch,
    axe_violations,
    control,
    create,
    new_page,
    next_question,
    open_presenter,
    open_screen,
    screen_url,
)

SIZES = [(1280, 720), (1440, 900), (1920, 1080)]
LONG_URL = "https://intranet.example.com/learning/" + "very-long-path-segment-" * 6 + "end"
ARABIC = "كان التدريب مفيدا جدا لفريقنا"
STATEMENTS = [
    "Goals are clear",
    "Metrics are agreed",
    "Managers coach the new behaviour every week",
    "Learners have time to practise",
    "The business sponsor shows up",
]


def long_questions() -> list[dict[str, Any]]:
    options = [f"Option {n}: a label of a few words" for n in range(1, 34)]
    return [
        {
            "kind": "single_choice",
            "prompt": "Which of these 35 options matters most to you?",
            "options": [*options, LONG_URL, ARABIC],
        },
        {
            "kind": "scale",
            "prompt": "How far do you agree?",
            "statements": STATEMENTS,
            "min": 1,
            "max": 5,
            "min_label": "Strongly disagree",
            "max_label": "Strongly agree",
        },
        {"kind": "open_text", "prompt": "Tell us a story", "max_length": 600},
        {"kind": "word_cloud", "prompt": "Ten words for the rollout", "max_words": 10},
    ]


def story(n: int) -> str:
    if n == 0:
        return ARABIC
    if n % 6 == 1:
        return ("A story of six hundred characters, told at length. " * 12)[:600]
    return f"Story {n}: we agreed on one metric and {LONG_URL if n == 2 else 'kept to it'}."


async def fill_the_room(server: RunningServer, session: dict[str, Any], phones: int = 50) -> None:
    """50 phones: every option but few, 5 statements each, 30 stories, 500 distinct words."""
    ids = [q["id"] for q in session["questions"]]
    choice = session["questions"][0]["options"]
    statements = [s["id"] for s in session["questions"][1]["statements"]]
    for question in ids:  # each question opens when it is current, and stays open
        await control(server, session["id"], "goto", question)
    for n in range(phones):
        phone = Phone(server)
        try:
            await phone.join(session["code"])
            answers: list[tuple[str, Any]] = [
                (ids[0], choice[n % len(choice)]["id"]),
                (ids[1], {s: 1 + (n + i) % 5 for i, s in enumerate(statements)}),
                (ids[3], [f"Wort{10 * n + k}" for k in range(10)]),
            ]
            if n < 30:
                answers.append((ids[2], story(n)))
            for question, value in answers:
                assert (await phone.answer_http(question, value)).status_code == 201
        finally:
            await phone.close()
    await control(server, session["id"], "goto", ids[0])


async def assert_fits(page: Page, label: str) -> None:
    """Nothing scrolls: the page is no larger than the viewport, and the results hold all
    they draw (their box clips, so its scroll height is what it would need)."""
    sizes = await page.evaluate(
        """() => {
          const r = document.getElementById('results');
          const d = document.documentElement;
          return {page_h: d.scrollHeight, page_w: d.scrollWidth, view_h: innerHeight,
                  view_w: innerWidth, need_h: r.scrollHeight, has_h: r.clientHeight,
                  need_w: r.scrollWidth, has_w: r.clientWidth};
        }"""
    )
    assert sizes["page_h"] <= sizes["view_h"], (label, sizes)
    assert sizes["page_w"] <= sizes["view_w"], (label, sizes)
    assert sizes["need_h"] <= sizes["has_h"] + 1, (label, sizes)
    assert sizes["need_w"] <= sizes["has_w"] + 1, (label, sizes)


async def test_the_audience_screen_shows_no_button_and_never_scrolls_with_long_contents(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    session = await create(server, questions=long_questions())
    await fill_the_room(server, session)
    screen = await open_screen(browser, js_errors, session)
    prompts = [q["prompt"] for q in session["questions"]]
    for width, height in SIZES:
        await screen.set_viewport_size({"width": width, "height": height})
        for number, prompt in enumerate(prompts, start=1):
            if number > 1:
                await screen.keyboard.press("PageDown")  # the clicker works on the screen
            await expect(screen.locator("#prompt")).to_have_text(prompt)
            await expect(screen.locator("#results")).not_to_be_empty()
            await assert_fits(screen, f"question {number} at {width}x{height}")
            await settled(screen)
            assert await screen.locator("button, input, select, .langs").count() == 0
            await screen.screenshot(
                path=artifacts / f"screen-{width}x{height}-q{number}.png", animations="disabled"
            )
        await control(server, session["id"], "goto", session["questions"][0]["id"])
        await expect(screen.locator("#q-number")).to_have_text("Question 1 of 4")

    await control(server, session["id"], "goto", session["questions"][2]["id"])
    await expect(screen.locator("#prompt")).to_have_text(prompts[2])
    note = screen.locator("#page-note")  # 30 stories do not fit: a page, newest first
    await expect(note).to_have_text(re.compile("^1\u2013\\d+ of 30$"))
    newest = screen.locator(".story:not([hidden]) .story-text").first
    await expect(newest).to_contain_text("Story 29")
    arabic = screen.locator(".story-text", has_text=ARABIC)
    assert await arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert js_errors.errors == []


async def test_the_screen_follows_the_facilitators_view_and_a_hidden_story_disappears(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    questions = [long_questions()[0], {"kind": "open_text", "prompt": "Tell us a story"}]
    session = await create(server, questions=questions)
    facilitator = await open_presenter(browser, js_errors, session)
    async with facilitator.context.expect_page() as opened:
        await facilitator.get_by_role("link", name="Open the audience screen").click()
    screen = js_errors.watch(await opened.value)
    await expect(screen).to_have_url(re.compile(r"/screen/"))
    await expect(screen.locator("#start-slide")).to_contain_text(session["code"][:3])
    await expect(screen.locator("#joined")).to_have_text("0 people joined")
    phone = Phone(server)
    await phone.join(session["code"])
    await phone.connect(session["code"])  # a phone with its socket open has joined
    await expect(screen.locator("#joined")).to_have_text("1 person joined")
    await expect(facilitator.locator("#room-count")).to_have_text("1 person joined")

    await next_question(facilitator, 1)
    await expect(screen.locator("#prompt")).to_have_text(questions[0]["prompt"])
    await expect(facilitator.locator("#next-prompt")).to_have_text("Tell us a story")
    option_30 = session["questions"][0]["options"][29]["id"]
    assert (await phone.answer_http(session["questions"][0]["id"], option_30)).status_code == 201
    await expect(screen.locator("#counter")).to_have_text("1 of 1 answered")
    await facilitator.keyboard.press("s")  # sorted: the chosen option leads, on both views
    for page in (facilitator, screen):
        await expect(page.locator(".bar-row .label").first).to_have_text(
            "Option 30: a label of a few words"
        )
    await facilitator.keyboard.press("b")
    await expect(screen.locator("#blank")).to_be_visible()
    await expect(facilitator.locator("#screen-state")).to_have_text("The audience screen is blank.")
    await facilitator.keyboard.press("b")
    await expect(screen.locator("#blank")).to_be_hidden()
    await facilitator.keyboard.press("q")
    await expect(screen.locator("#qr-overlay")).to_be_visible()
    await facilitator.keyboard.press("Escape")
    await expect(screen.locator("#qr-overlay")).to_be_hidden()

    await next_question(facilitator, 2)
    other = Phone(server)
    await other.join(session["code"])
    for who, text in ((other, "Keep me"), (phone, "Hide me")):
        assert (await who.answer_http(session["questions"][1]["id"], text)).status_code == 201
    await other.close()
    await expect(screen.locator(".story-text")).to_have_text(["Hide me", "Keep me"])
    await (
        facilitator.locator(".story", has_text="Hide me").get_by_role("button", name="Hide").click()
    )
    await expect(facilitator.locator(".story").first).to_contain_text("Hidden from the screen")
    await expect(screen.locator(".story-text")).to_have_text(["Keep me"])  # gone, no placeholder
    await phone.close()
    await facilitator.screenshot(path=artifacts / "facilitator.png", animations="disabled")
    assert js_errors.errors == []


async def test_after_the_end_both_views_step_through_every_result_read_only(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    questions = [long_questions()[0], long_questions()[1]]
    session = await create(server, questions=questions)
    q1 = session["questions"][0]["id"]
    await control(server, session["id"], "goto", q1)
    phone = Phone(server)
    await phone.join(session["code"])
    assert (
        await phone.answer_http(q1, session["questions"][0]["options"][1]["id"])
    ).status_code == 201
    await phone.close()
    facilitator = await open_presenter(browser, js_errors, session)
    screen = await open_screen(browser, js_errors, session)  # a second machine
    facilitator.on("dialog", lambda dialog: dialog.accept())
    await facilitator.get_by_role("button", name="End session").click()
    for page in (facilitator, screen):
        await expect(page.locator("#ended-slide")).to_be_visible()
        await expect(page.locator("body")).not_to_contain_text(session["code"][:3])
    await expect(facilitator.get_by_role("button", name="Lock voting")).to_be_disabled()

    for page in (facilitator, screen):  # each steps on its own keys
        await page.keyboard.press("ArrowRight")
        await expect(page.locator("#q-number")).to_have_text("Question 1 of 2")
        await expect(page.locator(".bar-row", has_text="Option 2:")).to_contain_text("1 · 100%")
        await page.keyboard.press("ArrowRight")
        await expect(page.locator("#q-number")).to_have_text("Question 2 of 2")
        await expect(page.locator(".scale-ends")).to_contain_text("Strongly agree")
        await page.keyboard.press("ArrowLeft")
        await expect(page.locator("#q-number")).to_have_text("Question 1 of 2")
    assert await facilitator.locator("#results button").count() == 0  # read-only
    await screen.reload()  # a page loaded after the end has no code in it at all
    assert session["code"] not in await screen.content()
    await screen.screenshot(path=artifacts / "screen-review.png", animations="disabled")
    assert js_errors.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_no_wcag_violations_on_the_facilitators_view_and_the_screen(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, scheme: str
) -> None:
    questions = [long_questions()[0], long_questions()[1], {"kind": "open_text", "prompt": "Tell"}]
    session = await create(server, questions=questions)
    options = {"color_scheme": scheme, "bypass_csp": True}
    facilitator = await open_presenter(browser, js_errors, session, **options)
    screen = await open_screen(browser, js_errors, session, **options)
    phone = Phone(server)
    await phone.join(session["code"])
    for number, question in enumerate(session["questions"], start=1):
        await next_question(facilitator, number)
        await phone.answer_http(question["id"], answer_for(question))
        await expect(screen.locator("#q-number")).to_have_text(f"Question {number} of 3")
        await expect(screen.locator("#counter")).to_have_text("1 response")
        for page in (facilitator, screen):
            await settled(page)
            assert await axe_violations(page) == [], (number, page.url)
    await phone.close()
    await control(server, session["id"], "end")
    await expect(screen.locator("#ended-slide")).to_be_visible()
    await screen.keyboard.press("ArrowRight")
    await expect(screen.locator("#q-number")).to_have_text("Question 1 of 3")
    assert await axe_violations(screen) == []
    _, fresh = await new_page(browser, js_errors, **options)
    await fresh.goto(screen_url(session))
    await expect(fresh.locator("#ended-slide")).to_be_visible()
    assert await axe_violations(fresh) == []
    assert js_errors.errors == []


async def settled(page: Page) -> None:
    """Wait until arrivals have faded in: axe measures colours as they are at the moment."""
    await page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running')", timeout=5000
    )


def answer_for(question: dict[str, Any]) -> Any:
    if question["kind"] == "single_choice":
        return question["options"][0]["id"]
    if question["kind"] == "scale":
        return {s["id"]: 4 for s in question["statements"]}
    return "A short story"
