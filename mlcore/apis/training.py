"""Training jobs: start one on a data set, follow it, cancel it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import AppApiView, InputSerializer, error_responses, found_or_404
from mlcore import selectors
from mlcore.apis.common import (
    ERROR_TEXT,
    JOB_STATES_HELP,
    MlHistoryPointSerializer,
    MlJobErrorSerializer,
)
from mlcore.errors import NOT_FOUND
from mlcore.models import Task
from mlcore.services import training


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


class MlTrainingParamsSerializer(InputSerializer):
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


class TrainingJobListApi(AppApiView):
    class TrainingJobCreateInputSerializer(InputSerializer):
        dataset = serializers.IntegerField()
        params = MlTrainingParamsSerializer(required=False)
        task = serializers.ChoiceField(choices=Task.choices, required=False, help_text="Default: the data set's.")
        seed = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1, default=0)

    @extend_schema(
        summary="Your training jobs, newest first",
        responses={200: MlTrainingJobOutputSerializer(many=True), **error_responses(401, text=ERROR_TEXT)},
    )
    def get(self, request: Request) -> Response:
        jobs = selectors.training_jobs_for_owner(request.user)[:100]
        return Response([selectors.training_job_snapshot(job) for job in jobs])

    @extend_schema(
        summary="Start training (a queued job; follow it on /ws/jobs/<id>/ or by polling)",
        request=TrainingJobCreateInputSerializer,
        responses={201: MlTrainingJobOutputSerializer, **error_responses(400, 422, 401, 404, text=ERROR_TEXT)},
    )
    def post(self, request: Request) -> Response:
        data = self.TrainingJobCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        dataset = found_or_404(selectors.dataset_get_for_owner(request.user, values["dataset"]), NOT_FOUND["dataset"])
        job = training.training_job_create(
            owner=request.user,
            dataset=dataset,
            params=values.get("params") or {},
            task=values.get("task"),
            seed=values.get("seed", 0),
        )
        return Response(selectors.training_job_snapshot(job), status=status.HTTP_201_CREATED)


class TrainingJobDetailApi(AppApiView):
    @extend_schema(
        summary="A training job with its progress",
        responses={200: MlTrainingJobOutputSerializer, **error_responses(401, 404, text=ERROR_TEXT)},
    )
    def get(self, request: Request, job_id: int) -> Response:
        job = found_or_404(selectors.training_job_get_for_owner(request.user, job_id), NOT_FOUND["training_job"])
        return Response(selectors.training_job_snapshot(job))


class TrainingJobCancelApi(AppApiView):
    @extend_schema(
        summary="Cancel a training job",
        description="A queued job is cancelled at once; a running one stops within about a second.",
        request=None,
        responses={200: MlTrainingJobOutputSerializer, **error_responses(401, 404, 409, text=ERROR_TEXT)},
    )
    def post(self, request: Request, job_id: int) -> Response:
        job = found_or_404(selectors.training_job_get_for_owner(request.user, job_id), NOT_FOUND["training_job"])
        job = training.training_job_cancel(owner=request.user, job=job)
        return Response(selectors.training_job_snapshot(job))
