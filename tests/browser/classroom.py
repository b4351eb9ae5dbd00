"""A class in the browser: the instructor's console and projector (one logged-in context) and phones
joining a room, for the browser tests of each question kind (one set-up, not one per test file)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PASSWORD = "a-long-password-1"


@dataclass
class Classroom:
    host: Page
    projector: Page
    phones: list[Page] = field(default_factory=list)


@contextmanager
def classroom(
    browser: Browser, base: str, *, code: str, username: str, phones: tuple[tuple[str, str], ...]
) -> Iterator[Classroom]:
    """Log ``username`` in, open room ``code``'s console and projector, join ``phones`` (nickname,
    locale) from their own contexts and wait for each lobby; every context is closed afterwards."""
    host_context = browser.new_context(locale="ko-KR", viewport=DESKTOP)
    contexts: list[BrowserContext] = [host_context]
    try:
        host = host_context.new_page()
        host.goto(base + "/accounts/login/")
        host.fill("#id_username", username)
        host.fill("#id_password", PASSWORD)
        host.click("main button[type=submit]")
        host.wait_for_url(base + "/")
        host.goto(f"{base}/rooms/{code}/console/")
        host.get_by_test_id("session-state").wait_for()
        projector = host_context.new_page()
        projector.goto(f"{base}/rooms/{code}/projector/")
        room = Classroom(host=host, projector=projector)
        for name, locale in phones:
            context = browser.new_context(locale=locale, viewport=PHONE, is_mobile=True, has_touch=True)
            contexts.append(context)
            page = context.new_page()
            page.goto(f"{base}/r/{code}/")
            page.get_by_test_id("nickname").fill(name)
            page.get_by_test_id("join-submit").click()
            page.locator("[data-view=lobby]").wait_for()
            room.phones.append(page)
        yield room
    finally:
        for context in contexts:
            context.close()
