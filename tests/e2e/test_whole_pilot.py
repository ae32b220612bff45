"""A whole pilot, end to end, in real browsers: 13 participants, one facilitator and two note
takers (short of staff for three groups of 5) check in; the organiser runs the phases from the
control room: the opening, the groups formed with the shortage shown, the break-out rooms (a
participant who checks in late is seated in a room and sees it live; a note taker submits the
group's notes), the closing plenary. A participant waiting on the vote page is moved when the
rooms end; everyone in a browser reaches their closing page, participants answer the feedback
survey, and the control room and its CSV export show the answers. Screenshots of every step go
to test-artifacts/whole-pilot-*.png."""

import csv
import io
import re

import pytest

from tests.e2e.conftest import ARTIFACTS, Product, check_in_quietly, sign_in

pytestmark = pytest.mark.browser
TIMEOUT = 30_000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def pilot(tmp_path_factory):
    """14 participants (one of them the late joiner); the demo makes three of each staff role, of
    whom only one facilitator and two note takers come."""
    product = Product.migrated(tmp_path_factory.mktemp("whole-pilot"), DEBUG="1", JOIN_RATE_LIMIT="1000/60")
    demo = product.demo_event("--participants", "14", "--seed", "11")
    with product.served("whole-pilot-server.log") as base:
        yield base, demo


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"whole-pilot-{name}.png"), full_page=True)


def open_page(browser, person, viewport):
    """The person opens their join link in their own browser and checks in."""
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(person["join_url"])
    page.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    page.click("text=I am here: check in")
    page.wait_for_selector("text=You are checked in", timeout=TIMEOUT)
    return page


def test_a_whole_pilot_from_check_in_to_the_feedback_survey(browser, pilot):
    base, demo = pilot
    ARTIFACTS.mkdir(exist_ok=True)
    people = demo["people"]
    slug = demo["event"]
    participants = [p for p in people if p["role"] == "participant"]
    assert len(participants) == 14
    late, participants = participants[-1], participants[:-1]
    facilitator = next(p for p in people if p["role"] == "facilitator")
    note_takers = [p for p in people if p["role"] == "note_taker"][:2]

    organiser = browser.new_context(viewport={"width": 1280, "height": 900})
    control = organiser.new_page()
    sign_in(control, base, demo["organiser"]["email"], demo["organiser"]["password"])
    control.goto(demo["urls"]["control_room"])
    control.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    control.click("text=Start “Opening”")
    control.wait_for_selector("text=No phase is running.", state="detached", timeout=TIMEOUT)

    # In real pages: four participants (the voter on a phone, the others on phones and a
    # desktop), the facilitator and both note takers. The others check in through HTTP.
    in_browser = participants[:4]
    pages = {}
    for index, person in enumerate([*in_browser, facilitator, *note_takers]):
        pages[person["name"]] = (person, open_page(browser, person, DESKTOP if index == 1 else PHONE))
    shot(pages[in_browser[0]["name"]][1], "lobby-390")
    shot(pages[in_browser[1]["name"]][1], "lobby-1280")
    api = browser.new_context()
    for person in participants[4:]:
        check_in_quietly(api.request, person["join_url"])

    # The plan follows the check-ins, and says what is short.
    control.wait_for_function(
        "() => (document.getElementById('plan-summary') || {textContent: ''}).textContent"
        ".includes('13 participants checked in')",
        timeout=TIMEOUT,
    )
    summary = control.inner_text("#plan-summary")
    assert "3 groups: 1 of 5, 2 of 4" in summary, summary
    assert "1 facilitator for 3 groups: 2 groups will have none" in summary, summary
    assert "2 note takers: 1 group will have none" in summary, summary
    shot(control, "plan")

    control.click("text=Form diverse groups of the people checked in")
    control.wait_for_selector("#quality-report", timeout=120_000)
    report = control.inner_text("#quality-report")
    assert report.count("has no facilitator") == 2 and report.count("has no note taker") == 1, report
    assert control.locator("[data-group]").count() == 3

    control.click("text=Start “Break-out rooms”")
    control.wait_for_selector("text=End “Break-out rooms” now", timeout=TIMEOUT)
    rooms = {}
    for name, (person, page) in pages.items():
        page.wait_for_selector("body[data-view=room]", timeout=TIMEOUT)
        rooms[name] = page.inner_text("h1")
        assert re.fullmatch(r"Group \d+", rooms[name]), rooms[name]
        if person["role"] != "facilitator":
            assert name.split()[0] in page.inner_text(".members"), f"{name} is not listed in their own room"
    shot(pages[in_browser[0]["name"]][1], "room-390")
    shot(pages[in_browser[1]["name"]][1], "room-1280")
    assert "Time plan" in pages[facilitator["name"]][1].inner_text("main")

    # The late joiner checks in during the break-out: the event's policy seats them in a room,
    # and their page turns into that room by itself; the room's members see them arrive.
    late_page = browser.new_context(viewport=PHONE).new_page()
    late_page.goto(late["join_url"])
    late_page.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    late_page.click("text=I am here: check in")
    late_page.wait_for_selector("body[data-view=room] #connection[data-state=live]", timeout=TIMEOUT)
    late_room = late_page.inner_text("h1")
    assert re.fullmatch(r"Group \d+", late_room), late_room
    assert late["name"].split()[0] in late_page.inner_text(".members")
    # Seated in a group of 4 (now 5), not in the group of 5.
    assert late_page.locator(".members li:not(:has(.badge))").count() == 5
    shot(late_page, "late-joiner-room-390")
    mates = [page for name, (person, page) in pages.items() if rooms[name] == late_room]
    for page in mates:
        page.wait_for_selector(f".members:has-text('{late['name'].split()[0]}')", timeout=TIMEOUT)
    control.wait_for_function(
        "() => document.getElementById('count-checked-in').textContent.trim() === '14'", timeout=TIMEOUT
    )

    # A note taker submits the group's notes.
    writer = pages[note_takers[0]["name"]][1]
    writer.click("text=Open the group results form")
    writer.wait_for_selector("body[data-view=notes] #connection[data-state=live]", timeout=TIMEOUT)
    key_point = writer.locator("textarea[data-field]").first
    key_point.fill("Trust needs transparency, and everyone should be able to say no.")
    writer.wait_for_selector("#save-status:has-text('Saved at')", timeout=TIMEOUT)
    writer.click("#submit-button")
    writer.wait_for_selector("#submit-status:has-text('Submitted: revision 1')", timeout=TIMEOUT)
    shot(writer, "notes-submitted-390")

    # A participant waits on the vote page when the rooms end: they are moved, without a reload.
    voter_person, voter = pages[in_browser[0]["name"]]
    voter.click("a:has-text('Answer the questions')")
    voter.wait_for_selector("body[data-view=vote] #connection[data-state=live]", timeout=TIMEOUT)
    shot(voter, "vote-390")
    control.click("text=End “Break-out rooms” now")
    # The panel is swapped when the phase ends: a click while it is being swapped can be lost.
    control.wait_for_selector("text=End “Break-out rooms” now", state="detached", timeout=TIMEOUT)
    voter.wait_for_selector("body[data-view=lobby] #connection[data-state=live]", timeout=TIMEOUT)
    control.click("text=Start “Results and conclusion”")

    # Everyone in a real page reaches their page of the closing plenary by themselves:
    # participants their closing page, staff the lobby.
    everyone = [*pages.values(), (late, late_page)]
    for person, page in everyone:
        view = "closing" if person["role"] == "participant" else "lobby"
        page.wait_for_selector(f"body[data-view={view}] #connection[data-state=live]", timeout=TIMEOUT)
        page.wait_for_selector("#phase-title:has-text('Results and conclusion')", timeout=TIMEOUT)
    for note_taker in note_takers:  # they present their group's results
        assert pages[note_taker["name"]][1].locator("#present-results a[href*='/notes/']").count() == 1
    writer_group = rooms[note_takers[0]["name"]]
    for name, (person, page) in pages.items():
        if person["role"] == "participant" and rooms[name] == writer_group:
            assert "Trust needs transparency" in page.inner_text("main")  # their group's recommendation
    shot(voter, "closing-390")
    shot(pages[in_browser[1]["name"]][1], "closing-1280")
    shot(pages[note_takers[0]["name"]][1], "staff-closing-lobby-390")

    # Three participants answer the survey; the control room shows the count as they do.
    answers = [(voter, "5", "More time in the rooms"), (pages[in_browser[1]["name"]][1], "4", ""), (late_page, "2", "")]
    for page, score, text in answers:
        page.locator("#feedback-form fieldset").first.locator(f"input[value='{score}']").check()
        if text:
            page.fill("#feedback-form textarea", text)
        page.click("text=Send my feedback")
        page.wait_for_selector("text=You have given your feedback. Thank you!", timeout=TIMEOUT)
    control.wait_for_selector("text=3 people have answered.", timeout=TIMEOUT)
    assert control.locator("text=More time in the rooms").is_visible()
    assert control.locator("text=mean 3.7 of 5").count() >= 1
    shot(voter, "closing-answered-390")
    shot(control, "control-room-feedback")

    export = organiser.request.get(f"{base}/events/{slug}/results/export/feedback.csv")
    assert export.ok and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text().removeprefix("\ufeff"))))
    first = [r for r in rows if r["question_order"] == "1"]
    assert {r["score"]: r["count"] for r in first if r["count"] not in ("", "0")} == {"5": "1", "4": "1", "2": "1"}
    assert any(r["text"] == "More time in the rooms" for r in rows)
    assert voter_person["name"] not in export.text()  # anonymous
    assert "Could not reach" not in control.inner_text("body")
