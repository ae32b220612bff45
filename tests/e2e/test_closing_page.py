"""The closing plenary in real browsers: a participant's page moves by itself from the room to
the closing page (results once revealed, the group's recommendation, what happens next), their
phone follows the presenter's slide within a second, and they answer the anonymous feedback
survey. Screenshots at 1280x800 and 390x844 go to test-artifacts/."""

import json
import re

import pytest

from tests.e2e.conftest import ARTIFACTS, check_in_quietly, sign_in
from tests.e2e.test_pages_follow import organiser_post
from tests.e2e.test_presenter import WATCH

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def presenter_command(request) -> bool:
    return request.method == "POST" and request.url.endswith("/results/control/presenter/")


def slide_followed(control, phone, button: str, selector: str) -> float:
    """Seconds from the control room's answer to a click on `button` to the phone's "On the
    screen now" matching `selector` (the phone's own record of when it first did), waited for a
    second at most. The click comes just after one of the phone's own fetches, whose next turn is
    10 s later: only the push can bring the slide within the second."""
    phone.evaluate(WATCH, selector)
    with phone.expect_response(lambda r: "part=now" in r.url, timeout=TIMEOUT):
        pass
    with control.expect_request_finished(presenter_command, timeout=TIMEOUT) as command:
        control.click(button)
    timing = command.value.timing
    answered = timing["startTime"] + timing["responseEnd"]  # ms since the epoch, as Date.now()
    phone.wait_for_function("() => window.seenAt !== null", timeout=1000)
    return (phone.evaluate("window.seenAt") - answered) / 1000


def test_a_participant_reaches_the_closing_page_and_answers_the_survey(browser, live_product):
    base, demo = live_product
    ARTIFACTS.mkdir(exist_ok=True)
    people = demo["people"]
    wide_person, narrow_person = [p for p in people if p["role"] == "participant"][:2]
    slug = re.search(r"/events/([^/]+)/control/", demo["urls"]["control_room"]).group(1)

    organiser = browser.new_context(viewport={"width": 1280, "height": 900})
    control = organiser.new_page()
    sign_in(control, base, demo["organiser"]["email"], demo["organiser"]["password"])
    control.goto(demo["urls"]["control_room"])
    control.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    control.click("text=Start “Opening”")
    control.wait_for_selector("text=No phase is running.", state="detached", timeout=TIMEOUT)

    pages = []
    for person, viewport in ((wide_person, (1280, 800)), (narrow_person, (390, 844))):
        page = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}).new_page()
        page.goto(person["join_url"])
        page.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
        page.click("text=I am here: check in")
        page.wait_for_selector("text=You are checked in", timeout=TIMEOUT)
        pages.append(page)
    api = browser.new_context()
    for person in people:
        if person not in (wide_person, narrow_person):
            check_in_quietly(api.request, person["join_url"])
    control.click("text=Form diverse groups of the people checked in")
    control.wait_for_selector("#groups", timeout=120_000)
    control.click("text=Start “Break-out rooms”")
    for page in pages:
        page.wait_for_selector("body[data-view=room]", timeout=TIMEOUT)

    # The closing plenary starts: the participants' pages go to the closing page by themselves.
    control_url = f"{base}/events/{slug}/control/"
    organiser_post(organiser, control_url + "phase-end/", {})
    control.click("text=Start “Results and conclusion”", timeout=TIMEOUT)
    for page in pages:
        page.wait_for_selector("body[data-view=closing] #connection[data-state=live]", timeout=TIMEOUT)
        assert page.locator("text=The results will be shown when the organisers reveal them.").is_visible()
        assert page.locator("#profile-form").count() == 0

    # The organiser reveals the results: the closing page shows them without a reload.
    wide, narrow = pages
    wide.evaluate("window.notReloaded = true")
    organiser_post(organiser, f"{base}/events/{slug}/results/control/plenary/", {"results_visible": "1"})
    wide.wait_for_selector("text=The results will be shown", state="detached", timeout=TIMEOUT)
    assert wide.evaluate("window.notReloaded === true")

    # The control room moves the screens to the first question, then back to the title: the
    # phone follows within a second each time, told over its websocket.
    assert narrow.locator("#closing-now [data-kind=title]").count() == 1
    control.wait_for_selector("#presenter-controls[data-slide='0'] #presenter-next", timeout=TIMEOUT)
    taken = [slide_followed(control, narrow, "#presenter-next", "#closing-now [data-kind=question]")]
    narrow.locator("#closing-now").screenshot(path=str(ARTIFACTS / "closing-now-390.png"))
    control.wait_for_selector("#presenter-controls[data-slide='1'] #presenter-previous", timeout=TIMEOUT)
    taken.append(slide_followed(control, narrow, "#presenter-previous", "#closing-now [data-kind=title]"))
    (ARTIFACTS / "closing-now-timings.json").write_text(json.dumps(taken))
    assert max(taken) <= 1.0, f"the phone followed in {taken} s"

    # The slide comes drawn over the websocket: the phone asks nothing for it, and marks its own
    # group when the organiser puts that group's recommendation on the screens.
    # The phone may not fetch the slide meanwhile: only the websocket can bring it.
    narrow.route("**/closing/?part=now*", lambda route: route.abort())
    own = narrow.get_attribute("#now-mine", "data-group")
    presenter = f"{base}/events/{slug}/results/control/presenter/"
    organiser_post(organiser, presenter, {"group": own})
    narrow.wait_for_selector(f"#closing-now .now-card.mine[data-group='{own}'] .now-mine", timeout=5000)
    assert narrow.locator("#closing-now .now-mine").inner_text().strip() == "Your group"
    narrow.locator("#closing-now").screenshot(path=str(ARTIFACTS / "closing-now-own-group-390.png"))
    organiser_post(organiser, presenter, {"group": ""})
    narrow.wait_for_selector("#closing-now [data-kind=title]", timeout=5000)
    narrow.unroute("**/closing/?part=now*")

    # The survey: each answers, and is thanked once.
    narrow.screenshot(path=str(ARTIFACTS / "closing-survey-390.png"), full_page=True)
    for page, score, text in ((wide, "5", "More time to talk"), (narrow, "3", "")):
        page.locator("#feedback-form fieldset").first.locator(f"input[value='{score}']").check()
        if text:
            page.fill("#feedback-form textarea", text)
        page.click("text=Send my feedback")
        page.wait_for_selector("text=You have given your feedback. Thank you!", timeout=TIMEOUT)
        assert page.locator("#feedback-form").count() == 0
    wide.screenshot(path=str(ARTIFACTS / "closing-page-1280.png"), full_page=True)
    narrow.screenshot(path=str(ARTIFACTS / "closing-page-390.png"), full_page=True)
    assert wide.evaluate("document.documentElement.scrollWidth") <= 1280
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 390

    # The control room shows the answers.
    control.reload()
    control.wait_for_selector("text=2 people have answered.", timeout=TIMEOUT)
    assert control.locator("text=More time to talk").is_visible()
    assert control.locator("text=mean 4.0 of 5").count() >= 1
