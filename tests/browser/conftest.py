import os
import shutil

import pytest

from tests.support import unavailable

# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests
# make between page actions are plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests; closed with the package, because Playwright's
    sync API keeps an event loop in this thread that async tests must not meet."""
    if not shutil.which(CHROMIUM):
        unavailable(f"{CHROMIUM} is not installed (make test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def screenshot(output_dir, request):
    """Save a page's screenshot under test-output/screenshots/<test>-<name>.png."""
    folder = output_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str):
        path = folder / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
