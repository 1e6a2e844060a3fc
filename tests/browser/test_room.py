"""The room as people use it: phones that tap, a presenter screen that follows, a console."""

from __future__ import annotations

import asyncio
import gzip
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from ..client import Organizer, Phone, wait_until
from ..conftest import RunningServer
from .conftest import (
    PHONE,
    ErrorWatch,
    axe_violations,
    create,
    new_page,
    next_question,
    open_phone,
    open_presenter,
    results,
    screen_url,
)

MALICIOUS = "<img src=x onerror=\"document.title='pwned'\"><script>window.pwned=1</script>"


def decode_qr(png: Path) -> str:
    """What a real decoder (zbar) reads from a picture of the screen."""
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


async def test_presenter_shows_a_qr_code_that_decodes_to_the_join_url(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    session = await create(server)
    page = await open_presenter(browser, js_errors, session)
    screen = js_errors.watch(await page.context.new_page())  # the screen's own window
    await screen.goto(screen_url(session))

    for view, name in ((page, "presenter-qr.png"), (screen, "screen-qr.png")):
        png = artifacts / name
        await view.locator("#start-slide .qr").screenshot(path=png)
        decoded = await asyncio.to_thread(decode_qr, png)
        assert decoded == session["join_url"]
        await expect(view.locator("#start-slide")).to_contain_text(session["code"][:3])

    await page.keyboard.press("q")  # the facilitator's key puts the QR on the screen
    await expect(screen.locator("#qr-overlay")).to_be_visible()
    await expect(page.get_by_role("button", name="QR code")).to_have_attribute(
        "aria-pressed", "true"
    )
    await page.keyboard.press("Escape")
    await expect(screen.locator("#qr-overlay")).to_be_hidden()
    assert js_errors.errors == []


async def test_three_phones_tap_answers_and_the_presenter_screen_follows_without_reload(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    session = await create(server)
    presenter = await open_presenter(browser, js_errors, session)
    phones = [await open_phone(browser, js_errors, session) for _ in range(3)]
    for phone in phones:
        await expect(phone.locator("#stage")).to_contain_text("Welcome!")

    await next_question(presenter, 1)
    for phone, choice in zip(phones, ["Leader", "Leader", "Learner"], strict=True):
        await phone.get_by_label(choice, exact=True).tap()
        await expect(phone.locator("#status")).to_contain_text("Answer saved")

    await expect(presenter.locator("#counter")).to_have_text("3 of 3 answered")
    leader = presenter.locator(".bar-row", has_text="Leader")
    await expect(leader.locator(".value")).to_have_text("2 · 67%")
    await phones[0].screenshot(path=artifacts / "phone.png", animations="disabled")
    await presenter.screenshot(path=artifacts / "presenter.png", animations="disabled")

    await presenter.keyboard.press("l")  # lock: phones see it without a reload
    await expect(phones[2].locator(".closed")).to_have_text("Voting is closed for this question.")
    await expect(phones[2].get_by_label("Leader", exact=True)).to_be_disabled()

    await next_question(presenter, 2)
    await next_question(presenter, 3)  # the scale
    for phone, points in zip(phones, [("4", "2"), ("5", "2"), ("3", "1")], strict=True):
        rows = phone.locator("fieldset.statement")
        await expect(rows).to_have_count(2)
        for row, point in zip([rows.nth(0), rows.nth(1)], points, strict=True):
            await row.locator(f"label.point:has(input[value='{point}'])").tap()
        await phone.get_by_role("button", name="Send answer").tap()
        await expect(phone.locator("#status")).to_contain_text("Answer saved")
    goals = presenter.locator(".scale-row", has_text="Goals are clear")
    await expect(goals.locator(".scale-facts")).to_contain_text("Mean 4")
    await expect(presenter.locator("#counter")).to_have_text("3 of 3 answered")
    await presenter.screenshot(path=artifacts / "presenter-scale.png", animations="disabled")
    assert js_errors.errors == []


async def test_a_self_paced_phone_answers_every_kind_at_its_own_pace(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    session = await create(server, mode="self_paced")
    phone = await open_phone(browser, js_errors, session)
    q1, q2, q3, q4 = (q["id"] for q in session["questions"])

    await phone.get_by_label("L&D", exact=True).tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    await phone.get_by_role("button", name="Next").tap()

    await phone.get_by_label("Time").tap()
    await phone.get_by_label("Support").tap()
    await expect(phone.get_by_label("Tools")).to_be_disabled()  # max_choices is 2
    await phone.get_by_role("button", name="Send answer").tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    await phone.get_by_role("button", name="Next").tap()

    await (
        phone.locator("fieldset.statement").first.locator("label.point:has(input[value='5'])").tap()
    )
    await phone.get_by_role("button", name="Send answer").tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    await phone.get_by_role("button", name="Next").tap()

    await phone.get_by_label("Tell us a story").fill("We finally agreed on one metric")
    await expect(phone.locator(".counter")).to_have_text("31 of 50 characters")
    await phone.screenshot(path=artifacts / "phone-open-text.png", animations="disabled")
    await phone.get_by_role("button", name="Send answer").tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")

    found = await results(server, session["id"])
    assert found[q1]["result"]["counts"]["l-d"] == 1
    assert found[q2]["result"]["counts"] == {"time": 1, "tools": 0, "support": 1, "clarity": 0}
    assert found[q3]["result"]["statements"]["goals-are-clear"]["counts"]["5"] == 1
    assert found[q3]["result"]["statements"]["metrics-are-agreed"]["n"] == 0
    assert [i["text"] for i in found[q4]["result"]["items"]] == ["We finally agreed on one metric"]

    await phone.reload()  # the answers come back with the page
    await expect(phone.get_by_label("Tell us a story")).to_have_value(
        "We finally agreed on one metric"
    )
    assert js_errors.errors == []


async def test_an_answer_given_offline_is_kept_and_stored_exactly_once(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server, mode="self_paced")
    q1 = session["questions"][0]["id"]
    phone = await open_phone(browser, js_errors, session)
    await expect(phone.get_by_label("Leader", exact=True)).to_be_enabled()
    # the socket's state has replaced the server's form: the script owns the page now
    await expect(phone.locator("#stage form[data-server]")).to_have_count(0)

    await phone.context.set_offline(True)
    await expect(phone.locator("#connection")).to_contain_text("offline")
    await phone.get_by_label("Leader", exact=True).tap()
    await expect(phone.locator("#status")).to_contain_text("Not sent yet")
    outbox = await phone.evaluate(
        "Object.keys(localStorage).filter(k => k.includes('outbox'))"
        ".map(k => Object.keys(JSON.parse(localStorage[k])).length)"
    )
    assert outbox == [1]
    assert (await results(server, session["id"]))[q1]["responses"] == 0

    await phone.context.set_offline(False)
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    await expect(phone.locator("#connection")).to_be_hidden()
    await phone.reload()  # resumes at the first unanswered question; the answer is kept
    await expect(phone.locator("#position")).to_have_text("Question 2 of 4")
    await phone.get_by_role("button", name="Previous").tap()
    await expect(phone.get_by_label("Leader", exact=True)).to_be_checked()
    found = await results(server, session["id"])
    assert found[q1]["responses"] == 1
    assert found[q1]["result"]["counts"]["leader"] == 1
    assert js_errors.errors == []


async def test_an_unacknowledged_answer_is_resent_with_its_id_after_a_reload(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    """The outbox survives a reload; a re-send of an answer already stored is a duplicate."""
    session = await create(server, mode="self_paced")
    q1 = session["questions"][0]["id"]
    phone = await open_phone(browser, js_errors, session)
    await phone.get_by_label("Learner", exact=True).tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    answer_id = "0d9d8ef5-4c33-4b5e-9d27-2f0b8a4d7e11"
    await phone.evaluate(
        """([q, id]) => localStorage.setItem('trifecta.outbox.' + document.body.dataset.code,
           JSON.stringify({[q]: {id, question: q, value: 'leader'}}))""",
        [q1, answer_id],
    )
    for _ in range(2):  # two reloads re-send the same id twice
        await phone.reload()
        await wait_until(lambda: _outbox_empty(phone))
    await phone.get_by_role("button", name="Previous").tap()
    await expect(phone.get_by_label("Leader", exact=True)).to_be_checked()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    found = await results(server, session["id"])
    assert found[q1]["responses"] == 1
    assert found[q1]["result"]["counts"] == {"learner": 0, "leader": 1, "l-d": 0}
    assert js_errors.errors == []


async def _outbox_empty(page: Page) -> bool:
    pending = await page.evaluate(
        "Object.keys(localStorage).filter(k => k.includes('outbox'))"
        ".map(k => Object.keys(JSON.parse(localStorage[k])).length)"
    )
    return bool(pending == [0])


async def test_a_malicious_story_is_shown_as_text_runs_nothing_and_can_be_hidden(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    questions = [{"kind": "open_text", "prompt": "Tell us a story", "max_length": 200}]
    async with Organizer(server) as organizer:
        session = await organizer.create(mode="presenter", questions=questions)
    presenter = await open_presenter(browser, js_errors, session)
    await next_question(presenter, 1)
    phone = await open_phone(browser, js_errors, session)
    await phone.get_by_label("Tell us a story").fill(MALICIOUS)
    await phone.get_by_role("button", name="Send answer").tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")

    story = presenter.locator(".story").first
    await expect(story.locator(".story-text")).to_have_text(MALICIOUS)
    assert await presenter.locator(".stories img, .stories script").count() == 0
    assert await presenter.evaluate("document.title") != "pwned"
    assert await presenter.evaluate("window.pwned") is None
    await presenter.screenshot(path=artifacts / "presenter-stories.png", animations="disabled")

    await story.get_by_role("button", name="Hide").click()
    await expect(story).to_contain_text("Hidden from the screen")
    await expect(presenter.locator(".stories")).not_to_contain_text("onerror")
    found = await results(server, session["id"])
    assert found[session["questions"][0]["id"]]["result"]["items"][0]["hidden"] is True
    assert js_errors.errors == []


async def test_presenter_keys_control_the_session_but_not_while_a_field_has_focus(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server)
    q1 = session["questions"][0]["id"]
    presenter = await open_presenter(browser, js_errors, session)

    async def state() -> dict[str, Any]:
        async with Organizer(server) as organizer:
            data = await organizer.session(session["id"])
        return {q["id"]: q for q in data["questions"]} | {"current": data["current_question"]}

    await next_question(presenter, 1)
    await presenter.keyboard.press("?")
    await expect(presenter.locator("#help")).to_be_visible()
    await presenter.keyboard.press("Escape")
    await presenter.keyboard.press("h")
    await expect(presenter.locator("#results-hidden")).to_be_visible()
    await presenter.keyboard.press("l")
    await expect(presenter.locator("#q-state")).to_have_text("Voting closed")
    current = await state()
    assert current[q1]["state"] == "locked" and current[q1]["results_visible"] is False

    await presenter.locator("#countdown-seconds").focus()
    await presenter.keyboard.press("PageDown")
    await presenter.keyboard.press("l")
    await presenter.keyboard.press("b")  # the focused field ignores them all
    assert (await state())["current"] == q1
    await expect(presenter.locator("#blank-button")).to_have_attribute("aria-pressed", "false")

    await presenter.get_by_role("button", name="High contrast").click()
    assert await presenter.evaluate("document.documentElement.dataset.theme") == "contrast"
    await presenter.keyboard.press("b")  # the theme picker hands the keys back to the page
    await expect(presenter.locator("#blank-button")).to_have_attribute("aria-pressed", "true")
    await presenter.keyboard.press("b")
    await presenter.keyboard.press("PageUp")  # at the first question: stays there
    await presenter.get_by_role("button", name="Dark").click()
    await presenter.keyboard.press("ArrowRight")  # never swallowed by the picker
    await expect(presenter.locator("#q-number")).to_contain_text("2 of 4")
    await presenter.get_by_label("Language filter").click()
    await presenter.keyboard.press("ArrowRight")  # nor by the switch
    await expect(presenter.locator("#q-number")).to_contain_text("3 of 4")
    assert js_errors.errors == []


async def test_the_presenter_screen_refuses_a_participant_and_a_stranger(
    server: RunningServer, browser: Browser
) -> None:
    session = await create(server)
    context = await browser.new_context(**PHONE)
    page = await context.new_page()
    await page.goto(session["join_url"])  # now holds a participant cookie
    response = await page.goto(session["presenter_url"].split("?")[0])
    assert response is not None and response.status == 403
    await expect(page.locator("h1")).to_have_text("This screen needs the presenter link")
    response = await page.goto(session["presenter_url"].split("?")[0] + "/qr.svg")
    assert response is not None and response.status == 403
    response = await page.goto(session["presenter_url"].split("?")[0] + "?key=wrong-key")
    assert response is not None and response.status == 403


async def test_the_presenter_screen_reconnects_after_a_server_restart(
    own_server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    own_server.start()
    session = await create(own_server)
    presenter = await open_presenter(browser, js_errors, session)
    await next_question(presenter, 1)

    own_server.stop(kill=True)
    await expect(presenter.locator("#link-state")).to_contain_text("reconnecting")
    own_server.start()
    await expect(presenter.locator("#link-state")).to_have_text("Live", timeout=20000)
    phone = Phone(own_server)
    try:
        await phone.join(session["code"])
        r = await phone.answer_http(session["questions"][0]["id"], "l-d")
        assert r.status_code == 201
    finally:
        await phone.close()
    await expect(presenter.locator("#counter")).to_have_text("1 response")
    js_errors.errors = [e for e in js_errors.errors if "WebSocket" not in e]
    assert js_errors.errors == []


async def test_the_console_starts_opens_exports_and_ends_sessions(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    context, page = await new_page(browser, js_errors, viewport={"width": 1280, "height": 900})
    response = await page.goto(f"{server.url}/console")
    assert response is not None and response.status == 401
    await expect(page.locator("h1")).to_have_text("Sign in to the organizer console")
    js_errors.errors.clear()  # the 401 above is logged by the browser; it is expected

    await page.goto(f"{server.url}/signin?token={server.admin_token}")
    page.on("dialog", lambda dialog: dialog.accept())
    card = page.locator(".template", has_text="Alignment pulse check")
    await card.get_by_role("button", name="Start session").click()
    await expect(page.locator("#console-status")).to_contain_text("created")
    row = page.locator("tbody tr").first
    await expect(row).to_contain_text("Alignment pulse check")
    await expect(row).to_contain_text("live")
    await page.screenshot(path=artifacts / "console.png", full_page=True, animations="disabled")

    async with context.expect_page() as opened:
        await row.get_by_role("link", name="Present").click()
    presenter = js_errors.watch(await opened.value)
    await expect(presenter.locator("#link-state")).to_have_text("Live")
    await presenter.close()

    async with page.expect_download() as download:
        await row.get_by_role("link", name="CSV").click()
    assert (await download.value).suggested_filename.endswith(".csv")

    await row.get_by_role("button", name="End").click()
    await expect(page.locator("#console-status")).to_have_text("Session ended.")
    await expect(page.locator("tbody tr").first).to_contain_text("ended")
    assert js_errors.errors == []


async def test_the_phone_follows_the_phone_language_and_offers_a_switch(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server)
    page = await open_phone(browser, js_errors, session, locale="de-DE")
    await expect(page.locator("html")).to_have_attribute("lang", "de")
    await expect(page.locator("#stage")).to_contain_text("Willkommen!")
    await page.get_by_role("link", name="English").click()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator("#stage")).to_contain_text("Welcome!")
    await page.reload()  # the choice is remembered
    await expect(page.locator("html")).to_have_attribute("lang", "en")

    presenter = await open_presenter(browser, js_errors, session)
    await presenter.get_by_role("link", name="Deutsch").click()
    await expect(presenter.locator("#start-slide")).to_contain_text("Mitmachen auf")
    assert js_errors.errors == []


async def test_the_start_page_takes_a_typed_code_and_explains_an_unknown_one(
    server: RunningServer, browser: Browser
) -> None:
    session = await create(server)
    context = await browser.new_context(**PHONE)
    page = await context.new_page()
    await page.goto(f"{server.url}/")
    code = session["code"]
    await page.get_by_label("Enter the code shown on the screen").fill(f"{code[:3]} {code[3:]}")
    await page.get_by_role("button", name="Join").tap()
    await expect(page).to_have_url(session["join_url"])
    await expect(page.locator("#stage")).to_contain_text("Welcome!")

    await page.goto(f"{server.url}/join?code=000")
    await expect(page.locator("#problem")).to_contain_text("no live session with this code")


async def test_the_phone_page_is_light_on_first_load(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    session = await create(server)
    _, page = await new_page(browser, js_errors, **PHONE)
    bodies: dict[str, bytes] = {}

    async def keep(response: Any) -> None:
        if response.url.startswith(server.url) and response.request.resource_type in (
            "document",
            "stylesheet",
            "script",
            "image",
        ):
            bodies[response.url] = await response.body()

    page.on("response", keep)
    await page.goto(session["join_url"])
    await expect(page.locator("#stage")).to_contain_text("Welcome!")
    await wait_until(lambda: _true(len(bodies) >= 7))
    raw = sum(len(b) for b in bodies.values())
    packed = sum(len(gzip.compress(b, 6)) for b in bodies.values())
    report = "\n".join(
        f"{len(gzip.compress(b, 6)):6d} gz {len(b):6d} raw  {url}"
        for url, b in sorted(bodies.items())
    )
    (artifacts / "phone-bytes.txt").write_text(f"{report}\n{packed} gzip, {raw} raw in total\n")
    assert packed < 60 * 1024, report
    assert not any(url.endswith((".woff", ".woff2", ".ttf")) for url in bodies)
    assert js_errors.errors == []


async def _true(value: bool) -> bool:
    return value


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_no_wcag_violations_on_phone_presenter_and_console(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, scheme: str
) -> None:
    session = await create(server, mode="self_paced")
    phone = await open_phone(browser, js_errors, session, color_scheme=scheme, bypass_csp=True)
    await expect(phone.get_by_label("Leader", exact=True)).to_be_visible()
    await phone.get_by_label("Leader", exact=True).tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    assert await axe_violations(phone) == []
    await phone.get_by_role("button", name="Next").tap()
    await phone.get_by_role("button", name="Next").tap()
    await expect(phone.locator("fieldset.statement")).to_have_count(2)
    assert await axe_violations(phone) == []

    presenter = await open_presenter(
        browser, js_errors, session, color_scheme=scheme, bypass_csp=True
    )
    assert await axe_violations(presenter) == []
    await next_question(presenter, 1)
    await expect(presenter.locator("#counter")).to_have_text("1 of 1 answered")
    assert await axe_violations(presenter) == []

    _, console = await new_page(
        browser,
        js_errors,
        color_scheme=scheme,
        bypass_csp=True,
        viewport={"width": 1280, "height": 900},
    )
    await console.goto(f"{server.url}/signin?token={server.admin_token}")
    await expect(console.locator("h1")).to_have_text("Organizer console")
    assert await axe_violations(console) == []
    assert js_errors.errors == []
