"""The model registry endpoints: list, detail, download, export, predict."""

from __future__ import annotations

import pytest

from mlcore.learn import generate_doodles
from tests.mlcore.apis.conftest import error, upload
from tests.mlcore.conftest import encoded

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


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
    images, _ = generate_doodles(per_class=1, seed=4, classes=["star"])
    predicted = api.post(f"/api/models/{trained.id}/predict/", {"file": upload("d.png", encoded(images[0]))})
    assert predicted.status_code == 200, predicted.content
    assert len(predicted.json()["top"]) == 3
    refused = api.post(f"/api/models/{trained.id}/predict/", {"file": upload("d.png", b"text")})
    assert error(refused)["code"] == "image_not_an_image"
