"""Learning-curve jobs in-process (the task's service, no worker): refusals with clear messages in
English and Korean, a run that stores the curve and the answer, cancelling, the REST API with
owner-only access, the data set page's "How much data is enough?" section, and the job socket.
The same job through a real worker is in test_learning_curves_worker.py."""

from __future__ import annotations

import json
import re

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.db.models import F
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from config.asgi import application
from mlcore.data_needed import examples_needed_for
from mlcore.errors import MlError
from mlcore.learn import examples_needed
from mlcore.models import LearningCurveJob
from mlcore.selectors import learning_curve_job_snapshot
from mlcore.services import datasets, jobs, learning_curves
from mlcore.services.learning_curves import (
    learning_curve_job_cancel,
    learning_curve_job_create,
    learning_curve_job_run,
)
from tests.mlcore.conftest import png
from tests.mlcore.curve_data import table_csv, teacher_student
from tests.mlcore.factories import TrainingJobFactory, UserFactory, session_cookie
from tests.support import REPO

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

HANGUL = re.compile("[\uac00-\ud7a3]")


@pytest.fixture
def korean():
    """The Korean of this feature's messages (var/ko-hlc.json) in the active catalogue, so a message
    is proven to go through gettext with exactly the msgid that file translates (until the lead merges
    it into locale/ko, after which this adds nothing)."""
    path = REPO / "var" / "ko-hlc.json"
    entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    catalog = trans_real.translation("ko")._catalog
    added = [key for key in entries if key not in catalog]
    for key in added:
        catalog[key] = entries[key]
    yield
    for key in added:
        catalog._catalogs[0].pop(key, None)


def message(code: str, language: str, **params) -> str:
    with translation.override(language):
        return MlError(code, **params).message


def table(owner, *, n: int = 200, d: int = 5, seed: int = 1, name: str = "Teacher"):
    X, y = teacher_student(n, d, seed)
    return datasets.dataset_create_from_csv(
        owner=owner, name=name, data=table_csv(X, y), target="y", task="classification"
    )


def run(job) -> str:
    outcome = learning_curve_job_run(job_id=job.id, task_id="t-1", worker="test@host")
    job.refresh_from_db()
    return outcome


# --- refusals ---------------------------------------------------------------------------------


def refusal(call) -> MlError:
    with pytest.raises(MlError) as info:
        call()
    return info.value


def test_a_data_set_that_is_not_ready_is_refused(teacher, media):
    X, y = teacher_student(50, 3, 0)
    unconfigured = datasets.dataset_create_from_csv(owner=teacher, name="t", data=table_csv(X, y))
    assert refusal(lambda: learning_curve_job_create(owner=teacher, dataset=unconfigured)).code == "dataset_not_ready"
    empty = datasets.dataset_create_images(owner=teacher, name="drawings")
    assert refusal(lambda: learning_curve_job_create(owner=teacher, dataset=empty)).code == "dataset_needs_classes"
    assert not LearningCurveJob.objects.exists()


def test_too_few_examples_for_the_folds_and_the_smallest_slice(teacher, media, korean):
    house = datasets.dataset_create_builtin(owner=teacher, which="house")
    error = refusal(lambda: learning_curve_job_create(owner=teacher, dataset=house))
    assert error.code == "too_few_for_curve"
    # 5 examples in the smallest slice: 0.1 of two thirds of the data -> 75 examples
    assert error.params == {"rows": 6, "minimum": 75, "folds": 3, "fraction": 0.1}
    english = message(error.code, "en", **error.params)
    assert "3 folds" in english
    assert "0.1" in english
    assert "75" in english
    assert "6." in english
    korean_text = message(error.code, "ko", **error.params)
    assert HANGUL.search(korean_text)
    assert "75" in korean_text
    # a larger smallest slice asks for fewer examples, but six are still too few
    error = refusal(lambda: learning_curve_job_create(owner=teacher, dataset=house, fractions=[0.5, 0.75, 1], folds=2))
    assert error.code == "too_few_for_curve"
    assert error.params["minimum"] == 20


def test_every_class_needs_as_many_examples_as_folds(teacher, media, korean):
    drawings = datasets.dataset_create_images(owner=teacher, name="drawings")
    for i in range(30):
        datasets.dataset_add_image(dataset=drawings, label="cat", data=png(seed=i), source_name=f"c{i}.png")
    for i in range(2):
        datasets.dataset_add_image(dataset=drawings, label="고양이", data=png(seed=100 + i), source_name=f"k{i}.png")
    drawings.refresh_from_db()
    error = refusal(lambda: learning_curve_job_create(owner=teacher, dataset=drawings))
    assert error.code == "class_too_small_for_folds"
    assert error.params == {"label": "고양이", "count": 2, "folds": 3}
    assert "“고양이” has only 2 examples" in message(error.code, "en", **error.params)
    assert HANGUL.search(message(error.code, "ko", **error.params).replace("고양이", ""))
    # two folds fit, but then the smallest slice (0.1 of half of 32) is too small
    error = refusal(lambda: learning_curve_job_create(owner=teacher, dataset=drawings, folds=2))
    assert error.code == "too_few_for_curve"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"fractions": [0.5]}, "bad_fractions"),
        ({"fractions": [0.2, 0.4]}, "bad_fractions"),
        ({"fractions": [0, 0.5, 1]}, "bad_fractions"),
        ({"fractions": [0.1, 0.5, 1.5]}, "bad_fractions"),
        ({"fractions": [0.1, "half", 0.8]}, "bad_fractions"),
        ({"fractions": "0.1, 0.2, 0.4"}, "bad_fractions"),
        ({"fractions": [0.1 * i for i in range(1, 12)]}, "bad_fractions"),
        ({"fractions": [0.1, 0.101, 0.102]}, "fractions_too_close"),
        ({"folds": 1}, "bad_folds"),
        ({"folds": 11}, "bad_folds"),
        ({"folds": "three"}, "bad_folds"),
        ({"folds": 2.5}, "bad_folds"),
        ({"target": 90}, "bad_target_accuracy"),
        ({"target": 0}, "bad_target_accuracy"),
        ({"target": 1}, "bad_target_accuracy"),
        ({"target": "ninety"}, "bad_target_accuracy"),
        ({"target": True}, "bad_target_accuracy"),
        ({"target": float("nan")}, "bad_target_accuracy"),
        ({"baseline": "cnn"}, "bad_baseline"),
        ({"baseline": "forest"}, "bad_baseline"),
    ],
)
def test_bad_settings_are_refused_with_their_code(teacher, media, korean, kwargs, code):
    dataset = table(teacher)
    error = refusal(lambda: learning_curve_job_create(owner=teacher, dataset=dataset, **kwargs))
    assert error.code == code
    english, korean_text = message(code, "en", **error.params), message(code, "ko", **error.params)
    assert english != korean_text
    assert HANGUL.search(korean_text)
    assert "%(" not in english
    assert "%(" not in korean_text
    assert not LearningCurveJob.objects.exists()


def test_the_target_of_a_regression_is_a_mean_absolute_error(teacher, media, korean):
    house = datasets.dataset_create_builtin(owner=teacher, which="house")
    for bad in (-1, 0, "abc"):
        error = refusal(lambda bad=bad: learning_curve_job_create(owner=teacher, dataset=house, target=bad))
        assert error.code == "bad_target_mae"
    assert "mean absolute error" in message("bad_target_mae", "en")
    assert "90%." in message("bad_target_accuracy", "en")  # the %% of the msgid reads as one %


# --- a run ------------------------------------------------------------------------------------


def test_a_run_stores_the_curve_and_the_answer(teacher, media, settings, django_capture_on_commit_callbacks):
    settings.MLCORE_PROGRESS_INTERVAL_S = 0
    dataset = table(teacher, n=300, d=5)
    with django_capture_on_commit_callbacks() as callbacks:
        job = learning_curve_job_create(owner=teacher, dataset=dataset, target=0.95)
    assert (job.state, job.fractions, job.folds, job.steps, job.examples_on_hand) == (
        "queued",
        [0.1, 0.2, 0.4, 0.8],
        3,
        12,
        300,
    )
    assert job.celery_task_id
    assert len(callbacks) == 1
    assert run(job) == "succeeded"
    assert (job.state, job.progress, job.step, job.attempts) == ("succeeded", 1.0, 12, 1)
    assert job.revision >= 14  # claim, one write per slice, the end, the finish
    result = job.result
    assert result["metric"] == "error_rate"
    assert result["baseline"] == "logistic regression"
    assert [p["fraction"] for p in result["points"]] == [0.1, 0.2, 0.4, 0.8]
    sizes = [p["n"] for p in result["points"]]
    assert sizes == sorted(sizes)
    assert sizes[0] == 20
    assert sizes[-1] == 160
    assert all(len(p["errors"]) == 3 for p in result["points"])
    assert result["points"][0]["error_mean"] > result["points"][-1]["error_mean"]
    assert set(result["fit"]) == {"a", "b", "c", "rmse", "method", "samples"}
    assert result["examples_on_hand"] == 300
    needed = result["needed"]
    assert needed["metric"] == "accuracy"
    assert needed["reachable"] is True
    assert needed["low"] <= needed["estimate"]

    with translation.override("en"):
        snapshot = learning_curve_job_snapshot(job)
    assert snapshot["kind"] == "learning_curve"
    assert "samples" not in snapshot["result"]["fit"]
    assert snapshot["needed"] == needed
    assert snapshot["answer"].startswith("About ")
    assert "95% accuracy" in snapshot["answer"]
    assert "you have 300" in snapshot["answer"]
    json.dumps(snapshot, allow_nan=False)
    assert run(job) == "finished"  # a second delivery changes nothing


def test_a_job_without_a_target_is_asked_later(teacher, media):
    job = learning_curve_job_create(owner=teacher, dataset=table(teacher, n=150, d=3))
    assert job.target is None
    assert run(job) == "succeeded"
    assert "needed" not in job.result
    for accuracy in (0.9, 0.97):
        needed = examples_needed_for(job.result, accuracy)
        estimate, low, high = examples_needed(job.result["fit"], 1 - accuracy)
        assert needed["estimate"] == max(1, int(estimate))
        assert needed["low"] == max(1, int(low))
        assert needed["high"] == (None if high == float("inf") else max(1, int(high)))
    unreachable = examples_needed_for({**job.result, "fit": {**job.result["fit"], "c": 0.2}}, 0.9)
    assert (unreachable["reachable"], unreachable["estimate"], unreachable["limit"]) == (False, None, 0.8)


def test_cancel_queued_and_running(teacher, media, settings, monkeypatch):
    dataset = table(teacher)
    queued = learning_curve_job_create(owner=teacher, dataset=dataset)
    assert learning_curve_job_cancel(owner=teacher, job=queued).state == "cancelled"
    assert refusal(lambda: learning_curve_job_cancel(owner=teacher, job=queued)).code == "job_finished"
    assert run(queued) == "finished"

    # A running job stops before its next slice once cancel is asked (here: after the third slice).
    settings.MLCORE_PROGRESS_INTERVAL_S = 0
    job = learning_curve_job_create(owner=teacher, dataset=dataset)
    original = learning_curves.CurveProgress.__call__

    def progress(self, event):
        original(self, event)
        if event["stage"] == "epoch" and event["epoch"] == 3:
            LearningCurveJob.objects.filter(id=job.id).update(cancel_requested=True)

    monkeypatch.setattr(learning_curves.CurveProgress, "__call__", progress)
    assert run(job) == "cancelled"
    assert (job.state, job.step, job.error_code, job.result) == ("cancelled", 3, "cancelled", {})


def test_failures_are_stored_with_their_code(teacher, media):
    dataset = table(teacher)
    job = learning_curve_job_create(owner=teacher, dataset=dataset)
    LearningCurveJob.objects.filter(id=job.id).update(folds=40)  # as if a rule changed after queueing
    assert run(job) == "failed"
    assert job.error_code == "bad_param"
    assert job.error_params["param"] == "folds"


# --- REST API ---------------------------------------------------------------------------------


@pytest.fixture
def api(client, teacher):
    client.force_login(teacher)
    return client


def error(response) -> dict:
    return response.json()["error"]


def test_api_create_follow_ask_and_draw(api, teacher, media):
    dataset = table(teacher, n=150, d=3)
    url = f"/api/datasets/{dataset.id}/learning-curves/"
    response = api.post(url, {"target": 0.9, "fractions": [0.1, 0.3, 0.6, 1.0]}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["state"], body["fractions"], body["target"]) == (
        "learning_curve",
        "queued",
        [0.1, 0.3, 0.6, 1.0],
        0.9,
    )
    assert [j["id"] for j in api.get(url).json()] == [body["id"]]
    detail = f"/api/learning-curves/{body['id']}/"
    not_yet = api.get(detail + "needed/?target=0.8")
    assert not_yet.status_code == 409
    assert error(not_yet)["code"] == "curve_not_ready"

    assert learning_curve_job_run(job_id=body["id"]) == "succeeded"
    measured = api.get(detail, HTTP_ACCEPT_LANGUAGE="en").json()
    assert measured["state"] == "succeeded"
    assert len(measured["result"]["points"]) == 4
    assert measured["answer"].startswith("About ")
    asked = api.get(detail + "needed/?target=0.8", HTTP_ACCEPT_LANGUAGE="en")
    assert asked.status_code == 200
    assert asked.json()["target"] == 0.8
    assert "80% accuracy" in asked.json()["answer"]
    refused = api.get(detail + "needed/?target=80", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 422
    assert error(refused)["code"] == "bad_target_accuracy"
    chart = api.get(detail + "chart.svg?target=0.85")
    assert chart.status_code == 200
    assert chart["Content-Type"].startswith("image/svg+xml")
    assert b'role="img"' in chart.content
    assert b"<script" not in chart.content


def test_api_refusals_keep_the_error_shape_in_both_languages(api, teacher, media, korean):
    dataset = table(teacher)
    url = f"/api/datasets/{dataset.id}/learning-curves/"
    english = api.post(url, {"target": 90}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 422
    assert error(english)["code"] == "bad_target_accuracy"
    assert "0.9 for 90%" in error(english)["message"]
    korean_reply = api.post(url, {"fractions": [0.5]}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ko")
    assert error(korean_reply)["code"] == "bad_fractions"
    assert HANGUL.search(error(korean_reply)["message"])
    assert not LearningCurveJob.objects.exists()


def test_api_cancel(api, teacher, media):
    job = learning_curve_job_create(owner=teacher, dataset=table(teacher))
    cancelled = api.post(f"/api/learning-curves/{job.id}/cancel/")
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "cancelled"
    again = api.post(f"/api/learning-curves/{job.id}/cancel/")
    assert again.status_code == 409
    assert error(again)["code"] == "job_finished"


def test_someone_elses_data_set_and_job_are_not_found(client, teacher, stranger, media):
    dataset = table(teacher)
    job = learning_curve_job_create(owner=teacher, dataset=dataset)
    client.force_login(stranger)
    assert client.post(f"/api/datasets/{dataset.id}/learning-curves/", {}).status_code == 404
    assert client.get(f"/api/datasets/{dataset.id}/learning-curves/").status_code == 404
    for suffix in ("", "needed/?target=0.9", "chart.svg"):
        assert client.get(f"/api/learning-curves/{job.id}/{suffix}").status_code == 404
    assert client.post(f"/api/learning-curves/{job.id}/cancel/").status_code == 404
    assert client.post(f"/ml/learning-curves/{job.id}/cancel").status_code == 404
    assert client.post(f"/ml/datasets/{dataset.id}/learning-curve", {"accuracy": "90"}).status_code == 404
    job.refresh_from_db()
    assert (job.state, LearningCurveJob.objects.count()) == ("queued", 1)
    with pytest.raises(ValueError, match="owner"):
        learning_curve_job_create(owner=stranger, dataset=dataset)
    assert Client().get(f"/api/learning-curves/{job.id}/").status_code == 401


# --- the data set page ------------------------------------------------------------------------


def test_the_data_set_page_measures_and_answers(client, teacher, media):
    client.force_login(teacher)
    dataset = table(teacher, n=150, d=3)
    page = client.get(f"/ml/datasets/{dataset.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How much data is enough?" in page
    assert 'data-testid="curve-form"' in page
    response = client.post(f"/ml/datasets/{dataset.id}/learning-curve", {"accuracy": "92", "folds": "3"})
    assert response.status_code == 302
    assert response["Location"] == f"/ml/datasets/{dataset.id}/#data-needed"
    job = LearningCurveJob.objects.get()
    assert job.target == pytest.approx(0.92)
    page = client.get(f"/ml/datasets/{dataset.id}/").content.decode()
    assert f'data-socket-path="/ws/learning-curves/{job.id}/"' in page
    assert "mlcore_follow.js" in page

    assert run(job) == "succeeded"
    page = client.get(f"/ml/datasets/{dataset.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="curve-result"' in page
    assert "<svg" in page
    assert "92% accuracy" in page
    asked = client.get(f"/ml/datasets/{dataset.id}/?target=80", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "80% accuracy" in asked
    assert LearningCurveJob.objects.count() == 1  # asked again without training again
    typo = client.get(f"/ml/datasets/{dataset.id}/?target=lots", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "share between 0 and 1" in typo
    assert "92% accuracy" in typo


def test_the_page_reports_a_refusal(client, teacher, media):
    client.force_login(teacher)
    house = datasets.dataset_create_builtin(owner=teacher, which="house")
    response = client.post(
        f"/ml/datasets/{house.id}/learning-curve", {"mae": "20"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "needs at least 75" in response.content.decode()
    assert not LearningCurveJob.objects.exists()
    response = client.post(f"/ml/datasets/{house.id}/learning-curve", {"mae": "20", "fractions": "0.5, x, 1"})
    assert response.status_code == 302
    assert not LearningCurveJob.objects.exists()


# --- the job socket ---------------------------------------------------------------------------


def _socket_setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = UserFactory(username="owner")
    other = UserFactory(username="other", password="a-long-password-2")
    job = learning_curve_job_create(owner=owner, dataset=table(owner), target=0.9)
    training = TrainingJobFactory(dataset__owner=owner)
    return job, training, {"owner": session_cookie(owner), "other": session_cookie(other)}


async def _connect(path: str, cookie: str | None):
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    return communicator, connected


@pytest.mark.django_db(transaction=True)
async def test_the_learning_curve_socket(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "send_task", lambda *args, **kwargs: None)
    job, training, cookies = await database_sync_to_async(_socket_setup)(settings, tmp_path)
    for path, cookie in (
        (f"/ws/learning-curves/{job.id}/", cookies["other"]),
        (f"/ws/learning-curves/{job.id}/", None),
        (f"/ws/learning-curves/{training.id + job.id}/", cookies["owner"]),
    ):
        communicator, connected = await _connect(path, cookie)
        assert not connected, path
        await communicator.disconnect()
    communicator, connected = await _connect(f"/ws/learning-curves/{job.id}/", cookies["owner"])
    assert connected
    try:
        first = await communicator.receive_json_from(timeout=5)
        assert (first["type"], first["job"]["kind"], first["job"]["id"]) == ("job_progress", "learning_curve", job.id)
        assert (first["job"]["state"], first["job"]["steps"], first["job"]["result"]) == ("queued", 12, None)

        def push():
            LearningCurveJob.objects.filter(id=job.id).update(
                state="running", step=4, progress=4 / 12, revision=F("revision") + 1
            )
            jobs.publish(LearningCurveJob.objects.get(id=job.id))

        await database_sync_to_async(push)()
        pushed = await communicator.receive_json_from(timeout=5)
        assert (pushed["job"]["state"], pushed["job"]["step"]) == ("running", 4)
    finally:
        await communicator.disconnect()
