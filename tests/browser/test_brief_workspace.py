"""The brief's workspace in a real browser: a facilitator accepts a proposal, rewords it,
sees the preview of the brief change beside it, reads the insight's history, pins a
story, records the sign-off; the page passes axe on a laptop and on a phone."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from ..client import Organizer
from ..conftest import RunningServer
from ..test_insights import HOSTILE, run_session
from .conftest import ErrorWatch, axe_violations
from .test_console import signed_in

LAPTOP = {"viewport": {"width": 1280, "height": 720}}
PHONE = {"viewport": {"width": 360, "height": 740}}


async def open_workspace(page: Page, server: RunningServer, session_id: str) -> None:
    await page.goto(f"{server.url}/console/sessions/{session_id}")
    await page.get_by_role("link", name="Brief and insights").click()
    await expect(page.locator("body")).to_have_attribute("data-ready", "workspace")


async def test_a_facilitator_curates_insights_and_sees_the_brief_change(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    async with Organizer(server) as org:
        session = await run_session(server, org)
    # the real CSP: the brief's document may be framed by our own pages only
    page = await signed_in(browser, js_errors, server, **LAPTOP)
    await open_workspace(page, server, session["id"])
    preview = page.frame_locator("#preview")
    await expect(preview.locator("h1")).to_have_text("Test session")

    proposal = page.locator('.proposal[data-origin="leading:cause"]')
    await expect(proposal.locator(".evidence")).to_contain_text("9 answered")
    await proposal.get_by_role("button", name="Accept").click()
    await expect(page.locator("#console-status")).to_have_text("Accepted: it is in the brief.")
    await expect(proposal).to_have_count(0)
    card = page.locator(".insight").first
    await expect(preview.locator("#s-problem ~ .insights, .insights").first).to_contain_text(
        "chose 'Process'"
    )

    await card.get_by_label("Wording").fill("Most see the process, not skills, as the cause")
    await card.get_by_role("button", name="Save wording").click()
    await expect(page.locator("#console-status")).to_have_text("Saved.")
    await expect(preview.locator(".insights").first).to_have_text(
        "Most see the process, not skills, as the cause"
    )

    await card.get_by_role("button", name="History").click()
    history = page.locator(".insight .history li")
    await expect(history).to_have_count(2)
    await expect(history.nth(0)).to_contain_text("created")
    await expect(history.nth(1)).to_contain_text("edited · wording: “")
    await expect(history.nth(1)).to_contain_text(
        "→ “Most see the process, not skills, as the cause”"
    )

    story = page.locator(".proposal", has_text="<script>alert")
    await story.get_by_role("button", name="Pin this story").click()
    await expect(page.locator("#console-status")).to_have_text(
        "Story pinned: it is quoted in the brief."
    )
    await expect(preview.locator("blockquote.pinned")).to_have_text(HOSTILE)
    await expect(page.locator(".insight blockquote")).to_have_text(HOSTILE)

    await page.get_by_label("Name").first.fill("Jo Keller")
    await page.locator("#d-signoff-ld-signed_on").fill("2026-12-01")
    await page.get_by_role("button", name="Save details").click()
    await expect(page.locator("#console-status")).to_have_text("Details saved.")
    await expect(preview.locator(".signoff")).to_contain_text("Jo Keller")
    await expect(preview.locator(".signoff")).to_contain_text("2026-12-01")
    await page.screenshot(path="/tmp/ins/workspace-laptop.png", full_page=False)
    assert js_errors.errors == []

    for scheme in ("light", "dark"):
        checked = await signed_in(  # bypass_csp: for axe's script
            browser, js_errors, server, **LAPTOP, color_scheme=scheme, bypass_csp=True
        )
        await open_workspace(checked, server, session["id"])
        await checked.locator(".insight").first.get_by_role("button", name="History").click()
        await expect(checked.locator(".insight .history li")).to_have_count(2)
        assert await axe_violations(checked) == [], scheme


async def test_the_workspace_works_on_a_phone_with_the_preview_below(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    async with Organizer(server) as org:
        session = await run_session(server, org)
    page = await signed_in(browser, js_errors, server, **PHONE, bypass_csp=True)  # for axe
    await open_workspace(page, server, session["id"])
    own = page.locator("#own-form")
    await own.get_by_label("Section").select_option("barriers")
    await own.get_by_label("Type").select_option("environment_process")
    await own.get_by_label("Insight").fill("Kundenzufriedenheitsverbesserungsprozess fehlt 🙈")
    await own.get_by_role("button", name="Add to the brief").click()
    await expect(page.locator("#console-status")).to_have_text("Added to the brief.")
    preview = page.frame_locator("#preview")
    await expect(preview.locator(".not-training")).to_contain_text("Environment: process")
    # with the keyboard alone: the second barrier moves up and keeps the focus on its card
    await own.get_by_label("Insight").fill("Second barrier")
    await own.get_by_role("button", name="Add to the brief").click()
    await expect(page.locator(".insight")).to_have_count(2)
    await page.locator(".insight").nth(1).get_by_role("button", name="Move up").focus()
    await page.keyboard.press("Enter")
    await expect(page.locator("#console-status")).to_have_text("Moved.")
    await expect(page.locator(".insight").first.get_by_label("Wording")).to_have_value(
        "Second barrier"
    )
    focused = page.locator(".insight").first.locator(":focus")
    await expect(focused).to_have_count(1)
    await expect(preview.locator(".insights li").first).to_contain_text("Second barrier")
    edit = page.locator(".workspace-edit").bounding_box()
    frame = page.locator("#preview").bounding_box()
    first, second = await edit, await frame
    assert first is not None and second is not None and second["y"] > first["y"]
    assert await axe_violations(page) == []
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways: {width}px"
    await page.screenshot(path="/tmp/ins/workspace-phone.png", full_page=True)
    assert js_errors.errors == []
