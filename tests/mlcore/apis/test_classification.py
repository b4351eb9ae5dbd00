"""The classification-job endpoints and their Excel-safe results CSV."""

from __future__ import annotations

import csv
import io

import pytest

from mlcore.learn import generate_doodles
from mlcore.services.classification import classification_job_run
from tests.mlcore.apis.conftest import upload
from tests.mlcore.conftest import encoded

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_classification_results_csv_is_excel_safe(api, teacher, trained):
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
