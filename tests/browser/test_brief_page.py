"""The brief as a page a director reads: axe-clean, and looked at."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from ..client import Organizer
from ..conftest import RunningServer
from ..test_brief import run_session
from .conftest import ErrorWatch, axe_violations, new_page


async def test_the_brief_page_reads_cleanly_and_passes_axe(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    async with Organizer(server) as org:
        session = await run_session(server, org)
    _, page = await new_page(
        browser, js_errors, viewport={"width": 900, "height": 1200}, bypass_csp=True
    )
    await page.goto(f"{server.url}/signin?token={server.admin_token}")
    response = await page.goto(f"{server.url}/api/sessions/{session['id']}/brief?format=html")
    assert response is not None and response.ok, await response.text() if response else None
    await expect(page.locator("h1")).to_have_text("Test session")
    await expect(page.locator("blockquote").first).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 900
    await page.screenshot(path=artifacts / "brief.png", full_page=True)
    await page.emulate_media(media="print")
    assert await axe_violations(page) == []
    assert js_errors.errors == []
