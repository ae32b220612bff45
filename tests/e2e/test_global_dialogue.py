"""The global dialogue's live results: a coordinator watches the page while partner A's group and
then partner B's group submit their results through the API; each time the page shows the new N
and figures by itself, without a reload. So does a reader of the public results page."""

import json
import urllib.request
import uuid

import pytest

from tests.e2e.conftest import ARTIFACTS, Product, sign_in

pytestmark = pytest.mark.browser

TIMEOUT = 20_000
PASSWORD = "a coordinator's long password"
SHOWS_SCOPE = "(s) => (document.querySelector('#q-dps-q1') || {textContent: ''}).textContent.includes(s)"
SHOWS_N = "(n) => (document.querySelector('#q-dps-q1 .dr-n') || {textContent: ''}).textContent.includes(n)"
# Run by `manage.py shell` in the server's database: a dialogue with two partners' events, two
# groups each, an API token per event; prints what the test needs as one JSON line.
SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from dialogues.models import Dialogue, DialoguePartner
from dialogues.versions import event_create_from_version, version_publish
from groups.models import Allocation, BreakoutGroup
from results.services import api_token_create
from sessions_app.demo_questionnaire import QUESTIONS
from sessions_app.models import Event, Option, Organisation, Phase, Question, Session

now = timezone.now()
coordinator = get_user_model().objects.create_user(
    username="coordinator", email="coordinator@example.org", password=PASSWORD, is_staff=True
)
coalition = Organisation.objects.create(name="Coalition", slug="coalition")
coalition.members.add(coordinator)
template = Event.objects.create(
    organisation=coalition, title="Template", slug="template", starts_at=now, ends_at=now + timedelta(minutes=90)
)
session = Session.objects.create(event=template, order=1, code="dps", title="Shaping the digital public sphere")
for position, (code, kind, respondent, max_choices, text, options) in enumerate(QUESTIONS, start=1):
    question = Question.objects.create(
        session=session, order=position, code=code, kind=kind, respondent=respondent, max_choices=max_choices, text=text
    )
    for order, (option_code, label) in enumerate(options, start=1):
        Option.objects.create(question=question, order=order, code=option_code, label=label)
Phase.objects.create(event=template, order=1, kind="breakout", title="Rooms", planned_minutes=45, session=session)
dialogue = Dialogue.objects.create(
    title="Global Dialogue", slug="global", edition="2026", template_event=template, public=True
)
dialogue.coordinators.add(coordinator)
version_publish(dialogue=dialogue, user=coordinator)
sites = []
PARTNERS = (("Partner A", "France", "europe", 0), ("Partner B", "Chile", "south_america", 6))
for name, country, continent, hours in PARTNERS:
    organisation = Organisation.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    DialoguePartner.objects.create(
        dialogue=dialogue, organisation=organisation, contact_email="p@example.org", results_public=True
    )
    event = event_create_from_version(
        dialogue=dialogue, organisation=organisation, title=f"Dialogue in {country}", slug=country.lower(),
        starts_at=now + timedelta(hours=hours), country=country, continent=continent,
    )
    allocation = Allocation.objects.create(event=event, seed=1, is_current=True, status="succeeded")
    groups = BreakoutGroup.objects.bulk_create(
        BreakoutGroup(event=event, allocation=allocation, number=n) for n in (1, 2)
    )
    _token, key = api_token_create(event=event, name="e2e")
    sites.append({"event": event.slug, "key": key, "groups": [g.pk for g in groups]})
print("GLOBAL-E2E " + json.dumps({"dialogue": dialogue.slug, "email": coordinator.email, "sites": sites}))
"""


@pytest.fixture(scope="module")
def global_product(tmp_path_factory):
    """A fresh database with the dialogue, served by uvicorn; yields (base URL, setup JSON)."""
    product = Product.migrated(tmp_path_factory.mktemp("global-e2e"), PUBLIC_RESULTS_REFRESH_SECONDS="2")
    out = product.manage("shell", "-c", f"PASSWORD = {PASSWORD!r}\n{SETUP}")
    line = next(line for line in out.splitlines() if line.startswith("GLOBAL-E2E "))
    setup = json.loads(line.split(" ", 1)[1])
    with product.served("e2e-global-server.log") as base:
        yield base, setup


def submit(base: str, site: dict, group: int, opportunity: int, threat: int) -> None:
    """A partner's tool sends one group's results with its event's token."""
    body = {
        "idempotency_key": str(uuid.uuid4()),
        "data": {"answers": {"q1": {"counts": {"opportunity": opportunity, "threat": threat}}}},
    }
    request = urllib.request.Request(
        f"{base}/api/events/{site['event']}/groups/{group}/sessions/dps/results/",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {site['key']}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own local server
        assert response.status == 201


def test_the_coordinator_sees_each_partners_results_arrive_without_a_reload(browser, global_product):
    base, setup = global_product
    a, b = setup["sites"]
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    sign_in(page, base, setup["email"], PASSWORD)
    page.goto(f"{base}/dialogues/{setup['dialogue']}/results/")
    page.wait_for_selector("#dr-connection.live", timeout=TIMEOUT)
    q1 = page.locator("#q-dps-q1")
    assert "No answers yet" in q1.inner_text()
    assert page.inner_text("#dr-reported").startswith("0 of 2 sites")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    submit(base, a, a["groups"][0], opportunity=4, threat=2)
    page.wait_for_function(SHOWS_N, arg="N = 6", timeout=TIMEOUT)
    text = q1.inner_text()
    assert "66.7 %" in text and "(4)" in text and "sites: 1" in text
    assert page.inner_text("#dr-reported").startswith("1 of 2 sites")
    rows = page.locator("#dr-sites-body tr")
    assert "1 of 2" in rows.nth(0).inner_text() and "waiting" in rows.nth(1).inner_text()

    # Partner B's country has no answer yet; partner A's alone has 6. The figures of the scopes
    # chosen come from the server, swapped in without a reload.
    page.select_option("#dr-compare", "country:Chile")
    page.wait_for_function(SHOWS_SCOPE, arg="Chile:", timeout=TIMEOUT)
    assert "No answers yet" in q1.inner_text() and "N = 6" in q1.inner_text()
    page.select_option("#dr-compare", "")
    page.wait_for_function(f"(s) => !({SHOWS_SCOPE})(s)", arg="Chile:", timeout=TIMEOUT)

    # A reader of the public page, without signing in, sees partner A's figures.
    reader = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    reader.goto(f"{base}/public/dialogues/{setup['dialogue']}/")
    assert "N = 6" in reader.inner_text("#q-dps-q1")
    reader.evaluate("window.__sameDocument = true")

    submit(base, b, b["groups"][0], opportunity=1, threat=4)
    page.wait_for_function(SHOWS_N, arg="N = 11", timeout=TIMEOUT)
    # The public page fills too, by itself (its figures are cached for up to 3 s in all).
    reader.wait_for_function(SHOWS_N, arg="N = 11", timeout=TIMEOUT)
    assert reader.evaluate("window.__sameDocument === true"), "the public page reloaded"
    text = q1.inner_text()
    assert "45.5 %" in text and "(5)" in text and "sites: 2" in text
    assert page.inner_text("#dr-reported").startswith("2 of 2 sites")
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"

    # Compare the world with partner B's country, still without a reload.
    page.select_option("#dr-compare", "country:Chile")
    page.wait_for_function(SHOWS_SCOPE, arg="Chile:", timeout=TIMEOUT)
    assert "Chile:" in q1.inner_text() and "20 %" in q1.inner_text()
    assert page.evaluate("window.__sameDocument === true")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "global-results.png"), full_page=True)
    context.close()
