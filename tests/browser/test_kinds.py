"""Each kind as people use it: answered on a phone by tapping and by keyboard, drawn on the
presenter screen without a reload, and clean for axe on both."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from server.kinds import KINDS

from ..client import Organizer, Phone
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


RANKING_ITEMS = [
    "Kundenzufriedenheitsbefragungsergebnisauswertung",
    "اطرح أسئلة مفتوحة",
    "Agree a next step",
    "Follow up in writing 📝",
]


async def test_ranking_is_ordered_by_buttons_and_keys_and_sorted_by_points_on_the_screen(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    question = {
        "kind": "ranking",
        "prompt": "Was zählt am meisten?",
        "items": RANKING_ITEMS,
        "max_rank": 3,
    }
    session = await create(server, questions=[question])
    items = {i["label"]: i["id"] for i in session["questions"][0]["items"]}
    presenter = await open_presenter(browser, js_errors, session, bypass_csp=True)
    await next_question(presenter, 1)
    tapper = await open_phone(
        browser, js_errors, session, viewport={"width": 360, "height": 740}, bypass_csp=True
    )
    keyer = await open_phone(browser, js_errors, session)

    # by thumb: bring "Agree a next step" to the top, then send
    await tapper.get_by_role("button", name="Move Agree a next step up").tap()
    await tapper.get_by_role("button", name="Move Agree a next step up").tap()
    await tapper.get_by_role("button", name="Send answer").tap()
    await expect(tapper.locator("#status")).to_contain_text("Answer saved")
    await tapper.screenshot(path=artifacts / "phone-ranking-360.png")
    assert await tapper.evaluate("document.documentElement.scrollWidth") <= 360

    # by keyboard: focus stays on the moved item's button, so Enter moves it on
    await keyer.get_by_role("button", name="Move Follow up in writing 📝 up").focus()
    for _ in range(3):
        await keyer.keyboard.press("Enter")
    await expect(keyer.locator(".rank-row").first).to_contain_text("Follow up in writing")
    await keyer.get_by_role("button", name="Send answer").focus()
    await keyer.keyboard.press("Enter")
    await expect(keyer.locator("#status")).to_contain_text("Answer saved")

    found = (await results(server, session["id"]))["q1"]["result"]["items"]
    german, arabic = items[RANKING_ITEMS[0]], items[RANKING_ITEMS[1]]
    agree, follow = items["Agree a next step"], items["Follow up in writing 📝"]
    # the thumb sent agree, german, arabic; the keys follow, german, arabic (agree 4th)
    assert found[german]["positions"] == {"1": 0, "2": 2, "3": 0}
    assert found[agree]["positions"] == {"1": 1, "2": 0, "3": 0}
    assert found[follow]["positions"] == {"1": 1, "2": 0, "3": 0}
    assert {i: found[i]["points"] for i in (german, agree, follow, arabic)} == {
        german: 4,
        agree: 3,
        follow: 3,
        arabic: 2,
    }
    await expect(presenter.locator(".bar-row .label").first).to_have_text(RANKING_ITEMS[0])
    await expect(presenter.locator(".bar-row").first).to_contain_text("4 points")
    await presenter.screenshot(path=artifacts / "presenter-ranking.png")
    assert await axe_violations(tapper) == []
    assert await axe_violations(presenter) == []
    assert js_errors.errors == []


async def test_points_are_spread_with_buttons_and_typing_never_over_budget(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    question = KINDS["points"].examples.question
    session = await create(server, questions=[question])
    presenter = await open_presenter(browser, js_errors, session, bypass_csp=True)
    await next_question(presenter, 1)
    phone = await open_phone(
        browser, js_errors, session, viewport={"width": 360, "height": 740}, bypass_csp=True
    )
    left = phone.locator(".points-left")
    await expect(left).to_have_text("100 of 100 points left")
    for _ in range(4):  # by thumb: 4 x 5 points to coaching
        await phone.get_by_role("button", name="5 more points for Coaching").tap()
    await expect(left).to_have_text("80 of 100 points left")
    await phone.get_by_role("spinbutton", name="Job aids").fill(
        "90"
    )  # by keys: over budget, cannot be sent
    await expect(left).to_have_text("10 points too many: take some away")
    await expect(phone.get_by_role("button", name="Send answer")).to_be_disabled()
    await phone.get_by_role("spinbutton", name="Job aids").fill("80")
    await expect(left).to_have_text("0 of 100 points left")
    await phone.get_by_role("button", name="Send answer").tap()
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    await phone.screenshot(path=artifacts / "phone-points-360.png")
    assert await phone.evaluate("document.documentElement.scrollWidth") <= 360

    found = (await results(server, session["id"]))["q1"]["result"]
    assert found["options"]["coaching"] == {"total": 20, "mean": 20, "n": 1}
    assert found["options"]["job-aids"] == {"total": 80, "mean": 80, "n": 1}
    await expect(presenter.locator(".bar-row .label").first).to_have_text("Job aids")
    await presenter.screenshot(path=artifacts / "presenter-points.png")
    assert await axe_violations(phone) == []
    assert await axe_violations(presenter) == []
    assert js_errors.errors == []


async def test_a_2x2_grid_is_placed_with_selects_and_drawn_in_quadrants(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    question = {
        **KINDS["grid_2x2"].examples.question,
        "items": [
            "Peer coaching",
            "Kundenzufriedenheitsbefragungsergebnisauswertung",
            "مساعدة وظيفية",
        ],
    }
    session = await create(server, questions=[question])
    items = {i["label"]: i["id"] for i in session["questions"][0]["items"]}
    presenter = await open_presenter(browser, js_errors, session, bypass_csp=True)
    await next_question(presenter, 1)
    tapper = await open_phone(
        browser, js_errors, session, viewport={"width": 360, "height": 740}, bypass_csp=True
    )
    keyer = await open_phone(browser, js_errors, session)

    coaching = tapper.get_by_role("group", name="Peer coaching")
    await coaching.get_by_label("Effort").select_option("2")
    await coaching.get_by_label("Impact").select_option("10")
    await tapper.get_by_role("button", name="Send answer").tap()
    await expect(tapper.locator("#status")).to_contain_text("Answer saved")
    await tapper.screenshot(path=artifacts / "phone-grid-360.png", full_page=True)
    assert await tapper.evaluate("document.documentElement.scrollWidth") <= 360

    effort = keyer.get_by_role("group", name="Peer coaching").get_by_label("Effort")
    await effort.focus()
    await keyer.keyboard.press("ArrowDown")  # a focused select steps through its options
    await keyer.keyboard.press("ArrowDown")
    await keyer.keyboard.press("ArrowDown")
    await keyer.get_by_role("group", name="Peer coaching").get_by_label("Impact").select_option("8")
    await keyer.get_by_role("button", name="Send answer").focus()
    await keyer.keyboard.press("Enter")
    await expect(keyer.locator("#status")).to_contain_text("Answer saved")

    found = (await results(server, session["id"]))["q1"]["result"]["items"]
    place = found[items["Peer coaching"]]
    assert (place["n"], place["y_mean"], place["y_sd"]) == (2, 9, 1)
    assert place["x_mean"] == 2.5 and found[items["مساعدة وظيفية"]]["n"] == 0
    dot = presenter.locator(".grid-plot .dot")
    await expect(dot).to_have_count(1)
    await expect(presenter.locator(".grid-plot")).to_contain_text("Impact: High · Effort: Low")
    await expect(presenter.locator(".grid-legend li").first).to_contain_text("n = 2")
    await presenter.screenshot(path=artifacts / "presenter-grid.png")
    assert await axe_violations(tapper) == []
    assert await axe_violations(presenter) == []
    assert js_errors.errors == []


async def test_a_word_cloud_is_typed_on_a_phone_and_stays_readable_with_500_words(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    question = {**KINDS["word_cloud"].examples.question, "max_words": 3}
    session = await create(server, questions=[question])
    presenter = await open_presenter(browser, js_errors, session, bypass_csp=True)
    await next_question(presenter, 1)
    phone = await open_phone(
        browser, js_errors, session, viewport={"width": 360, "height": 740}, bypass_csp=True
    )
    await phone.get_by_label("Word 1").fill("Zeitdruck")
    await phone.get_by_label("Word 2").fill("  unclear   GOALS ")
    await phone.get_by_label("Word 2").press("Enter")  # Enter sends, as on any form
    await expect(phone.locator("#status")).to_contain_text("Answer saved")
    await phone.screenshot(path=artifacts / "phone-words-360.png")
    await expect(presenter.locator(".cloud li")).to_have_count(2)
    await expect(presenter.locator(".cloud")).to_contain_text("unclear goals")

    async with Organizer(server) as org:  # 167 more phones, 500 distinct words in all
        for n in range(167):
            other = Phone(server)
            await other.join(session["code"])
            words = [f"Kundenwort{3 * n + k}" for k in range(3)]
            assert (await other.answer_http("q1", words)).status_code == 201
            await other.close()
        found = (await org.results(session["id"]))["q1"]["result"]["words"]
    assert len(found) == 503
    await expect(presenter.locator(".cloud li")).to_have_count(60)
    await expect(presenter.locator(".cloud-more")).to_have_text("and 443 more words")
    await presenter.screenshot(path=artifacts / "presenter-words-500.png")
    assert await presenter.evaluate("document.documentElement.scrollWidth") <= 1280
    assert await presenter.evaluate("document.documentElement.scrollHeight") <= 720  # no scroll
    assert await axe_violations(phone) == []
    assert await axe_violations(presenter) == []
    assert js_errors.errors == []


async def test_qa_is_asked_and_voted_on_phones_and_moderated_on_the_screen(
    server: RunningServer, browser: Browser, js_errors: ErrorWatch, artifacts: Path
) -> None:
    question = {"kind": "qa", "prompt": "Was möchten Sie die Sponsorin fragen?"}
    session = await create(server, questions=[question])
    presenter = await open_presenter(browser, js_errors, session, bypass_csp=True)
    await next_question(presenter, 1)
    tapper = await open_phone(
        browser, js_errors, session, viewport={"width": 360, "height": 740}, bypass_csp=True
    )
    keyer = await open_phone(browser, js_errors, session)

    long_word = "Kundenzufriedenheitsbefragungsergebnisauswertung"
    await tapper.get_by_label("Was möchten Sie die Sponsorin fragen?").fill(
        f"Wer misst die {long_word}?"
    )
    await tapper.get_by_role("button", name="Ask").tap()
    await expect(tapper.locator(".qa-item")).to_contain_text("Your question")
    await expect(tapper.get_by_label("Was möchten Sie die Sponsorin fragen?")).to_have_value("")

    await keyer.get_by_label("Was möchten Sie die Sponsorin fragen?").fill("من يقرر؟")
    await keyer.get_by_role("button", name="Ask").focus()
    await keyer.keyboard.press("Enter")
    # the keyer votes for the tapper's post by keyboard; the tapper sees the vote live
    vote = keyer.locator("button.vote").filter(has_text="0 votes")
    await expect(vote).to_have_count(1)
    await vote.focus()
    await keyer.keyboard.press("Enter")
    await expect(tapper.locator(".qa-item").first).to_contain_text("1 vote")
    await expect(keyer.locator("button.vote[aria-pressed=true]")).to_have_count(1)
    await tapper.screenshot(path=artifacts / "phone-qa-360.png")
    width = await tapper.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "a long German word wraps on a 360-pixel phone"

    board = presenter.locator(".qa-post")
    await expect(board).to_have_count(2)
    await expect(board.first).to_contain_text(long_word)  # most votes first
    await presenter.get_by_role("button", name="Newest").click()
    await expect(board.first).to_contain_text("من يقرر؟")
    await board.first.get_by_role("button", name="Hide").click()
    await expect(tapper.locator(".qa-item")).to_have_count(1)  # gone from phones
    await board.filter(has_text=long_word).get_by_role("button", name="Mark answered").click()
    await expect(tapper.locator(".qa-item").first).to_contain_text("Answered")
    await presenter.screenshot(path=artifacts / "presenter-qa.png")
    found = (await results(server, session["id"]))["q1"]["result"]["items"]
    assert sorted((i["votes"], i["hidden"], i["answered"]) for i in found) == [
        (0, True, False),
        (1, False, True),
    ]
    assert await axe_violations(tapper) == []
    assert await axe_violations(presenter) == []
    assert js_errors.errors == []
