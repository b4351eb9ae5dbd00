"""The data set endpoints: CSV, zip, built-in and image uploads, refusals in the one error shape."""

from __future__ import annotations

import io
import zipfile

import pytest

from mlcore.models import Dataset
from tests.mlcore.apis.conftest import error, upload
from tests.mlcore.conftest import HOUSES_CSV, doodle_zip, png

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


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
    assert response.status_code == 422
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
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cat/1.png", png())
        archive.writestr(zipfile.ZipInfo("../../etc/passwd.png"), png())
    response = api.post("/api/datasets/zip/", {"name": "x", "file": upload("x.zip", buffer.getvalue())})
    assert response.status_code == 422
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
    assert only_bad.status_code == 422
    image_id = response.json()["added"][0]["id"]
    assert api.get(response.json()["added"][0]["url"]).status_code == 200
    assert api.delete(f"/api/dataset-images/{image_id}/").status_code == 204
    response = api.post("/api/datasets/builtin/", {"which": "house"}, content_type="application/json")
    assert response.status_code == 201
    assert "Six rows" in api.get(f"/api/datasets/{response.json()['id']}/", HTTP_ACCEPT_LANGUAGE="en").json()["note"]
