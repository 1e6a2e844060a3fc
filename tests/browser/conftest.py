"""Browser fixtures: Debian's Chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from ..client import SIMPLE_QUESTIONS, Organizer
from ..conftest import RunningServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
PROJECTOR = {"viewport": {"width": 1280, "height": 720}}
# The four kinds these pages were first built for (q1-q4); newer kinds have their own tests
CORE_QUESTIONS = [
    q
    for q in SIMPLE_QUESTIONS
    if q["kind"] in ("single_choice", "multiple_choice", "scale", "open_text")
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]


def require_chromium() -> None:
    if shutil.which(str(CHROMIUM)) is None:
        pytest.fail(
            f"the browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        )


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    require_chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class ErrorWatch:
    """JavaScript errors and console errors of the pages it watches."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))
        page.on(
            "console",
            lambda m: self.errors.append(f"{page.url}: {m.text}") if m.type == "error" else None,
        )
        return page


@pytest.fixture
def js_errors() -> ErrorWatch:
    return ErrorWatch()


async def new_page(
    browser: Browser, watch: ErrorWatch, **options: object
) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(**options)  # type: ignore[arg-type]
    return context, watch.watch(await context.new_page())


async def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is now, readable."""
    await page.add_script_tag(path=str(AXE))
    found = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.help + ' -> '"
        " + v.nodes.map(n => n.target.join(' ')).join(', ')))",
        WCAG_TAGS,
    )
    return list(found)


# -- the room -------------------------------------------------------------------------------
async def create(
    server: RunningServer, mode: str = "presenter", questions: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    async with Organizer(server) as organizer:
        return await organizer.create(mode=mode, questions=questions or CORE_QUESTIONS)


async def control(
    server: RunningServer, session_id: str, action: str, question: str | None = None
) -> None:
    async with Organizer(server) as organizer:
        await organizer.control(session_id, action, question)


async def results(server: RunningServer, session_id: str) -> dict[str, dict[str, Any]]:
    async with Organizer(server) as organizer:
        return await organizer.results(session_id)


async def open_presenter(
    browser: Browser, watch: ErrorWatch, session: dict[str, Any], **options: Any
) -> Page:
    _, page = await new_page(browser, watch, **{**PROJECTOR, **options})
    await page.goto(session["presenter_url"])
    await expect(page.locator("#link-state")).to_have_text("Live")
    await expect(page.locator("body")).to_have_attribute("data-view", re.compile(r"\w"))
    return page


def screen_url(session: dict[str, Any]) -> str:
    """The audience screen's link, with the presenter key: it opens on a second machine."""
    return str(session["presenter_url"]).replace("/present/", "/screen/", 1)


async def open_screen(
    browser: Browser, watch: ErrorWatch, session: dict[str, Any], **options: Any
) -> Page:
    """The audience screen in a browser of its own, as on a second machine."""
    _, page = await new_page(browser, watch, **{**PROJECTOR, **options})
    await page.goto(screen_url(session))
    await expect(page.locator("body")).to_have_attribute("data-connection", "open")
    await expect(page.locator("body")).to_have_attribute("data-view", re.compile(r"\w"))
    return page


async def open_phone(
    browser: Browser, watch: ErrorWatch, session: dict[str, Any], **options: Any
) -> Page:
    _, page = await new_page(browser, watch, **{**PHONE, **options})
    await page.goto(session["join_url"])
    return page


async def next_question(page: Page, number: int) -> None:
    """Step the presenter screen on to question `number` with the clicker's PageDown."""
    await page.keyboard.press("PageDown")
    await expect(page.locator("#q-number")).to_contain_text(f"Question {number} of")
