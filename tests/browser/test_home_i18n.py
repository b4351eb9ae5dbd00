"""Headless Chromium opens the home page in Korean and in English and switches language."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("locale", "tagline", "other_label", "other_tagline"),
    [
        ("ko-KR", "손에 잡히는 AI", "English", "AI you can get your hands on"),
        ("en-US", "AI you can get your hands on", "한국어", "손에 잡히는 AI"),
    ],
    ids=["ko", "en"],
)
def test_home_follows_the_browser_and_switches(
    browser, live_server_asgi, screenshot, locale, tagline, other_label, other_tagline
):
    context = browser.new_context(locale=locale, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(live_server_asgi.url + "/")
        assert page.get_by_test_id("tagline").inner_text() == tagline
        screenshot(page, "first-visit")
        page.get_by_role("button", name=other_label).click()
        page.wait_for_load_state()
        assert page.get_by_test_id("tagline").inner_text() == other_tagline
        page.reload()
        assert page.get_by_test_id("tagline").inner_text() == other_tagline, "the choice persists"
        screenshot(page, "switched")
    finally:
        context.close()
