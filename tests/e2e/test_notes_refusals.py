"""The notes form tells the server's refusal (4xx) from a server problem (5xx) and from a lost
connection: a refusal shows beside the field and is not sent again as it is; only a failed
request says "Cannot reach the server"."""

import json
import re
import time

import pytest

from tests.e2e.conftest import check_in_quietly, sign_in
from tests.e2e.test_live_event import TIMEOUT

pytestmark = pytest.mark.browser

TEXT = "textarea[data-field='answers.q5.text']"


def start_the_break_out(browser, base, demo):
    """Everyone checked in, groups formed and the break-out started (once per module)."""
    organiser = browser.new_context().new_page()
    sign_in(organiser, base, demo["organiser"]["email"], demo["organiser"]["password"])
    organiser.goto(demo["urls"]["control_room"])
    if organiser.locator("text=End “Break-out rooms” now").count():
        return
    api = browser.new_context()
    for person in demo["people"]:
        check_in_quietly(api.request, person["join_url"])
    organiser.reload()
    organiser.click("text=Form diverse groups of the people checked in")
    organiser.wait_for_selector("#groups", timeout=120_000)
    organiser.click("text=Start “Break-out rooms”")
    organiser.wait_for_selector("text=End “Break-out rooms” now", timeout=TIMEOUT)


def test_a_refused_draft_shows_beside_the_field_and_is_not_retried(browser, live_product):
    base, demo = live_product
    start_the_break_out(browser, base, demo)

    note_taker = next(p for p in demo["people"] if p["role"] == "note_taker")
    # Without the service worker: its own fetches would go around the routes below.
    page = browser.new_context(service_workers="block").new_page()
    page.goto(note_taker["join_url"])
    page.wait_for_selector("body[data-view=room]", timeout=TIMEOUT)
    page.click("a[href*='/notes/']")
    box = page.locator(TEXT)
    box.wait_for(timeout=TIMEOUT)

    # The server's own answer to a NUL typed in the notes (sent as JSON, it cannot be typed here).
    drafts: list[str] = []
    answer = {"status": 400, "body": {"errors": [{"field": "answers.q5.text", "message": "contains a NUL"}]}}

    def on_draft(route):
        drafts.append(route.request.post_data or "")
        if answer["status"] is None:
            route.abort()
        else:
            route.fulfill(status=answer["status"], content_type="application/json", body=json.dumps(answer["body"]))

    page.route("**/notes/**/draft/", on_draft)
    box.fill("Key points")
    page.wait_for_selector("#save-status:has-text('correct the answers marked below')", timeout=TIMEOUT)
    assert "contains a NUL" in page.inner_text("[data-question='q5'] .field-errors")
    assert page.get_attribute(TEXT, "aria-invalid") == "true"
    assert "Cannot reach" not in page.inner_text("#save-status")
    time.sleep(12)  # more than two retry delays: a refusal is not sent again by itself
    assert len(drafts) == 1

    # A server problem: said as such, and sent again after a delay.
    answer.update(status=500, body={})
    box.fill("Key points, again")
    page.wait_for_selector("#save-status:has-text('The server had a problem (error 500)')", timeout=TIMEOUT)
    deadline = time.time() + 15
    while len(drafts) < 3 and time.time() < deadline:
        page.wait_for_timeout(500)
    assert len(drafts) >= 3, "a 5xx is retried"

    # Only a request that never reached the server says that it cannot be reached.
    answer["status"] = None
    box.fill("Key points, offline")
    page.wait_for_selector("#save-status:has-text('Cannot reach the server')", timeout=TIMEOUT)

    # The server answers again: the draft is saved and the marks are gone.
    page.unroute("**/notes/**/draft/")
    box.fill("Key points, saved")
    page.wait_for_selector("#save-status:has-text('Saved at')", timeout=TIMEOUT)
    assert page.inner_text("[data-question='q5'] .field-errors") == ""


def test_what_is_typed_before_the_form_script_runs_is_kept_and_saved(browser, live_product):
    """On a slow phone the form shows before its script has run: what is typed then is neither
    overwritten by the server's copy nor left unsaved."""
    base, demo = live_product
    start_the_break_out(browser, base, demo)
    note_taker = [p for p in demo["people"] if p["role"] == "note_taker"][-1]
    page = browser.new_context(service_workers="block").new_page()
    page.goto(note_taker["join_url"])
    page.wait_for_selector("body[data-view=room]", timeout=TIMEOUT)

    held = []
    page.route(re.compile(r".*/js/notes(\.[0-9a-f]+)?\.js$"), lambda route: held.append(route))
    drafts: list[str] = []
    page.on("request", lambda r: drafts.append(r.post_data or "") if r.url.endswith("/draft/") else None)
    page.click("a[href*='/notes/']")
    box = page.locator(TEXT)
    box.wait_for(timeout=TIMEOUT)
    deadline = time.time() + 10
    while not held and time.time() < deadline:
        page.wait_for_timeout(100)
    assert held, "the form's script was requested"
    box.fill("Typed before the script ran")
    held[0].continue_()

    page.wait_for_selector("#save-status:has-text('Saved at')", timeout=TIMEOUT)
    assert page.input_value(TEXT) == "Typed before the script ran"
    assert any("Typed before the script ran" in d for d in drafts)
    page.unroute(re.compile(r".*/js/notes(\.[0-9a-f]+)?\.js$"))
    page.reload()
    page.wait_for_selector("#save-status", state="attached", timeout=TIMEOUT)
    page.wait_for_function(f"document.querySelector({json.dumps(TEXT)}).value !== ''", timeout=TIMEOUT)
    assert page.input_value(TEXT) == "Typed before the script ran"
