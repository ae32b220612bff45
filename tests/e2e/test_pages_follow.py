"""No one gets lost at a transition: a participant on the vote page and a note taker typing in
the notes form follow the event like the lobby and the room do, in real browsers."""

import re

import pytest

from tests.e2e.conftest import ARTIFACTS, check_in_quietly, sign_in

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def organiser_post(context, url, form):
    """A control-room action, as the control room's script sends it."""
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    response = context.request.post(
        url, form=form, headers={"X-CSRFToken": token, "Accept": "application/json", "Referer": url}
    )
    assert response.ok, response.text()
    return response.json()


def test_the_vote_page_and_the_notes_form_follow_the_event(browser, live_product):
    base, demo = live_product
    ARTIFACTS.mkdir(exist_ok=True)
    people = demo["people"]
    voter = next(p for p in people if p["role"] == "participant")
    note_taker = next(p for p in people if p["role"] == "note_taker")
    slug = re.search(r"/events/([^/]+)/control/", demo["urls"]["control_room"]).group(1)

    organiser = browser.new_context(viewport={"width": 1280, "height": 900})
    control = organiser.new_page()
    sign_in(control, base, demo["organiser"]["email"], demo["organiser"]["password"])
    control.goto(demo["urls"]["control_room"])
    control.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    control.click("text=Start “Opening”")
    control.wait_for_selector("text=No phase is running.", state="detached", timeout=TIMEOUT)

    pages = {}
    for person in (voter, note_taker):
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        page.goto(person["join_url"])
        page.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
        page.click("text=I am here: check in")
        page.wait_for_selector("text=You are checked in", timeout=TIMEOUT)
        pages[person["role"]] = page
    api = browser.new_context()
    for person in people:
        if person not in (voter, note_taker):
            check_in_quietly(api.request, person["join_url"])
    control.click("text=Form diverse groups of the people checked in")
    control.wait_for_selector("#groups", timeout=120_000)
    control.click("text=Start “Break-out rooms”")

    vote = pages["participant"]
    vote.wait_for_selector("body[data-view=room]", timeout=TIMEOUT)
    vote.goto(base + vote.get_attribute("a:has-text('Answer the questions')", "href"))
    vote.wait_for_selector("body[data-view=vote] #connection[data-state=live]", timeout=TIMEOUT)
    first = vote.locator("fieldset[data-question-id]").first
    question_id = first.get_attribute("data-question-id")
    assert first.evaluate("box => box.disabled") and first.locator("button[type=submit]").first.is_disabled()
    assert vote.evaluate("getComputedStyle(document.querySelector('fieldset[data-question-id] button')).cursor") == (
        "not-allowed"
    )

    # A question opens: the vote page shows it without a reload.
    vote.evaluate("window.notReloaded = true")
    results_control = f"{base}/events/{slug}/results/control/"
    organiser_post(organiser, results_control + "question-open/", {"question": question_id})
    vote.wait_for_function(
        f"!document.querySelector('fieldset[data-question-id=\"{question_id}\"]').disabled", timeout=TIMEOUT
    )
    assert vote.evaluate("window.notReloaded === true")
    assert vote.locator(f'fieldset[data-question-id="{question_id}"] [data-closed-notice]').is_hidden()
    vote.screenshot(path=str(ARTIFACTS / "vote-question-opened.png"), full_page=True)
    organiser_post(organiser, results_control + "question-close/", {"question": question_id})
    vote.wait_for_function(
        f"document.querySelector('fieldset[data-question-id=\"{question_id}\"]').disabled", timeout=TIMEOUT
    )
    assert vote.evaluate("window.notReloaded === true")

    # Messages: the broadcast reaches the vote page; a minute before the planned end, a warning.
    organiser_post(organiser, f"{base}/events/{slug}/control/message/", {"text": "Five minutes left", "group": ""})
    vote.wait_for_selector("#broadcast:has-text('Five minutes left')", timeout=TIMEOUT)
    assert vote.locator("#minute-warning").is_hidden()
    vote.evaluate(
        "document.getElementById('countdown').setAttribute('data-ends-at', new Date(Date.now() + 30000).toISOString())"
    )
    vote.wait_for_selector("#minute-warning:has-text('One minute left')", timeout=5_000)

    # A help call: the control room shows a badge at the top and the count in the tab's title.
    control.click("#connection")  # a gesture: the page may play its beep
    token = next(c["value"] for c in vote.context.cookies() if c["name"] == "csrftoken")
    help_url = f"{base}/events/{slug}/help/"
    response = vote.context.request.post(
        help_url, headers={"X-CSRFToken": token, "Accept": "application/json", "Referer": help_url}
    )
    assert response.ok
    control.wait_for_selector("#help-alert:has-text('1 person is calling for help')", timeout=TIMEOUT)
    assert control.title().startswith("(1) ")
    assert control.evaluate("document.body.dataset.helpBeeps") == "1"
    control.screenshot(path=str(ARTIFACTS / "control-room-help-call.png"))

    # The note taker types, and the rooms close before the autosave: nothing typed is lost.
    notes = pages["note_taker"]
    notes.wait_for_selector("body[data-view=room]", timeout=TIMEOUT)
    notes.goto(base + notes.get_attribute("a:has-text('Open the group results form')", "href"))
    notes.wait_for_selector("body[data-view=notes] #connection[data-state=live]", timeout=TIMEOUT)
    state_url = notes.get_attribute("#notes-form", "data-state-url")
    field = notes.locator("textarea[data-field]").first
    field.click()
    field.type("We agreed on trust, and on one last point")
    organiser_post(organiser, f"{base}/events/{slug}/control/phase-end/", {})
    notes.wait_for_selector("#follow-status:has-text('The rooms are closing')", timeout=TIMEOUT)
    field.type(", typed as the rooms close")
    notes.wait_for_selector("#follow-status:has-text('your notes are saved')", timeout=TIMEOUT)
    notes.screenshot(path=str(ARTIFACTS / "notes-rooms-closing.png"), full_page=True)

    # Both are moved to their own page (the lobby now), the notes saved on the server.
    vote.wait_for_selector("body[data-view=lobby]", timeout=TIMEOUT)
    notes.wait_for_selector("body[data-view=lobby]", timeout=TIMEOUT)
    assert vote.locator("#broadcast").is_hidden()  # the message of the rooms ended with them
    saved = notes.context.request.get(base + state_url).json()
    texts = [a.get("text", "") for a in saved["data"]["answers"].values()]
    assert "We agreed on trust, and on one last point, typed as the rooms close" in texts
