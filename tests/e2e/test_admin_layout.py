"""The event's admin page fits a 1366 × 768 laptop screen without sideways scrolling."""

from tests.e2e.conftest import ARTIFACTS, sign_in


def test_the_event_page_fits_a_1366_pixel_screen(browser, live_product):
    base, demo = live_product
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    sign_in(page, base, demo["organiser"]["email"], demo["organiser"]["password"])
    page.goto(f"{base}/admin/sessions_app/event/")
    page.click("#result_list tbody tr th a")
    page.wait_for_selector("#event_form")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-event-1366.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, f"the page is {width} px wide"
    assert "(UTC)" in page.inner_text("#event_form") or "UTC time" in page.inner_text("#event_form")
    context.close()
