"""Fixtures of the mlcore API tests: a signed-in client, a trained model, upload and error helpers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.mlcore.factories import TrainedModelFactory


@pytest.fixture
def api(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def trained(teacher, media):
    """A tiny doodle model, trained in-process (no worker)."""
    return TrainedModelFactory(dataset__owner=teacher)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def error(response) -> dict:
    return response.json()["error"]
