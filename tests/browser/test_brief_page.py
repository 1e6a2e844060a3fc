"""The brief as a page a director reads: axe-clean, and looked at."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from ..client import Organizer
from ..conftest import RunningServer
from ..test_brief import run_session
from ..test_brief_pdf import STORY
from ..test_brief_pdf import run_session as run_unkind_session
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


async def test_the_brief_with_unkind_labels_fits_a_phone_and_a_laptop_and_passes_axe(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    """Arabic and emoji labels, HTML in stories and a long German compound: every chart
    kind on the page, nothing wider than a 360 px phone, axe-clean on screen and in print."""
    async with Organizer(server) as org:
        session_id = await run_unkind_session(server, org)
    for name, viewport in (("phone", (360, 800)), ("laptop", (1280, 720))):
        width, height = viewport
        _, page = await new_page(
            browser, js_errors, viewport={"width": width, "height": height}, bypass_csp=True
        )
        await page.goto(f"{server.url}/signin?token={server.admin_token}")
        url = f"{server.url}/api/sessions/{session_id}/brief?format=html"
        response = await page.goto(url)
        assert response is not None and response.ok
        await expect(page.locator(".chart")).to_have_count(8)
        await expect(page.get_by_text(STORY)).to_be_visible()  # as text, never as markup
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        await page.screenshot(path=artifacts / f"brief-unkind-{name}.png", full_page=True)
        assert await axe_violations(page) == []
        await page.emulate_media(media="print")
        assert await axe_violations(page) == []
    assert js_errors.errors == []
