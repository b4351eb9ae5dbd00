"""The model registry: trained models, their files and exports, synchronous predictions."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import AppApiView, InputSerializer, error_responses, found_or_404, query_data
from mlcore import selectors
from mlcore.apis.common import (
    ERROR_TEXT,
    MlHistoryPointSerializer,
    attachment,
)
from mlcore.errors import NOT_FOUND, MlError
from mlcore.models import Task, TrainedModel
from mlcore.services import registry
from mlcore.services.files import read_bytes
from mlcore.uploads import IMAGE_MAX_BYTES, read_upload


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


def _model_detail(model: TrainedModel) -> dict[str, Any]:
    result = selectors.model_result(model)
    return {
        **MlModelOutputSerializer(model).data,
        "history": model.history,
        "misclassified": result["misclassified"],
    }


class ModelListApi(AppApiView):
    class ModelListQuerySerializer(serializers.Serializer):
        dataset = serializers.IntegerField(required=False, help_text="Only the versions of this data set.")

    @extend_schema(
        summary="The model registry: your trained models",
        parameters=[ModelListQuerySerializer],
        responses={200: MlModelOutputSerializer(many=True), **error_responses(400, 422, 401, text=ERROR_TEXT)},
    )
    def get(self, request: Request) -> Response:
        models = selectors.models_for_owner(request.user)
        dataset = query_data(request, self.ModelListQuerySerializer).get("dataset")
        if dataset is not None:
            models = models.filter(dataset_id=dataset)
        return Response(MlModelOutputSerializer(models, many=True).data)


class ModelDetailApi(AppApiView):
    @extend_schema(
        summary="A model: version, data set, parameters, metrics, history, misclassified examples",
        responses={200: MlModelDetailOutputSerializer, **error_responses(401, 404, text=ERROR_TEXT)},
    )
    def get(self, request: Request, model_id: int) -> Response:
        model = found_or_404(selectors.model_get_for_owner(request.user, model_id), NOT_FOUND["model"])
        return Response(_model_detail(model))

    @extend_schema(
        summary="Delete a model from the registry", responses={204: None, **error_responses(401, 404, text=ERROR_TEXT)}
    )
    def delete(self, request: Request, model_id: int) -> Response:
        model = found_or_404(selectors.model_get_for_owner(request.user, model_id), NOT_FOUND["model"])
        registry.model_delete(model=model)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ModelDownloadApi(AppApiView):
    @extend_schema(
        summary="Download the model file (an mlcore.learn zip: load it with mlcore.learn.load)",
        responses={
            (200, "application/zip"): OpenApiResponse(description="The model zip."),
            **error_responses(401, 404, text=ERROR_TEXT),
        },
    )
    def get(self, request: Request, model_id: int) -> HttpResponse:
        model = found_or_404(selectors.model_get_for_owner(request.user, model_id), NOT_FOUND["model"])
        return attachment(read_bytes(model.artefact.name), registry.model_download_name(model), "application/zip")


class ModelExportApi(AppApiView):
    @extend_schema(
        summary="Export for other programs: TorchScript (image models) or joblib (table models)",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="model-vN.pt or model-vN.joblib"),
            **error_responses(401, 404, text=ERROR_TEXT),
        },
    )
    def get(self, request: Request, model_id: int) -> HttpResponse:
        model = found_or_404(selectors.model_get_for_owner(request.user, model_id), NOT_FOUND["model"])
        data, name, content_type = registry.model_export(model=model)
        return attachment(data, name, content_type)


class ModelPredictApi(AppApiView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class ModelPredictInputSerializer(InputSerializer):
        file = serializers.FileField(required=False, help_text="Image models: one image.")
        row = serializers.DictField(required=False, help_text="Table models: {column: value}.")
        text = serializers.CharField(
            required=False, allow_blank=True, trim_whitespace=False, help_text="Text models: one text."
        )

    class ModelPredictTopSerializer(serializers.Serializer):
        label = serializers.CharField()
        probability = serializers.FloatField()

    class ModelPredictOutputSerializer(serializers.Serializer):
        label = serializers.CharField(required=False, help_text="The most likely class.")
        top = serializers.ListField(
            child=serializers.DictField(), required=False, help_text="Top 3 with probabilities."
        )
        value = serializers.FloatField(required=False, help_text="Regression models: the predicted number.")
        words = serializers.ListField(
            child=serializers.DictField(),
            required=False,
            help_text="Text models: the words that pushed the text toward `label`, strongest first: "
            "{word, start, end, weight}.",
        )
        spans = serializers.ListField(
            child=serializers.DictField(), required=False, help_text="Text models: every word with its weight."
        )
        ngrams = serializers.ListField(
            child=serializers.DictField(), required=False, help_text="Text models: the strongest n-grams."
        )
        milliseconds = serializers.FloatField(required=False)

    @extend_schema(
        summary="Predict synchronously: one image (top 3 classes), one table row, or one text (with its words)",
        description="Loaded models stay cached in the web process, so repeated calls are fast (drawing rounds).",
        request={"multipart/form-data": ModelPredictInputSerializer, "application/json": ModelPredictInputSerializer},
        responses={200: ModelPredictOutputSerializer, **error_responses(400, 422, 401, 404, text=ERROR_TEXT)},
    )
    def post(self, request: Request, model_id: int) -> Response:
        model = found_or_404(selectors.model_get_for_owner(request.user, model_id), NOT_FOUND["model"])
        data = self.ModelPredictInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if model.task == Task.IMAGE_CLASSIFICATION:
            upload = data.validated_data.get("file")
            if upload is None:
                raise MlError("no_images")
            raw = read_upload(upload, max_bytes=IMAGE_MAX_BYTES, code="image_too_large")
            return Response(registry.predict_image(model=model, data=raw))
        if model.task == Task.TEXT_CLASSIFICATION and "row" not in data.validated_data:
            return Response(registry.predict_text(model=model, text=data.validated_data.get("text", "")))
        return Response(registry.predict_row(model=model, row=data.validated_data.get("row") or {}))
