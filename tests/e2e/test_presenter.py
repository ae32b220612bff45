"""The plenary as slides (?present=1), on the demo event with most groups' results submitted and
one question open for votes: every slide fits a 1920x1080 and a 1280x720 screen without
scrolling; the control room drives two screens, which follow within a second; the keyboard
moves one screen alone; axe-core finds nothing on any kind of slide.

The one-second measurement runs from the click event in the control room to the moment both
screens show the new state (each screen notes when its page first matches the selector; the
test waits for that by selector, never by sleeping). Shared CI machines stall now and then, so a
measurement over a second is taken once more before it fails; both are reported."""

import io
import json
import unicodedata

import pytest
from playwright.sync_api import Error as PlaywrightError
from pypdf import PdfReader

from tests.e2e.conftest import ARTIFACTS, Product, sign_in
from tests.e2e.test_accessibility import AXE, RUN, TAGS
from tests.e2e.test_pages_follow import organiser_post

pytestmark = pytest.mark.browser

TIMEOUT = 20_000
SCREENS = ({"width": 1920, "height": 1080}, {"width": 1280, "height": 720})

# The demo's groups (made by the allocator) and the results of all but one of them, the
# results shown, and q2 open for votes on devices (its figures stay hidden until it closes).
SETUP = """
import json, random
from dialogues.demo import _groups_and_results
from groups.models import BreakoutGroup
from results.services import plenary_settings_update, question_open_set
from sessions_app.models import Event, Option, Question, Session
from django.utils import timezone
from sessions_app.models import Participant
event = Event.objects.get(slug=SLUG)
Participant.objects.filter(event=event).update(checked_in_at=timezone.now())
_groups_and_results(event, random.Random(7), 7, report_all=False)
# A question of many options with long labels (the slide makes its rows smaller, labels wrap),
# which the groups that reported answer too (a second revision of their results).
from results.models import NoteRevision
from results.services import note_submit
import uuid
session = Session.objects.get(event=event)
many = Question.objects.create(session=session, order=7, code="q7", kind="single", respondent="individual",
                               text="Which of these should your country fund first to strengthen public debate online?")
LABELS = ["Public libraries and community centres that teach digital skills to people of every age",
          "Independent local newsrooms", "Fact-checking in every language spoken in the country",
          "Open-source tools for citizens' deliberation", "Research on recommendation algorithms",
          "Media literacy in schools", "A public-interest search engine", "Moderation councils with citizens",
          "Broadband for rural areas", "None of these"]
for i, label in enumerate(LABELS, start=1):
    Option.objects.create(question=many, order=i, code=f"o{i}", label=label)
rng = random.Random(11)
for revision in NoteRevision.objects.filter(submission__session=session).select_related("submission__group"):
    data = revision.data
    answered = sum(data["answers"]["q1"]["counts"].values())  # as many as answered q1
    counts = {f"o{i}": 0 for i in range(1, 11)}
    for _ in range(answered):
        counts[f"o{rng.randint(1, 10)}"] += 1
    data["answers"]["q7"] = {"counts": counts}
    note_submit(group=revision.submission.group, session=session, data=data, idempotency_key=uuid.uuid4())
plenary_settings_update(event=event, results_visible=True)
question_open_set(event=event, question=Question.objects.get(session__event=event, code="q2"), is_open=True)
current = BreakoutGroup.objects.filter(event=event, allocation__is_current=True)
groups = list(current.order_by("number").values_list("pk", flat=True))
print(json.dumps({"groups": groups}))
"""

# Whether a slide lies within the screen: no scrolling, every element of the slide (and of the
# slides' bar) inside the viewport, nothing cut off inside a box that hides its overflow, and
# the slide's content clear of the bar at the bottom right.
FITS = """(id) => {
  const problems = [], vw = innerWidth, vh = innerHeight, root = document.scrollingElement;
  if (root.scrollHeight > vh) problems.push(`the page scrolls: ${root.scrollHeight} > ${vh}`);
  if (root.scrollWidth > vw) problems.push(`the page scrolls sideways: ${root.scrollWidth} > ${vw}`);
  const slide = document.getElementById(id);
  if (!slide || slide.hidden) return [`${id} is not shown`];
  const bar = document.querySelector('.presenter-bar').getBoundingClientRect();
  const name = (el) => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className ?
    '.' + el.className.split(' ').join('.') : '');
  const inside = (el) => !el.closest('.visually-hidden');
  const all = [slide, ...slide.querySelectorAll('*'), ...document.querySelectorAll('.presenter-bar *')];
  for (const el of all.filter(inside)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const box = [r.left, r.top, r.right, r.bottom].map(Math.round).join(',');
    const out = r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5;
    if (out) problems.push(`${name(el)} at ${box}`);
    const clips = getComputedStyle(el).overflow === 'hidden' && !el.matches('svg, .bar-track');
    if (clips && el.scrollHeight > el.clientHeight + 1)
      problems.push(`${name(el)} cuts off its content: ${el.scrollHeight} > ${el.clientHeight}`);
    if (slide.contains(el) && el.children.length === 0 && r.bottom > bar.top + 0.5 && r.right > bar.left + 0.5)
      problems.push(`${name(el)} is under the slides' bar`);
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def presented(tmp_path_factory):
    product = Product.migrated(tmp_path_factory.mktemp("e2e-presenter"), DEBUG="1", JOIN_RATE_LIMIT="1000/60")
    demo = product.demo_event("--participants", "30", "--seed", "5")
    setup = json.loads(product.manage("shell", "-c", f"SLUG = {demo['event']!r}\n{SETUP}").strip().splitlines()[-1])
    with product.served("e2e-presenter-server.log") as base:
        yield base, demo, setup["groups"], product


def showing(page) -> str:
    return page.evaluate("document.body.dataset.showing")


def slides_url(demo) -> str:
    return demo["urls"]["plenary"] + "?present=1"


def open_screen(browser, demo, viewport=SCREENS[0], **options):
    page = browser.new_context(viewport=viewport, **options).new_page()
    page.goto(slides_url(demo))
    page.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    return page


def organiser_context(browser, base, demo):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(context.new_page(), base, demo["organiser"]["email"], demo["organiser"]["password"])
    return context


def test_every_slide_fits_the_screen(browser, presented):
    base, demo, groups, _product = presented
    ARTIFACTS.mkdir(exist_ok=True)
    organiser = organiser_context(browser, base, demo)
    control = f"{base}/events/{demo['event']}/results/control/presenter/"
    organiser_post(organiser, control, {"slide": "0"})
    problems = []
    for viewport in SCREENS:
        size = f"{viewport['width']}x{viewport['height']}"
        page = open_screen(browser, demo, viewport)
        total = page.locator(".slide[data-index]").count()
        assert total == 7, "a title, q1 to q4, q7, the recommendations"
        for index in range(total):
            page.wait_for_selector(f"body[data-showing=slide-{index}]", timeout=TIMEOUT)
            problems += [f"{size} slide {index + 1}: {p}" for p in page.evaluate(FITS, f"slide-{index}")]
            kind = page.get_attribute(f"#slide-{index}", "class").split()[1]
            page.screenshot(path=str(ARTIFACTS / f"presenter-{size}-{index + 1}-{kind}.png"))
            page.keyboard.press("ArrowRight")
        for number, group in enumerate(groups[:3]):
            organiser_post(organiser, control, {"group": str(group)})
            page.wait_for_selector(f"body[data-showing=slide-group-{group}]", timeout=TIMEOUT)
            problems += [f"{size} group {group}: {p}" for p in page.evaluate(FITS, f"slide-group-{group}")]
            if number == 0:
                page.screenshot(path=str(ARTIFACTS / f"presenter-{size}-group.png"))
        organiser_post(organiser, control, {"group": ""})
        page.context.close()
    assert not problems, "\n".join(problems)


# On a screen: the time (Date.now()) at which `selector` first matches, kept in window.seenAt.
WATCH = """(selector) => {
  window.seenAt = null;
  const check = () => { if (window.seenAt === null && document.querySelector(selector)) window.seenAt = Date.now(); };
  const observer = new MutationObserver(() => { check(); if (window.seenAt !== null) observer.disconnect(); });
  observer.observe(document.body, {subtree: true, childList: true, attributes: true});
  check();
}"""
# In the control room: the time of the next click on `selector`, in window.clickedAt.
CLICK = """(selector) => {
  window.clickedAt = null;
  document.addEventListener('click', (e) => { if (e.target.closest(selector)) window.clickedAt = Date.now(); },
                            {capture: true, once: true});
}"""


def until_both(control, click, screens, selector) -> float:
    """Seconds from the click in the control room (the browser's click event) to both screens
    matching `selector` (each screen's own record of when it first did): the product's delay,
    not the test driver's."""
    for screen in screens:
        screen.evaluate(WATCH, selector)
    control.evaluate(CLICK, click)
    control.click(click)
    for screen in screens:
        screen.wait_for_selector(selector, timeout=TIMEOUT, state="attached")
        screen.wait_for_function("window.seenAt !== null", timeout=TIMEOUT)
    clicked = control.evaluate("window.clickedAt")
    assert clicked is not None, "the click was not seen"
    return (max(screen.evaluate("window.seenAt") for screen in screens) - clicked) / 1000


def within_a_second(control, click, screens, selector, settle) -> list[float]:
    """Measured once, and once more if over a second (CI noise): `settle` undoes the change."""
    taken = [until_both(control, click, screens, selector)]
    if taken[0] >= 1.0:
        settle()
        taken.append(until_both(control, click, screens, selector))
    assert taken[-1] < 1.0, f"the screens followed in {taken} s"
    return taken


def test_the_control_room_drives_two_screens(browser, presented):
    base, demo, groups, _product = presented
    organiser = organiser_context(browser, base, demo)
    control_url = f"{base}/events/{demo['event']}/results/control/presenter/"
    organiser_post(organiser, control_url, {"slide": "0", "group": ""})
    control = organiser.new_page()
    control.goto(demo["urls"]["control_room"])
    control.wait_for_selector("#presenter-controls[data-slide='0']", timeout=TIMEOUT)
    screens = [open_screen(browser, demo), open_screen(browser, demo, SCREENS[1])]
    for screen in screens:
        assert showing(screen) == "slide-0"

    def back_to(slide):
        def settle():
            organiser_post(organiser, control_url, {"slide": str(slide)})
            for screen in screens:
                screen.wait_for_selector(f"body[data-showing=slide-{slide}]", timeout=TIMEOUT)
            control.reload()
            control.wait_for_selector(f"#presenter-controls[data-slide='{slide}']", timeout=TIMEOUT)

        return settle

    timings = {}
    # Next: slide 1 to 2 (q1, its figures shown).
    timings["next"] = within_a_second(control, "#presenter-next", screens, "body[data-showing=slide-1]", back_to(0))
    control.wait_for_selector("#presenter-controls[data-slide='1']", timeout=TIMEOUT)
    for screen in screens:
        assert screen.locator("#slide-1 .slide-chart .bar").count() > 0, "q1's figures are shown"

    # Go to q2, open for votes: its figures are hidden (the count of answers and the place to vote).
    control.select_option("#id_presenter_slide", "2")
    control.click("#presenter-go")
    for screen in screens:
        screen.wait_for_selector("body[data-showing=slide-2]", timeout=TIMEOUT)
        assert (
            screen.locator("#slide-2 .slide-chart").count() == 0
            and screen.locator("#slide-2 .slide-count").count() == 1
        )
        assert screen.locator("#slide-2 .slide-vote [data-vote-code]").count() == 1
    control.wait_for_selector("#presenter-controls[data-slide='2'] #presenter-reveal", timeout=TIMEOUT)

    def hide_q2():
        organiser_post(organiser, control_url, {"question": "digital-public-sphere/q2", "reveal": "0"})
        for screen in screens:
            screen.wait_for_selector("#slide-2 .slide-count", timeout=TIMEOUT)
        control.reload()
        control.wait_for_selector("#presenter-reveal:has-text('Reveal')", timeout=TIMEOUT)

    timings["reveal"] = within_a_second(
        control, "#presenter-reveal", screens, "#slide-2:not([hidden]) .slide-chart", hide_q2
    )
    table = screens[0].locator("#slide-2 table.visually-hidden")
    assert table.locator("tbody tr").count() == 5, "the chart's figures as a table for screen readers"

    # A group's recommendation, big.
    group = groups[1]
    control.wait_for_selector("#presenter-show-group", timeout=TIMEOUT)
    control.select_option("#id_presenter_group", str(group))

    def group_off():
        organiser_post(organiser, control_url, {"group": ""})
        for screen in screens:
            screen.wait_for_selector("body[data-showing=slide-2]", timeout=TIMEOUT)
        control.reload()
        control.wait_for_selector("#presenter-show-group", timeout=TIMEOUT)
        control.select_option("#id_presenter_group", str(group))

    timings["group"] = within_a_second(
        control, "#presenter-show-group", screens, f"body[data-showing=slide-group-{group}]", group_off
    )
    assert "recommendation" in screens[1].inner_text(f"#slide-group-{group} h2")

    # A screen opened later starts where the others are.
    late = open_screen(browser, demo)
    assert showing(late) == f"slide-group-{group}"

    # The keyboard moves one screen alone, until the organiser's next command.
    screens[0].keyboard.press("ArrowRight")  # off the group's slide, back to slide 3
    screens[0].keyboard.press("ArrowRight")
    assert showing(screens[0]) == "slide-3" and showing(screens[1]) == f"slide-group-{group}"
    assert screens[0].inner_text("#slide-counter") == "4 / 7"
    organiser_post(organiser, control_url, {"slide": "5"})
    for screen in [*screens, late]:
        screen.wait_for_selector("body[data-showing=slide-5]", timeout=TIMEOUT)
    control.reload()
    control.wait_for_selector("#presenter-controls[data-slide='5']", timeout=TIMEOUT)
    # The panel may be refreshed under us (it follows the event): a picture of the page, cut to it.
    for attempt in range(3):  # the panel is swapped when the control room hears of a change
        try:
            control.locator("#presenter-controls").screenshot(path=str(ARTIFACTS / "presenter-controls.png"))
            break
        except PlaywrightError:
            if attempt == 2:
                raise
    (ARTIFACTS / "presenter-timings.json").write_text(json.dumps(timings))


def test_the_slides_pass_axe(browser, presented):
    base, demo, groups, _product = presented
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is missing: run `npm ci`")
    organiser = organiser_context(browser, base, demo)
    control_url = f"{base}/events/{demo['event']}/results/control/presenter/"
    organiser_post(organiser, control_url, {"slide": "0", "group": ""})
    found = []
    for viewport in SCREENS:
        page = open_screen(browser, demo, viewport, bypass_csp=True)
        page.add_script_tag(content=AXE.read_text())
        slides = [f"slide-{i}" for i in range(page.locator(".slide[data-index]").count())]
        for slide in [*slides, f"slide-group-{groups[0]}"]:
            if slide.startswith("slide-group"):
                organiser_post(organiser, control_url, {"group": str(groups[0])})
            page.wait_for_selector(f"body[data-showing={slide}]", timeout=TIMEOUT)
            found += [f"{viewport['width']} {slide}: {v['id']} {v['nodes']}" for v in page.evaluate(RUN, TAGS)]
            page.keyboard.press("ArrowRight")
        organiser_post(organiser, control_url, {"group": ""})
        page.context.close()
    assert not found, "\n".join(found)


# The group still writing submits: its results change the figures of every question.
LAST_GROUP = """
import random, uuid
from dialogues.demo import _group_results
from groups.models import BreakoutGroup
from results.services import note_submit
from sessions_app.models import Event, Session
event = Event.objects.get(slug=SLUG)
group = BreakoutGroup.objects.filter(event=event, allocation__is_current=True, note_submissions__isnull=True).first()
session = Session.objects.get(event=event)
data = _group_results(random.Random(3), 5, {"threat": 5})
note_submit(group=group, session=session, data=data, idempotency_key=uuid.uuid4())
"""
TRANSITION = "document.getAnimations().some((a) => a.transitionProperty === 'width')"


def test_bars_grow_as_results_arrive_unless_motion_is_reduced(browser, presented):
    """A screen shows q1 with its figures; another group submits (from another process: the
    screens hear it through their safety-net refresh, within seconds); the bars' widths move
    by a CSS transition, and at once for a screen that asks for reduced motion."""
    base, demo, groups, product = presented
    organiser = organiser_context(browser, base, demo)
    organiser_post(organiser, f"{base}/events/{demo['event']}/results/control/presenter/", {"slide": "1", "group": ""})
    moving = open_screen(browser, demo)
    still = open_screen(browser, demo, reduced_motion="reduce")
    rect = "#slide-1 .slide-row[data-option=threat] .bar.ours rect"
    before = moving.get_attribute(rect, "width")
    for screen in (moving, still):
        screen.wait_for_selector("body[data-showing=slide-1]", timeout=TIMEOUT)
        screen.evaluate(
            """(sel) => { window.transitions = 0; document.addEventListener('transitionrun', (e) => {
                 if (e.propertyName === 'width') window.transitions += 1; }); }""",
            rect,
        )
    product.manage("shell", "-c", f"SLUG = {demo['event']!r}\n{LAST_GROUP}")
    for screen in (moving, still):
        screen.wait_for_function(
            "([sel, was]) => { const r = document.querySelector(sel); return r && r.getAttribute('width') !== was; }",
            arg=[rect, before],
            timeout=30_000,
        )
    moving.wait_for_function("window.transitions > 0", timeout=TIMEOUT)
    assert still.evaluate("window.transitions") == 0 and not still.evaluate(TRANSITION)


def test_the_presenter_controls_pass_axe(browser, presented):
    """The control room's presenter controls, with a group's recommendation on screen (all the
    controls shown), at 0 violations (the rest of the control room: test_accessibility)."""
    base, demo, groups, _product = presented
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is missing: run `npm ci`")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    sign_in(context.new_page(), base, demo["organiser"]["email"], demo["organiser"]["password"])
    organiser_post(context, f"{base}/events/{demo['event']}/results/control/presenter/", {"slide": "1"})
    organiser_post(context, f"{base}/events/{demo['event']}/results/control/presenter/", {"group": str(groups[0])})
    page = context.new_page()
    page.goto(demo["urls"]["control_room"])
    page.wait_for_selector("#presenter-hide-group", timeout=TIMEOUT)
    page.add_script_tag(content=AXE.read_text())
    scoped = RUN.replace("axe.run(document,", "axe.run('#presenter-controls',")
    assert scoped != RUN
    assert page.evaluate(scoped, TAGS) == []


def squeezed(text: str) -> str:
    """Text with its runs of white space as one space (a PDF breaks lines where a page does not)
    and its ligatures as letters (the PDF's fonts write "fi" as one glyph)."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_the_plenary_report_prints_as_a_pdf_with_its_charts(browser, presented):
    """The printable report, as the organiser saves it as a PDF: a bar per option beside the
    plenary's comparison, the site's header left out on paper, and a real PDF of A4 pages whose
    text holds every heading, the comparison's name and the tables' figures."""
    base, demo, _groups, _product = presented
    context = organiser_context(browser, base, demo)
    page = context.new_page()
    page.goto(f"{base}/events/{demo['event']}/results/print/")
    page.wait_for_selector(".print-results h1", timeout=TIMEOUT)
    bars = page.locator(".print-results .print-chart .bar.ours svg rect").count()
    assert bars > 0 and bars == page.locator(".print-results tbody tr").count()
    assert page.locator(".print-reference").count() == 1, "the plenary's comparison is named"
    assert page.locator(".print-results .bar.reference").count() > 0
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".no-print").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 794, "height": 1123})
    page.screenshot(path=str(ARTIFACTS / "plenary-report.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "plenary-report.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2, "a PDF of several A4 pages"
    on_paper = squeezed(" ".join(p.extract_text() for p in reader.pages))
    for heading in page.locator(".print-results h1, .print-results h2, .print-results h3").all_inner_texts():
        assert squeezed(heading) in on_paper, f"{heading!r} is in the PDF's text"
    assert squeezed(page.locator(".print-reference").inner_text()) in on_paper
    first_figures = page.locator(".print-results tbody tr").first.locator("td.num").all_inner_texts()
    assert all(figure in on_paper for figure in first_figures), "the table's figures are in the PDF"
