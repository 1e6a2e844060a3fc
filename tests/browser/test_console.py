"""The console in a real browser: a facilitator writes a session with one question of
every kind, starts it, phones answer and the session page draws their results live; the
join link opens the phone page; the list filters and deletes; every new page passes axe in
light and dark."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from server.kinds import KINDS

from ..client import SIMPLE_QUESTIONS, Organizer, Phone
from ..conftest import RunningServer
from .conftest import ErrorWatch, axe_violations, new_page

WIDE = {"viewport": {"width": 1280, "height": 900}}
# One question of every kind, as each kind's examples describe it (the phones below answer
# with the examples' values, so the ids typed here must come out the same)
# with the segment question of SIMPLE_QUESTIONS, and its brief section
WRITTEN = [{**SIMPLE_QUESTIONS[0], "brief": "audience"}, *SIMPLE_QUESTIONS[1:]]


async def signed_in(
    browser: Browser, watch: ErrorWatch, server: RunningServer, **options: Any
) -> Page:
    _, page = await new_page(browser, watch, **{**WIDE, **options})
    await page.goto(f"{server.url}/signin?token={server.admin_token}")
    await expect(page.locator("h1")).to_have_text("Organizer console")
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of end and delete
    return page


async def fill_question(page: Page, index: int, spec: dict[str, Any]) -> None:
    """Type one question's settings into its card, as a facilitator would."""
    card = page.locator(".question-card").nth(index)
    for name, value in spec.items():
        if name == "kind":
            continue
        if isinstance(value, dict):  # a grid's axis: its fields are "x.label", ...
            for key, text in value.items():
                await card.locator(f'[data-path="{name}.{key}"]').fill(str(text))
        elif isinstance(value, list):
            await card.locator(f'[data-path="{name}"]').fill("\n".join(value))
        elif name == "brief":  # a section of the performance brief, from a list
            await card.locator(f'[data-path="{name}"]').select_option(value)
        elif isinstance(value, bool):
            await card.locator(f'[data-path="{name}"]').set_checked(value)
        else:
            await card.locator(f'[data-path="{name}"]').fill(str(value))


async def write_session(page: Page, title: str, mode: str, questions: list[dict[str, Any]]) -> None:
    await page.get_by_role("link", name="Write a new session").click()
    await expect(page.locator("h1")).to_have_text("New session")
    await expect(page.locator("body")).to_have_attribute("data-ready", "editor")
    await page.get_by_label("Name").fill(title)
    await page.get_by_label("How it runs").select_option(mode)
    for index, spec in enumerate(questions):
        await page.get_by_label("Kind of question").select_option(spec["kind"])
        await page.get_by_role("button", name="Add question").click()
        await fill_question(page, index, spec)
        # the phone's own drawing of the question being written
        await expect(page.locator("#preview .prompt")).to_have_text(spec["prompt"])


async def test_a_facilitator_writes_a_session_of_every_kind_and_phones_answer_it(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    page = await signed_in(browser, js_errors, server)
    await write_session(page, "Every kind", "self_paced", [*WRITTEN[1:], WRITTEN[0]])
    # reorder: the single choice, added last, goes back to the top; the keyboard stays on
    # its Move up button as it climbs
    last = page.locator(".question-card").last
    await last.get_by_role("button", name=re.compile("^Move up")).click()
    for _ in range(len(WRITTEN) - 2):
        await page.keyboard.press("Enter")
    await expect(page.locator("#console-status")).to_have_text("Moved to place 1.")
    await expect(page.locator(".question-card h3").first).to_have_text("Question 1 · Single choice")
    # delete one and write it again, so that deleting is part of the story
    await (
        page.locator(".question-card")
        .last.get_by_role("button", name=re.compile("^Delete"))
        .click()
    )
    await expect(page.locator(".question-card")).to_have_count(len(WRITTEN) - 1)
    await page.get_by_label("Kind of question").select_option(WRITTEN[-1]["kind"])
    await page.get_by_role("button", name="Add question").click()
    await fill_question(page, len(WRITTEN) - 1, WRITTEN[-1])
    await page.locator(".question-card").nth(2).locator('[data-path="prompt"]').focus()
    await expect(page.locator("#preview .prompt")).to_have_text(WRITTEN[2]["prompt"])
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(
        path=artifacts / "console-editor.png", full_page=False, animations="disabled"
    )

    await page.get_by_role("button", name="Create session").click()
    await expect(page).to_have_url(re.compile(r"/console/sessions/[\w-]+$"))
    await expect(page.locator("#console-status")).to_contain_text("created")
    session_id = page.url.rsplit("/", 1)[1]
    async with Organizer(server) as org:
        written = (await org.session(session_id))["questions"][0]
    assert (written["segment"], written["brief"]) == (True, "audience")
    code = (await page.locator(".join-card .code").inner_text()).strip()
    await expect(page.locator(".question-result")).to_have_count(len(KINDS))

    phones = [Phone(server) for _ in range(2)]
    for phone in phones:
        await phone.join(code)
        for n, kind in enumerate(KINDS.values(), start=1):
            r = await phone.answer_http(f"q{n}", kind.examples.valid[0])
            assert r.status_code == 201, (kind.name, r.text)
        await phone.close()
    await expect(page.locator("#count-answers")).to_have_text(str(2 * len(KINDS)))
    await expect(page.locator("#count-participants")).to_have_text("2", timeout=10_000)
    for n in range(1, len(KINDS) + 1):
        await expect(page.locator(f'[data-responses="q{n}"]')).to_have_text("2 responses")
    await expect(page.locator('[data-results="q1"] .bar-row').first).to_contain_text("100%")
    await expect(page.locator('[data-results="q4"]')).to_contain_text("We never agreed")
    await expect(page.locator("#results button.moderate")).to_have_count(0)  # no controls
    await page.screenshot(
        path=artifacts / "console-session.png", full_page=True, animations="disabled"
    )

    # answered: the questions are no longer editable, and the page says why
    await page.reload()
    await expect(page.locator("#edit-link")).to_have_count(0)
    await expect(page.locator("#edit-refused")).to_contain_text("people have answered")
    locked = await page.goto(f"{server.url}/console/sessions/{session_id}/edit")
    assert locked is not None and locked.status == 409
    await expect(page.locator("h1")).to_have_text("These questions can no longer be edited")
    js_errors.errors.clear()  # the browser logs the 409 it was shown; expected
    assert js_errors.errors == []


async def test_the_join_link_on_the_session_page_opens_the_phone_page(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    page = await signed_in(browser, js_errors, server)
    await write_session(page, "Quick pulse", "self_paced", [WRITTEN[0]])
    await page.get_by_role("button", name="Create session").click()
    await expect(page.locator("#session-title")).to_have_text("Quick pulse")
    link = page.locator("#join-link")
    href = await link.get_attribute("href")
    assert href is not None and re.fullmatch(r"http://127\.0\.0\.1:\d+/j/\d{6,8}", href)
    async with page.context.expect_page() as opened:
        await link.click()
    phone = js_errors.watch(await opened.value)
    await expect(phone).to_have_url(href)
    await expect(phone.locator("body")).to_have_attribute("data-connection", "open")
    await phone.get_by_role("radio", name="Leader").check()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    await expect(page.locator('[data-responses="q1"]')).to_have_text("1 response")
    await expect(page.locator("#count-connected")).to_have_text("1")
    assert js_errors.errors == []


async def test_questions_are_edited_and_a_session_is_duplicated_saved_and_deleted(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    page = await signed_in(browser, js_errors, server)
    await write_session(page, "Draft <b>one</b>", "presenter", WRITTEN[:2])
    await page.get_by_role("button", name="Create session").click()
    await expect(page.locator("#session-title")).to_have_text("Draft <b>one</b>")  # as text
    await page.get_by_role("link", name="Edit questions").click()
    await expect(page.locator("body")).to_have_attribute("data-ready", "editor")
    await expect(page.locator(".question-card")).to_have_count(2)
    await (
        page.locator(".question-card")
        .first.get_by_role("button", name=re.compile("^Move down"))
        .click()
    )
    await page.get_by_label("Name").fill("Draft two")
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.locator("#console-status")).to_have_text("Questions saved.")
    await expect(page.locator(".question-result h3").first).to_have_text(WRITTEN[1]["prompt"])
    original = page.url

    await page.get_by_role("button", name="Save as template").click()
    await expect(page.locator("#console-status")).to_contain_text("Saved as the template")
    await page.get_by_role("button", name="Duplicate").click()
    await expect(page.locator("#session-title")).to_have_text("Draft two (copy)")
    assert page.url != original

    await page.goto(f"{server.url}/console")
    await expect(page.locator(".template", has_text="saved here")).to_contain_text("Draft two")
    search = page.get_by_label("Search by name")
    await search.fill("draft two")
    await expect(page.locator("tbody tr:visible")).to_have_count(2)
    await page.get_by_label("State").select_option("ended")
    await expect(page.locator("#no-match")).to_be_visible()
    await page.get_by_label("State").select_option("")
    await page.locator("tbody tr", has_text="(copy)").get_by_role("link").first.click()
    await page.get_by_role("button", name="Delete session and its data").click()
    await expect(page).to_have_url(re.compile(r"/console(\?.*)?$"))
    await expect(page.locator("#console-status")).to_contain_text("were deleted")
    await expect(page.locator("tbody tr", has_text="(copy)")).to_have_count(0)
    assert js_errors.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_every_console_page_passes_axe(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, scheme: str
) -> None:
    page = await signed_in(browser, js_errors, server, color_scheme=scheme, bypass_csp=True)
    assert await axe_violations(page) == []
    await write_session(page, f"Axe {scheme}", "self_paced", WRITTEN)
    assert await axe_violations(page) == [], "editor"
    await page.get_by_role("button", name="Create session").click()
    await expect(page.locator(".question-result")).to_have_count(len(WRITTEN))
    phone = Phone(server)
    await phone.join((await page.locator(".join-card .code").inner_text()).strip())
    for n, kind in enumerate(KINDS.values(), start=1):
        assert (await phone.answer_http(f"q{n}", kind.examples.valid[0])).status_code == 201
    await phone.close()
    await expect(page.locator("#count-answers")).to_have_text(str(len(KINDS)))
    # a new story fades in: axe would measure its contrast halfway
    await page.wait_for_function(
        "document.getAnimations().every(a => a.playState !== 'running')", timeout=5000
    )
    assert await axe_violations(page) == [], "session page with results"
    await page.goto(f"{page.url}/edit")
    assert await axe_violations(page) == [], "edit refused"
    await page.goto(f"{server.url}/console/sessions/no-such-session")
    assert await axe_violations(page) == [], "missing session"
    js_errors.errors.clear()  # the 409 and 404 pages above are logged by the browser
