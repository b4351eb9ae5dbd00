"""Classification jobs: many images through one model, with a CSV of the results."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import AppApiView, InputSerializer, error_responses, found_or_404
from mlcore import selectors
from mlcore.apis.common import (
    ERROR_TEXT,
    JOB_STATES_HELP,
    MlJobErrorSerializer,
    MlSkippedFileSerializer,
    attachment,
)
from mlcore.errors import NOT_FOUND
from mlcore.models import Task
from mlcore.services import classification, text_classification
from mlcore.services.limits import limit
from mlcore.uploads import IMAGE_MAX_BYTES, read_upload


class MlResultRowSerializer(serializers.Serializer):
    image_id = serializers.IntegerField(required=False, help_text="Image models.")
    image_url = serializers.CharField(required=False, help_text="Image models.")
    row = serializers.IntegerField(required=False, help_text="Text models: the line of the CSV.")
    text = serializers.CharField(required=False, help_text="Text models: the text classified.")
    words = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Text models: the words that decided it."
    )
    name = serializers.CharField()
    expected = serializers.CharField(help_text="The zip folder the image came from, if any.")
    label = serializers.CharField()
    confidence = serializers.FloatField()
    probabilities = serializers.DictField(child=serializers.FloatField())


class MlClassificationJobOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="Always `classification`.")
    model = serializers.IntegerField()
    state = serializers.CharField(help_text=JOB_STATES_HELP)
    progress = serializers.FloatField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    eta_seconds = serializers.FloatField(allow_null=True)
    error = MlJobErrorSerializer(allow_null=True)
    cancel_requested = serializers.BooleanField()
    attempts = serializers.IntegerField()
    results = MlResultRowSerializer(many=True)
    skipped = MlSkippedFileSerializer(many=True)
    revision = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class ClassificationJobListApi(AppApiView):
    parser_classes = [MultiPartParser, FormParser]

    class ClassificationCreateInputSerializer(InputSerializer):
        model = serializers.IntegerField()
        file = serializers.ListField(
            child=serializers.FileField(),
            min_length=1,
            help_text="Images, or zips of them (a folder per expected class, or one folder of any name). "
            "Text models: one CSV with a header row, one text per row.",
        )
        column = serializers.CharField(
            required=False, allow_blank=True, help_text="Text models: the CSV column holding the texts."
        )

    @extend_schema(
        summary="Classify many images (or the texts of a CSV) with a model (a queued job)",
        request={"multipart/form-data": ClassificationCreateInputSerializer},
        responses={201: MlClassificationJobOutputSerializer, **error_responses(400, 422, 401, 404, text=ERROR_TEXT)},
    )
    def post(self, request: Request) -> Response:
        data = self.ClassificationCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        model = found_or_404(
            selectors.model_get_for_owner(request.user, data.validated_data["model"]), NOT_FOUND["model"]
        )
        if model.task == Task.TEXT_CLASSIFICATION:
            upload = data.validated_data["file"][0]
            raw = read_upload(upload, max_bytes=limit("MLCORE_CSV_MAX_BYTES"), code="csv_too_large")
            job = text_classification.classification_job_create_texts(
                owner=cast(User, request.user), model=model, data=raw, column=data.validated_data.get("column") or None
            )
            return Response(selectors.classification_job_snapshot(job), status=status.HTTP_201_CREATED)
        uploads = []
        for upload in data.validated_data["file"]:
            is_zip = (upload.name or "").lower().endswith(".zip")
            maximum = limit("MLCORE_ZIP_MAX_BYTES") if is_zip else IMAGE_MAX_BYTES
            uploads.append((upload.name or "", read_upload(upload, max_bytes=maximum, code="image_too_large")))
        job = classification.classification_job_create(owner=request.user, model=model, uploads=uploads)
        return Response(selectors.classification_job_snapshot(job), status=status.HTTP_201_CREATED)


class ClassificationJobDetailApi(AppApiView):
    @extend_schema(
        summary="A classification job with its results",
        responses={200: MlClassificationJobOutputSerializer, **error_responses(401, 404, text=ERROR_TEXT)},
    )
    def get(self, request: Request, job_id: int) -> Response:
        job = selectors.classification_job_get_for_owner(request.user, job_id)
        return Response(selectors.classification_job_snapshot(found_or_404(job, NOT_FOUND["classification_job"])))


class ClassificationJobCancelApi(AppApiView):
    @extend_schema(
        summary="Cancel a classification job",
        request=None,
        responses={200: MlClassificationJobOutputSerializer, **error_responses(401, 404, 409, text=ERROR_TEXT)},
    )
    def post(self, request: Request, job_id: int) -> Response:
        job = found_or_404(
            selectors.classification_job_get_for_owner(request.user, job_id), NOT_FOUND["classification_job"]
        )
        job = classification.classification_job_cancel(owner=request.user, job=job)
        return Response(selectors.classification_job_snapshot(job))


class ClassificationResultsCsvApi(AppApiView):
    @extend_schema(
        summary="The results as CSV (UTF-8 with BOM): file, expected, predicted, confidence, one column per class",
        responses={
            (200, "text/csv"): OpenApiResponse(description="The CSV file."),
            **error_responses(401, 404, text=ERROR_TEXT),
        },
    )
    def get(self, request: Request, job_id: int) -> HttpResponse:
        job = found_or_404(
            selectors.classification_job_get_for_owner(request.user, job_id), NOT_FOUND["classification_job"]
        )
        return attachment(selectors.classification_csv(job), f"classification-{job.id}.csv", "text/csv; charset=utf-8")
