"""Scoring: the rubric's criteria, a workspace's weights, the ranked list and its CSV export."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import AppApiView, InputSerializer, query_data
from projects import rubric, selectors, services
from projects.apis.common import IdeaWithScoreSerializer, idea_data, project_errors, workspace_for
from projects.criteria_text import criteria_definitions
from projects.exports import ranking_response
from projects.models import ValueDriver


class CriterionOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    axis = serializers.CharField()
    axis_label = serializers.CharField()
    label = serializers.CharField()
    question = serializers.CharField()
    low = serializers.CharField(help_text="What a 1 means.")
    high = serializers.CharField(help_text="What a 5 means.")
    direction = serializers.IntegerField(
        help_text="1: higher is better; -1: higher is worse (effort, risk, error cost)."
    )
    data_backed = serializers.BooleanField(help_text="Replaced by a learning-curve measurement when there is one.")
    default_weight = serializers.FloatField()
    weight = serializers.FloatField()


class CriteriaApi(AppApiView):
    @extend_schema(responses=CriterionOutputSerializer(many=True), summary="The rubric's criteria, in your language")
    def get(self, request: Request) -> Response:
        return Response(CriterionOutputSerializer(criteria_definitions(), many=True).data)


class WeightsApi(AppApiView):
    class WeightsInputSerializer(InputSerializer):
        weights = serializers.DictField(
            child=serializers.FloatField(min_value=0, max_value=rubric.MAX_WEIGHT),
            help_text="{criterion: 0-10}; missing criteria get their default. Each axis needs one weight above 0.",
        )

    @extend_schema(
        responses={200: CriterionOutputSerializer(many=True), **project_errors(401, 404)},
        summary="The workspace's criteria with their weights",
    )
    def get(self, request: Request, workspace_id: int) -> Response:
        workspace = workspace_for(request, workspace_id)
        definitions = criteria_definitions(selectors.workspace_weights(workspace))
        return Response(CriterionOutputSerializer(definitions, many=True).data)

    @extend_schema(
        request=WeightsInputSerializer,
        responses={200: CriterionOutputSerializer(many=True), **project_errors(400, 422, 401, 403, 404)},
        summary="Set the criterion weights (owners)",
    )
    def put(self, request: Request, workspace_id: int) -> Response:
        workspace = workspace_for(request, workspace_id)
        data = self.WeightsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        weights = services.weights_update(
            workspace=workspace, user=request.user, weights=data.validated_data["weights"]
        )
        return Response(CriterionOutputSerializer(criteria_definitions(weights), many=True).data)


class RankingQuerySerializer(serializers.Serializer):
    """The filters, checked for their types (each once); an unknown quadrant or driver filters nothing."""

    quadrant = serializers.CharField(
        required=False, allow_blank=True, help_text="`do_now`, `invest`, `quick_win`, `drop` or `unscored`."
    )
    driver = serializers.CharField(
        required=False, allow_blank=True, help_text="A value driver: " + ", ".join(ValueDriver.values) + "."
    )
    flagged = serializers.BooleanField(required=False, help_text="Only ideas whose evaluators disagree.")
    students = serializers.BooleanField(required=False, help_text="Only ideas students submitted from the linked room.")
    q = serializers.CharField(
        required=False, allow_blank=True, help_text="Text in the title, A, B, users or pain point."
    )


FILTER_PARAMETERS = [RankingQuerySerializer]


def _filters(request: Request) -> selectors.IdeaFilters:
    query_data(request, RankingQuerySerializer)
    return selectors.IdeaFilters.from_query(request.query_params)


class RankedIdeaSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="1 = best; ties share; null while unscored.")
    idea = IdeaWithScoreSerializer()


class RankingApi(AppApiView):
    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={200: RankedIdeaSerializer(many=True), **project_errors(400, 422, 401, 404)},
        summary="The ranked list: best first by √(feasibility × value), with reasons and recommendations",
    )
    def get(self, request: Request, workspace_id: int) -> Response:
        workspace = workspace_for(request, workspace_id)
        filters = _filters(request)
        ranked = selectors.ranked_ideas(workspace, filters)
        return Response([{"rank": item.rank, "idea": idea_data(item.idea, item.score)} for item in ranked])


class RankingCsvApi(AppApiView):
    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiResponse(description="UTF-8 with BOM"),
            **project_errors(400, 422, 401, 404),
        },
        summary="The ranked list as CSV (UTF-8 with BOM, headers in your language, formula-injection safe)",
    )
    def get(self, request: Request, workspace_id: int) -> HttpResponse:
        workspace = workspace_for(request, workspace_id)
        ranked = selectors.ranked_ideas(workspace, _filters(request))
        return ranking_response(ranked, workspace)
