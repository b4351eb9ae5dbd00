"""What the mlcore API endpoints share: the error text of their schema and the output serializers
used by more than one resource."""

from __future__ import annotations

from django.http import HttpResponse
from rest_framework import serializers

from mlcore.errors import MESSAGES
from mlcore.models import JobState

#: The app's wording of the error statuses in the schema (401 and 404 keep core's).
ERROR_TEXT = {
    # Every code mlcore answers, so a client (and tests/test_openapi_contract.py) can tell a documented
    # refusal of a well-formed request (a CSV that is binary, too few rows for a curve) from a bug.
    422: "Refused: `invalid` (with `fields`), or one of " + ", ".join(f"`{code}`" for code in MESSAGES) + ".",
    409: "Conflicts with the current state (`job_finished`, `dataset_full`, `curve_not_ready`).",
}


#: ``state`` and ``kind`` are plain strings in the schema: other apps' fields of those names hold
#: other enums, and drf-spectacular would name the enum components by field name and collide.
JOB_STATES_HELP = "One of: " + ", ".join(f"`{value}`" for value in JobState.values) + "."


class MlSampleImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="The image (signed-in owner only).")


class MlSkippedFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField()
    reason = serializers.CharField()


class MlHistoryPointSerializer(serializers.Serializer):
    epoch = serializers.IntegerField()
    train_loss = serializers.FloatField(allow_null=True)
    train_accuracy = serializers.FloatField(allow_null=True)
    val_loss = serializers.FloatField(allow_null=True)
    val_accuracy = serializers.FloatField(allow_null=True)
    seconds = serializers.FloatField(allow_null=True)


class MlJobErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


def attachment(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
