"""Reactions as people use them: a phone taps (or keys) one, the audience screen shows it rising."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from ..conftest import RunningServer
from .conftest import PHONE, ErrorWatch, axe_violations, control, create, open_phone, open_screen

SMALL_PHONE = {**PHONE, "viewport": {"width": 360, "height": 740}, "bypass_csp": True}  # for axe
TOUCH_TARGET = 44  # px, WCAG 2.5.5 and our style guide


async def test_a_phone_taps_and_keys_reactions_and_they_float_on_the_audience_screen(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server)
    presenter = await open_screen(browser, js_errors, session, bypass_csp=True)
    phone = await open_phone(browser, js_errors, session, **SMALL_PHONE)
    await expect(phone.locator("#stage")).to_contain_text("Welcome!")

    heart = phone.get_by_role("button", name="Heart", exact=True)
    await expect(heart).to_be_visible()  # between questions too
    for name in ("Thumbs up", "Heart", "Laugh", "Surprise", "Question"):
        box = await phone.get_by_role("button", name=name, exact=True).bounding_box()
        assert box is not None and min(box["width"], box["height"]) >= TOUCH_TARGET, (name, box)

    await heart.tap()
    await expect(phone.locator("#reaction-status")).to_have_text("Sent: Heart")
    await expect(presenter.locator(".floater", has_text="\u2764")).not_to_have_count(0)

    await heart.focus()
    await phone.keyboard.press("Tab")
    laugh = phone.get_by_role("button", name="Laugh", exact=True)
    await expect(laugh).to_be_focused()
    await phone.keyboard.press("Enter")
    await expect(phone.locator("#reaction-status")).to_have_text("Sent: Laugh")
    await expect(
        presenter.locator(".floater", has_text="\N{FACE WITH TEARS OF JOY}")
    ).not_to_have_count(0)
    await expect(presenter.locator("#reaction-tally")).to_be_hidden()  # motion is allowed here

    assert await axe_violations(phone) == []
    assert await axe_violations(presenter) == []

    await control(server, session["id"], "end")
    await expect(phone.locator("#reactions")).to_be_hidden()
    assert js_errors.errors == []


async def test_with_reduced_motion_the_audience_screen_counts_reactions_quietly(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server)
    presenter = await open_screen(
        browser, js_errors, session, reduced_motion="reduce", bypass_csp=True
    )
    phone = await open_phone(browser, js_errors, session, **SMALL_PHONE)
    surprise = phone.get_by_role("button", name="Surprise", exact=True)
    for sent in ("1", "2"):
        await surprise.tap()
        await expect(phone.locator("#reaction-status")).to_have_text("Sent: Surprise")
        tally = presenter.locator("#reaction-tally li[data-reaction=surprise] .tally-count")
        await expect(tally).to_have_text(sent)
    await expect(presenter.locator("#reaction-tally")).to_be_visible()
    await expect(presenter.locator(".floater")).to_have_count(0)
    assert await axe_violations(presenter) == []
    assert js_errors.errors == []
