"""Headless Chromium on a data set's "How much data is enough?": ask for 90% accuracy, see the job
queued, start a worker, and see the page turn, by itself, into the chart and the answer (the
progress script follows the job's socket, or polls, and reloads when it has finished); then ask for
another target without training again. Screenshots under test-output/screenshots/."""

from __future__ import annotations

import pytest
from django.test import Client

from mlcore.models import LearningCurveJob
from tests.mlcore.browser.test_training import browser  # noqa: F401 - the module's Chromium
from tests.mlcore.factories import UserFactory
from tests.mlcore.tasks.test_learning_curves import WORKER_SETTINGS, upload
from tests.mlcore.workers import killable_worker
from tests.support import OUTPUT_DIR

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


def shot(page, name: str) -> None:
    folder = OUTPUT_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"mlcore-learning-curve-{name}.png"), full_page=True)


def test_ask_how_much_data_watch_it_measured_and_ask_again(browser, live_server_asgi):  # noqa: F811
    teacher = UserFactory(username="teacher")
    dataset = upload(teacher, 600, 10, seed=5)
    client = Client()
    client.force_login(teacher)
    context = browser.new_context(locale="en-US", viewport={"width": 900, "height": 1000})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server_asgi.url}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{live_server_asgi.url}/ml/datasets/{dataset.id}/")
        section = page.get_by_test_id("data-needed")
        assert "How much data is enough?" in section.inner_text()
        section.locator("input[name=accuracy]").fill("90")
        page.get_by_test_id("curve-start").click()
        page.get_by_test_id("curve-progress").wait_for(state="visible", timeout=10_000)
        assert LearningCurveJob.objects.get().state == "queued"
        shot(page, "queued")
        with killable_worker(name="mlcore-curve-browser", **WORKER_SETTINGS):
            page.get_by_test_id("curve-result").wait_for(state="visible", timeout=60_000)
        answer = page.get_by_test_id("curve-answer").inner_text()
        assert "90% accuracy" in answer
        assert "you have 600" in answer
        chart = page.locator("[data-testid=curve-result] svg[role=img]")
        assert chart.locator("title").count() == 1
        assert chart.locator("circle").count() >= 4
        shot(page, "answer")
        ask = page.get_by_test_id("curve-ask")
        ask.locator("input[name=target]").fill("95")
        ask.get_by_role("button", name="Ask").click()
        page.wait_for_url("**target=95**")
        assert "95% accuracy" in page.get_by_test_id("curve-answer").inner_text()
        shot(page, "asked-again")
    finally:
        context.close()
    assert errors == []
    assert LearningCurveJob.objects.count() == 1
