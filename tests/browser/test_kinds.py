"""Each kind as people use it: answered on a phone by tapping and by keyboard, drawn on the
presenter screen without a reload, and clean for axe on both."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from server.kinds import KINDS

from ..conftest import RunningServer
from .conftest import (
    ErrorWatch,
    axe_violations,
    create,
    next_question,
    open_phone,
    open_presenter,
    results,
)


async def test_nps_is_tapped_or_keyed_on_phones_and_scored_on_the_screen(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    question = KINDS["nps"].examples.question
    session = await create(server, questions=[question])
    presenter = await open_presenter(browser, js_errors, session, bypass_csp=True)  # for axe
    await next_question(presenter, 1)
    tapper = await open_phone(
        browser, js_errors, session, viewport={"width": 360, "height": 740}, bypass_csp=True
    )
    keyer = await open_phone(browser, js_errors, session)

    await expect(tapper.get_by_text("Not at all likely").first).to_be_visible()
    await tapper.get_by_role("radio", name="9", exact=True).tap()
    await expect(tapper.locator("#status")).to_contain_text("Answer saved")
    await tapper.screenshot(path=artifacts / "phone-nps-360.png")
    width = await tapper.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the eleven points fit a 360-pixel phone without sideways scrolling"

    await keyer.get_by_role("radio", name="3", exact=True).focus()
    await keyer.keyboard.press("Space")
    await expect(keyer.locator("#status")).to_contain_text("Answer saved")

    await expect(presenter.locator(".nps-score strong")).to_have_text("0")  # 1 promoter, 1 critic
    await expect(presenter.locator(".nps-groups")).to_contain_text("Promoters")
    await presenter.screenshot(path=artifacts / "presenter-nps.png")
    found = (await results(server, session["id"]))["q1"]["result"]
    assert (found["n"], found["promoters"], found["detractors"], found["score"]) == (2, 1, 1, 0)
    assert await axe_violations(tapper) == []
    assert await axe_violations(presenter) == []
    assert js_errors.errors == []
