"""Ideas on the canvas, the data sample an idea's learning curve is measured on, and each
member's evaluation of an idea."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import AppApiView, InputSerializer, found_or_404
from projects import selectors, services
from projects.apis.common import (
    IdeaFieldsSerializer,
    IdeaWithScoreSerializer,
    idea_data,
    idea_for,
    project_errors,
    workspace_for,
)
from projects.forms import DATA_SAMPLE_MAX_BYTES
from projects.models import Idea
from projects.payloads import evidence_payload


class IdeaListApi(AppApiView):
    @extend_schema(
        responses={200: IdeaWithScoreSerializer(many=True), **project_errors(401, 404)},
        summary="A workspace's ideas, newest first, each with its score",
    )
    def get(self, request: Request, workspace_id: int) -> Response:
        workspace = workspace_for(request, workspace_id)
        items = sorted(selectors.ranked_ideas(workspace), key=lambda item: (item.idea.created_at, item.idea.id))
        return Response([idea_data(item.idea, item.score) for item in reversed(items)])

    @extend_schema(
        request=IdeaFieldsSerializer,
        responses={201: IdeaWithScoreSerializer, **project_errors(400, 422, 401, 403, 404)},
        summary="Put an idea on the canvas (owners and evaluators)",
    )
    def post(self, request: Request, workspace_id: int) -> Response:
        workspace = workspace_for(request, workspace_id)
        data = IdeaFieldsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        idea = services.idea_create(workspace=workspace, user=request.user, **data.validated_data)
        return Response(idea_data(idea), status=status.HTTP_201_CREATED)


class IdeaDetailApi(AppApiView):
    @extend_schema(
        responses={200: IdeaWithScoreSerializer, **project_errors(401, 404)}, summary="An idea with its score"
    )
    def get(self, request: Request, idea_id: int) -> Response:
        return Response(idea_data(idea_for(request, idea_id)))

    @extend_schema(
        request=IdeaFieldsSerializer(partial=True),
        responses={200: IdeaWithScoreSerializer, **project_errors(400, 422, 401, 403, 404)},
        summary="Change an idea (owners and evaluators); only the fields sent change",
    )
    def patch(self, request: Request, idea_id: int) -> Response:
        idea = idea_for(request, idea_id)
        data = IdeaFieldsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        idea = services.idea_update(idea=idea, user=request.user, **data.validated_data)
        return Response(idea_data(idea))

    @extend_schema(
        responses={204: None, **project_errors(401, 403, 404)}, summary="Delete an idea (owners and evaluators)"
    )
    def delete(self, request: Request, idea_id: int) -> Response:
        services.idea_delete(idea=idea_for(request, idea_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the data sample and its learning curve ---------------------------------------------------------


class MeasurementJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    progress = serializers.FloatField()
    finished = serializers.BooleanField()
    error = serializers.CharField()


class MeasurementOutputSerializer(serializers.Serializer):
    sample = serializers.DictField(help_text="{name, rows, kind, task} of the attached data set")
    job = MeasurementJobSerializer(allow_null=True)
    answer = serializers.CharField(help_text="How many examples the target takes, in a sentence")
    evidence = serializers.DictField(allow_null=True, help_text="What the rubric uses (null until measured)")


def _measurement_data(idea: Idea) -> dict[str, Any] | None:
    view = selectors.idea_measurement(idea)
    if view is None:
        return None
    return {
        "sample": view["sample"],
        "job": view["job"],
        "answer": view["answer"],
        "evidence": evidence_payload(selectors.idea_data_evidence(idea)),
    }


class IdeaDataApi(AppApiView):
    """The idea's data sample: attach one (and measure its learning curve), read the measurement,
    measure again, or remove it."""

    parser_classes = [MultiPartParser, FormParser]

    class DataInputSerializer(InputSerializer):
        file = serializers.FileField(help_text="A CSV table or a zip with one folder of images per class")
        answer_column = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)

    @extend_schema(responses={200: MeasurementOutputSerializer, **project_errors(401, 404)}, summary="The measurement")
    def get(self, request: Request, idea_id: int) -> Response:
        data = _measurement_data(idea_for(request, idea_id))
        return Response(found_or_404(data, _("This idea has no data sample.")))

    @extend_schema(
        request={"multipart/form-data": DataInputSerializer},
        responses={201: MeasurementOutputSerializer, **project_errors(400, 422, 401, 403, 404)},
        summary="Attach a data sample (owners and evaluators); its learning curve starts measuring",
    )
    def post(self, request: Request, idea_id: int) -> Response:
        idea = idea_for(request, idea_id)
        data = self.DataInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > DATA_SAMPLE_MAX_BYTES:
            raise exceptions.ValidationError(
                {"file": _("The sample is larger than %(max)s MB: upload a smaller sample.") % {"max": 50}}
            )
        idea = services.idea_attach_data(
            idea=idea,
            user=request.user,
            filename=upload.name,
            data=upload.read(),
            answer_column=data.validated_data["answer_column"],
        )
        return Response(_measurement_data(idea), status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, **project_errors(401, 403, 404)}, summary="Remove the data sample")
    def delete(self, request: Request, idea_id: int) -> Response:
        services.idea_detach_data(idea=idea_for(request, idea_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class IdeaMeasureApi(AppApiView):
    @extend_schema(
        request=None,
        responses={202: MeasurementOutputSerializer, **project_errors(400, 422, 401, 403, 404)},
        summary="Measure the data sample's learning curve again (e.g. after changing the target)",
    )
    def post(self, request: Request, idea_id: int) -> Response:
        idea = services.idea_measure_data(idea=idea_for(request, idea_id), user=request.user)
        return Response(_measurement_data(idea), status=status.HTTP_202_ACCEPTED)


# --- evaluations ---------------------------------------------------------------------------------------


class EvaluationOutputSerializer(serializers.Serializer):
    idea = serializers.IntegerField(source="idea_id")
    scores = serializers.DictField(child=serializers.IntegerField(), help_text="{criterion: 1-5}")
    comment = serializers.CharField()
    updated_at = serializers.DateTimeField()


class MyEvaluationApi(AppApiView):
    class EvaluationInputSerializer(InputSerializer):
        scores = serializers.DictField(
            child=serializers.IntegerField(min_value=1, max_value=5, allow_null=True),
            help_text="{criterion: 1-5}; leave a criterion out (or null) to skip it. See /api/projects/criteria/.",
        )
        comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(
        responses={200: EvaluationOutputSerializer, **project_errors(401, 404)},
        summary="Your evaluation of an idea (404 until you score it)",
    )
    def get(self, request: Request, idea_id: int) -> Response:
        evaluation = found_or_404(
            selectors.evaluation_get(idea_for(request, idea_id), request.user), _("You have not scored this idea yet.")
        )
        return Response(EvaluationOutputSerializer(evaluation).data)

    @extend_schema(
        request=EvaluationInputSerializer,
        responses={200: EvaluationOutputSerializer, **project_errors(400, 422, 401, 403, 404)},
        summary="Score an idea 1-5 per criterion (owners and evaluators); replaces your earlier scores",
    )
    def put(self, request: Request, idea_id: int) -> Response:
        idea = idea_for(request, idea_id)
        data = self.EvaluationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = services.evaluation_upsert(idea=idea, user=request.user, **data.validated_data)
        return Response(EvaluationOutputSerializer(evaluation).data)

    @extend_schema(responses={204: None, **project_errors(401, 403, 404)}, summary="Withdraw your evaluation")
    def delete(self, request: Request, idea_id: int) -> Response:
        services.evaluation_delete(idea=idea_for(request, idea_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
