"""Accessible to everyone: axe-core's WCAG 2.0 and 2.1 A and AA rules find nothing on any page a
participant, staff member, organiser or public reader opens, in English, French and Spanish, on a
laptop (1280x800) and a phone (390x844); the admin's pages an organiser opens in English at both
sizes and in French and Spanish on the laptop (its pages are many and heavy: the run stays short).
Each test brings the demo event to the state it needs (`EventSteps`), so each also runs alone.

axe-core comes from npm (package.json pins it; `npm ci` installs it into node_modules/). Its script
is injected as an inline <script> by `page.add_script_tag(content=...)`, which the pages' strict
Content-Security-Policy (script-src 'self') blocks; so the contexts of this test only are opened
with Playwright's `bypass_csp=True`. The policy itself is tested in test_content_security_policy.py."""

import json
import os
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, IN_CI, Product, check_in_quietly, sign_in
from tests.e2e.test_pages_follow import organiser_post

pytestmark = pytest.mark.browser

TIMEOUT = 30_000
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(os.environ.get("AXE_SHOTS", "/nonexistent"))  # screenshots of the pages checked, when this folder exists
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ("fr", "es", "en")  # English last: the steps after a check find the English labels
VIEWPORTS = ({"width": 390, "height": 844}, {"width": 1280, "height": 800})  # the laptop last
# The page has reached the state to check when this holds (the live pages once connected).
READY = (
    "document.readyState === 'complete' && (!document.getElementById('connection') || "
    "['live', 'offline'].includes(document.getElementById('connection').dataset.state))"
)
RUN = (
    "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}}); "
    "return r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map(n => "
    "n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 240))})); }"
)


# Besides axe: the page says its language, and every aria-describedby or aria-labelledby names
# an element that exists (axe only asks for a review of those).
OWN_CHECKS = """(language) => {
  const problems = [];
  if (document.documentElement.lang !== language) problems.push(`html lang is "${document.documentElement.lang}"`);
  for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby]')) {
    for (const attribute of ['aria-describedby', 'aria-labelledby']) {
      for (const id of (el.getAttribute(attribute) || '').split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problems.push(`${attribute}="${id}": no such id`);
      }
    }
  }
  return problems;
}"""
# What has the focus: whether it is the element looked for, and whether it shows an outline.
FOCUSED = """() => { const el = document.activeElement; const style = getComputedStyle(el);
  return {html: el.outerHTML.slice(0, 120),
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0}; }"""


# The error pages as the production server renders them (DEBUG=1 shows Django's debug pages
# instead), in each language; printed as one JSON line {code: {language: html}}.
ERROR_CODES = ("400", "403", "404", "500", "503")
RENDER_ERRORS = f"""
import json
from django.template.loader import render_to_string
from django.utils import translation
pages = {{}}
for code in {ERROR_CODES!r}:
    for language in {LANGUAGES!r}:
        with translation.override(language):
            pages.setdefault(code, {{}})[language] = render_to_string(code + ".html", {{"request_path": "/missing/"}})
print(json.dumps(pages))
"""


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        message = "node_modules/axe-core is missing: run `npm ci` at the repository root"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    return AXE.read_text()


@pytest.fixture(scope="module")
def product(tmp_path_factory):
    """The demo event and the demo dialogue in one fresh database, one server for every page."""
    product = Product.migrated(tmp_path_factory.mktemp("a11y"), DEBUG="1", JOIN_RATE_LIMIT="1000/60")
    demo = product.demo_event("--participants", "10", "--seed", "5")
    dialogue = product.demo_event("--dialogue", "2", "--seed", "5")
    errors = json.loads(product.manage("shell", "-c", RENDER_ERRORS).strip().splitlines()[-1])
    with product.served("e2e-a11y-server.log") as base:
        yield base, demo, dialogue, errors


class EventSteps:
    """The demo event brought forward, each step once, by whichever test needs it first: so every
    test of this module also runs alone (`-k`). People checked in, the rooms open (the opening
    started, groups formed, the break-out rooms started), a group's results submitted. A test that
    takes a step itself (the keyboard check-in, the keyboard submission) records it with `took`."""

    def __init__(self, browser, base: str, demo: dict):
        self.browser, self.base, self.demo = browser, base, demo
        self.taken: set[str] = set()
        self.checked_in: set[str] = set()
        self.api = browser.new_context()

    def took(self, step: str) -> None:
        self.taken.add(step)

    def person(self, role: str) -> dict:
        return next(p for p in self.demo["people"] if p["role"] == role)

    def check_in_everyone(self) -> None:
        for person in self.demo["people"]:
            if person["join_url"] not in self.checked_in:
                check_in_quietly(self.api.request, person["join_url"])
                self.checked_in.add(person["join_url"])

    def open_rooms(self) -> None:
        if "rooms" in self.taken:
            return
        self.check_in_everyone()
        organiser = self.browser.new_context().new_page()
        sign_in(organiser, self.base, self.demo["organiser"]["email"], self.demo["organiser"]["password"])
        organiser.goto(self.demo["urls"]["control_room"])
        organiser.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
        try:
            organiser.click("text=Start “Opening”")
        except Exception:
            organiser.screenshot(path=str(ARTIFACTS / "a11y-control-room-stuck.png"), full_page=True)
            raise
        organiser.wait_for_selector("text=No phase is running.", state="detached", timeout=TIMEOUT)
        organiser.click("text=Form diverse groups of the people checked in")
        organiser.wait_for_selector("#groups", timeout=120_000)
        organiser.click("text=Start “Break-out rooms”")
        organiser.wait_for_selector("text=ends in", timeout=TIMEOUT)
        organiser.context.close()
        self.took("rooms")

    def submit_counts(self) -> None:
        """The note taker's group submits its results with the counts of the first question's
        options (typed and sent as anyone would), after or without its earlier submission."""
        if "counts" in self.taken:
            return
        self.open_rooms()
        notes = self.browser.new_context().new_page()
        notes.goto(self.person("note_taker")["join_url"])
        try:
            notes.wait_for_selector("body[data-view=room]", timeout=TIMEOUT)
        except Exception:
            notes.screenshot(path=str(ARTIFACTS / "a11y-note-taker-stuck.png"), full_page=True)
            raise
        notes.click("a:has-text('Open the group results form')")
        notes.wait_for_selector("body[data-view=notes] #connection[data-state=live]", timeout=TIMEOUT)
        counts = notes.locator("input[data-field^='answers.'][data-option]")
        for i, count in enumerate(("2", "1", "1", "0")):  # 4 of the group's people
            counts.nth(i).fill(count)
        notes.wait_for_selector("#save-status:has-text('Saved at')", timeout=TIMEOUT)
        notes.click("#submit-button")
        try:
            notes.wait_for_selector("#submit-status:has-text('Submitted: revision')", timeout=TIMEOUT)
        except Exception:
            notes.screenshot(path=str(ARTIFACTS / "a11y-notes-stuck.png"), full_page=True)
            raise
        notes.context.close()
        self.took("counts")


@pytest.fixture(scope="module")
def steps(browser, product):
    base, demo, _dialogue, _errors = product
    return EventSteps(browser, base, demo)


class Audit:
    """Runs axe on pages in every language and viewport and keeps what it found, page by page."""

    def __init__(self, base: str, source: str, *, runs=None):
        self.base = base
        self.runs = runs or tuple((language, VIEWPORTS) for language in LANGUAGES)
        self.source = source
        self.found: list[str] = []
        self.checked = 0

    def check(self, page, name: str, url: str | None = None, *, ready: str = READY, lang: str = "") -> None:
        """`lang`: the page's one language whatever the visitor's (the 500 page, plain English)."""
        url = url or page.url
        for language, viewports in self.runs:
            page.context.add_cookies([{"name": "django_language", "value": language, "url": self.base}])
            page.set_viewport_size(viewports[0])
            page.goto(url)
            page.wait_for_function(ready, timeout=TIMEOUT)
            page.add_script_tag(content=self.source)
            for problem in page.evaluate(OWN_CHECKS, lang or language):
                self.found.append(f"{name} [{language}]: {problem}")
            for viewport in viewports:  # the same page laid out again at each size
                page.set_viewport_size(viewport)
                page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
                self.checked += 1
                if language == "en" and viewport["width"] == 1280 and SHOTS.is_dir():
                    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
                for violation in page.evaluate(RUN, TAGS):
                    self.found.append(
                        f"{name} [{language} {viewport['width']}]: {violation['id']} ({violation['help']})\n      "
                        + "\n      ".join(violation["nodes"])
                    )
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "axe-violations.txt").write_text("\n".join(self.found) or "none\n")

    def assert_clean(self) -> None:
        assert self.checked, "no page was checked"
        report = "\n".join(self.found)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "axe-violations.txt").write_text(report or "none\n")
        assert not self.found, f"{len(self.found)} violations:\n{report}"


def test_every_page_passes_axe_in_every_language_and_viewport(axe_source, browser, product, steps):
    base, demo, dialogue, errors = product
    audit = Audit(base, axe_source)
    people = demo["people"]
    by_role = {
        role: next(p for p in people if p["role"] == role) for role in ("participant", "facilitator", "note_taker")
    }
    slug = demo["event"]

    def context():
        return browser.new_context(bypass_csp=True, viewport=VIEWPORTS[-1])

    reader = context().new_page()
    assert "rooms" not in steps.taken, "run this test before the others: it checks the lobby before the rooms open"
    audit.check(reader, "home", f"{base}/")
    audit.check(reader, "sign-in", f"{base}/accounts/login/")
    audit.check(reader, "public-results", dialogue["urls"]["public_results"])

    def error_page(route):
        cookies = route.request.headers.get("cookie", "")
        language = next((lang for lang in LANGUAGES if f"django_language={lang}" in cookies), "en")
        code = route.request.url.rstrip("/").rsplit("/", 1)[1]
        route.fulfill(status=int(code), content_type="text/html; charset=utf-8", body=errors[code][language])

    reader.route(f"{base}/error-pages/*/", error_page)
    for code in ERROR_CODES:
        audit.check(reader, f"error-{code}", f"{base}/error-pages/{code}/", lang="en" if code == "500" else "")

    organiser = context().new_page()
    sign_in(organiser, base, demo["organiser"]["email"], demo["organiser"]["password"])
    audit.check(organiser, "home-organiser", f"{base}/")
    audit.check(organiser, "control-room", demo["urls"]["control_room"])
    audit.check(organiser, "people-and-links", demo["urls"]["people_and_links"])
    audit.check(organiser, "plenary", demo["urls"]["plenary"])
    audit.check(organiser, "printable-results", f"{base}/events/{slug}/results/print/")
    audit.check(organiser, "paper-tallies", f"{base}/events/{slug}/results/paper/")
    audit.check(organiser, "recommendations-wall", f"{base}/events/{slug}/control/recommendations/")
    # The admin's pages: test_the_admin_pages_an_organiser_opens_pass_axe.

    # The participants and staff: the lobby before and after checking in, then their rooms.
    pages = {}
    for role, person in by_role.items():
        page = context().new_page()
        page.goto(person["join_url"])
        page.wait_for_function(READY, timeout=TIMEOUT)
        pages[role] = page
    audit.check(pages["participant"], "lobby")
    audit.check(pages["facilitator"], "lobby-staff")
    # The participant checks in with the keyboard only; the others with the same form, quietly.
    keyboard_press(pages["participant"], "button:has-text('I am here: check in')", "Enter")
    pages["participant"].wait_for_selector("text=You are checked in", timeout=TIMEOUT)
    steps.checked_in.add(by_role["participant"]["join_url"])
    steps.check_in_everyone()
    audit.check(pages["participant"], "lobby-checked-in")

    steps.open_rooms()
    for role, page in pages.items():
        # Each page goes into its room by itself when the phase starts (a reload at that moment would
        # race its own navigation); once there, the check loads it again.
        page.wait_for_selector("body[data-view=room]", timeout=TIMEOUT)
        audit.check(page, f"room-{role}")
    audit.check(organiser, "control-room-breakout", demo["urls"]["control_room"])
    audit.check(organiser, "plenary-breakout", demo["urls"]["plenary"])
    participant = pages["participant"]
    audit.check(participant, "vote", base + participant.get_attribute("a:has-text('Answer the questions')", "href"))
    note_taker = pages["note_taker"]
    note_taker.goto(note_taker.url)
    audit.check(
        note_taker, "notes-form", base + note_taker.get_attribute("a:has-text('Open the group results form')", "href")
    )

    # The dialogue's pages: its coordinator, a partner, the results.
    coordinator = context().new_page()
    sign_in(coordinator, base, dialogue["coordinator"]["email"], dialogue["coordinator"]["password"])
    audit.check(coordinator, "dialogue-coordinator", dialogue["urls"]["coordination"])
    audit.check(coordinator, "dialogue-results", dialogue["urls"]["results"])
    partner = dialogue["partners"][0]
    partner_page = context().new_page()
    sign_in(partner_page, base, partner["organiser"]["email"], partner["organiser"]["password"])
    audit.check(partner_page, "dialogue-partner", partner["urls"]["partner"])

    audit.assert_clean()


def test_the_participant_and_the_note_taker_need_only_a_keyboard(axe_source, browser, product, steps):
    """With the rooms open (it skips with the axe test when axe-core is missing): from the join link
    to a vote, and the note taker's form from typing to submitting, by Tab, Enter, Space and the
    arrows only, with a visible focus outline at every step."""
    base, demo, _dialogue, _errors = product
    steps.open_rooms()
    assert "counts" not in steps.taken, "the group's results were submitted before: run this test first"
    people = demo["people"]
    participant = next(p for p in people if p["role"] == "participant")
    note_taker = next(p for p in people if p["role"] == "note_taker")

    page = browser.new_context(viewport=VIEWPORTS[0]).new_page()
    page.goto(participant["join_url"])
    page.wait_for_selector("body[data-view=room] #connection[data-state=live]", timeout=TIMEOUT)
    keyboard_press(page, "a:has-text('Answer the questions')", "Enter")
    page.wait_for_selector("body[data-view=vote] #connection[data-state=live]", timeout=TIMEOUT)
    question = page.locator("fieldset[data-question-id]").first
    question_id = question.get_attribute("data-question-id")
    organiser = browser.new_context()
    sign_in(organiser.new_page(), base, demo["organiser"]["email"], demo["organiser"]["password"])
    organiser_post(
        organiser, f"{base}/events/{demo['event']}/results/control/question-open/", {"question": question_id}
    )
    page.wait_for_function(f"!document.querySelector('fieldset[data-question-id=\"{question_id}\"]').disabled")
    first = f'fieldset[data-question-id="{question_id}"] input'
    keyboard_press(page, first, "Space")
    page.keyboard.press("ArrowDown")  # the next option of the radio group
    chosen = page.evaluate("document.activeElement.value")
    assert page.evaluate("document.activeElement.checked"), "the arrow did not choose the next option"
    keyboard_press(page, f'fieldset[data-question-id="{question_id}"] button[type=submit]', "Enter")
    page.wait_for_function(
        "(v) => { const box = document.querySelector(`input[value='${v}']`); return box && box.checked; }", arg=chosen
    )
    page.reload()
    assert page.locator(f'{first}[value="{chosen}"]').is_checked(), "the vote was not saved"

    notes = browser.new_context(viewport=VIEWPORTS[1]).new_page()
    notes.goto(note_taker["join_url"])
    notes.wait_for_selector("body[data-view=room]", timeout=TIMEOUT)
    keyboard_press(notes, "a:has-text('Open the group results form')", "Enter")
    notes.wait_for_selector("body[data-view=notes] #connection[data-state=live]", timeout=TIMEOUT)
    keyboard_press(notes, "textarea[data-field]", None)
    notes.keyboard.type("Trust needs transparency.")
    notes.wait_for_selector("#save-status:has-text('Saved at')", timeout=TIMEOUT)
    keyboard_press(notes, "#submit-button", "Enter")
    notes.wait_for_selector("#submit-status:has-text('Submitted: revision 1')", timeout=TIMEOUT)
    steps.took("notes")


# Each figure written on a bar of the plenary: its text, the contrast of its colour with its own
# background, and whether that background is opaque (then it, not the bar under it, is what the
# figure is read against, by people and by axe).
BAR_FIGURES = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  return [...document.querySelectorAll('#plenary-results .bar .bar-value')].map((el) => {
    const style = getComputedStyle(el), fg = rgb(style.color), bg = rgb(style.backgroundColor);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return {text: el.textContent, kind: el.parentElement.className, opaque: bg.length === 3 || bg[3] === 1,
            contrast: Math.round(((a + 0.05) / (b + 0.05)) * 10) / 10};
  });
}"""


def test_the_plenary_with_results_revealed_passes_axe(axe_source, browser, product, steps):
    """A group has submitted, and now the organiser shows the results beside the reference
    figures: axe finds nothing, and every figure on a bar, light or dark, is readable."""
    base, demo, _dialogue, _errors = product
    steps.submit_counts()
    organiser = browser.new_context()
    sign_in(organiser.new_page(), base, demo["organiser"]["email"], demo["organiser"]["password"])
    organiser_post(organiser, f"{base}/events/{demo['event']}/results/control/plenary/", {"results_visible": "1"})
    audit = Audit(base, axe_source)
    page = browser.new_context(bypass_csp=True, viewport=VIEWPORTS[-1]).new_page()
    shown = "document.getElementById('plenary-results').textContent"
    hidden = "JSON.parse(document.getElementById('plenary-labels').textContent).hidden"
    ready = f"{READY} && {shown}.trim() !== '' && !{shown}.includes({hidden})"
    audit.check(page, "plenary-revealed", demo["urls"]["plenary"], ready=ready)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "a11y-plenary-revealed.png"), full_page=True)
    audit.assert_clean()
    figures = page.evaluate(BAR_FIGURES)
    numbers = {kind for f in figures if any(c.isdigit() for c in f["text"]) for kind in f["kind"].split()}
    assert {"ours", "reference"} <= numbers, f"no numbers on the light bars: {figures}"
    unreadable = [f for f in figures if not f["opaque"] or f["contrast"] < 4.5]
    assert not unreadable, f"figures hard to read on their bars: {unreadable}"


def keyboard_press(page, selector: str, key: str | None, *, most: int = 80) -> None:
    """Tab from where the focus is to the element `selector` names (checking that each element on
    the way shows a focus outline), then press `key` on it."""
    target = page.locator(selector).first
    target.wait_for(state="attached", timeout=TIMEOUT)
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outline"], f"no visible focus on {focused['html']}"
        if target.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError(f"{selector} is not reachable with Tab")
    if key:
        page.keyboard.press(key)


# The admin in a reduced set: English at both sizes, French and Spanish at the laptop's.
ADMIN_RUNS = (("en", VIEWPORTS), ("fr", VIEWPORTS[-1:]), ("es", VIEWPORTS[-1:]))


def first_row(page, list_url: str) -> str | None:
    """The change page of the first row of an admin list (None for an empty list)."""
    page.goto(list_url)
    links = page.locator("#result_list tbody th a, #result_list tbody td a")
    return links.first.evaluate("a => a.href") if links.count() else None


def test_the_admin_pages_an_organiser_opens_pass_axe(axe_source, browser, product, steps):
    """The admin as the demo's organiser (a member of the organisation, not a superuser) opens it:
    the index, the event's list, add and change pages with their inlines, the translations import,
    the participants' list and import, the questionnaire (sessions, questions, its import), the
    feedback questions, the reference datasets (list, add, import), and the lists (and a row) of
    everything else its menu offers: partner organisations, allocation runs, breakout groups, group
    notes, plenary settings, API tokens. The event has run its rooms, so those lists have rows."""
    base, demo, _dialogue, _errors = product
    steps.submit_counts()
    audit = Audit(base, axe_source, runs=ADMIN_RUNS)
    page = browser.new_context(bypass_csp=True, viewport=VIEWPORTS[-1]).new_page()
    sign_in(page, base, demo["organiser"]["email"], demo["organiser"]["password"])
    admin = f"{base}/admin"
    event = first_row(page, f"{admin}/sessions_app/event/?q={demo['event']}")
    pages = {
        "admin-index": f"{admin}/",
        "admin-events": f"{admin}/sessions_app/event/",
        "admin-event-add": f"{admin}/sessions_app/event/add/",
        "admin-event": event,
        "admin-event-translations": event.replace("/change/", "/translations/"),
        "admin-participants": f"{admin}/sessions_app/participant/",
        "admin-participant": first_row(page, f"{admin}/sessions_app/participant/"),
        "admin-participants-import": f"{admin}/sessions_app/participant/import/",
        "admin-sessions": f"{admin}/sessions_app/session/",
        "admin-session": first_row(page, f"{admin}/sessions_app/session/"),
        "admin-sessions-import": f"{admin}/sessions_app/session/import-json/",
        "admin-questions": f"{admin}/sessions_app/question/",
        "admin-question": first_row(page, f"{admin}/sessions_app/question/"),
        "admin-feedback-questions": f"{admin}/results/feedbackquestion/",
        "admin-feedback-question": first_row(page, f"{admin}/results/feedbackquestion/"),
        "admin-reference-datasets": f"{admin}/results/referencedataset/",
        "admin-reference-dataset-add": f"{admin}/results/referencedataset/add/",
        "admin-organisations": f"{admin}/sessions_app/organisation/",
        "admin-organisation": first_row(page, f"{admin}/sessions_app/organisation/"),
        "admin-allocations": f"{admin}/groups/allocation/",
        "admin-allocation": first_row(page, f"{admin}/groups/allocation/"),
        "admin-groups": f"{admin}/groups/breakoutgroup/",
        "admin-group": first_row(page, f"{admin}/groups/breakoutgroup/"),
        "admin-group-notes": f"{admin}/results/notesubmission/",
        "admin-group-note": first_row(page, f"{admin}/results/notesubmission/"),
        "admin-plenary-settings": f"{admin}/results/plenarysettings/",
        "admin-api-tokens": f"{admin}/results/apitoken/",
        "admin-api-token-add": f"{admin}/results/apitoken/add/",
    }
    missing = [name for name, url in pages.items() if url is None]
    assert not missing, f"no row to open: {missing}"
    page.goto(pages["admin-reference-datasets"])
    if page.locator("#result_list tbody a").count():
        dataset = first_row(page, pages["admin-reference-datasets"])
        pages["admin-reference-dataset"] = dataset
        pages["admin-reference-dataset-import"] = dataset.replace("/change/", "/import/")
    for name, url in pages.items():
        audit.check(page, name, url)
    ARTIFACTS.mkdir(exist_ok=True)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(event)
    page.screenshot(path=str(ARTIFACTS / "a11y-admin-event-1366.png"), full_page=True)
    page.set_viewport_size(VIEWPORTS[0])
    page.screenshot(path=str(ARTIFACTS / "a11y-admin-event-390.png"), full_page=True)
    assert "admin-reference-dataset-import" in pages, "the demo has no reference dataset to import into"
    audit.assert_clean()
