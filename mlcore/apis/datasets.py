"""Data sets: tables from a CSV, image sets from a zip, built-in sets, images added one by one."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import AppApiView, InputSerializer, error_responses, found_or_404
from mlcore import selectors
from mlcore.apis.common import (
    ERROR_TEXT,
    MlSampleImageSerializer,
    MlSkippedFileSerializer,
)
from mlcore.errors import NOT_FOUND, MlError
from mlcore.models import Dataset, Task
from mlcore.services import datasets
from mlcore.services.limits import limit
from mlcore.uploads import IMAGE_MAX_BYTES, read_upload


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


def _dataset_detail(dataset: Dataset, *, status_code: int = status.HTTP_200_OK, **extra: Any) -> Response:
    data = {
        **MlDatasetOutputSerializer(dataset).data,
        "note": datasets.builtin_note(dataset),
        "preview": selectors.dataset_preview(dataset) if dataset.is_tabular else None,
        "samples": [] if dataset.is_tabular else selectors.dataset_samples(dataset),
        **extra,
    }
    return Response(data, status=status_code)


class DatasetListApi(AppApiView):
    @extend_schema(
        summary="Your data sets",
        responses={200: MlDatasetOutputSerializer(many=True), **error_responses(401, text=ERROR_TEXT)},
    )
    def get(self, request: Request) -> Response:
        return Response(MlDatasetOutputSerializer(selectors.datasets_for_owner(request.user), many=True).data)


class DatasetCsvCreateApi(AppApiView):
    parser_classes = [MultiPartParser, FormParser]

    class DatasetCsvInputSerializer(InputSerializer):
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
        responses={201: MlDatasetDetailOutputSerializer, **error_responses(400, 422, 401, text=ERROR_TEXT)},
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


class DatasetZipCreateApi(AppApiView):
    parser_classes = [MultiPartParser, FormParser]

    class DatasetZipInputSerializer(InputSerializer):
        name = serializers.CharField(max_length=200)
        file = serializers.FileField(help_text="A zip with one folder per class: cat/1.png, dog/2.jpg ...")

    class DatasetZipOutputSerializer(MlDatasetDetailOutputSerializer):
        skipped = MlSkippedFileSerializer(many=True, help_text="Files left out, and why.")

    @extend_schema(
        summary="Create an image data set from a zip of class folders",
        request={"multipart/form-data": DatasetZipInputSerializer},
        responses={201: DatasetZipOutputSerializer, **error_responses(400, 422, 401, text=ERROR_TEXT)},
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


class DatasetBuiltinCreateApi(AppApiView):
    class DatasetBuiltinInputSerializer(InputSerializer):
        which = serializers.ChoiceField(choices=datasets.BUILTINS)
        per_class = serializers.IntegerField(
            required=False, min_value=1, max_value=datasets.MAX_BUILTIN_PER_CLASS, help_text="Images per class."
        )
        name = serializers.CharField(required=False, allow_blank=True, max_length=200)

    @extend_schema(
        summary="Add a built-in data set (house table, digits, doodles)",
        request=DatasetBuiltinInputSerializer,
        responses={201: MlDatasetDetailOutputSerializer, **error_responses(400, 422, 401, text=ERROR_TEXT)},
    )
    def post(self, request: Request) -> Response:
        data = self.DatasetBuiltinInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = datasets.dataset_create_builtin(owner=request.user, **data.validated_data)
        return _dataset_detail(dataset, status_code=status.HTTP_201_CREATED)


class DatasetImagesCreateApi(AppApiView):
    class DatasetImagesInputSerializer(InputSerializer):
        name = serializers.CharField(max_length=200)

    @extend_schema(
        summary="Create an empty image data set (add images one by one)",
        request=DatasetImagesInputSerializer,
        responses={201: MlDatasetDetailOutputSerializer, **error_responses(400, 422, 401, text=ERROR_TEXT)},
    )
    def post(self, request: Request) -> Response:
        data = self.DatasetImagesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dataset = datasets.dataset_create_images(owner=request.user, name=data.validated_data["name"])
        return _dataset_detail(dataset, status_code=status.HTTP_201_CREATED)


class DatasetDetailApi(AppApiView):
    class DatasetUpdateInputSerializer(InputSerializer):
        name = serializers.CharField(max_length=200, required=False)
        target = serializers.CharField(required=False, help_text="Tables: the answer column (B).")
        features = serializers.ListField(child=serializers.CharField(), required=False)
        task = serializers.ChoiceField(
            choices=Task.choices, required=False, help_text="Tables: regression or classification."
        )

    @extend_schema(
        summary="A data set: class counts, preview rows, sample images",
        responses={200: MlDatasetDetailOutputSerializer, **error_responses(401, 404, text=ERROR_TEXT)},
    )
    def get(self, request: Request, dataset_id: int) -> Response:
        dataset = found_or_404(selectors.dataset_get_for_owner(request.user, dataset_id), NOT_FOUND["dataset"])
        return _dataset_detail(dataset)

    @extend_schema(
        summary="Rename, or choose a table's answer and input columns",
        request=DatasetUpdateInputSerializer,
        responses={200: MlDatasetDetailOutputSerializer, **error_responses(400, 422, 401, 404, text=ERROR_TEXT)},
    )
    def patch(self, request: Request, dataset_id: int) -> Response:
        dataset = found_or_404(selectors.dataset_get_for_owner(request.user, dataset_id), NOT_FOUND["dataset"])
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
        responses={204: None, **error_responses(401, 404, text=ERROR_TEXT)},
    )
    def delete(self, request: Request, dataset_id: int) -> Response:
        dataset = found_or_404(selectors.dataset_get_for_owner(request.user, dataset_id), NOT_FOUND["dataset"])
        datasets.dataset_delete(dataset=dataset)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DatasetImageAddApi(AppApiView):
    parser_classes = [MultiPartParser, FormParser]

    class DatasetImageAddInputSerializer(InputSerializer):
        label = serializers.CharField(max_length=100, help_text="The class name.")
        file = serializers.ListField(
            child=serializers.FileField(), min_length=1, help_text="One or more images (PNG, JPEG, WebP, GIF)."
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
        responses={201: DatasetImageAddOutputSerializer, **error_responses(400, 422, 401, 404, 409, text=ERROR_TEXT)},
    )
    def post(self, request: Request, dataset_id: int) -> Response:
        dataset = found_or_404(selectors.dataset_get_for_owner(request.user, dataset_id), NOT_FOUND["dataset"])
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


class DatasetImageDetailApi(AppApiView):
    @extend_schema(
        summary="Remove one image from its data set",
        responses={204: None, **error_responses(401, 404, text=ERROR_TEXT)},
    )
    def delete(self, request: Request, image_id: int) -> Response:
        image = found_or_404(selectors.dataset_image_get_for_owner(request.user, image_id), NOT_FOUND["image"])
        datasets.dataset_image_delete(image=image)
        return Response(status=status.HTTP_204_NO_CONTENT)
