"""Owner-only access: the API needs a login, and another user's data set, job or model is a 404
(API and pages alike)."""

from __future__ import annotations

import pytest

from mlcore.models import ClassificationJob, Dataset, TrainingJob
from mlcore.services.classification import classification_job_create
from tests.mlcore.apis.conftest import upload
from tests.mlcore.conftest import png

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_the_api_needs_a_login(client):
    assert client.get("/api/datasets/").status_code == 401
    assert client.post("/api/training-jobs/", {}).status_code == 401


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
