"""Learning curves: how many examples a target takes, measured as a queued job."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import AppApiView, InputSerializer, error_responses, found_or_404
from mlcore import selectors
from mlcore.apis.common import (
    ERROR_TEXT,
    JOB_STATES_HELP,
    MlJobErrorSerializer,
)
from mlcore.charts import learning_curve_svg
from mlcore.data_needed import answer_text, examples_needed_for
from mlcore.errors import NOT_FOUND, MlError
from mlcore.models import JobState, LearningCurveJob, Task
from mlcore.services import learning_curves


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


@extend_schema_field({"type": "number"})
class NumberJsonField(serializers.JSONField):
    pass


@extend_schema_field({"type": "array", "items": {"type": "number"}})
class NumberListJsonField(serializers.JSONField):
    pass


@extend_schema_field({"type": "integer"})
class IntegerJsonField(serializers.JSONField):
    pass


class LearningCurveListApi(AppApiView):
    class LearningCurveCreateInputSerializer(InputSerializer):
        # JSON values checked by the service (its `bad_param` says which and why); typed in the schema.
        target = NumberJsonField(
            required=False,
            allow_null=True,
            help_text="The performance needed: accuracy 0..1 (classifiers) or the mean absolute error (regression).",
        )
        fractions = NumberListJsonField(
            required=False, help_text="3 to 10 shares of each fold's training part (default [0.1, 0.2, 0.4, 0.8])."
        )
        folds = IntegerJsonField(required=False, help_text="Cross-validation folds, 2..10 (default 3).")
        baseline = serializers.ChoiceField(
            choices=LearningCurveJob.Baseline.values, required=False, default=LearningCurveJob.Baseline.AUTO
        )
        seed = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1, default=0)

    @extend_schema(
        summary="The data set's learning-curve jobs, newest first",
        responses={200: MlLearningCurveJobOutputSerializer(many=True), **error_responses(401, 404, text=ERROR_TEXT)},
    )
    def get(self, request: Request, dataset_id: int) -> Response:
        dataset = found_or_404(selectors.dataset_get_for_owner(request.user, dataset_id), NOT_FOUND["dataset"])
        jobs = selectors.learning_curve_jobs_for_owner(request.user).filter(dataset=dataset)[:50]
        return Response([selectors.learning_curve_job_snapshot(job) for job in jobs])

    @extend_schema(
        summary="How much data is enough? Measure a learning curve (a queued job)",
        description="Follow it on /ws/learning-curves/<id>/ or by polling; the result predicts the training "
        "examples the target takes, with an 80% band.",
        request=LearningCurveCreateInputSerializer,
        responses={201: MlLearningCurveJobOutputSerializer, **error_responses(400, 422, 401, 404, text=ERROR_TEXT)},
    )
    def post(self, request: Request, dataset_id: int) -> Response:
        dataset = found_or_404(selectors.dataset_get_for_owner(request.user, dataset_id), NOT_FOUND["dataset"])
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


class LearningCurveDetailApi(AppApiView):
    @extend_schema(
        summary="A learning-curve job with its progress and result",
        responses={200: MlLearningCurveJobOutputSerializer, **error_responses(401, 404, text=ERROR_TEXT)},
    )
    def get(self, request: Request, job_id: int) -> Response:
        job = selectors.learning_curve_job_get_for_owner(request.user, job_id)
        return Response(selectors.learning_curve_job_snapshot(found_or_404(job, NOT_FOUND["learning_curve_job"])))


class LearningCurveCancelApi(AppApiView):
    @extend_schema(
        summary="Cancel a learning-curve job",
        description="A queued job is cancelled at once; a running one stops before its next slice.",
        request=None,
        responses={200: MlLearningCurveJobOutputSerializer, **error_responses(401, 404, 409, text=ERROR_TEXT)},
    )
    def post(self, request: Request, job_id: int) -> Response:
        job = found_or_404(
            selectors.learning_curve_job_get_for_owner(request.user, job_id), NOT_FOUND["learning_curve_job"]
        )
        job = learning_curves.learning_curve_job_cancel(owner=request.user, job=job)
        return Response(selectors.learning_curve_job_snapshot(job))


def _measured(request: Request, job_id: int) -> LearningCurveJob:
    job = found_or_404(
        selectors.learning_curve_job_get_for_owner(request.user, job_id), NOT_FOUND["learning_curve_job"]
    )
    if job.state != JobState.SUCCEEDED or not job.result:
        raise MlError("curve_not_ready")
    return job


class LearningCurveNeededApi(AppApiView):
    class NeededOutputSerializer(MlExamplesNeededSerializer):
        answer = serializers.CharField(help_text="The answer in a sentence, translated.")

    @extend_schema(
        summary="Examples needed for another target, from the measured curve (no new training)",
        parameters=[
            OpenApiParameter("target", str, required=True, description="Accuracy 0..1, or the MAE for regression.")
        ],
        responses={200: NeededOutputSerializer, **error_responses(400, 422, 401, 404, 409, text=ERROR_TEXT)},
    )
    def get(self, request: Request, job_id: int) -> Response:
        job = _measured(request, job_id)
        needed = examples_needed_for(job.result, request.query_params.get("target", ""))
        return Response({**needed, "answer": answer_text(needed)})


class LearningCurveChartApi(AppApiView):
    @extend_schema(
        summary="The learning curve as an accessible SVG chart",
        parameters=[
            OpenApiParameter("target", str, description="Draw this target and its answer (default: the job's)."),
            OpenApiParameter("accuracy", bool, description="Classifiers: accuracy (default) or false: error rate."),
        ],
        responses={
            (200, "image/svg+xml"): OpenApiResponse(description="The chart."),
            **error_responses(400, 422, 401, 404, 409, text=ERROR_TEXT),
        },
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
