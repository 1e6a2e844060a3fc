"""What a facilitator reveals reaches the phones live, and the language filter switch
hides caught words from the screen at once."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from ..conftest import RunningServer
from .conftest import (
    ErrorWatch,
    axe_violations,
    create,
    next_question,
    open_phone,
    open_presenter,
)


async def test_results_reach_the_phones_only_when_the_facilitator_reveals_them(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    question = {
        "kind": "single_choice",
        "prompt": "Kaffee oder Tee?",
        "options": ["Kaffee ☕", "شاي"],
    }
    session = await create(server, questions=[question])
    presenter = await open_presenter(browser, js_errors, session)
    await next_question(presenter, 1)
    phone = await open_phone(
        browser, js_errors, session, viewport={"width": 360, "height": 740}, bypass_csp=True
    )
    await phone.get_by_role("radio", name="شاي").check()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    await expect(phone.locator(".phone-results")).to_be_hidden()

    share = presenter.get_by_role("button", name="Show results on phones")
    await share.click()
    await expect(phone.locator(".phone-results")).to_be_visible()
    await expect(phone.locator(".phone-results .bar-row").nth(1)).to_contain_text("100%")
    await expect(presenter.get_by_role("button", name="Hide results")).to_be_visible()
    await phone.screenshot(path=artifacts / "phone-shared-results-360.png")
    assert await phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert await axe_violations(phone) == []

    await presenter.get_by_role("button", name="Hide results").click()
    await expect(phone.locator(".phone-results")).to_be_hidden()
    assert js_errors.errors == []


async def test_the_language_filter_switch_hides_a_caught_story_from_the_screen(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server, questions=[{"kind": "open_text", "prompt": "Tell us a story"}])
    presenter = await open_presenter(browser, js_errors, session)
    await next_question(presenter, 1)
    phone = await open_phone(browser, js_errors, session)
    await expect(phone.locator("body")).to_have_attribute("data-connection", "open")
    await phone.get_by_label("Tell us a story").fill("Honestly this rollout was shit")
    await phone.get_by_role("button", name="Send answer").click()
    await expect(presenter.locator(".story-text")).to_have_text("Honestly this rollout was shit")

    await presenter.get_by_label("Language filter").check()
    await expect(presenter.locator(".story-text")).to_have_text("Hidden by the language filter")
    await expect(presenter.locator(".stories")).not_to_contain_text("shit")
    await presenter.reload()
    await expect(presenter.get_by_label("Language filter")).to_be_checked()
    await presenter.get_by_label("Language filter").uncheck()
    await expect(presenter.locator(".story-text")).to_have_text("Honestly this rollout was shit")
    assert js_errors.errors == []
