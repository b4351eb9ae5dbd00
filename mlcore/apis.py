"""REST API of data sets, training jobs, learning curves, the model registry and classification.

One small view per endpoint: validate with its input serializer, call one service, serialise the
result. Everything is looked up through its owner, so someone else's data set, job or model is a
404. Refusals keep the project's error shape (``{"error": {"code", "message"}}``) with the
stable codes of ``mlcore.errors``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.spreadsheet_safety import neutralise_row
from mlcore import selectors
from mlcore.charts import learning_curve_svg
from mlcore.data_needed import answer_text, examples_needed_for
from mlcore.errors import MlError
from mlcore.models import ClassificationJob, Dataset, JobState, LearningCurveJob, Task, TrainedModel, TrainingJob
from mlcore.services import classification, datasets, learning_curves, registry, training
from mlcore.services.files import read_bytes
from mlcore.services.limits import limit

# --- errors ------------------------------------------------------------------------------

ML_ERROR_STATUS = {
    "job_finished": status.HTTP_409_CONFLICT,
    "dataset_full": status.HTTP_409_CONFLICT,
    "curve_not_ready": status.HTTP_409_CONFLICT,
}


class MlApiError(exceptions.APIException):
    def __init__(self, *, status_code: int, code: str, message: str) -> None:
        self.status_code = status_code
        super().__init__(detail=message, code=code)


class MlApiView(APIView):
    """``MlError`` from a service becomes a JSON error with its stable code."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, MlError):
            exc = MlApiError(
                status_code=ML_ERROR_STATUS.get(exc.code, status.HTTP_400_BAD_REQUEST),
                code=exc.code,
                message=exc.message,
            )
        return super().handle_exception(exc)


class MlApiErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable; clients switch on it (see docs/jobs.md and docs/uploads.md).")
    message = serializers.CharField(help_text="Translated for the request's language; says what to do.")
    fields = serializers.DictField(required=False)


class MlApiErrorSerializer(serializers.Serializer):
    error = MlApiErrorDetailSerializer()


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    text = {
        400: "Refused input (`csv_*`, `zip_*`, `image_*`, `too_few_rows`, `one_class`, `bad_param`...).",
        401: "Not signed in.",
        404: "Not found: not yours, or no such id.",
        409: "Conflicts with the current state (`job_finished`, `dataset_full`, `curve_not_ready`).",
    }
    return {c: OpenApiResponse(MlApiErrorSerializer, description=text[c]) for c in codes}


def _not_found(message: str) -> exceptions.NotFound:
    return exceptions.NotFound(message)


def _dataset(request: Request, dataset_id: int) -> Dataset:
    dataset = selectors.dataset_get_for_owner(request.user, dataset_id)
    if dataset is None:
        raise _not_found(_("You have no data set with that id."))
    return dataset


def _training_job(request: Request, job_id: int) -> TrainingJob:
    job = selectors.training_job_get_for_owner(request.user, job_id)
    if job is None:
        raise _not_found(_("You have no training job with that id."))
    return job


def _model(request: Request, model_id: int) -> TrainedModel:
    model = selectors.model_get_for_owner(request.user, model_id)
    if model is None:
        raise _not_found(_("You have no model with that id."))
    return model


def _classification_job(request: Request, job_id: int) -> ClassificationJob:
    job = selectors.classification_job_get_for_owner(request.user, job_id)
    if job is None:
        raise _not_found(_("You have no classification job with that id."))
    return job


def _learning_curve_job(request: Request, job_id: int) -> LearningCurveJob:
    job = selectors.learning_curve_job_get_for_owner(request.user, job_id)
    if job is None:
        raise _not_found(_("You have no learning-curve job with that id."))
    return job


def read_upload(upload: Any, *, max_bytes: int, code: str) -> bytes:
    """The bytes of an uploaded file, refusing oversized ones before reading them into memory."""
    if upload.size is not None and upload.size > max_bytes:
        raise MlError(code, max_mb=round(max_bytes / 1_000_000, 1), max_bytes=max_bytes, size_bytes=upload.size)
    return upload.read()


IMAGE_MAX_BYTES = 5_000_000

# --- shared output serializers -------------------------------------------------------------

#: ``state`` and ``kind`` are plain strings in the schema: other apps' fields of those names hold
#: other enums, and drf-spectacular would name the enum components by field name and collide.
JOB_STATES_HELP = "One of: " + ", ".join(f"`{value}`" for value in JobState.values) + "."


class MlDatasetOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="`tabular` or `images`.")
    source = serializers.ChoiceField(choices=Dataset.Source.choices)
    task = serializers.ChoiceField(choices=Task.choices, help_text="The default task when training on it.")
    target = serializers.CharField(help_text="Tables: the answer column (B); empty until chosen.")
    features = serializers.ListField(child=serializers.CharField(), help_text="Tables: the input columns (A).")
    columns = serializers.ListField(child=serializers.CharField())
    column_types = serializers.DictField(child=serializers.CharField(), help_text="numeric, categorical or empty.")
    class_counts = serializers.DictField(child=serializers.IntegerField(), help_text="Examples per class.")
    row_count = serializers.IntegerField(help_text="Rows (tables) or images.")
    ready = serializers.BooleanField(help_text="Whether it can be trained on now.")
    created_at = serializers.DateTimeField()


class MlSampleImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="The image (signed-in owner only).")


class MlSampleGroupSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    images = MlSampleImageSerializer(many=True)


class MlPreviewSerializer(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    total = serializers.IntegerField()


class MlDatasetDetailOutputSerializer(MlDatasetOutputSerializer):
    note = serializers.CharField(help_text="Why a built-in data set is as it is (e.g. six rows are too few).")
    preview = MlPreviewSerializer(allow_null=True, help_text="Tables: the first rows.")
    samples = MlSampleGroupSerializer(many=True, help_text="Images: a few of every class.")


class MlSkippedFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField()
    reason = serializers.CharField()


def _dataset_detail(dataset: Dataset, *, status_code: int = status.HTTP_200_OK, **extra: Any) -> Response:
    data = {
        **MlDatasetOutputSerializer(dataset).data,
        "note": datasets.builtin_note(dataset),
        "preview": selectors.dataset_preview(dataset) if dataset.is_tabular else None,
        "samples": [] if dataset.is_tabular else selectors.dataset_samples(dataset),
        **extra,
    }
    return Response(data, status=status_code)


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


class MlTrainingJobOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="Always `training`.")
    dataset = serializers.IntegerField()
    task = serializers.ChoiceField(choices=Task.choices)
    params = serializers.DictField()
    state = serializers.CharField(help_text=JOB_STATES_HELP)
    progress = serializers.FloatField(help_text="0..1")
    epoch = serializers.IntegerField()
    epochs = serializers.IntegerField()
    eta_seconds = serializers.FloatField(allow_null=True)
    metrics = serializers.DictField(help_text="The latest losses and accuracies (then the headline results).")
    history = MlHistoryPointSerializer(many=True)
    error = MlJobErrorSerializer(allow_null=True)
    cancel_requested = serializers.BooleanField()
    attempts = serializers.IntegerField(help_text="Runs started; more than 1 after a worker died.")
    model = serializers.IntegerField(allow_null=True, help_text="The registered model once it succeeded.")
    revision = serializers.IntegerField(help_text="Goes up with every stored change.")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class MlModelOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    dataset = serializers.IntegerField(source="dataset_id", allow_null=True)
    dataset_name = serializers.CharField()
    job = serializers.IntegerField(source="job_id", allow_null=True)
    version = serializers.IntegerField()
    task = serializers.ChoiceField(choices=Task.choices)
    labels = serializers.ListField(child=serializers.JSONField())
    params = serializers.DictField()
    metrics = serializers.DictField(
        help_text="accuracy, per_class, confusion_matrix, labels (classifiers) or mae, rmse, r2 (regression); "
        "heldout says whether they were measured on held-out examples."
    )
    input_shape = serializers.ListField(child=serializers.IntegerField())
    columns = serializers.ListField(child=serializers.CharField())
    size_bytes = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class MlMisclassifiedSerializer(serializers.Serializer):
    image_id = serializers.IntegerField()
    label = serializers.CharField()
    predicted = serializers.CharField()
    confidence = serializers.FloatField()
    url = serializers.CharField()


class MlModelDetailOutputSerializer(MlModelOutputSerializer):
    history = MlHistoryPointSerializer(many=True)
    misclassified = MlMisclassifiedSerializer(many=True, help_text="Held-out images it got wrong.")


class MlResultRowSerializer(serializers.Serializer):
    image_id = serializers.IntegerField()
    image_url = serializers.CharField()
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


# --- data sets -----------------------------------------------------------------------------


class DatasetListApi(MlApiView):
    @extend_schema(summary="Your data sets", responses={200: MlDatasetOutputSerializer(many=True), **_errors(401)})
    def get(self, request: Request) -> Response:
        return Response(MlDatasetOutputSerializer(selectors.datasets_for_owner(request.user), many=True).data)


class DatasetCsvCreateApi(MlApiView):
    parser_classes = [MultiPartParser, FormParser]

    class DatasetCsvInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        file = serializers.FileField(help_text="A CSV: UTF-8 (with or without BOM), UTF-16 or CP949 (Korean Excel).")
        target = serializers.CharField(required=False, allow_blank=True, help_text="The answer column (B).")
        features = serializers.ListField(
            child=serializers.CharField(), required=False, help_text="Input columns (A); default: all others."
        )
        task = serializers.ChoiceField(
            choices=Task.choices, required=False, help_text="Tables: regression or classification."
        )

    @extend_schema(
        summary="Create a table data set from a CSV",
        description="Without `target` the table is stored and the answer column is chosen later with PATCH.",
        request={"multipart/form-data": DatasetCsvInputSerializer},
        responses={201: MlDatasetDetailOutputSerializer, **_errors(400, 401)},
    )
    def post(self, request: Request) -> Response:
        data = self.DatasetCsvInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        raw = read_upload(values["file"], max_bytes=limit("MLCORE_CSV_MAX_BYTES"), code="csv_too_large")
        dataset = datasets.dataset_create_from_csv(
            owner=request.user,
            name=values["name"],
            data=raw,
            target=values.get("target") or None,
            features=values.get("features") or None,
            task=values.get("task"),
        )
        return _dataset_detail(dataset, status_code=status.HTTP_201_CREATED)


class DatasetZipCreateApi(MlApiView):
    parser_classes = [MultiPartParser, FormParser]

    class DatasetZipInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        file = serializers.FileField(help_text="A zip with one folder per class: cat/1.png, dog/2.jpg ...")

    class DatasetZipOutputSerializer(MlDatasetDetailOutputSerializer):
        skipped = MlSkippedFileSerializer(many=True, help_text="Files left out, and why.")

    @extend_schema(
        summary="Create an image data set from a zip of class folders",
        request={"multipart/form-data": DatasetZipInputSerializer},
        responses={201: DatasetZipOutputSerializer, **_errors(400, 401)},
    )
    def post(self, request: Request) -> Response:
        data = self.DatasetZipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size is not None and upload.size > limit("MLCORE_ZIP_MAX_BYTES"):
            maximum = limit("MLCORE_ZIP_MAX_BYTES")
            raise MlError("zip_too_large_uncompressed", max_bytes=maximum, max_mb=round(maximum / 1_000_000, 1))
        result = datasets.dataset_create_from_zip(
            owner=request.user, name=data.validated_data["name"], data=data.validated_data["file"]
        )
        return _dataset_detail(result.dataset, status_code=status.HTTP_201_CREATED, skipped=result.skipped)


class DatasetBuiltinCreateApi(MlApiView):
    class DatasetBuiltinInputSerializer(serializers.Serializer):
        which = serializers.ChoiceField(choices=datasets.BUILTINS)
        per_class = serializers.IntegerField(
            required=False, min_value=1, max_value=datasets.MAX_BUILTIN_PER_CLASS, help_text="Images per class."
        )
        name = serializers.CharField(required=False, allow_blank=True, max_length=200)

    @extend_schema(
        summary="Add a built-in data set (house table, digits, doodles)",
        request=DatasetBuiltinInputSerializer,
        responses={201: MlDatasetDetailOutputSerializer, **_errors(400, 401)},
    )
    def post(self, request: Request) -> Response:
        data = self.DatasetBuiltinInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = datasets.dataset_create_builtin(owner=request.user, **data.validated_data)
        return _dataset_detail(dataset, status_code=status.HTTP_201_CREATED)


class DatasetImagesCreateApi(MlApiView):
    class DatasetImagesInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)

    @extend_schema(
        summary="Create an empty image data set (add images one by one)",
        request=DatasetImagesInputSerializer,
        responses={201: MlDatasetDetailOutputSerializer, **_errors(400, 401)},
    )
    def post(self, request: Request) -> Response:
        data = self.DatasetImagesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = datasets.dataset_create_images(owner=request.user, name=data.validated_data["name"])
        return _dataset_detail(dataset, status_code=status.HTTP_201_CREATED)


class DatasetDetailApi(MlApiView):
    class DatasetUpdateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        target = serializers.CharField(required=False, help_text="Tables: the answer column (B).")
        features = serializers.ListField(child=serializers.CharField(), required=False)
        task = serializers.ChoiceField(
            choices=Task.choices, required=False, help_text="Tables: regression or classification."
        )

    @extend_schema(
        summary="A data set: class counts, preview rows, sample images",
        responses={200: MlDatasetDetailOutputSerializer, **_errors(401, 404)},
    )
    def get(self, request: Request, dataset_id: int) -> Response:
        return _dataset_detail(_dataset(request, dataset_id))

    @extend_schema(
        summary="Rename, or choose a table's answer and input columns",
        request=DatasetUpdateInputSerializer,
        responses={200: MlDatasetDetailOutputSerializer, **_errors(400, 401, 404)},
    )
    def patch(self, request: Request, dataset_id: int) -> Response:
        dataset = _dataset(request, dataset_id)
        data = self.DatasetUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "name" in values:
            dataset = datasets.dataset_rename(dataset=dataset, name=values["name"])
        if "target" in values:
            dataset = datasets.dataset_configure_table(
                dataset=dataset, target=values["target"], features=values.get("features"), task=values.get("task")
            )
        return _dataset_detail(dataset)

    @extend_schema(
        summary="Delete a data set and its files (its trained models stay in the registry)",
        responses={204: None, **_errors(401, 404)},
    )
    def delete(self, request: Request, dataset_id: int) -> Response:
        datasets.dataset_delete(dataset=_dataset(request, dataset_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DatasetImageAddApi(MlApiView):
    parser_classes = [MultiPartParser, FormParser]

    class DatasetImageAddInputSerializer(serializers.Serializer):
        label = serializers.CharField(max_length=100, help_text="The class name.")
        file = serializers.ListField(
            child=serializers.FileField(), help_text="One or more images (PNG, JPEG, WebP, GIF)."
        )

    class DatasetImageAddOutputSerializer(serializers.Serializer):
        added = MlSampleImageSerializer(many=True)
        skipped = MlSkippedFileSerializer(many=True)
        class_counts = serializers.DictField(child=serializers.IntegerField())

    @extend_schema(
        summary="Add labelled images to an image data set",
        operation_id="datasets_images_add",
        description="Refused files are listed in `skipped`; when all are refused, the first refusal is the error.",
        request={"multipart/form-data": DatasetImageAddInputSerializer},
        responses={201: DatasetImageAddOutputSerializer, **_errors(400, 401, 404, 409)},
    )
    def post(self, request: Request, dataset_id: int) -> Response:
        dataset = _dataset(request, dataset_id)
        data = self.DatasetImageAddInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added, skipped, first_error = [], [], None
        for upload in data.validated_data["file"]:
            try:
                raw = read_upload(upload, max_bytes=IMAGE_MAX_BYTES, code="image_too_large")
                image = datasets.dataset_add_image(
                    dataset=dataset, label=data.validated_data["label"], data=raw, source_name=upload.name or ""
                )
            except MlError as exc:
                if exc.code in ("bad_label", "not_images", "dataset_full"):
                    raise
                first_error = first_error or exc
                skipped.append({"name": upload.name or "", "code": exc.code, "reason": exc.message})
                continue
            added.append({"id": image.id, "url": selectors.dataset_image_url(image.id)})
        if not added and first_error is not None:
            raise first_error
        return Response(
            {"added": added, "skipped": skipped, "class_counts": dataset.class_counts}, status=status.HTTP_201_CREATED
        )


class DatasetImageDetailApi(MlApiView):
    @extend_schema(summary="Remove one image from its data set", responses={204: None, **_errors(401, 404)})
    def delete(self, request: Request, image_id: int) -> Response:
        image = selectors.dataset_image_get_for_owner(request.user, image_id)
        if image is None:
            raise _not_found(_("You have no image with that id."))
        datasets.dataset_image_delete(image=image)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- training jobs -------------------------------------------------------------------------


class MlTrainingParamsSerializer(serializers.Serializer):
    epochs = serializers.IntegerField(required=False, help_text="Images: 1..200 (default 8).")
    batch_size = serializers.IntegerField(required=False, help_text="Images: 1..1024 (default 64).")
    learning_rate = serializers.FloatField(required=False, help_text="Images: 1e-5..1 (default 0.005).")
    validation_fraction = serializers.FloatField(required=False, help_text="0..0.5 held out (default 0.2).")
    augment = serializers.BooleanField(required=False)
    image_size = serializers.IntegerField(required=False, allow_null=True)
    width = serializers.IntegerField(required=False)
    model = serializers.ChoiceField(choices=["linear", "forest"], required=False, help_text="Tables.")
    n_estimators = serializers.IntegerField(required=False)
    max_depth = serializers.IntegerField(required=False, allow_null=True)


class TrainingJobListApi(MlApiView):
    class TrainingJobCreateInputSerializer(serializers.Serializer):
        dataset = serializers.IntegerField()
        params = MlTrainingParamsSerializer(required=False)
        task = serializers.ChoiceField(choices=Task.choices, required=False, help_text="Default: the data set's.")
        seed = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1, default=0)

    @extend_schema(
        summary="Your training jobs, newest first",
        responses={200: MlTrainingJobOutputSerializer(many=True), **_errors(401)},
    )
    def get(self, request: Request) -> Response:
        jobs = selectors.training_jobs_for_owner(request.user)[:100]
        return Response([selectors.training_job_snapshot(job) for job in jobs])

    @extend_schema(
        summary="Start training (a queued job; follow it on /ws/jobs/<id>/ or by polling)",
        request=TrainingJobCreateInputSerializer,
        responses={201: MlTrainingJobOutputSerializer, **_errors(400, 401, 404)},
    )
    def post(self, request: Request) -> Response:
        data = self.TrainingJobCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        dataset = _dataset(request, values["dataset"])
        job = training.training_job_create(
            owner=request.user,
            dataset=dataset,
            params=values.get("params") or {},
            task=values.get("task"),
            seed=values.get("seed", 0),
        )
        return Response(selectors.training_job_snapshot(job), status=status.HTTP_201_CREATED)


class TrainingJobDetailApi(MlApiView):
    @extend_schema(
        summary="A training job with its progress", responses={200: MlTrainingJobOutputSerializer, **_errors(401, 404)}
    )
    def get(self, request: Request, job_id: int) -> Response:
        return Response(selectors.training_job_snapshot(_training_job(request, job_id)))


class TrainingJobCancelApi(MlApiView):
    @extend_schema(
        summary="Cancel a training job",
        description="A queued job is cancelled at once; a running one stops within about a second.",
        request=None,
        responses={200: MlTrainingJobOutputSerializer, **_errors(401, 404, 409)},
    )
    def post(self, request: Request, job_id: int) -> Response:
        job = training.training_job_cancel(owner=request.user, job=_training_job(request, job_id))
        return Response(selectors.training_job_snapshot(job))


# --- learning curves -------------------------------------------------------------------------


class MlCurvePointSerializer(serializers.Serializer):
    fraction = serializers.FloatField(help_text="Share of a fold's training part.")
    n = serializers.FloatField(help_text="Training examples of the slice (mean over folds).")
    errors = serializers.ListField(child=serializers.FloatField(), help_text="The error on each fold's held-out part.")
    error_mean = serializers.FloatField()
    error_std = serializers.FloatField(help_text="Spread over the folds.")


class MlCurveFitSerializer(serializers.Serializer):
    a = serializers.FloatField()
    b = serializers.FloatField()
    c = serializers.FloatField(help_text="The error more data of the same kind will not remove.")
    rmse = serializers.FloatField()
    method = serializers.CharField()


class MlCurveResultSerializer(serializers.Serializer):
    task = serializers.CharField()
    metric = serializers.CharField(help_text="`error_rate` (1 - accuracy) or `mae`.")
    baseline = serializers.CharField(help_text="The model trained on every slice.")
    folds = serializers.IntegerField()
    examples_on_hand = serializers.IntegerField()
    points = MlCurvePointSerializer(many=True)
    fit = MlCurveFitSerializer(allow_null=True, help_text="error = a * n**(-b) + c; null with < 3 sizes.")
    seconds = serializers.FloatField(allow_null=True)


class MlExamplesNeededSerializer(serializers.Serializer):
    target = serializers.FloatField(help_text="Accuracy 0..1, or the MAE.")
    metric = serializers.CharField(help_text="`accuracy` or `mae`.")
    target_error = serializers.FloatField()
    reachable = serializers.BooleanField(
        allow_null=True, help_text="False: below the fitted floor, more of the same data will not get there."
    )
    estimate = serializers.IntegerField(allow_null=True, help_text="Training examples needed.")
    low = serializers.IntegerField(allow_null=True, help_text="80% band, bottom.")
    high = serializers.IntegerField(allow_null=True, help_text="80% band, top; null while reachable: no top.")
    examples_on_hand = serializers.IntegerField()
    enough = serializers.BooleanField(allow_null=True)
    limit = serializers.FloatField(allow_null=True, help_text="The best the curve levels off at.")


class MlLearningCurveJobOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="Always `learning_curve`.")
    dataset = serializers.IntegerField()
    task = serializers.ChoiceField(choices=Task.choices)
    fractions = serializers.ListField(child=serializers.FloatField())
    folds = serializers.IntegerField()
    baseline = serializers.CharField(help_text="`auto`, `linear` or `cnn`.")
    target = serializers.FloatField(allow_null=True)
    seed = serializers.IntegerField()
    state = serializers.CharField(help_text=JOB_STATES_HELP)
    progress = serializers.FloatField(help_text="0..1")
    step = serializers.IntegerField(help_text="Slices trained so far.")
    steps = serializers.IntegerField(help_text="folds x fractions.")
    eta_seconds = serializers.FloatField(allow_null=True)
    examples_on_hand = serializers.IntegerField()
    result = MlCurveResultSerializer(allow_null=True, help_text="Once it succeeded.")
    needed = MlExamplesNeededSerializer(allow_null=True, help_text="For `target`, once it succeeded.")
    answer = serializers.CharField(allow_null=True, help_text="`needed` in a sentence, translated.")
    error = MlJobErrorSerializer(allow_null=True)
    cancel_requested = serializers.BooleanField()
    attempts = serializers.IntegerField()
    revision = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class LearningCurveListApi(MlApiView):
    class LearningCurveCreateInputSerializer(serializers.Serializer):
        target = serializers.JSONField(
            required=False,
            allow_null=True,
            help_text="The performance needed: accuracy 0..1 (classifiers) or the mean absolute error (regression).",
        )
        fractions = serializers.JSONField(
            required=False, help_text="3 to 10 shares of each fold's training part (default [0.1, 0.2, 0.4, 0.8])."
        )
        folds = serializers.JSONField(required=False, help_text="Cross-validation folds, 2..10 (default 3).")
        baseline = serializers.ChoiceField(
            choices=LearningCurveJob.Baseline.values, required=False, default=LearningCurveJob.Baseline.AUTO
        )
        seed = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1, default=0)

    @extend_schema(
        summary="The data set's learning-curve jobs, newest first",
        responses={200: MlLearningCurveJobOutputSerializer(many=True), **_errors(401, 404)},
    )
    def get(self, request: Request, dataset_id: int) -> Response:
        dataset = _dataset(request, dataset_id)
        jobs = selectors.learning_curve_jobs_for_owner(request.user).filter(dataset=dataset)[:50]
        return Response([selectors.learning_curve_job_snapshot(job) for job in jobs])

    @extend_schema(
        summary="How much data is enough? Measure a learning curve (a queued job)",
        description="Follow it on /ws/learning-curves/<id>/ or by polling; the result predicts the training "
        "examples the target takes, with an 80% band.",
        request=LearningCurveCreateInputSerializer,
        responses={201: MlLearningCurveJobOutputSerializer, **_errors(400, 401, 404)},
    )
    def post(self, request: Request, dataset_id: int) -> Response:
        dataset = _dataset(request, dataset_id)
        data = self.LearningCurveCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        job = learning_curves.learning_curve_job_create(
            owner=request.user,
            dataset=dataset,
            target=values.get("target"),
            fractions=values.get("fractions"),
            folds=values.get("folds"),
            baseline=values["baseline"],
            seed=values["seed"],
        )
        return Response(selectors.learning_curve_job_snapshot(job), status=status.HTTP_201_CREATED)


class LearningCurveDetailApi(MlApiView):
    @extend_schema(
        summary="A learning-curve job with its progress and result",
        responses={200: MlLearningCurveJobOutputSerializer, **_errors(401, 404)},
    )
    def get(self, request: Request, job_id: int) -> Response:
        return Response(selectors.learning_curve_job_snapshot(_learning_curve_job(request, job_id)))


class LearningCurveCancelApi(MlApiView):
    @extend_schema(
        summary="Cancel a learning-curve job",
        description="A queued job is cancelled at once; a running one stops before its next slice.",
        request=None,
        responses={200: MlLearningCurveJobOutputSerializer, **_errors(401, 404, 409)},
    )
    def post(self, request: Request, job_id: int) -> Response:
        job = learning_curves.learning_curve_job_cancel(owner=request.user, job=_learning_curve_job(request, job_id))
        return Response(selectors.learning_curve_job_snapshot(job))


def _measured(request: Request, job_id: int) -> LearningCurveJob:
    job = _learning_curve_job(request, job_id)
    if job.state != JobState.SUCCEEDED or not job.result:
        raise MlError("curve_not_ready")
    return job


class LearningCurveNeededApi(MlApiView):
    class NeededOutputSerializer(MlExamplesNeededSerializer):
        answer = serializers.CharField(help_text="The answer in a sentence, translated.")

    @extend_schema(
        summary="Examples needed for another target, from the measured curve (no new training)",
        parameters=[
            OpenApiParameter("target", str, required=True, description="Accuracy 0..1, or the MAE for regression.")
        ],
        responses={200: NeededOutputSerializer, **_errors(400, 401, 404, 409)},
    )
    def get(self, request: Request, job_id: int) -> Response:
        job = _measured(request, job_id)
        needed = examples_needed_for(job.result, request.query_params.get("target", ""))
        return Response({**needed, "answer": answer_text(needed)})


class LearningCurveChartApi(MlApiView):
    @extend_schema(
        summary="The learning curve as an accessible SVG chart",
        parameters=[
            OpenApiParameter("target", str, description="Draw this target and its answer (default: the job's)."),
            OpenApiParameter("accuracy", bool, description="Classifiers: accuracy (default) or false: error rate."),
        ],
        responses={(200, "image/svg+xml"): OpenApiResponse(description="The chart."), **_errors(400, 401, 404, 409)},
    )
    def get(self, request: Request, job_id: int) -> HttpResponse:
        job = _measured(request, job_id)
        target = request.query_params.get("target") or job.target
        if target is not None:
            target = examples_needed_for(job.result, target)["target"]  # checks it (a clear 400)
        accuracy = request.query_params.get("accuracy", "true").lower() not in ("0", "false", "no")
        svg = learning_curve_svg(job.result, target=target, accuracy=accuracy)
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return response


# --- models --------------------------------------------------------------------------------


def _model_detail(model: TrainedModel) -> dict[str, Any]:
    result = selectors.model_result(model)
    return {
        **MlModelOutputSerializer(model).data,
        "history": model.history,
        "misclassified": result["misclassified"],
    }


class ModelListApi(MlApiView):
    @extend_schema(
        summary="The model registry: your trained models",
        parameters=[OpenApiParameter("dataset", int, description="Only the versions of this data set.")],
        responses={200: MlModelOutputSerializer(many=True), **_errors(401)},
    )
    def get(self, request: Request) -> Response:
        models = selectors.models_for_owner(request.user)
        dataset = request.query_params.get("dataset")
        if dataset and dataset.isdigit():
            models = models.filter(dataset_id=int(dataset))
        return Response(MlModelOutputSerializer(models, many=True).data)


class ModelDetailApi(MlApiView):
    @extend_schema(
        summary="A model: version, data set, parameters, metrics, history, misclassified examples",
        responses={200: MlModelDetailOutputSerializer, **_errors(401, 404)},
    )
    def get(self, request: Request, model_id: int) -> Response:
        return Response(_model_detail(_model(request, model_id)))

    @extend_schema(summary="Delete a model from the registry", responses={204: None, **_errors(401, 404)})
    def delete(self, request: Request, model_id: int) -> Response:
        registry.model_delete(model=_model(request, model_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _attachment(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ModelDownloadApi(MlApiView):
    @extend_schema(
        summary="Download the model file (an mlcore.learn zip: load it with mlcore.learn.load)",
        responses={(200, "application/zip"): OpenApiResponse(description="The model zip."), **_errors(401, 404)},
    )
    def get(self, request: Request, model_id: int) -> HttpResponse:
        model = _model(request, model_id)
        return _attachment(read_bytes(model.artefact.name), registry.model_download_name(model), "application/zip")


class ModelExportApi(MlApiView):
    @extend_schema(
        summary="Export for other programs: TorchScript (image models) or joblib (table models)",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="model-vN.pt or model-vN.joblib"),
            **_errors(401, 404),
        },
    )
    def get(self, request: Request, model_id: int) -> HttpResponse:
        data, name, content_type = registry.model_export(model=_model(request, model_id))
        return _attachment(data, name, content_type)


class ModelPredictApi(MlApiView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class ModelPredictInputSerializer(serializers.Serializer):
        file = serializers.FileField(required=False, help_text="Image models: one image.")
        row = serializers.DictField(required=False, help_text="Table models: {column: value}.")

    class ModelPredictTopSerializer(serializers.Serializer):
        label = serializers.CharField()
        probability = serializers.FloatField()

    class ModelPredictOutputSerializer(serializers.Serializer):
        label = serializers.CharField(required=False, help_text="The most likely class.")
        top = serializers.ListField(
            child=serializers.DictField(), required=False, help_text="Top 3 with probabilities."
        )
        value = serializers.FloatField(required=False, help_text="Regression models: the predicted number.")
        milliseconds = serializers.FloatField(required=False)

    @extend_schema(
        summary="Predict synchronously: one image (top 3 classes) or one table row",
        description="Loaded models stay cached in the web process, so repeated calls are fast (drawing rounds).",
        request={"multipart/form-data": ModelPredictInputSerializer, "application/json": ModelPredictInputSerializer},
        responses={200: ModelPredictOutputSerializer, **_errors(400, 401, 404)},
    )
    def post(self, request: Request, model_id: int) -> Response:
        model = _model(request, model_id)
        data = self.ModelPredictInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if model.task == Task.IMAGE_CLASSIFICATION:
            upload = data.validated_data.get("file")
            if upload is None:
                raise MlError("no_images")
            raw = read_upload(upload, max_bytes=IMAGE_MAX_BYTES, code="image_too_large")
            return Response(registry.predict_image(model=model, data=raw))
        return Response(registry.predict_row(model=model, row=data.validated_data.get("row") or {}))


# --- classification ------------------------------------------------------------------------


class ClassificationJobListApi(MlApiView):
    parser_classes = [MultiPartParser, FormParser]

    class ClassificationCreateInputSerializer(serializers.Serializer):
        model = serializers.IntegerField()
        file = serializers.ListField(
            child=serializers.FileField(),
            help_text="Images, or zips of them (a folder per expected class, or one folder of any name).",
        )

    @extend_schema(
        summary="Classify many images with a model (a queued job)",
        request={"multipart/form-data": ClassificationCreateInputSerializer},
        responses={201: MlClassificationJobOutputSerializer, **_errors(400, 401, 404)},
    )
    def post(self, request: Request) -> Response:
        data = self.ClassificationCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        model = _model(request, data.validated_data["model"])
        uploads = []
        for upload in data.validated_data["file"]:
            is_zip = (upload.name or "").lower().endswith(".zip")
            maximum = limit("MLCORE_ZIP_MAX_BYTES") if is_zip else IMAGE_MAX_BYTES
            uploads.append((upload.name or "", read_upload(upload, max_bytes=maximum, code="image_too_large")))
        job = classification.classification_job_create(owner=request.user, model=model, uploads=uploads)
        return Response(selectors.classification_job_snapshot(job), status=status.HTTP_201_CREATED)


class ClassificationJobDetailApi(MlApiView):
    @extend_schema(
        summary="A classification job with its results",
        responses={200: MlClassificationJobOutputSerializer, **_errors(401, 404)},
    )
    def get(self, request: Request, job_id: int) -> Response:
        return Response(selectors.classification_job_snapshot(_classification_job(request, job_id)))


class ClassificationJobCancelApi(MlApiView):
    @extend_schema(
        summary="Cancel a classification job",
        request=None,
        responses={200: MlClassificationJobOutputSerializer, **_errors(401, 404, 409)},
    )
    def post(self, request: Request, job_id: int) -> Response:
        job = classification.classification_job_cancel(owner=request.user, job=_classification_job(request, job_id))
        return Response(selectors.classification_job_snapshot(job))


def classification_csv(job: ClassificationJob) -> bytes:
    """UTF-8 with a BOM (so Excel reads Korean), formula-like cells defused."""
    header, rows = selectors.classification_csv_rows(job)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(neutralise_row(header))
    for row in rows:
        writer.writerow(neutralise_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class ClassificationResultsCsvApi(MlApiView):
    @extend_schema(
        summary="The results as CSV (UTF-8 with BOM): file, expected, predicted, confidence, one column per class",
        responses={(200, "text/csv"): OpenApiResponse(description="The CSV file."), **_errors(401, 404)},
    )
    def get(self, request: Request, job_id: int) -> HttpResponse:
        job = _classification_job(request, job_id)
        return _attachment(classification_csv(job), f"classification-{job.id}.csv", "text/csv; charset=utf-8")
