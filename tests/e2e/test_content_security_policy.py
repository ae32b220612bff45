"""The strict Content-Security-Policy in a real browser: the product with DEBUG=0, the lobby, the
control room, the plenary, the dialogue's results and admin pages in Debian's Chromium. Not one
violation is reported, and the live parts still work: the websockets (same origin, allowed by
'self') reach "live", the countdowns tick, the Print button opens the print dialogue."""

import uuid

import pytest

from tests.e2e.conftest import ARTIFACTS, Product, sign_in

pytestmark = pytest.mark.browser
TIMEOUT = 30_000

# Runs in every page before its own scripts: records what the policy blocked.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""


@pytest.fixture(scope="module")
def strict_product(tmp_path_factory):
    product = Product.migrated(
        tmp_path_factory.mktemp("csp"),
        DEBUG="0",
        SECRET_KEY="csp-e2e-" + uuid.uuid4().hex * 2,
        JOIN_RATE_LIMIT="1000/60",
    )
    event = product.demo_event("--participants", "6", "--seed", "3")
    dialogue = product.demo_event("--dialogue", "2", "--seed", "3")
    with product.served("e2e-csp-server.log") as base:
        yield base, event, dialogue


class Watched:
    """A browser context whose pages report every CSP violation, seen from the page and from
    the browser's console."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.console: list[str] = []
        self.pages = []

    def open(self, url):
        page = self.context.new_page()
        page.on("console", lambda message: self.console.append(f"{page.url}: {message.text}"))
        page.on("pageerror", lambda error: self.console.append(f"{page.url}: uncaught {error}"))
        page.goto(url)
        self.pages.append(page)
        return page

    def violations(self) -> list[str]:
        seen = [f"{p.url}: {v}" for p in self.pages if not p.is_closed() for v in p.evaluate("window.__violations")]
        policy = [m for m in self.console if "Content Security Policy" in m or "uncaught" in m]
        return seen + policy


def assert_ticks(page, selector="#countdown"):
    first = page.inner_text(selector)
    assert first, "the countdown shows nothing"
    page.wait_for_function(
        f"(first) => document.querySelector('{selector}').textContent !== first", arg=first, timeout=5000
    )


def test_no_violation_and_the_live_parts_work(browser, strict_product):
    base, demo, dialogue = strict_product
    organiser = Watched(browser)

    control = organiser.open(demo["urls"]["control_room"])
    response = control.context.request.get(demo["urls"]["control_room"])
    assert "script-src 'self'" in response.headers["content-security-policy"]
    sign_in(control, base, demo["organiser"]["email"], demo["organiser"]["password"])
    control.goto(demo["urls"]["control_room"])
    control.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    control.click("text=Start “Opening”")
    control.wait_for_selector("text=No phase is running.", state="detached", timeout=TIMEOUT)
    assert_ticks(control)

    person = next(p for p in demo["people"] if p["role"] == "participant")
    participant = Watched(browser)
    lobby = participant.open(person["join_url"])
    lobby.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    assert lobby.input_value("#profile-form [name=timezone]"), "lobby.js filled no time zone"
    assert_ticks(lobby)
    lobby.click("text=I am here: check in")
    lobby.wait_for_selector("text=You are checked in", timeout=TIMEOUT)
    control.wait_for_function(
        "() => document.getElementById('count-checked-in').textContent.trim() === '1'", timeout=TIMEOUT
    )

    screen = Watched(browser)
    plenary = screen.open(demo["urls"]["plenary"])
    plenary.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)

    admin = organiser.open(base + "/admin/sessions_app/participant/")
    admin.check("#action-toggle")  # the admin's own scripts run: the toggle selects every row
    assert admin.locator("input.action-select:checked").count() >= 6
    admin.select_option("select[name=action]", "print_join_links")
    admin.click("button[name=index]")
    admin.wait_for_selector("button[data-print]")
    admin.click("button[data-print]")
    assert admin.evaluate("window.__printed") == 1
    event_admin = organiser.open(base + "/admin/sessions_app/event/")
    event_admin.click("#result_list tbody tr a")
    event_admin.wait_for_selector("#event_form")
    # The admin's date widgets build their calendar with its own scripts.
    event_admin.click(".datetimeshortcuts a[id^=calendarlink]")
    event_admin.wait_for_selector(".calendarbox", state="visible")
    # The admin pages the product adds: translations, the people import; and the paper tallies.
    organiser.open(event_admin.url.replace("/change/", "/translations/")).wait_for_selector("input[type=file]")
    organiser.open(base + "/admin/sessions_app/participant/import/").wait_for_selector("input[type=file]")
    organiser.open(f"{base}/events/{demo['event']}/results/paper/").wait_for_selector("main h1")
    organiser.open(base + "/admin/results/referencedataset/add/").wait_for_selector("#referencedataset_form")

    coordinator = Watched(browser)
    results = coordinator.open(dialogue["urls"]["sign_in"])
    sign_in(results, base, dialogue["coordinator"]["email"], dialogue["coordinator"]["password"])
    results.goto(dialogue["urls"]["results"])
    results.wait_for_selector(".dr-question", timeout=TIMEOUT)
    dialogue_admin = coordinator.open(dialogue["urls"]["admin"])
    dialogue_admin.wait_for_selector("#dialogue_form")
    public = coordinator.open(dialogue["urls"]["public_results"])
    public.wait_for_selector(".dr-question", timeout=TIMEOUT)
    # The bars are drawn without inline styles and still have their widths.
    for page in (results, public):
        widths = page.eval_on_selector_all(
            "svg.bar-track rect", "(rects) => rects.map((r) => r.getBoundingClientRect().width)"
        )
        assert widths and max(widths) > 0, widths
    ARTIFACTS.mkdir(exist_ok=True)
    public.screenshot(path=str(ARTIFACTS / "csp-public-results.png"))

    for watched in (organiser, participant, screen, coordinator):
        for page in watched.pages:
            page.wait_for_timeout(300)  # a late report is delivered asynchronously
        assert watched.violations() == [], watched.violations()
