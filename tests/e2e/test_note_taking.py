"""Never lose a word: the note taker types, goes offline, types more, reloads, and everything is
there; back online, one submit makes exactly one submission, and an open plenary screen shows it
without a reload."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_live_event import TIMEOUT, check_in_quietly

pytestmark = pytest.mark.browser


def test_offline_notes_survive_a_reload_and_submit_once(browser, live_product):
    base, demo = live_product
    ARTIFACTS.mkdir(exist_ok=True)
    api = browser.new_context()
    for person in demo["people"]:
        check_in_quietly(api.request, person["join_url"])

    organiser = browser.new_context(viewport={"width": 1280, "height": 900})
    control = organiser.new_page()
    control.goto(demo["urls"]["control_room"])
    control.fill("input[name=login]", demo["organiser"]["email"])
    control.fill("input[name=password]", demo["organiser"]["password"])
    control.click("button[type=submit]")
    control.goto(demo["urls"]["control_room"])
    control.click("text=Form diverse groups of the people checked in")
    control.wait_for_selector("#groups", timeout=120_000)
    control.click("text=Start “Break-out rooms”")
    control.wait_for_selector("text=End “Break-out rooms” now", timeout=TIMEOUT)

    plenary = browser.new_context().new_page()
    plenary.goto(demo["urls"]["plenary"])
    plenary.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    before = plenary.inner_text("#groups-submitted")

    note_taker = next(p for p in demo["people"] if p["role"] == "note_taker")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(note_taker["join_url"])
    page.wait_for_selector("body[data-view=room]", timeout=TIMEOUT)
    page.click("a[href*='/notes/']")
    box = page.locator("textarea[data-field='answers.q5.text']")
    box.wait_for(timeout=TIMEOUT)

    box.fill("First point: trust needs transparency.")
    page.wait_for_selector("#save-status:has-text('Saved at')", timeout=TIMEOUT)

    context.set_offline(True)
    box.press("End")
    box.type(" Second point, typed offline.")
    page.wait_for_selector("#save-status:has-text('saved on this device')", timeout=TIMEOUT)
    stored = page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    assert "typed offline" in stored

    # The connection is back, and the page is reloaded before the draft could be sent again.
    context.set_offline(False)
    page.reload()
    box = page.locator("textarea[data-field='answers.q5.text']")
    page.wait_for_function(
        "document.querySelector(\"textarea[data-field='answers.q5.text']\").value.includes('typed offline')",
        timeout=TIMEOUT,
    )
    assert box.input_value() == "First point: trust needs transparency. Second point, typed offline."
    page.screenshot(path=str(ARTIFACTS / "notes.png"), full_page=True)

    page.dblclick("#submit-button")  # an impatient double press still makes one submission
    try:
        page.wait_for_selector("#submit-status:has-text('Submitted: revision 1')", timeout=TIMEOUT)
    except PlaywrightTimeout:
        page.screenshot(path=str(ARTIFACTS / "notes-failed.png"), full_page=True)
        raise AssertionError(page.inner_text("#submit-status") + " | " + page.inner_text("#save-status")) from None

    plenary.wait_for_function(
        f"document.getElementById('groups-submitted').textContent !== {before!r}", timeout=TIMEOUT
    )
    assert re.search(r"\b1\b", plenary.inner_text("#groups-submitted"))

    history = organiser.new_page()
    history.goto(page.url)
    history.wait_for_selector("#history-title", timeout=TIMEOUT)
    assert history.locator("ol.history > li").count() == 1
    assert "Second point, typed offline." in history.locator("ol.history").text_content()
