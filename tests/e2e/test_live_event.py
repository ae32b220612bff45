"""The live event in real browsers: an organiser, six participants, a facilitator and a note
taker, each in their own browser context, from check-in to the plenary."""

import json
import re
from urllib.parse import urljoin

import pytest

from tests.e2e.conftest import ARTIFACTS, check_in_quietly, sign_in

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def test_from_check_in_to_rooms_and_back_to_the_plenary(browser, live_product):
    base, demo = live_product
    ARTIFACTS.mkdir(exist_ok=True)
    people = demo["people"]
    participants = [p for p in people if p["role"] == "participant"]
    in_browser = participants[:6] + [
        next(p for p in people if p["role"] == "facilitator"),
        next(p for p in people if p["role"] == "note_taker"),
    ]
    others = [p for p in people if p not in in_browser]

    organiser = browser.new_context(viewport={"width": 1280, "height": 900})
    control = organiser.new_page()
    frames = []
    control.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    sign_in(control, base, demo["organiser"]["email"], demo["organiser"]["password"])
    control.goto(demo["urls"]["control_room"])
    control.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    control.click("text=Start “Opening”")
    control.wait_for_selector("text=No phase is running.", state="detached", timeout=TIMEOUT)

    pages = {}
    for person in in_browser:
        context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
        page = context.new_page()
        page.goto(person["join_url"])
        page.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
        page.click("text=I am here: check in")
        page.wait_for_selector("text=You are checked in", timeout=TIMEOUT)
        pages[person["name"]] = (person, page)
    first_page = next(iter(pages.values()))[1]
    first_page.screenshot(path=str(ARTIFACTS / "lobby.png"), full_page=True)

    api = browser.new_context()
    for person in others:
        check_in_quietly(api.request, person["join_url"])
    control.wait_for_function(
        "() => document.getElementById('count-checked-in').textContent.trim() === '10'", timeout=TIMEOUT
    )

    control.click("text=Form diverse groups of the people checked in")
    control.wait_for_selector("#quality-report", timeout=120_000)
    control.wait_for_selector("#groups", timeout=TIMEOUT)
    messages = [json.loads(f) for f in frames if isinstance(f, str) and f.startswith("{")]
    progress = [m for m in messages if m.get("type") == "allocation.progress"]
    assert progress, "the control room received no allocation progress"
    assert "% of the best possible" in control.inner_text("#quality-report")
    control.click("#quality-report summary")  # seed and score are folded under "Details"
    assert "Constraint violations: 0" in control.inner_text("#quality-report")

    control.click("text=Start “Break-out rooms”")
    for name, (_person, page) in pages.items():
        page.wait_for_selector("body[data-view=room]", timeout=TIMEOUT)
        members = page.inner_text(".members")
        assert name.split()[0] in members, f"{name} is not listed in their own room"
        heading = page.inner_text("h1")
        assert re.fullmatch(r"Group \d+", heading)
        group_card = control.locator(f"[data-group] >> text={heading}").first
        assert group_card.count() == 1
    room_page = pages[in_browser[0]["name"]][1]
    room_page.screenshot(path=str(ARTIFACTS / "room.png"), full_page=True)
    note_taker_page = pages[in_browser[-1]["name"]][1]
    assert "You take this group's notes" in note_taker_page.inner_text("main")
    facilitator_page = pages[in_browser[-2]["name"]][1]
    assert "Time plan" in facilitator_page.inner_text("main")

    control.fill("#id_text", "Ten minutes left in every room")
    control.click("#panel >> text=Send")
    for _person, page in pages.values():
        page.wait_for_selector("#broadcast:has-text('Ten minutes left in every room')", timeout=TIMEOUT)
    control.screenshot(path=str(ARTIFACTS / "control-room.png"), full_page=True)
    # "Join this room": the organiser observes a room, read only, without joining it.
    observer = control.context.new_page()
    room_heading = room_page.inner_text("h1")
    link = control.locator(f"[data-group]:has-text('{room_heading}') [data-join-room]").first
    observer.goto(urljoin(control.url, link.get_attribute("href")))
    observer.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    assert in_browser[0]["name"].split()[0] in observer.inner_text(".members")
    assert "Ten minutes left in every room" in observer.inner_text("main")
    assert observer.locator("#help-form").count() == 0
    observer.screenshot(path=str(ARTIFACTS / "room-observed.png"), full_page=True)
    observer.close()

    control.click("text=End “Break-out rooms” now")
    # The panel is swapped when the phase ends: a click while it is being swapped can be lost.
    control.wait_for_selector("text=End “Break-out rooms” now", state="detached", timeout=TIMEOUT)
    control.click("text=Start “Results and conclusion”")
    for person, page in pages.values():
        # The closing plenary: participants get their closing page, staff the lobby.
        view = "closing" if person["role"] == "participant" else "lobby"
        page.wait_for_selector(f"body[data-view={view}]", timeout=TIMEOUT)
        page.wait_for_selector("#phase-title:has-text('Results and conclusion')", timeout=TIMEOUT)
    first_page.screenshot(path=str(ARTIFACTS / "plenary-view.png"), full_page=True)
