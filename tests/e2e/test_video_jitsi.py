"""Jitsi rooms and the plenary stream in real browsers. A stub of Jitsi's `external_api.js`,
served by a tiny local HTTP server (JITSI_DOMAIN points at it), records what the room page gives
its constructor: the group's room name, the person's display name and their token, which PyJWT
checks. The opening plenary and the closing page show the stream's player. Screenshots at
1280x800 and 390x844 go to test-artifacts/."""

import http.server
import re
import threading

import jwt
import pytest

from tests.e2e.conftest import ARTIFACTS, IN_CI, Product, check_in_quietly, sign_in
from tests.e2e.test_accessibility import AXE, Audit
from tests.e2e.test_pages_follow import organiser_post
from tests.servers import free_port

pytestmark = pytest.mark.browser
TIMEOUT = 30_000
APP_ID, SECRET = "wti-e2e", "e2e-secret-0123456789abcdef0123456789"
STREAM = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"

# What Jitsi's IFrame API would do, reduced to what the page can observe: the arguments, a frame
# in parentNode, and dispose() (counted in sessionStorage, which outlives the page's reload).
STUB = b"""
window.JitsiStub = {calls: []};
window.JitsiMeetExternalAPI = function (domain, options) {
  window.JitsiStub.calls.push({domain: domain, roomName: options.roomName, jwt: options.jwt,
    displayName: options.userInfo && options.userInfo.displayName,
    parent: options.parentNode && options.parentNode.id});
  var frame = document.createElement("p");
  frame.className = "jitsi-stub";
  frame.style.color = "#fff";
  frame.style.padding = "1rem";
  frame.textContent = "Jitsi stub: " + options.roomName + " as " + options.userInfo.displayName;
  options.parentNode.appendChild(frame);
  this.dispose = function () {
    sessionStorage.setItem("jitsiDisposed", String(Number(sessionStorage.getItem("jitsiDisposed") || 0) + 1));
    frame.remove();
  };
};
"""


class StubHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the standard library's name
        if self.path != "/external_api.js":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript")
        self.send_header("Content-Length", str(len(STUB)))
        self.end_headers()
        self.wfile.write(STUB)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def axe_script():
    if not AXE.exists():
        message = "node_modules/axe-core is missing: run `npm ci` at the repository root"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    return AXE.read_text()


@pytest.fixture(scope="module")
def jitsi_stub():
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), StubHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def jitsi_product(tmp_path_factory, jitsi_stub):
    product = Product.migrated(
        tmp_path_factory.mktemp("e2e-jitsi"),
        DEBUG="1",
        JOIN_RATE_LIMIT="1000/60",
        JITSI_DOMAIN=jitsi_stub,
        JITSI_APP_ID=APP_ID,
        JITSI_APP_SECRET=SECRET,
    )
    demo = product.demo_event("--participants", "10", "--seed", "7")
    product.manage(
        "shell",
        "-c",
        "from sessions_app.models import Event; "
        f"Event.objects.filter(slug={demo['event']!r}).update(video_provider='jitsi', plenary_stream_url={STREAM!r})",
    )
    with product.served("e2e-jitsi-server.log") as base:
        yield base, demo


def _claims(token: str) -> dict:
    return jwt.decode(token, SECRET, algorithms=["HS256"], audience="jitsi", issuer=APP_ID)


def _axe_page(browser, url: str):
    """A page where axe's script may run (the policy is checked on the other pages)."""
    page = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 800}).new_page()
    page.goto(url)
    return page


def _stub_call(page) -> dict:
    page.wait_for_selector("#jitsi-room .jitsi-stub", timeout=TIMEOUT)
    calls = page.evaluate("window.JitsiStub.calls")
    assert len(calls) == 1
    return calls[0]


def test_rooms_embed_jitsi_with_each_persons_token_and_the_plenaries_show_the_stream(
    browser, jitsi_product, jitsi_stub, axe_script
):
    base, demo = jitsi_product
    audit = Audit(base, axe_script)
    ARTIFACTS.mkdir(exist_ok=True)
    people = demo["people"]
    wide_person, narrow_person = [p for p in people if p["role"] == "participant"][:2]
    slug = demo["event"]
    control_url = f"{base}/events/{slug}/control/"

    organiser = browser.new_context(viewport={"width": 1280, "height": 900})
    control = organiser.new_page()
    sign_in(control, base, demo["organiser"]["email"], demo["organiser"]["password"])
    control.goto(demo["urls"]["control_room"])
    control.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    control.click("text=Start “Opening”")
    control.wait_for_selector("text=No phase is running.", state="detached", timeout=TIMEOUT)

    # The opening plenary: the stream plays in the lobby, through YouTube's privacy-enhanced player.
    pages = []
    for person, (width, height) in ((wide_person, (1280, 800)), (narrow_person, (390, 844))):
        page = browser.new_context(viewport={"width": width, "height": height}).new_page()
        page.goto(person["join_url"])
        page.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
        page.click("text=I am here: check in")
        page.wait_for_selector("text=You are checked in", timeout=TIMEOUT)
        frame = page.locator("#plenary-stream iframe")
        assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        assert page.locator(f"#plenary-stream a[href='{STREAM}']").is_visible()
        page.screenshot(path=str(ARTIFACTS / f"plenary-stream-lobby-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        pages.append(page)
    audit.check(_axe_page(browser, narrow_person["join_url"]), "lobby-plenary-stream")
    api = browser.new_context()
    for person in people:
        if person not in (wide_person, narrow_person):
            check_in_quietly(api.request, person["join_url"])
    control.click("text=Form diverse groups of the people checked in")
    control.wait_for_selector("#groups", timeout=120_000)
    control.click("text=Start “Break-out rooms”")

    # The rooms: each page hands Jitsi its group's room, its person's name and their own token.
    rooms = {}
    for page, person, width in ((pages[0], wide_person, 1280), (pages[1], narrow_person, 390)):
        page.wait_for_selector("body[data-view=room]", timeout=TIMEOUT)
        call = _stub_call(page)
        assert call["domain"] == jitsi_stub and call["parent"] == "jitsi-room"
        assert re.fullmatch(r"wti-[a-z0-9_-]{20,}", call["roomName"])
        first_name = call["displayName"]
        assert first_name and person["name"].startswith(first_name)
        claims = _claims(call["jwt"])
        assert claims["room"] == call["roomName"] and claims["sub"] == jitsi_stub
        assert claims["context"]["user"]["name"] == first_name
        assert claims["context"]["user"]["moderator"] is (person["role"] == "facilitator")
        # The page around the call keeps its clock and its messages.
        assert page.locator("#countdown").is_visible() and page.locator("#connection[data-state=live]").count() == 1
        page.screenshot(path=str(ARTIFACTS / f"room-jitsi-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        rooms[person["join_url"]] = call["roomName"]

    # The room with its call passes axe in every language (in a page of its own, where axe's
    # script may run).
    audit.check(_axe_page(browser, wide_person["join_url"]), "room-jitsi")

    # The organiser joins the wide participant's room from the control room, as moderator.
    control.goto(control_url)
    links = control.eval_on_selector_all("a[data-join-room]", "els => els.map(e => e.href)")
    assert links
    observed = None
    for link in dict.fromkeys(links):
        text = organiser.request.get(link).text()
        if f'data-room="{rooms[wide_person["join_url"]]}"' in text:
            observed = link
    assert observed, "the wide participant's room is among the control room's rooms"
    watch = organiser.new_page()
    watch.goto(observed)
    call = _stub_call(watch)
    assert call["roomName"] == rooms[wide_person["join_url"]] and call["displayName"] == "Organiser"
    assert _claims(call["jwt"])["context"]["user"]["moderator"] is True
    watch.screenshot(path=str(ARTIFACTS / "room-observe-jitsi-1280.png"), full_page=True)
    assert watch.locator("text=you join it as organiser").is_visible()
    staff = _axe_page(browser, f"{base}/")
    sign_in(staff, base, demo["organiser"]["email"], demo["organiser"]["password"])
    audit.check(staff, "room-observe-jitsi", observed)

    # The phase ends: each page leaves the call (dispose) as it changes to the lobby.
    wide = pages[0]
    assert wide.evaluate("sessionStorage.getItem('jitsiDisposed')") is None
    organiser_post(organiser, control_url + "phase-end/", {})
    for page in pages:
        page.wait_for_selector("body[data-view=lobby] #connection[data-state=live]", timeout=TIMEOUT)
        assert page.evaluate("sessionStorage.getItem('jitsiDisposed')") == "1"
        assert page.locator("#jitsi-room").count() == 0
    # The organiser's observer page stays, and leaves the call as the phase ends.
    watch.wait_for_selector("text=The break-out is over: you have left the call.", timeout=TIMEOUT)
    assert watch.evaluate("sessionStorage.getItem('jitsiDisposed')") == "1"

    # The closing plenary: the closing page shows the stream too.
    control.goto(control_url)
    control.click("text=Start “Results and conclusion”", timeout=TIMEOUT)
    for page, width in ((pages[0], 1280), (pages[1], 390)):
        page.wait_for_selector("body[data-view=closing] #plenary-stream iframe", timeout=TIMEOUT)
        src = page.locator("#plenary-stream iframe").get_attribute("src")
        assert src == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        page.screenshot(path=str(ARTIFACTS / f"plenary-stream-closing-{width}.png"), full_page=True)
    audit.check(_axe_page(browser, narrow_person["join_url"]), "closing-plenary-stream")
    audit.assert_clean()
