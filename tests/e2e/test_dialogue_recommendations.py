"""The groups' recommendations across the dialogue, in a browser: a reader of the public results
page on a phone filters them by country and reads the French site's in English (translated by
the site, the original one tap away) or, reading in Spanish, as written and marked French; the
coordinator sees them on the live page. The sections pass axe-core. Screenshots go to
test-artifacts/."""

import pytest

from tests.e2e.conftest import ARTIFACTS, Product, sign_in
from tests.e2e.test_accessibility import AXE, RUN, TAGS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def dialogue_product(tmp_path_factory):
    """The demo dialogue of four partners (France, Kenya and Japan share and publish; Brazil neither)."""
    product = Product.migrated(tmp_path_factory.mktemp("recommendations-e2e"), DEBUG="1")
    demo = product.demo_event("--dialogue", "4")
    with product.served("e2e-recommendations-server.log") as base:
        yield base, demo


def _countries(page) -> set[str]:
    return {text.split(" · ")[1] for text in page.locator(".dr-rec-site").all_inner_texts()}


def test_a_phone_reader_filters_them_by_country_and_reads_them_in_their_language(browser, dialogue_product):
    base, demo = dialogue_product
    public = demo["urls"]["public_results"].split("/public/", 1)[1]
    context = browser.new_context(viewport=PHONE, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/public/{public}")
    section = page.locator("#recommendations")
    section.wait_for()
    assert _countries(page) == {"France", "Kenya", "Japan"}  # Brazil's partner does not share them
    page.select_option("#rec-country", "France")
    page.click(".dr-rec-filters button")
    page.wait_for_url(lambda url: "country=France" in url)
    assert _countries(page) == {"France"}
    first = page.locator(".dr-rec").first
    text = first.locator(".dr-rec-text").inner_text()
    assert text.replace("★", "").strip() in {
        "Make digital literacy part of every school curriculum.",
        "Require platforms to open their recommendation systems to independent audits.",
        "Fund independent fact-checking in every language.",
    }
    first.locator(".dr-rec-original summary").click()
    original = first.locator(".dr-rec-original p")
    assert original.get_attribute("lang") == "fr" and original.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    section.screenshot(path=str(ARTIFACTS / "dialogue-recommendations-390.png"))
    if AXE.exists():
        page.add_script_tag(content=AXE.read_text())
        found = page.evaluate(RUN, TAGS)
        assert not found, found
    context.close()

    spanish = browser.new_context(viewport=PHONE, locale="es-ES").new_page()
    spanish.goto(f"{base}/public/{public}?country=France")
    card = spanish.locator(".dr-rec").first
    assert card.locator(".dr-rec-text").get_attribute("lang") == "fr"  # no Spanish translation: as written
    assert "francés" in card.locator(".dr-rec-language").inner_text().lower()
    spanish.context.close()


def test_the_coordinator_sees_them_on_the_live_page(browser, dialogue_product):
    base, demo = dialogue_product
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, base, demo["coordinator"]["email"], demo["coordinator"]["password"])
    page.goto(f"{base}/dialogues/{demo['dialogue']}/results/?tag=G20#recommendations")
    page.locator("#recommendations").wait_for()
    assert page.locator(".dr-rec").count() > 0
    assert _countries(page) == {"France", "Japan"}  # the G20 sites that share (Kenya is not G20)
    page.locator("#recommendations").screenshot(path=str(ARTIFACTS / "dialogue-recommendations-1280.png"))
    if AXE.exists():
        page.add_script_tag(content=AXE.read_text())
        found = page.evaluate(RUN, TAGS)
        assert not found, found
    context.close()
