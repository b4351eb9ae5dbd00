"""The training-job endpoints: create, detail, cancel, refused parameters."""

from __future__ import annotations

import pytest

from tests.mlcore.apis.conftest import error
from tests.mlcore.factories import DoodlesFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_training_job_create_detail_cancel(api, teacher, media):
    dataset = DoodlesFactory(owner=teacher, per_class=3)
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
    assert bad.status_code == 422
    assert error(bad)["code"] == "bad_param"
    assert "epochs" in error(bad)["message"]
