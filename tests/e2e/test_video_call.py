"""The room's built-in video call in real browsers (Debian's Chromium with a fake camera and
microphone): five people of one group each receive the four others' video inside the room page;
a person moved to another group leaves the first call and joins the second; through coturn with
`iceTransportPolicy: "relay"` the call still connects."""

import json
import os
import secrets
import time
from contextlib import contextmanager

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, Product, sign_in
from tests.e2e.test_accessibility import AXE, RUN, TAGS
from tests.factories import PASSWORD
from tests.servers import free_port, start_turnserver, stop

pytestmark = [pytest.mark.browser, pytest.mark.redis]
TIMEOUT = 30_000

SETUP = """
import json
from groups.models import Allocation
from groups.services import GroupPlan, allocation_apply, phase_start
from sessions_app.join_links import join_url
from sessions_app.models import Phase
from tests.factories import make_event, make_organisation, make_person, make_user
organisation = make_organisation()
make_user("organiser", organisation=organisation)
event = make_event(organisation, slug="call", video_provider="builtin")
Phase.objects.create(event=event, order=1, kind="opening", title="Opening", planned_minutes=5)
rooms = Phase.objects.create(event=event, order=2, kind="breakout", title="Rooms", planned_minutes=45)
names = ["Ana", "Ben", "Chloé", "Dev", "Emi", "Femi"]
people = [make_person(event, first_name=n, languages="en") for n in names]
allocation = Allocation.objects.create(event=event, seed=1)
allocation_apply(allocation=allocation, plans=[
    GroupPlan(participants=[p.pk for p in people[:5]], language="en"),
    GroupPlan(participants=[people[5].pk], language="en"),
])
phase_start(event=event, phase=rooms if {rooms_open} else Phase.objects.get(event=event, order=1))
group = allocation.groups.get(number=1)
print(json.dumps([{"id": p.pk, "name": p.first_name, "url": join_url(p), "group": group.pk} for p in people]))
"""

MESSAGE = """
from django.contrib.auth.models import User
from groups.models import BreakoutGroup
from groups.services import message_broadcast
from sessions_app.models import Event
message_broadcast(event=Event.objects.get(slug="call"), text="Five minutes left: agree on one recommendation.",
                  user=User.objects.get(username="organiser"), group=BreakoutGroup.objects.get(number=1))
"""

MOVE = """
from groups.models import BreakoutGroup
from groups.services import membership_move
from sessions_app.models import Participant
membership_move(participant=Participant.objects.get(pk={pk}), group=BreakoutGroup.objects.get(number=2))
"""


@pytest.fixture(scope="module")
def call_browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                "--autoplay-policy=no-user-gesture-required",
                "--no-first-run",
                "--disable-background-networking",
            ],
        )
        yield browser
        browser.close()


def product_with_call(tmp_path_factory, rooms_open=True, **settings):
    product = Product.migrated(
        tmp_path_factory.mktemp("call"),
        DEBUG="1",
        VIDEO_SMALL="1",
        REDIS_URL=os.environ["REDIS_URL"],
        CHANNELS_PREFIX="wti-e2e-call-" + secrets.token_hex(4),
        CACHE_PREFIX="wti-e2e-call-" + secrets.token_hex(4),
        **settings,
    )
    people = json.loads(
        product.manage("shell", "-c", SETUP.replace("{rooms_open}", str(rooms_open))).strip().splitlines()[-1]
    )
    return product, people


def wait_until(page, expression, timeout=TIMEOUT):
    """Until `expression` (evaluated in the page, awaited) is truthy; its value. Polled from here:
    the page's strict CSP refuses the string evaluation Playwright's wait_for_function uses."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            value = page.evaluate(expression)
        except PlaywrightError as error:
            # The page went to another address meanwhile (a moved person's room): asked again there.
            if "Execution context was destroyed" not in str(error) or time.monotonic() > deadline:
                raise
            page.wait_for_load_state()
            continue
        if value:
            return value
        if time.monotonic() > deadline:
            seen = page.evaluate("window.WTIVideoCall ? window.WTIVideoCall.stats() : null")
            raise AssertionError(f"still false after {timeout} ms: {expression}; the call: {seen}")
        page.wait_for_timeout(500)


def open_room(browser, person, viewport=(1280, 800), **options):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, **options)
    page = context.new_page()
    page.goto(person["url"])
    page.wait_for_selector("body[data-view=room] #connection[data-state=live]", timeout=TIMEOUT)
    page.click("#call-join")
    wait_until(page, "window.WTIVideoCall && window.WTIVideoCall.me()")
    return page


def wait_for_video_from(page, peers, timeout=TIMEOUT):
    """Until the page decoded video frames from each of `peers` (read from getStats())."""
    wanted = json.dumps(sorted(peers))
    return wait_until(
        page,
        f"""window.WTIVideoCall.stats().then(all => {{
            const got = all.filter(s => s.framesDecoded > 0).map(s => s.peer).sort();
            return JSON.stringify(got) === JSON.stringify({wanted}) ? all : null;
        }})""",
        timeout,
    )


@contextmanager
def calls_closed(browser):
    """Every page the block opened is closed after it, failed or not: the next test's calls get
    the machine to themselves (a call left open takes a core of this machine's two)."""
    try:
        yield
    finally:
        for context in list(browser.contexts):
            context.close()


def test_five_people_see_each_other_and_a_moved_person_changes_calls(call_browser, tmp_path_factory):
    product, people = product_with_call(tmp_path_factory)
    ARTIFACTS.mkdir(exist_ok=True)
    with product.served("e2e-video-call.log"), calls_closed(call_browser):
        pages = [open_room(call_browser, p, (390, 844) if i == 4 else (1280, 800)) for i, p in enumerate(people[:5])]
        peers = [f"p{p['id']}" for p in people[:5]]
        for page, peer in zip(pages, peers, strict=True):
            stats = wait_for_video_from(page, [q for q in peers if q != peer])
            assert all(s["framesDecoded"] > 0 for s in stats) and len(stats) == 4
        for page in pages:
            assert page.locator(".video-tile").count() == 5
            assert page.locator("#countdown").inner_text().strip() != ""
        product.manage("shell", "-c", MESSAGE)
        for page in (pages[0], pages[4]):
            page.wait_for_selector("#room-messages li:has-text('Five minutes left')", timeout=TIMEOUT)
        pages[0].screenshot(path=str(ARTIFACTS / "video-call-5-desktop.png"))
        pages[4].screenshot(path=str(ARTIFACTS / "video-call-5-phone.png"), full_page=True)

        # Emi is moved to the other group: the four others lose her, she calls Femi.
        femi = open_room(call_browser, people[5])
        moved, emi = pages[4], peers[4]
        product.manage("shell", "-c", MOVE.format(pk=people[4]["id"]))
        for page in pages[:4]:
            wait_until(page, f"!window.WTIVideoCall.peers().includes('{emi}')")
            wait_until(page, "document.querySelectorAll('.video-tile').length === 4")
            assert len(page.evaluate("window.WTIVideoCall.peers()")) == 3  # the call went on without a reload
            # ... and the group's list of members no longer names her.
            wait_until(page, f"!document.querySelector('#room-members [data-member=\"{people[4]['id']}\"]')")
        wait_until(
            moved,
            f"window.WTIVideoCall && window.WTIVideoCall.me() === '{emi}' && window.WTIVideoCall.peers().length === 1",
        )
        assert wait_for_video_from(moved, [f"p{people[5]['id']}"])[0]["framesDecoded"] > 0
        assert wait_for_video_from(femi, [emi])[0]["framesDecoded"] > 0
        assert moved.evaluate("window.WTIVideoCall.peers()") == [f"p{people[5]['id']}"]
        wait_until(femi, f"!!document.querySelector('#room-members [data-member=\"{people[4]['id']}\"]')")


def test_through_turn_only_the_call_still_connects(call_browser, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("turn")
    secret, port = secrets.token_urlsafe(16), free_port()
    turn = start_turnserver(port, secret, workdir)
    try:
        product, people = product_with_call(
            tmp_path_factory,
            VIDEO_TURN_URLS=f"turn:127.0.0.1:{port}?transport=udp",
            VIDEO_TURN_SECRET=secret,
            VIDEO_ICE_TRANSPORT_POLICY="relay",
        )
        with product.served("e2e-video-call-turn.log"), calls_closed(call_browser):
            # One page lets axe-core in (bypass_csp): the call in progress has no WCAG A/AA violation.
            a, b = open_room(call_browser, people[0], bypass_csp=True), open_room(call_browser, people[1])
            for page, other in ((a, people[1]), (b, people[0])):
                stats = wait_for_video_from(page, [f"p{other['id']}"])
                assert stats[0]["candidateType"] == "relay"
            if AXE.exists():
                a.add_script_tag(content=AXE.read_text())
                assert a.evaluate(RUN, TAGS) == []

            # An organiser observing the room joins its call: the group sees them as organiser.
            observer = call_browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            base = people[0]["url"].split("/join/")[0]
            sign_in(observer, base, "organiser@example.org", PASSWORD)
            observer.goto(f"{base}/events/call/control/rooms/{people[0]['group']}/")
            observer.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
            observer.click("#call-join")
            organiser = wait_until(observer, "window.WTIVideoCall.me()")
            assert organiser.startswith("o")
            wait_for_video_from(observer, [f"p{people[0]['id']}", f"p{people[1]['id']}"], timeout=60_000)
            wait_for_video_from(a, [f"p{people[1]['id']}", organiser])
            caption = a.locator(f'.video-tile[data-peer="{organiser}"] figcaption')
            assert "(organiser)" in caption.inner_text()
            observer.screenshot(path=str(ARTIFACTS / "video-call-observer.png"))
            observer.click("#call-leave")
            wait_until(a, f"!window.WTIVideoCall.peers().includes('{organiser}')")
    finally:
        stop(turn)
        if (workdir / "turnserver.log").exists():
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / "e2e-turnserver.log").write_text((workdir / "turnserver.log").read_text()[-20000:])


def test_the_lobby_tests_camera_and_microphone_and_sends_nothing(call_browser, tmp_path_factory):
    product, people = product_with_call(tmp_path_factory, rooms_open=False)
    with product.served("e2e-video-check.log"):
        context = call_browser.new_context(viewport={"width": 390, "height": 844})
        context.add_init_script(
            "window.peerConnections = 0; const Real = window.RTCPeerConnection;"
            "window.RTCPeerConnection = function (c) { window.peerConnections += 1; return new Real(c); };"
        )
        page = context.new_page()
        page.goto(people[0]["url"])
        page.wait_for_selector("body[data-view=lobby] #connection[data-state=live]", timeout=TIMEOUT)
        page.click("#video-check-start")
        wait_until(page, "document.querySelector('#video-check-preview video').videoWidth > 0")
        wait_until(page, "window.WTIVideoCheck.level() > 0.01")  # the fake microphone's beeps
        page.screenshot(path=str(ARTIFACTS / "video-check-lobby-phone.png"), full_page=True)
        assert page.evaluate("window.peerConnections") == 0 and page.locator("#video-call").count() == 0
        page.click("#video-check-stop")
        wait_until(page, "!window.WTIVideoCheck.active()")
        assert page.locator("#video-check-preview").is_hidden()
        context.close()
