"""Never lose a word: the note taker types, goes offline, types more, reloads while still offline,
and everything is there; back online, one submit makes exactly one submission, and an open plenary
screen shows it without a reload."""

import json
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import ARTIFACTS, check_in_quietly, sign_in
from tests.e2e.test_live_event import TIMEOUT

pytestmark = pytest.mark.browser

TEXT = "textarea[data-field='answers.q5.text']"
# The page as this device's service worker keeps it: its #notes-initial holds a key made per render.
KEPT_COPY = """async () => {
  const copy = await caches.match(location.href, {ignoreVary: true});
  if (!copy) return null;
  const html = new DOMParser().parseFromString(await copy.text(), "text/html");
  return JSON.parse(html.getElementById("notes-initial").textContent).idempotency_key;
}"""


@pytest.fixture(scope="module", autouse=True)
def _offline_reaches_service_workers():
    """Without this, Playwright's set_offline leaves a service worker's own fetches online
    (microsoft/playwright#2311): the worker would fetch the page instead of using its copy.
    Read by the Playwright driver when it starts, so before the module's `browser` fixture."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
        yield


def test_offline_notes_survive_a_reload_and_submit_once(browser, live_product):
    base, demo = live_product
    ARTIFACTS.mkdir(exist_ok=True)
    api = browser.new_context()
    for person in demo["people"]:
        check_in_quietly(api.request, person["join_url"])

    organiser = browser.new_context(viewport={"width": 1280, "height": 900})
    control = organiser.new_page()
    sign_in(control, base, demo["organiser"]["email"], demo["organiser"]["password"])
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
    box = page.locator(TEXT)
    box.wait_for(timeout=TIMEOUT)
    # The service worker controls the page and keeps a copy of it and its files.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=TIMEOUT)
    page.wait_for_selector("#notes-form[data-offline-ready='1']", timeout=TIMEOUT)
    kept_key = page.evaluate(KEPT_COPY)
    assert kept_key

    box.fill("First point: trust needs transparency.")
    page.wait_for_selector("#save-status:has-text('Saved at')", timeout=TIMEOUT)

    context.set_offline(True)
    box.press("End")
    box.type(" Second point, typed offline.")
    page.wait_for_selector("#save-status:has-text('saved on this device')", timeout=TIMEOUT)
    stored = page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    assert "typed offline" in stored

    # Still offline: the reload opens the copy the service worker kept, and the notes come back.
    response = page.reload()
    assert response is not None and response.from_service_worker
    assert page.evaluate("navigator.onLine") is False
    initial = json.loads(page.text_content("#notes-initial"))
    assert initial["idempotency_key"] == kept_key, "the page was rendered again, not opened from the kept copy"
    box = page.locator(TEXT)
    page.wait_for_function(f"() => document.querySelector({TEXT!r}).value.includes('typed offline')", timeout=TIMEOUT)
    assert box.input_value() == "First point: trust needs transparency. Second point, typed offline."
    page.wait_for_selector("#save-status:has-text('saved on this device')", timeout=TIMEOUT)
    box.scroll_into_view_if_needed()  # the sticky save status above the notes typed offline
    page.screenshot(path=str(ARTIFACTS / "notes-offline.png"))

    # The connection is back: the draft goes to the server by itself.
    context.set_offline(False)
    page.wait_for_selector("#save-status:has-text('Saved at')", timeout=TIMEOUT)

    # Offline again: the kept copy is older than the draft saved since, and the draft still wins.
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#save-status:has-text('You are offline')", timeout=TIMEOUT)
    assert box.input_value() == "First point: trust needs transparency. Second point, typed offline."
    context.set_offline(False)
    page.screenshot(path=str(ARTIFACTS / "notes.png"), full_page=True)

    page.dblclick("#submit-button")  # an impatient double press still makes one submission
    try:
        page.wait_for_selector("#submit-status:has-text('Submitted: revision 1')", timeout=TIMEOUT)
    except PlaywrightTimeout:
        page.screenshot(path=str(ARTIFACTS / "notes-failed.png"), full_page=True)
        raise AssertionError(page.inner_text("#submit-status") + " | " + page.inner_text("#save-status")) from None

    plenary.wait_for_function(
        f"() => document.getElementById('groups-submitted').textContent !== {before!r}", timeout=TIMEOUT
    )
    assert re.search(r"\b1\b", plenary.inner_text("#groups-submitted"))

    history = organiser.new_page()
    history.goto(page.url)
    history.wait_for_selector("#history-title", timeout=TIMEOUT)
    assert history.locator("ol.history > li").count() == 1
    assert "Second point, typed offline." in history.locator("ol.history").text_content()
