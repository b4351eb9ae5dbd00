"""Headless Chromium: upload a CSV of customer messages (Korean and English, saved by Korean Excel
as CP949), choose the text task, train it on a real worker, then type a sentence on the model page and
see the desk and the words that decided it (screenshots under test-output/screenshots/)."""

from __future__ import annotations

import pytest
from django.test import Client

from mlcore.learn import generate_call_centre
from tests.mlcore.browser.test_training import browser, shot  # noqa: F401 - the module's Chromium
from tests.mlcore.factories import UserFactory
from tests.mlcore.workers import killable_worker

# The text page drives the same worker path as test_training's, so it runs once, on the production
# shape (the embedded pass keeps test_training's browser walk; tests/mlcore/tasks/test_text_jobs.py
# trains text on the filesystem broker).
pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def messages_csv(path) -> None:
    texts, desks = generate_call_centre(per_desk=40, seed=3)
    lines = ["message,desk"] + ['"' + t.replace('"', '""') + f'",{d}' for t, d in zip(texts, desks, strict=True)]
    path.write_bytes("\r\n".join(lines).encode("cp949"))


def test_text_data_set_train_and_predict_with_the_words(browser, live_server_asgi, tmp_path):  # noqa: F811
    teacher = UserFactory(username="teacher")
    client = Client()
    client.force_login(teacher)
    upload = tmp_path / "desks.csv"
    messages_csv(upload)

    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server_asgi.url}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        with killable_worker(name="mlcore-browser-text", DJANGO_SETTINGS_MODULE="tests.mlcore.worker_settings"):
            page.goto(live_server_asgi.url + "/ml/")
            form = page.locator("form[action='/ml/datasets/csv']")
            form.locator("input[name=name]").fill("Desks")
            form.locator("input[name=file]").set_input_files(str(upload))
            form.get_by_role("button", name="Upload").click()
            page.wait_for_url("**/ml/datasets/*/")
            assert "환불" in page.get_by_test_id("rows-preview").inner_text() or "refund" in page.content()
            configure = page.locator("form[action$='/configure']")
            configure.locator("select[name=target]").select_option("desk")
            configure.locator("select[name=task]").select_option("text_classification")
            configure.get_by_role("button", name="Save").click()
            page.wait_for_url("**/ml/datasets/*/")
            page.get_by_test_id("text-train-hint").wait_for(state="visible")
            shot(page, "text-dataset")
            page.get_by_test_id("train").click()
            page.wait_for_url("**/ml/jobs/*/")
            page.get_by_test_id("result-link").wait_for(state="visible", timeout=60_000)
            assert page.get_by_test_id("job-state").inner_text() == "Succeeded"
            page.get_by_test_id("result-link").click()
            page.wait_for_url("**/ml/models/*/")
            accuracy = int(page.get_by_test_id("accuracy").inner_text().rstrip("%"))
            assert accuracy >= 90
            assert "refund" in page.get_by_test_id("keywords").inner_text()

            # typed, not submitted: the answer comes while typing
            page.get_by_test_id("try-text").press_sequentially("바지 샀는데 살이 쪄서 환불하고 싶어요", delay=10)
            page.wait_for_function(
                "document.querySelector('[data-testid=prediction]').textContent.includes('refund')", timeout=15_000
            )
            marked = page.get_by_test_id("prediction-words").locator("mark").all_inner_texts()
            assert "환불하고" in marked
            shot(page, "text-predict")
            page.get_by_test_id("try-text").fill("Where is my parcel? It has been a week")
            page.wait_for_function(
                "document.querySelector('[data-testid=prediction] li')?.textContent.startsWith('delivery')",
                timeout=15_000,
            )
    finally:
        context.close()
    assert errors == []
