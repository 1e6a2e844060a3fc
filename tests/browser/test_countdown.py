"""The countdown on a phone and on the presenter screen: started from the presenter's
controls, counted down on both, and the phone locks at zero without a reload."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

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

ONE_QUESTION = [{"kind": "single_choice", "prompt": "Coffee or tea?", "options": ["Coffee", "Tea"]}]
SMALL_PHONE = {"viewport": {"width": 360, "height": 740}}


async def test_phone_and_presenter_count_down_and_the_phone_locks_at_zero(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server, questions=ONE_QUESTION)
    presenter = await open_presenter(browser, js_errors, session, bypass_csp=True)  # for axe
    phone = await open_phone(browser, js_errors, session, **SMALL_PHONE, bypass_csp=True)
    await next_question(presenter, 1)
    await expect(phone.get_by_label("Coffee")).to_be_enabled()
    await expect(phone.locator("#countdown")).to_be_hidden()

    countdown_form = presenter.get_by_role("form", name="Countdown")
    await countdown_form.get_by_role("button", name="2 min").click()
    await expect(presenter.locator("#countdown")).to_have_text(re.compile(r"^(2:00|1:5\d)$"))
    await expect(phone.locator("#countdown")).to_have_text(re.compile(r"^(2:00|1:5\d) left$"))
    assert await axe_violations(phone) == []
    assert await axe_violations(presenter) == []

    await countdown_form.get_by_label("Seconds").fill("5")
    await countdown_form.get_by_role("button", name="Start countdown").click()
    await expect(phone.locator("#countdown")).to_have_text(re.compile(r"^0:0[1-5] left$"))
    await phone.get_by_label("Tea").tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")

    # zero: the phone locks by itself (no reload), the screen stops counting
    await expect(phone.locator(".closed")).to_have_text(
        "Voting is closed for this question.", timeout=10_000
    )
    await expect(phone.get_by_label("Coffee")).to_be_disabled()
    await expect(phone.locator("#countdown")).to_be_hidden()
    await expect(phone.locator("#countdown-news")).to_have_text(
        "Time is up: voting has closed for this question."
    )
    await expect(presenter.locator("#q-state")).to_have_text("Voting closed")
    await expect(presenter.locator("#countdown")).to_be_hidden()
    await expect(presenter.get_by_role("button", name="Open voting")).to_be_visible()
    assert (await results(server, session["id"]))["q1"]["result"]["counts"] == {
        "coffee": 0,
        "tea": 1,
    }
    assert await axe_violations(phone) == []
    assert js_errors.errors == []
