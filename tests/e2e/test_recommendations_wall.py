"""The recommendations wall, on the demo event with every group's recommendation submitted: the
organiser's page (/events/<slug>/control/recommendations/) shows the chosen ones on slide-sized
pages, starred first, the hidden ones apart, a suggested set accepted in one click, a double click
on "Star" changing nothing; axe-core finds nothing on it (laptop and phone); and the presenter's
recommendation slides at 1920x1080 show the chosen ones only, within the screen."""

import json

import pytest

from tests.e2e.conftest import ARTIFACTS, Product, sign_in
from tests.e2e.test_accessibility import AXE, RUN, TAGS
from tests.e2e.test_pages_follow import organiser_post
from tests.e2e.test_presenter import FITS

pytestmark = pytest.mark.browser

TIMEOUT = 20_000
FULL_HD = {"width": 1920, "height": 1080}

# Every group's recommendation made distinct (two alike, for a suggestion), then the organiser's
# choices: the first group's hidden, the sixth's starred, the seventh's and eighth's in a set.
SETUP = """
import json, random, uuid
from dialogues.demo import _groups_and_results
from django.utils import timezone
from groups.models import BreakoutGroup
from results.models import NoteRevision
from results.recommendations import recommendation_curate, recommendation_group
from results.services import note_submit
from sessions_app.models import Event, Participant, Session
event = Event.objects.get(slug=SLUG)
Participant.objects.filter(event=event).update(checked_in_at=timezone.now())
_groups_and_results(event, random.Random(7), 7, report_all=True)
TEXTS = ["Keep a secret ballot for the hidden proposal about quarterly audits.",
         "Fund independent local newsrooms in every region for ten years.",
         "Build safe bike lanes in every city and town.",
         "More bike lanes in every city centre, safe for children.",
         "Give every pupil lessons on media literacy from primary school onwards.",
         "Require platforms to publish how their ranking algorithms choose what people see.",
         "Open public libraries in the evening as places for community debate.",
         "Train librarians to run open evening debates in public libraries.",
         "Offer broadband to remote villages at the price paid in cities.",
         "Create citizens' councils that review moderation rules each year.",
         "Translate official information into every language spoken here.",
         "Protect journalists from abusive lawsuits with a fast court procedure."]
session = Session.objects.get(event=event)
groups = list(BreakoutGroup.objects.filter(event=event, allocation__is_current=True).order_by("number"))
assert len(groups) >= 9, len(groups)
for group, text in zip(groups, TEXTS):
    data = NoteRevision.objects.filter(submission__group=group).order_by("-number").first().data
    data["answers"]["q6"] = {"text": text}
    note_submit(group=group, session=session, data=data, idempotency_key=uuid.uuid4())
recommendation_curate(event=event, group=groups[0], hidden=True)
recommendation_curate(event=event, group=groups[5], starred=True)
recommendation_group(event=event, groups=[groups[6].pk, groups[7].pk], label="Libraries in the evening")
print(json.dumps({"groups": [g.pk for g in groups], "texts": TEXTS[: len(groups)]}))
"""


@pytest.fixture(scope="module")
def wall_product(tmp_path_factory):
    product = Product.migrated(tmp_path_factory.mktemp("e2e-wall"), DEBUG="1", JOIN_RATE_LIMIT="1000/60")
    demo = product.demo_event("--participants", "60", "--seed", "5")
    setup = json.loads(product.manage("shell", "-c", f"SLUG = {demo['event']!r}\n{SETUP}").strip().splitlines()[-1])
    with product.served("e2e-wall-server.log") as base:
        yield base, demo, setup


def organiser_page(browser, base, demo, viewport, **options):
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    sign_in(page, base, demo["organiser"]["email"], demo["organiser"]["password"])
    return page


def card_ids(page, selector) -> list[int]:
    return [int(i) for i in page.eval_on_selector_all(selector, "els => els.map(e => e.dataset.group)")]


def test_the_wall_page(browser, wall_product):
    base, demo, setup = wall_product
    groups, texts = setup["groups"], setup["texts"]
    ARTIFACTS.mkdir(exist_ok=True)
    page = organiser_page(browser, base, demo, FULL_HD)
    wall = f"{base}/events/{demo['event']}/control/recommendations/"
    page.goto(wall)
    page.wait_for_selector("#wall-page-1")
    chosen = card_ids(page, ".wall-page .wall-card")
    assert chosen[0] == groups[5], "the starred one first"
    assert groups[0] not in chosen and card_ids(page, ".wall-hidden .wall-card") == [groups[0]]
    assert texts[0] not in page.inner_text(".wall-page:first-of-type")
    assert card_ids(page, '.wall-set[aria-label="Libraries in the evening"] .wall-card') == [groups[6], groups[7]]
    assert page.locator(".wall-page").count() == 2, "more chosen than a slide holds: two slides"
    # Readable at 1080p: no sideways scrolling, three cards a row at least, text of 18px or more.
    layout = page.evaluate(
        """() => ({scrolls: document.scrollingElement.scrollWidth > innerWidth,
                   width: document.querySelector('.wall-card').getBoundingClientRect().width,
                   font: parseFloat(getComputedStyle(document.querySelector('.wall-card-text')).fontSize)})"""
    )
    assert not layout["scrolls"] and 300 < layout["width"] < 1920 / 3 and layout["font"] >= 18, layout
    page.screenshot(path=str(ARTIFACTS / "wall-1920x1080.png"), full_page=True)
    # The suggestion (the two about bike lanes), accepted in one click under the organiser's label.
    suggestion = page.locator(".wall-suggestion").filter(has_text=texts[2][:20])
    assert suggestion.count() == 1 and texts[3][:20] in suggestion.inner_text()
    suggestion.locator("input[name=label]").fill("Bike lanes")
    suggestion.locator("button[data-action=accept]").click()
    page.wait_for_selector('.wall-set[aria-label="Bike lanes"]')
    assert sorted(card_ids(page, '.wall-set[aria-label="Bike lanes"] .wall-card')) == sorted(groups[2:4])
    # A double click on "Star" stars it: explicit states, the second click changes nothing.
    page.dblclick(f"#card-{groups[1]} button[data-action=star]")
    page.wait_for_selector(f"#card-{groups[1]}.starred")
    page.reload()
    assert page.locator(f"#card-{groups[1]}.starred").count() == 1
    # Each card links to the group's notes page, which the organiser opens.
    href = page.get_attribute(f"#card-{groups[1]} .wall-card-notes a", "href")
    assert href.startswith(f"/events/{demo['event']}/notes/{groups[1]}/")
    assert page.request.get(base + href).ok
    page.context.close()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}])
def test_the_wall_page_is_accessible(browser, wall_product, viewport):
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is missing")
    base, demo, _setup = wall_product
    page = organiser_page(browser, base, demo, viewport, bypass_csp=True)
    page.goto(f"{base}/events/{demo['event']}/control/recommendations/")
    page.wait_for_selector("#wall-page-1")
    size = f"{viewport['width']}x{viewport['height']}"
    page.screenshot(path=str(ARTIFACTS / f"wall-{size}.png"))
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), "scrolls sideways"
    page.add_script_tag(content=AXE.read_text())
    violations = page.evaluate(RUN, TAGS)
    assert violations == [], json.dumps(violations, indent=1)
    page.context.close()


def test_the_wall_slides_show_the_chosen_ones_within_the_screen(browser, wall_product):
    base, demo, setup = wall_product
    groups, texts = setup["groups"], setup["texts"]
    organiser = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(organiser.new_page(), base, demo["organiser"]["email"], demo["organiser"]["password"])
    screen = browser.new_context(viewport=FULL_HD).new_page()
    screen.goto(demo["urls"]["plenary"] + "?present=1")
    screen.wait_for_selector("#connection[data-state=live]", timeout=TIMEOUT)
    slides = [
        int(i) for i in screen.eval_on_selector_all(".slide.kind-recommendations", "e => e.map(s => s.dataset.index)")
    ]
    assert len(slides) == 2
    deck = screen.inner_text("#deck") + screen.eval_on_selector("#deck", "d => d.textContent")
    assert texts[0] not in deck, "a hidden recommendation is never on the screens"
    control = f"{base}/events/{demo['event']}/results/control/presenter/"
    problems, shown, starred = [], [], []
    for number, index in enumerate(slides, start=1):
        organiser_post(organiser, control, {"slide": str(index)})
        screen.wait_for_selector(f"body[data-showing=slide-{index}]", timeout=TIMEOUT)
        problems += [f"slide {number}: {p}" for p in screen.evaluate(FITS, f"slide-{index}")]
        shown += card_ids(screen, f"#slide-{index} .slide-wall-card")
        starred += card_ids(screen, f"#slide-{index} .slide-wall-card.starred")
        screen.screenshot(path=str(ARTIFACTS / f"wall-slide-{number}-1920x1080.png"))
    assert not problems, "\n".join(problems)
    # Starred first (the sixth group's, and any the other test starred), hidden never.
    assert groups[5] in starred and shown[: len(starred)] == starred and groups[0] not in shown
    assert sorted(shown) == sorted(g for g in groups[: len(texts)] if g != groups[0])
    first = card_ids(screen, f"#slide-{slides[0]} .slide-wall-set .slide-wall-card")
    assert {groups[6], groups[7]} <= set(first) or {groups[6], groups[7]} <= set(
        card_ids(screen, f"#slide-{slides[1]} .slide-wall-set .slide-wall-card")
    ), "a set on one slide"
    organiser.close()
    screen.context.close()
