"""The builder's import page in headless Chromium: a Moodle GIFT file with numerical and matching
questions is refused as a whole with each refused line listed; ticking "import the rest" brings
in the other questions and says which lines were left out; the GIFT export downloads."""

import os
import shutil

import pytest

from quizapp.models import Quiz
from tests.factories import InstructorFactory
from tests.quizapp.authoring.test_formats import GIFT_FILE, MATCHING_REFUSED, line_of
from tests.support import unavailable

# Playwright's sync API keeps an event loop in this thread; the ORM calls between page actions are
# plain synchronous ones (as in tests/browser/conftest.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

pytestmark = [pytest.mark.browser, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-Passw0rd"
CHROMIUM = "/usr/bin/chromium"  # as tests/browser/conftest.py
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def chromium():
    if not shutil.which(CHROMIUM):
        unavailable(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def test_a_gift_import_lists_refused_lines_then_imports_the_rest(chromium, live_server_asgi, output_dir, tmp_path):
    InstructorFactory(username="moodle-teacher", password=PASSWORD)
    shots = output_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(live_server_asgi.url + "/accounts/login/")
        page.fill("#id_username", "moodle-teacher")
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(live_server_asgi.url + "/")

        page.goto(live_server_asgi.url + "/quizzes/")
        page.set_input_files("#id_file", str(GIFT_FILE))
        page.select_option("#id_language", "en")
        page.get_by_test_id("import-submit").click()
        problems = page.get_by_test_id("import-problems")
        problems.wait_for()
        listed = problems.locator("li").all_inner_texts()
        assert listed == [
            f"Line {line_of(GIFT_FILE, '::Pairs::')}: {MATCHING_REFUSED}",
            f"Line {line_of(GIFT_FILE, 'This paragraph only')}: This text has no answer block {{ }}: a description, "
            "not a question, so it is not imported.",
            f"Line {line_of(GIFT_FILE, '::Unclosed::')}: The answer block opened with “{{” is never closed with “}}”.",
        ]
        assert "Nothing was imported: 3 lines were refused" in page.inner_text("main")
        assert Quiz.objects.count() == 0
        page.screenshot(path=str(shots / "builder-import-gift-refused.png"), full_page=True)

        page.set_input_files("#id_file", str(GIFT_FILE))
        page.check("#id_skip_refused")
        page.get_by_test_id("import-submit").click()
        page.get_by_test_id("question-list").wait_for()
        assert page.get_by_test_id("quiz-title").inner_text() == "AI basics"
        assert (
            page.get_by_test_id("question-list").locator("li.question-item").count() == 10
        )  # the numerical one a slider
        assert "Not imported: Line" in page.inner_text("main")
        page.screenshot(path=str(shots / "builder-import-gift-imported.png"), full_page=True)

        with page.expect_download() as download_info:
            page.get_by_test_id("export-gift").click()
        download = download_info.value
        assert download.suggested_filename == "ai-basics-gift.txt"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert saved.read_text(encoding="utf-8").startswith("// Exported from A2B Lab\n$CATEGORY: AI basics\n")
    finally:
        context.close()
