"""Headless Chromium: upload a small zip of drawings, train it on a real worker, watch the progress
reach 100 % and see the confusion matrix (screenshots under test-output/screenshots/)."""

from __future__ import annotations

import os
import shutil

import pytest
from django.test import Client

from tests.mlcore.conftest import doodle_zip
from tests.mlcore.factories import UserFactory
from tests.mlcore.workers import killable_worker
from tests.support import OUTPUT_DIR, unavailable

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.embedded,
    pytest.mark.django_db(transaction=True),
]

# Playwright's sync API keeps an event loop in this thread; the ORM calls between page actions are
# plain synchronous ones (as in tests/browser/conftest.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        unavailable(f"{CHROMIUM} is not installed (make test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def shot(page, name: str) -> None:
    folder = OUTPUT_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"mlcore-training-{name}.png"), full_page=True)


def test_upload_train_watch_progress_see_the_confusion_matrix(browser, live_server_asgi, tmp_path):
    teacher = UserFactory(username="teacher")
    client = Client()
    client.force_login(teacher)
    archive = tmp_path / "shapes.zip"
    archive.write_bytes(doodle_zip(per_class=10, classes=("circle", "cross", "star")))

    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server_asgi.url}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        with killable_worker(name="mlcore-browser", DJANGO_SETTINGS_MODULE="tests.mlcore.worker_settings"):
            page.goto(live_server_asgi.url + "/ml/")
            zip_form = page.locator("form[action='/ml/datasets/zip']")
            zip_form.locator("input[name=name]").fill("Shapes")
            zip_form.locator("input[name=file]").set_input_files(str(archive))
            zip_form.get_by_role("button", name="Upload").click()
            page.wait_for_url("**/ml/datasets/*/")
            assert "circle" in page.get_by_test_id("class-counts").inner_text()
            page.get_by_text("Advanced").click()
            page.locator("input[name=epochs]").fill("4")
            page.locator("input[name=batch_size]").fill("16")
            page.get_by_test_id("train").click()
            page.wait_for_url("**/ml/jobs/*/")
            shot(page, "started")
            page.wait_for_function(
                "document.querySelector('[data-testid=job-progress]').textContent.trim() === '100%'", timeout=60_000
            )
            page.get_by_test_id("result-link").wait_for(state="visible", timeout=30_000)
            assert page.get_by_test_id("job-state").inner_text() == "Succeeded"
            assert page.locator("[data-chart=accuracy] polyline").count() >= 1
            values = page.get_by_test_id("chart-values")
            values.locator("summary").click()
            rows = values.locator("tbody tr")
            assert rows.count() >= 1, "the charts' text equivalent has a row per epoch"
            assert rows.first.locator("td").count() == 5
            assert "%" in rows.last.locator("td").nth(4).inner_text()
            shot(page, "finished")
            page.get_by_test_id("result-link").click()
            page.wait_for_url("**/ml/models/*/")
            matrix = page.get_by_test_id("confusion-matrix")
            assert "circle" in matrix.inner_text()
            shot(page, "result")
    finally:
        context.close()
    assert errors == []
