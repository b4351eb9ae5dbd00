"""The mlcore REST API: uploads, training jobs, the registry, classification, prediction, and
owner-only access (another user's data set, job or model is a 404)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from mlcore.models import ClassificationJob, Dataset, TrainedModel, TrainingJob
from mlcore.services import datasets
from mlcore.services.classification import classification_job_create, classification_job_run
from mlcore.services.training import training_job_create, training_job_run
from tests.mlcore.conftest import HOUSES_CSV, doodle_zip, png

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def api(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def trained(teacher, media):
    """A tiny doodle model, trained in-process (no worker)."""
    dataset = datasets.dataset_create_builtin(owner=teacher, which="doodles", per_class=4)
    job = training_job_create(owner=teacher, dataset=dataset, params={"epochs": 2, "batch_size": 16})
    assert training_job_run(job_id=job.id) == "succeeded"
    return TrainedModel.objects.get(job=job)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def error(response) -> dict:
    return response.json()["error"]


# --- data sets --------------------------------------------------------------------------------


def test_the_api_needs_a_login(client):
    assert client.get("/api/datasets/").status_code == 401
    assert client.post("/api/training-jobs/", {}).status_code == 401


def test_csv_upload_then_choose_the_columns(api, media):
    response = api.post("/api/datasets/csv/", {"name": "Houses", "file": upload("h.csv", HOUSES_CSV.encode())})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["ready"] is False
    assert body["preview"]["columns"] == ["size", "rooms", "price", "kind"]
    assert body["preview"]["total"] == 5
    response = api.patch(
        f"/api/datasets/{body['id']}/",
        {"target": "price", "features": ["size", "rooms"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["ready"] is True
    assert response.json()["task"] == "regression"
    assert [d["id"] for d in api.get("/api/datasets/").json()] == [body["id"]]


def test_refused_uploads_keep_the_error_shape(api, media):
    response = api.post(
        "/api/datasets/csv/",
        {"name": "x", "file": upload("x.csv", b"PK\x03\x04" + bytes(60))},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert error(response)["code"] == "csv_binary_excel"
    assert "Excel" in error(response)["message"]
    response = api.post(
        "/api/datasets/csv/",
        {"name": "x", "file": upload("x.csv", b"size,price\n1,2\n3,4\n"), "target": "price"},
        HTTP_ACCEPT_LANGUAGE="ko",
    )
    assert error(response)["code"] == "too_few_rows"
    assert "3" in error(response)["message"]
    assert not Dataset.objects.exists()


def test_zip_upload_reports_skipped_files(api, media):
    data = doodle_zip(per_class=2)
    import zipfile

    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("circle/notes.txt", b"hello")
    response = api.post("/api/datasets/zip/", {"name": "Shapes", "file": upload("s.zip", buffer.getvalue())})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["class_counts"] == {"circle": 2, "cross": 2}
    assert [s["name"] for s in body["skipped"]] == ["circle/notes.txt"]
    assert len(body["samples"]) == 2


def test_zip_slip_through_the_api(api, media):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cat/1.png", png())
        archive.writestr(zipfile.ZipInfo("../../etc/passwd.png"), png())
    response = api.post("/api/datasets/zip/", {"name": "x", "file": upload("x.zip", buffer.getvalue())})
    assert response.status_code == 400
    assert error(response)["code"] == "zip_path_traversal"


def test_add_images_and_builtin(api, media):
    response = api.post("/api/datasets/images/", {"name": "Drawings"}, content_type="application/json")
    dataset_id = response.json()["id"]
    response = api.post(
        f"/api/datasets/{dataset_id}/images/",
        {"label": "cat", "file": [upload("a.png", png(0)), upload("b.png", b"not an image")]},
    )
    assert response.status_code == 201
    assert response.json()["class_counts"] == {"cat": 1}
    assert [s["code"] for s in response.json()["skipped"]] == ["image_not_an_image"]
    only_bad = api.post(f"/api/datasets/{dataset_id}/images/", {"label": "cat", "file": [upload("b.png", b"xx")]})
    assert only_bad.status_code == 400
    image_id = response.json()["added"][0]["id"]
    assert api.get(response.json()["added"][0]["url"]).status_code == 200
    assert api.delete(f"/api/dataset-images/{image_id}/").status_code == 204
    response = api.post("/api/datasets/builtin/", {"which": "house"}, content_type="application/json")
    assert response.status_code == 201
    assert "Six rows" in api.get(f"/api/datasets/{response.json()['id']}/", HTTP_ACCEPT_LANGUAGE="en").json()["note"]


# --- jobs, registry, classification --------------------------------------------------------------


def test_training_job_create_detail_cancel(api, teacher, media):
    dataset = datasets.dataset_create_builtin(owner=teacher, which="doodles", per_class=3)
    response = api.post(
        "/api/training-jobs/",
        {"dataset": dataset.id, "params": {"epochs": 3, "batch_size": 8}},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["state"], job["epochs"], job["params"]) == ("queued", 3, {"epochs": 3, "batch_size": 8})
    assert api.get(f"/api/training-jobs/{job['id']}/").json()["state"] == "queued"
    cancelled = api.post(f"/api/training-jobs/{job['id']}/cancel/")
    assert cancelled.json()["state"] == "cancelled"
    again = api.post(f"/api/training-jobs/{job['id']}/cancel/")
    assert again.status_code == 409
    assert error(again)["code"] == "job_finished"
    bad = api.post(
        "/api/training-jobs/",
        {"dataset": dataset.id, "params": {"epochs": 0}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400
    assert error(bad)["code"] == "bad_param"
    assert "epochs" in error(bad)["message"]


def test_models_download_export_predict(api, trained):
    listed = api.get("/api/models/").json()
    assert [m["id"] for m in listed] == [trained.id]
    detail = api.get(f"/api/models/{trained.id}/").json()
    assert detail["version"] == 1
    assert detail["metrics"]["confusion_matrix"]
    download = api.get(f"/api/models/{trained.id}/download/")
    assert download.status_code == 200
    assert download.content[:2] == b"PK"
    exported = api.get(f"/api/models/{trained.id}/export/")
    assert exported.status_code == 200
    assert exported["Content-Disposition"].endswith('.pt"')
    from mlcore.learn import generate_doodles
    from tests.mlcore.conftest import encoded

    images, _ = generate_doodles(per_class=1, seed=4, classes=["star"])
    predicted = api.post(f"/api/models/{trained.id}/predict/", {"file": upload("d.png", encoded(images[0]))})
    assert predicted.status_code == 200, predicted.content
    assert len(predicted.json()["top"]) == 3
    refused = api.post(f"/api/models/{trained.id}/predict/", {"file": upload("d.png", b"text")})
    assert error(refused)["code"] == "image_not_an_image"


def test_classification_results_csv_is_excel_safe(api, teacher, trained):
    from mlcore.learn import generate_doodles
    from tests.mlcore.conftest import encoded

    images, _ = generate_doodles(per_class=1, seed=4, classes=["sun", "fish"])
    response = api.post(
        "/api/classification-jobs/",
        {
            "model": trained.id,
            "file": [upload("=cmd.png", encoded(images[0])), upload("물고기.png", encoded(images[1]))],
        },
    )
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    assert classification_job_run(job_id=job_id) == "succeeded"
    detail = api.get(f"/api/classification-jobs/{job_id}/").json()
    assert detail["state"] == "succeeded"
    assert [r["name"] for r in detail["results"]] == ["=cmd.png", "물고기.png"]
    assert api.get(detail["results"][0]["image_url"]).status_code == 200
    download = api.get(f"/api/classification-jobs/{job_id}/results.csv")
    assert download.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["file", "expected", "predicted", "confidence"]
    assert rows[1][0] == "'=cmd.png"
    assert rows[2][0] == "물고기.png"


# --- owner only ---------------------------------------------------------------------------------


def test_another_users_objects_are_404(client, teacher, stranger, trained):
    dataset = trained.dataset
    job = trained.job
    image = dataset.images.first()
    classification = classification_job_create(owner=teacher, model=trained, uploads=[("a.png", png(100, size=28))])
    client.force_login(stranger)
    for url in (
        f"/api/datasets/{dataset.id}/",
        f"/api/training-jobs/{job.id}/",
        f"/api/models/{trained.id}/",
        f"/api/models/{trained.id}/download/",
        f"/api/models/{trained.id}/export/",
        f"/api/classification-jobs/{classification.id}/",
        f"/api/classification-jobs/{classification.id}/results.csv",
        f"/ml/images/{image.id}",
        f"/ml/datasets/{dataset.id}/",
        f"/ml/jobs/{job.id}/",
        f"/ml/models/{trained.id}/",
        f"/ml/classifications/{classification.id}/",
    ):
        assert client.get(url).status_code == 404, url
    posts = [
        (f"/api/training-jobs/{job.id}/cancel/", {}),
        (f"/api/models/{trained.id}/predict/", {"file": upload("a.png", png())}),
        (f"/api/datasets/{dataset.id}/images/", {"label": "x", "file": [upload("a.png", png())]}),
        ("/api/training-jobs/", {"dataset": dataset.id}),
        ("/api/classification-jobs/", {"model": trained.id, "file": [upload("a.png", png())]}),
    ]
    for url, data in posts:
        response = client.post(url, data) if "file" in data else client.post(url, data, content_type="application/json")
        assert response.status_code == 404, url
    for url in (f"/api/datasets/{dataset.id}/", f"/api/models/{trained.id}/", f"/api/dataset-images/{image.id}/"):
        assert client.delete(url).status_code == 404, url
    assert (
        client.patch(f"/api/datasets/{dataset.id}/", {"name": "mine"}, content_type="application/json").status_code
        == 404
    )
    for url in ("/api/datasets/", "/api/models/", "/api/training-jobs/"):
        assert client.get(url).json() == [], url
    assert Dataset.objects.filter(owner=teacher).count() == 1
    assert TrainingJob.objects.count() == 1
    assert ClassificationJob.objects.count() == 1


def test_the_mlcore_api_schema_builds_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", urlconf="mlcore.api_urls", validate=True, fail_on_warn=True, file=str(target))
    text = target.read_text()
    for path in ("/datasets/csv/", "/training-jobs/{job_id}/cancel/", "/models/{model_id}/predict/"):
        assert f"{path}:" in text
