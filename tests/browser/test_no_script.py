"""The phone page without JavaScript: plain forms that post, the same answers as the API."""

from __future__ import annotations

import asyncio
import re

from playwright.async_api import Browser, expect

from ..conftest import RunningServer
from .conftest import PHONE, ErrorWatch, control, create, new_page, results


async def test_a_phone_without_javascript_answers_by_submitting_forms_exactly_once(
    server: RunningServer, browser: Browser
) -> None:
    session = await create(server)
    q1, _, q3, _ = (q["id"] for q in session["questions"])
    context = await browser.new_context(**PHONE, java_script_enabled=False)
    phone = await context.new_page()
    await phone.goto(session["join_url"])
    await expect(phone.locator("#stage h2")).to_have_text("Welcome!")

    await control(server, session["id"], "goto", q1)
    await phone.get_by_role("link", name="Check for the next question").tap()
    await phone.get_by_label("Leader", exact=True).check()
    form = await phone.locator("form.question").inner_html()  # to post it again below
    await phone.get_by_role("button", name="Send answer").tap()
    await expect(phone.locator("#status")).to_have_text(
        "✓ Answer saved. You can change it until voting closes."
    )
    await expect(phone.get_by_label("Leader", exact=True)).to_be_checked()
    await expect(phone.get_by_role("button", name="Update answer")).to_be_visible()

    await phone.goto(session["join_url"])  # the same form, with its answer id, sent twice
    await phone.locator("form.question").evaluate("(f, html) => { f.innerHTML = html; }", form)
    await phone.get_by_label("Leader", exact=True).check()
    await phone.get_by_role("button", name="Send answer").tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")

    await control(server, session["id"], "goto", q3)
    await phone.goto(session["join_url"])
    rows = phone.locator("fieldset.statement")
    await expect(rows).to_have_count(2)
    await rows.nth(0).locator("input[value='4']").check(force=True)
    await rows.nth(1).locator("input[value='2']").check(force=True)
    await phone.get_by_role("button", name="Send answer").tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    await expect(rows.nth(0).locator("input[value='4']")).to_be_checked()

    found = await results(server, session["id"])
    assert found[q1]["responses"] == 1
    assert found[q1]["result"]["counts"] == {"learner": 0, "leader": 1, "l-d": 0}
    assert found[q3]["responses"] == 1
    assert found[q3]["result"]["statements"]["goals-are-clear"]["counts"]["4"] == 1
    assert found[q3]["result"]["statements"]["metrics-are-agreed"]["counts"]["2"] == 1


async def test_a_phone_without_javascript_is_told_why_an_answer_was_refused(
    server: RunningServer, browser: Browser
) -> None:
    session = await create(server, mode="self_paced")
    q1 = session["questions"][0]["id"]
    context = await browser.new_context(**PHONE, java_script_enabled=False, locale="de-DE")
    phone = await context.new_page()
    await phone.goto(session["join_url"])
    await expect(phone.locator("form.question")).to_have_count(4)  # self-paced: all of them

    first = phone.locator(f"#q-{q1}")
    async with phone.expect_response(lambda r: r.request.method == "POST") as posted:
        await first.get_by_role("button", name="Antwort senden").tap()  # nothing chosen
    assert (await posted.value).status == 422
    await expect(first.get_by_role("alert")).to_have_text(
        "Wählen oder schreiben Sie eine Antwort, bevor Sie sie senden."
    )

    await first.get_by_label("L&D", exact=True).check()
    await control(server, session["id"], "lock", q1)
    await first.get_by_role("button", name="Antwort senden").tap()
    await expect(phone.locator(f"#q-{q1}").get_by_role("alert")).to_contain_text(
        "nicht gespeichert"
    )
    assert (await results(server, session["id"]))[q1]["responses"] == 0


async def test_a_phone_whose_websocket_is_blocked_still_answers_through_the_form(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch
) -> None:
    """A proxy that refuses WebSockets: the script runs, but the server's form still posts."""
    session = await create(server)
    q1 = session["questions"][0]["id"]
    await control(server, session["id"], "goto", q1)
    _, phone = await new_page(browser, js_errors, **PHONE)
    await phone.route_web_socket(re.compile(r"/ws/"), lambda ws: asyncio.ensure_future(ws.close()))
    await phone.goto(session["join_url"])
    await phone.get_by_label("L&D", exact=True).check()
    await phone.get_by_role("button", name="Send answer").tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    found = await results(server, session["id"])
    assert found[q1]["result"]["counts"]["l-d"] == 1


async def test_the_newer_kinds_are_answered_without_javascript(
    server: RunningServer, browser: Browser
) -> None:
    """NPS as radios and a ranking as one select per place, through the server's forms."""
    questions = [
        {"kind": "nps", "prompt": "Recommend it?"},
        {
            "kind": "ranking",
            "prompt": "Order them",
            "items": ["Alpha", "Beta", "Gamma"],
            "max_rank": 2,
        },
    ]
    session = await create(server, mode="self_paced", questions=questions)
    context = await browser.new_context(**PHONE, java_script_enabled=False)
    phone = await context.new_page()
    await phone.goto(session["join_url"])
    nps_form, ranking_form = (
        phone.locator("form.question").nth(0),
        phone.locator("form.question").nth(1),
    )
    await nps_form.locator("input[value='8']").check(force=True)
    await nps_form.get_by_role("button", name="Send answer").tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")

    ranking_form = phone.locator("form.question").nth(1)
    await ranking_form.get_by_label("Place 1").select_option(label="Gamma")
    await ranking_form.get_by_role("button", name="Send answer").tap()  # one place empty
    await expect(phone.locator("form.question").nth(1).locator(".problem")).to_be_visible()
    ranking_form = phone.locator("form.question").nth(1)
    await ranking_form.get_by_label("Place 1").select_option(label="Gamma")
    await ranking_form.get_by_label("Place 2").select_option(label="Alpha")
    await ranking_form.locator("button[type=submit]").tap()  # "Update answer" after a problem
    await expect(phone.locator("#status")).to_contain_text("Answer saved")

    found = await results(server, session["id"])
    assert found["q1"]["result"]["counts"]["8"] == 1 and found["q1"]["result"]["passives"] == 1
    assert found["q2"]["result"]["items"]["gamma"]["positions"] == {"1": 1, "2": 0}
    assert found["q2"]["result"]["items"]["alpha"]["points"] == 1
    await context.close()


async def test_a_phone_without_javascript_asks_and_votes_but_not_for_its_own_post(
    server: RunningServer, browser: Browser
) -> None:
    session = await create(
        server, mode="self_paced", questions=[{"kind": "qa", "prompt": "Ask away"}]
    )
    pages = []
    for _ in range(2):
        context = await browser.new_context(**PHONE, java_script_enabled=False)
        pages.append(await context.new_page())
    asker, voter = pages
    await asker.goto(session["join_url"])
    await asker.get_by_label("Ask away").fill("Wer entscheidet über das Ziel?")
    await asker.get_by_role("button", name="Ask").tap()
    await expect(asker.locator(".qa-item")).to_contain_text("Your question")
    await expect(asker.locator("button.vote")).to_have_count(0)  # no vote for one's own

    await voter.goto(session["join_url"])
    await voter.get_by_role("button", name="0 votes").tap()
    await expect(voter.get_by_role("button", name="1 vote")).to_have_attribute(
        "aria-pressed", "true"
    )
    await voter.get_by_role("button", name="1 vote").tap()  # takes the vote back
    await expect(voter.get_by_role("button", name="0 votes")).to_have_attribute(
        "aria-pressed", "false"
    )
    await voter.get_by_role("button", name="0 votes").tap()
    await expect(voter.get_by_role("button", name="1 vote")).to_have_attribute(
        "aria-pressed", "true"
    )

    found = (await results(server, session["id"]))["q1"]["result"]["items"]
    assert [(i["text"], i["votes"]) for i in found] == [("Wer entscheidet über das Ziel?", 1)]
