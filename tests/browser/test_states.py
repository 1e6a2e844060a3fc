"""What a phone and a presenter screen show in each state of a session, in each language."""

from __future__ import annotations

import asyncio
import json
import re

import httpx2
from playwright.async_api import Browser, Route, WebSocketRoute, expect

from ..client import Organizer, wait_until
from ..conftest import RunningServer
from .conftest import (
    PHONE,
    ErrorWatch,
    axe_violations,
    control,
    create,
    new_page,
    next_question,
    open_phone,
    open_presenter,
    results,
)

ONE_QUESTION = [{"kind": "single_choice", "prompt": "Coffee or tea?", "options": ["Coffee", "Tea"]}]


async def test_the_presenter_counts_answers_against_the_phones_in_the_room(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server)
    presenter = await open_presenter(browser, js_errors, session)
    phones = [await open_phone(browser, js_errors, session) for _ in range(3)]
    await next_question(presenter, 1)
    await expect(presenter.locator("#counter")).to_have_text("0 of 3 answered")

    for phone in phones[:2]:
        await phone.get_by_label("Leader", exact=True).tap()
        await expect(phone.locator("#status")).to_contain_text("Answer saved")
    await expect(presenter.locator("#counter")).to_have_text("2 of 3 answered")

    await phones[2].context.close()  # a phone leaves the room: the count follows
    await expect(presenter.locator("#counter")).to_have_text("2 of 2 answered")
    extra = await open_phone(browser, js_errors, session)
    await expect(extra.get_by_label("Leader", exact=True)).to_be_enabled()
    await expect(presenter.locator("#counter")).to_have_text("2 of 3 answered")
    assert js_errors.errors == []


async def test_a_phone_waits_for_the_question_then_sees_it_locked(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server)
    q1 = session["questions"][0]["id"]
    phone = await open_phone(browser, js_errors, session)
    await expect(phone.locator("#stage h2")).to_have_text("Welcome!")
    await expect(phone.locator("#pager")).to_be_hidden()

    await control(server, session["id"], "goto", q1)
    await expect(phone.get_by_label("Learner", exact=True)).to_be_enabled()
    await control(server, session["id"], "lock", q1)
    await expect(phone.locator(".closed")).to_have_text("Voting is closed for this question.")
    await expect(phone.get_by_label("Learner", exact=True)).to_be_disabled()

    late = await open_phone(browser, js_errors, session)  # arrives after the lock
    await expect(late.locator(".closed")).to_have_text("Voting is closed for this question.")
    for option in ("Learner", "Leader", "L&D"):
        await expect(late.get_by_label(option, exact=True)).to_be_disabled()
    assert js_errors.errors == []


async def test_a_self_paced_phone_says_thank_you_after_the_last_answer(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server, mode="self_paced", questions=ONE_QUESTION)
    phone = await open_phone(browser, js_errors, session)
    await expect(phone.locator("#position")).to_have_text("Question 1 of 1")
    await phone.get_by_label("Tea").tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    await phone.get_by_role("button", name="Next").tap()

    await expect(phone.locator("#stage h2")).to_have_text("Thank you!")
    await expect(phone.locator("#stage")).to_contain_text("You have reached the end")
    await expect(phone.get_by_role("button", name="Next")).to_be_disabled()
    await phone.get_by_role("button", name="Previous").tap()
    await expect(phone.get_by_label("Tea")).to_be_checked()
    assert js_errors.errors == []


async def test_a_phone_shows_the_end_of_the_session_not_an_error(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server, mode="self_paced", questions=ONE_QUESTION)
    phone = await open_phone(browser, js_errors, session)
    await phone.get_by_label("Coffee").tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")

    await control(server, session["id"], "end")
    await expect(phone.locator("#stage h2")).to_have_text("Thank you for taking part!")
    await expect(phone.locator("#stage")).to_contain_text("This session has ended.")
    await expect(phone.locator("#pager")).to_be_hidden()
    await expect(phone.locator("#status")).to_have_text("")
    await expect(phone.locator("#connection")).to_be_hidden()
    assert await phone.locator("input, textarea").count() == 0
    assert js_errors.errors == []


async def test_the_german_presenter_screen_speaks_german(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server)
    presenter = await open_presenter(browser, js_errors, session, locale="de-DE")
    await expect(presenter.locator("html")).to_have_attribute("lang", "de")
    controls = presenter.get_by_role("navigation", name="Steuerung")
    for name in ("Zurück", "Weiter", "Abstimmung schließen", "Ergebnisse verbergen"):
        await expect(controls.get_by_role("button", name=name, exact=True)).to_be_visible()
    await expect(presenter.locator("#start-slide")).to_contain_text("Mitmachen auf")

    phone = await open_phone(browser, js_errors, session, locale="de-DE")
    await presenter.keyboard.press("PageDown")
    await expect(presenter.locator("#q-number")).to_have_text("Frage 1 von 4")
    await expect(presenter.locator("#counter")).to_have_text("0 von 1 haben geantwortet")
    await phone.get_by_label("Leader", exact=True).tap()
    await expect(presenter.locator("#counter")).to_have_text("1 von 1 hat geantwortet")
    await presenter.keyboard.press("l")
    await expect(controls.get_by_role("button", name="Abstimmung öffnen")).to_be_visible()
    await expect(presenter.locator("#q-state")).to_have_text("Abstimmung geschlossen")
    assert js_errors.errors == []


async def test_the_high_contrast_theme_passes_axe_also_in_full_screen(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server)
    presenter = await open_presenter(browser, js_errors, session, bypass_csp=True)
    await presenter.get_by_role("button", name="High contrast").click()
    assert await axe_violations(presenter) == []
    phone = await open_phone(browser, js_errors, session)
    await next_question(presenter, 1)
    await phone.get_by_label("L&D", exact=True).tap()
    await expect(presenter.locator(".bar-row", has_text="L&D").locator(".value")).to_have_text(
        "1 · 100%"
    )
    assert await axe_violations(presenter) == []

    await presenter.keyboard.press("f")
    await wait_until(lambda: presenter.evaluate("Boolean(document.fullscreenElement)"))
    assert await presenter.locator("#controls").evaluate("e => getComputedStyle(e).opacity") == "1"
    assert await axe_violations(presenter) == []
    assert js_errors.errors == []


async def test_reloading_the_phone_after_the_end_shows_a_thank_you(server: RunningServer) -> None:
    async with Organizer(server) as org:
        session = await org.create(mode="presenter")
        with httpx2.Client(base_url=server.url, headers={"Accept-Language": "de"}) as phone:
            assert phone.post(f"/api/join/{session['code']}", json={}).status_code == 200
            await org.control(session["id"], "end")
            r = phone.get(f"/j/{session['code']}")  # a phone that took part: it has ended
            assert r.status_code == 410
            assert "Diese Sitzung ist beendet" in r.text
            assert phone.get("/j/00000001").status_code == 404


async def test_a_story_typed_before_the_script_takes_over_is_kept_and_sent(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    """On a slow phone the server's form shows first; what is typed there survives the
    moment the script replaces it with its own, and is what gets sent."""
    questions = [{"kind": "open_text", "prompt": "Tell us a story"}]
    session = await create(server, questions=questions, mode="self_paced")
    _, phone = await new_page(browser, js_errors, **PHONE)
    script_held = asyncio.Event()
    release = asyncio.Event()

    async def hold_script(route: Route) -> None:
        script_held.set()
        await release.wait()
        await route.continue_()

    await phone.route("**/static/js/phone.js", hold_script)
    await phone.goto(session["join_url"], wait_until="commit")  # "load" waits for the script
    await asyncio.wait_for(script_held.wait(), 10)
    await phone.get_by_label("Tell us a story").fill("Written before the script ran")
    release.set()
    await expect(phone.locator("body")).to_have_attribute("data-connection", "open")
    await expect(phone.locator("form[data-server]")).to_have_count(0)  # the script's form now
    await expect(phone.get_by_label("Tell us a story")).to_have_value(
        "Written before the script ran"
    )
    await phone.get_by_role("button", name="Send answer").click()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    found = await results(server, session["id"])
    assert [i["text"] for i in found["q1"]["result"]["items"]] == ["Written before the script ran"]
    assert js_errors.errors == []


async def test_the_phone_counts_characters_as_people_see_them_and_never_cuts_a_paste(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    questions = [{"kind": "open_text", "prompt": "Tell us a story", "max_length": 5}]
    session = await create(server, questions=questions, mode="self_paced")
    phone = await open_phone(browser, js_errors, session, viewport={"width": 360, "height": 740})
    await expect(phone.locator("form[data-server]")).to_have_count(0)
    story = phone.get_by_label("Tell us a story")
    counter = phone.locator(".counter")

    await story.fill("👍🏽👍🏽👍🏽")  # six code points, three characters
    await expect(counter).to_have_text("3 of 5 characters")
    await story.fill("👍🏽" * 7)  # a paste over the limit stays as it is
    await expect(counter).to_have_text("7 of 5 characters: 2 too many")
    await expect(counter).to_have_attribute("data-over", "true")
    await phone.get_by_role("button", name="Send answer").click()
    await expect(phone.locator("#status")).to_have_text("The text is too long.")
    await expect(story).to_have_value("👍🏽" * 7)

    await story.fill("👍🏽" * 5)
    await expect(counter).to_have_text("5 of 5 characters")
    await phone.get_by_role("button", name="Send answer").click()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    found = await results(server, session["id"])
    assert [i["text"] for i in found["q1"]["result"]["items"]] == ["👍🏽" * 5]
    assert js_errors.errors == []


async def test_a_draft_survives_a_reload_a_language_switch_and_the_facilitator_moving_on(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    questions = [
        {"kind": "open_text", "id": "story", "prompt": "Tell us a story"},
        {"kind": "nps", "id": "nps", "prompt": "Would you recommend it?"},
    ]
    session = await create(server, questions=questions)
    phone = await open_phone(browser, js_errors, session)
    await expect(phone.locator("#stage h2")).to_have_text("Welcome!")  # not "waiting for next"
    await control(server, session["id"], "goto", "story")
    story = phone.get_by_label("Tell us a story")
    await story.fill("Half a thought about our metric")
    await expect(phone.locator("#status")).to_have_text("Not sent yet")

    await phone.reload()
    await expect(phone.get_by_label("Tell us a story")).to_have_value(
        "Half a thought about our metric"
    )
    await phone.get_by_role("link", name="Deutsch").click()
    await expect(phone.get_by_label("Tell us a story")).to_have_value(
        "Half a thought about our metric"
    )
    await phone.get_by_role("link", name="English").click()

    await control(server, session["id"], "goto", "nps")  # the facilitator moves on
    reminder = phone.locator("#left-behind")
    await expect(reminder).to_contain_text("Not sent: your answer to “Tell us a story”.")
    await reminder.get_by_role("button", name="Send it").click()
    await expect(reminder).to_be_hidden()
    found = await results(server, session["id"])
    assert [i["text"] for i in found["story"]["result"]["items"]] == [
        "Half a thought about our metric"
    ]
    assert js_errors.errors == []


async def test_two_tabs_of_one_phone_show_the_same_saved_answer(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    session = await create(server, questions=ONE_QUESTION)
    await control(server, session["id"], "goto", session["questions"][0]["id"])
    context, first = await new_page(browser, js_errors, **PHONE)
    await first.goto(session["join_url"])
    second = js_errors.watch(await context.new_page())
    await second.goto(session["join_url"])
    for tab in (first, second):
        await expect(tab.locator("body")).to_have_attribute("data-connection", "open")
    await first.get_by_role("radio", name="Tea").check()
    await expect(first.locator("#status")).to_contain_text("Answer saved")
    await expect(second.get_by_role("radio", name="Tea")).to_be_checked()
    await second.get_by_role("radio", name="Coffee").check()
    await expect(first.get_by_role("radio", name="Coffee")).to_be_checked()
    assert js_errors.errors == []


async def test_next_in_a_self_paced_survey_sends_what_was_typed(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    questions = [
        {"kind": "open_text", "id": "story", "prompt": "Tell us a story"},
        {"kind": "nps", "id": "nps", "prompt": "Would you recommend it?"},
    ]
    session = await create(server, questions=questions, mode="self_paced")
    phone = await open_phone(browser, js_errors, session)
    await expect(phone.locator("form[data-server]")).to_have_count(0)
    await phone.get_by_label("Tell us a story").fill("Typed, then Next")
    await phone.get_by_role("button", name="Next").click()
    await expect(phone.get_by_text("Would you recommend it?")).to_be_visible()

    async def stored() -> bool:
        found = await results(server, session["id"])
        return [i["text"] for i in found["story"]["result"]["items"]] == ["Typed, then Next"]

    await wait_until(stored)
    assert js_errors.errors == []


async def test_tabs_share_a_saved_answer_even_when_the_server_cannot_tell_them(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    """Two tabs whose sockets sit on different workers: the server's "saved" push cannot
    reach the other tab, so the tabs tell each other through the browser's storage. Here
    the second tab's socket drops every "saved" message to stand in for the other worker."""
    session = await create(server, questions=ONE_QUESTION)
    await control(server, session["id"], "goto", session["questions"][0]["id"])
    context, first = await new_page(browser, js_errors, **PHONE)
    await first.goto(session["join_url"])
    second = js_errors.watch(await context.new_page())
    dropped: list[str] = []

    async def without_saved_pushes(ws: WebSocketRoute) -> None:
        to_server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            if isinstance(message, str) and json.loads(message).get("type") == "saved":
                dropped.append(message)
                return
            ws.send(message)

        to_server.on_message(from_server)

    await second.route_web_socket(re.compile(r"/ws/session/"), without_saved_pushes)
    await second.goto(session["join_url"])
    for tab in (first, second):
        await expect(tab.locator("body")).to_have_attribute("data-connection", "open")
    await first.get_by_role("radio", name="Tea").check()
    await expect(first.locator("#status")).to_contain_text("Answer saved")
    await expect(second.get_by_role("radio", name="Tea")).to_be_checked()
    assert dropped, "the second tab's socket was offered the server's push, and dropped it"
    assert js_errors.errors == []
