"""The mlcore part of the OpenAPI schema builds and validates without warnings."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_the_mlcore_api_schema_builds_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", urlconf="mlcore.api_urls", validate=True, fail_on_warn=True, file=str(target))
    text = target.read_text()
    for path in ("/datasets/csv/", "/training-jobs/{job_id}/cancel/", "/models/{model_id}/predict/"):
        assert f"{path}:" in text
