"""A small pilot in real browsers: 13 participants, one facilitator and one note taker. The
organiser reads the plan and its warning, forms the groups, asks a participant to take the
notes of a group without a note taker, and starts the rooms: that person's page turns into
the note taker's room."""

import pytest

from tests.e2e.conftest import ARTIFACTS, Product, check_in_quietly, sign_in

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def pilot(tmp_path_factory):
    product = Product.migrated(tmp_path_factory.mktemp("pilot"), DEBUG="1", JOIN_RATE_LIMIT="1000/60")
    demo = product.demo_event("--participants", "13", "--seed", "8")
    with product.served("pilot-server.log") as base:
        yield base, demo


def test_a_pilot_of_13_with_one_facilitator_and_one_note_taker(browser, pilot):
    base, demo = pilot
    ARTIFACTS.mkdir(exist_ok=True)
    people = demo["people"]
    participants = [p for p in people if p["role"] == "participant"]
    assert len(participants) == 13
    staff = [next(p for p in people if p["role"] == role) for role in ("facilitator", "note_taker")]

    organiser = browser.new_context(viewport={"width": 1280, "height": 900})
    control = organiser.new_page()
    sign_in(control, base, demo["organiser"]["email"], demo["organiser"]["password"])
    control.goto(demo["urls"]["control_room"])
    control.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)

    api = browser.new_context()
    for person in participants + staff:
        check_in_quietly(api.request, person["join_url"])
    # The plan follows the check-ins by itself.
    control.wait_for_function(
        "() => document.getElementById('plan-summary') && "
        "document.getElementById('plan-summary').textContent.includes('13 participants checked in') && "
        "document.getElementById('plan-summary').textContent.includes('1 note taker')",
        timeout=TIMEOUT,
    )
    summary = control.inner_text("#plan-summary")
    assert "3 groups: 1 of 5, 2 of 4" in summary, summary
    assert "1 facilitator for 3 groups: 2 groups will have none" in summary, summary
    assert "1 note taker: 2 groups will have none" in summary, summary
    assert "2 groups will have no facilitator" in control.inner_text("#allocation-plan")
    control.screenshot(path=str(ARTIFACTS / "pilot-plan.png"), full_page=True)

    control.click("text=Form diverse groups of the people checked in")
    control.wait_for_selector("#quality-report", timeout=120_000)
    report = control.inner_text("#quality-report")
    assert report.count("has no facilitator") == 2 and report.count("has no note taker") == 2, report
    assert control.inner_text("#action-status").strip() == ""  # no "started" banner above the run's status
    cards = control.locator(".note-taker-form")
    assert cards.count() == 2

    # A participant of the first group without a note taker volunteers; they watch their own page.
    form = cards.first
    volunteer_id = form.locator("select").input_value()
    volunteer_name = form.locator("select option:checked").inner_text()
    volunteer = next(p for p in participants if p["name"] == volunteer_name)
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(volunteer["join_url"])
    phone.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    form.locator("button").click()
    control.wait_for_function("() => document.querySelectorAll('.note-taker-form').length === 1", timeout=TIMEOUT)
    assert "takes the notes" in control.inner_text("#action-status")
    assert control.inner_text("#quality-report").count("has no note taker") == 1
    assert volunteer_id

    control.click("text=Start “Break-out rooms”")
    phone.wait_for_selector("body[data-view=room]", timeout=TIMEOUT)
    phone.wait_for_selector("text=You take this group's notes", timeout=TIMEOUT)
    phone.screenshot(path=str(ARTIFACTS / "pilot-volunteer-room.png"), full_page=True)
    control.screenshot(path=str(ARTIFACTS / "pilot-control-room.png"), full_page=True)

    # Controls tell the truth: each action says what it did, and the panel shows the new state.
    row = control.locator("tr", has_text="q1:").first
    row.locator("button", has_text="Open").click()
    control.wait_for_function(
        "() => document.getElementById('action-status').textContent.includes('is open')", timeout=TIMEOUT
    )
    row = control.locator("tr", has_text="q1:").first
    row.locator("button", has_text="Close").wait_for(timeout=TIMEOUT)
    control.click("text=Reveal the results")
    control.wait_for_selector("text=Hide the results", timeout=TIMEOUT)
    assert "The plenary screen is updated." in control.inner_text("#action-status")
    assert "Could not reach" not in control.inner_text("body")
