"""REST API of the project canvas: workspaces, members, invites, ideas, evaluations, weights, the
ranked list and its CSV export.

One small view per endpoint: validate with its input serializer, call one service, serialise the
result. Everything is looked up through the caller's memberships, so another workspace's idea is
a 404; a viewer who tries to write gets a 403 (``not_allowed``), a non-owner who manages the
workspace a 403 (``owner_only``). Errors keep the project's one shape
(``{"error": {"code", "message", "fields"?}}``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from projects import errors, rubric, selectors, services
from projects.criteria_text import criteria_definitions
from projects.exports import ranking_response
from projects.forms import DATA_SAMPLE_MAX_BYTES
from projects.models import Idea, Invite, Membership, OneSecondTest, Role, ValueDriver, Workspace
from projects.payloads import score_payload

# --- errors ------------------------------------------------------------------------------


class ProjectApiError(exceptions.APIException):
    def __init__(self, *, status_code: int, code: str, message: str) -> None:
        self.status_code = status_code
        super().__init__(detail=message, code=code)


class ProjectApiView(APIView):
    """``ProjectError`` and Django's ``ValidationError`` from a service become JSON errors."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, errors.ProjectError):
            exc = ProjectApiError(status_code=exc.status, code=exc.code, message=exc.message)
        elif isinstance(exc, DjangoValidationError):
            fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            exc = exceptions.ValidationError(fields)
        return super().handle_exception(exc)


class ProjectApiErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable; clients switch on it.")
    message = serializers.CharField(help_text="Translated for the request's language.")
    fields = serializers.DictField(required=False, help_text="Per-field problems of an invalid request body.")


class ProjectApiErrorSerializer(serializers.Serializer):
    error = ProjectApiErrorDetailSerializer()


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    text = {
        400: "Invalid input (`invalid`, `invalid_scores`, `invalid_weights`, `room_not_found`...).",
        401: "Not signed in.",
        403: "Your role does not allow it (`not_allowed` for viewers, `owner_only`).",
        404: "Not found: not in one of your workspaces, or no such id (`invite_invalid` for a dead link).",
        409: "Conflicts with the current state (`last_owner`, `room_taken`).",
    }
    return {c: OpenApiResponse(ProjectApiErrorSerializer, description=text[c]) for c in codes}


def _workspace(request: Request, workspace_id: int) -> Workspace:
    workspace = selectors.workspace_get_for_user(request.user, workspace_id)
    if workspace is None:
        raise exceptions.NotFound(_("You have no workspace with that id."))
    return workspace


def _idea(request: Request, idea_id: int) -> Idea:
    idea = selectors.idea_get_for_user(request.user, idea_id)
    if idea is None:
        raise exceptions.NotFound(_("You have no idea with that id."))
    return idea


def _member(workspace: Workspace, membership_id: int) -> Membership:
    membership = selectors.member_get(workspace, membership_id)
    if membership is None:
        raise errors.NotMember()
    return membership


# --- shared serializers -------------------------------------------------------------------


class StatSerializer(serializers.Serializer):
    mean = serializers.FloatField(help_text="0-100 for an axis, 1-5 for a criterion.")
    spread = serializers.FloatField(help_text="Population standard deviation over the evaluators.")
    count = serializers.IntegerField(help_text="Evaluators who scored it.")


class ReasonSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    label = serializers.CharField()
    axis = serializers.CharField(help_text="`feasibility` or `value`.")
    axis_label = serializers.CharField()
    points = serializers.FloatField(help_text="How far it moves its axis from the neutral 50 (+ up, - down).")
    mean = serializers.FloatField()
    data_backed = serializers.BooleanField()


class RecommendationSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, see docs/rubric.md.")
    params = serializers.DictField()
    text = serializers.CharField(help_text="The advice in the request's language.")


class TopicSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class ScoreSerializer(serializers.Serializer):
    evaluations = serializers.IntegerField()
    feasibility = StatSerializer(allow_null=True)
    value = StatSerializer(allow_null=True)
    quadrant = serializers.CharField(
        allow_null=True, help_text="`do_now`, `invest`, `quick_win`, `drop`, or null while unscored."
    )
    quadrant_label = serializers.CharField()
    priority = serializers.FloatField(allow_null=True, help_text="√(feasibility × value): the ranking order.")
    effort = serializers.FloatField(allow_null=True, help_text="0-100: engineering effort and data to collect.")
    flagged = serializers.BooleanField(help_text="Evaluators disagree: discuss it.")
    disagreements = TopicSerializer(many=True)
    criteria = serializers.DictField(child=StatSerializer())
    reasons = ReasonSerializer(many=True)
    recommendations = RecommendationSerializer(many=True)
    data_backed = serializers.BooleanField()
    evidence = serializers.DictField(allow_null=True)


class WorkspaceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="`company` or `workshop`.")
    description = serializers.CharField()
    my_role = serializers.CharField(help_text="`owner`, `evaluator` or `viewer`.")
    room_code = serializers.CharField(source="room.code", default=None, allow_null=True)
    accepts_student_ideas = serializers.BooleanField()
    idea_count = serializers.IntegerField(default=0)
    member_count = serializers.IntegerField(default=0)
    created_at = serializers.DateTimeField()


def _workspace_data(request: Request, workspace: Workspace) -> dict[str, Any]:
    """A workspace as its list shows it (role and counts read afresh)."""
    return WorkspaceOutputSerializer(_workspace(request, workspace.id)).data


class IdeaFieldsSerializer(serializers.Serializer):
    """The canvas; every field but the title may be left empty."""

    title = serializers.CharField(max_length=200)
    input_a = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text="The input A.")
    output_b = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text="The output B.")
    users = serializers.CharField(max_length=300, required=False, allow_blank=True, help_text="Who uses it.")
    pain_point = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    value_drivers = serializers.ListField(
        child=serializers.ChoiceField(choices=ValueDriver.choices), required=False, max_length=len(ValueDriver.values)
    )
    data_source = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    examples_on_hand = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    examples_per_month = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    label_cost = serializers.CharField(max_length=200, required=False, allow_blank=True)
    one_second_test = serializers.ChoiceField(
        choices=[("", "not done"), *OneSecondTest.choices], required=False, allow_blank=True
    )
    one_second_note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    performance_needed = serializers.CharField(max_length=300, required=False, allow_blank=True)
    performance_target = serializers.FloatField(min_value=0, max_value=1, required=False, allow_null=True)
    error_cost = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    risk_privacy = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    risk_bias = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    risk_explainability = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    risk_safety = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    task_scope = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    virtuous_cycle = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class IdeaOutputSerializer(IdeaFieldsSerializer):
    id = serializers.IntegerField()
    workspace = serializers.IntegerField(source="workspace_id")
    submitted_by = serializers.CharField(source="submitter_name")
    from_student = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class IdeaWithScoreSerializer(IdeaOutputSerializer):
    score = ScoreSerializer()


def _idea_data(idea: Idea, score: rubric.IdeaScore | None = None) -> dict[str, Any]:
    score = score if score is not None else selectors.idea_score(idea)
    return {**IdeaOutputSerializer(idea).data, "score": score_payload(score)}


# --- workspaces ----------------------------------------------------------------------------

#: ``kind`` is a plain string in the schema: other apps' ``kind`` fields hold other enums, and
#: drf-spectacular would name the enum components by field name and collide.
KIND_HELP = "`company` or `workshop`."


def _valid_kind(value: str) -> str:
    if value not in Workspace.Kind.values:
        raise serializers.ValidationError(_("Choose company or workshop."))
    return value


class WorkspaceListApi(ProjectApiView):
    class WorkspaceCreateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        kind = serializers.CharField(default=Workspace.Kind.COMPANY, help_text=KIND_HELP)

        def validate_kind(self, value: str) -> str:
            return _valid_kind(value)

        description = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")

    @extend_schema(responses=WorkspaceOutputSerializer(many=True), summary="Your workspaces")
    def get(self, request: Request) -> Response:
        return Response(WorkspaceOutputSerializer(selectors.workspaces_for_user(request.user), many=True).data)

    @extend_schema(
        request=WorkspaceCreateInputSerializer,
        responses={201: WorkspaceOutputSerializer, **_errors(400, 401)},
        summary="Create a workspace (you become its owner)",
    )
    def post(self, request: Request) -> Response:
        data = self.WorkspaceCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workspace = services.workspace_create(user=request.user, **data.validated_data)
        return Response(_workspace_data(request, workspace), status=status.HTTP_201_CREATED)


class WorkspaceDetailApi(ProjectApiView):
    class WorkspaceUpdateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120, required=False)
        kind = serializers.CharField(required=False, help_text=KIND_HELP)

        def validate_kind(self, value: str) -> str:
            return _valid_kind(value)

        description = serializers.CharField(max_length=1000, required=False, allow_blank=True)
        accepts_student_ideas = serializers.BooleanField(required=False)
        room_code = serializers.CharField(
            max_length=40, required=False, allow_blank=True, help_text="One of your quiz rooms; empty to unlink."
        )

    @extend_schema(responses={200: WorkspaceOutputSerializer, **_errors(401, 404)}, summary="A workspace")
    def get(self, request: Request, workspace_id: int) -> Response:
        return Response(WorkspaceOutputSerializer(_workspace(request, workspace_id)).data)

    @extend_schema(
        request=WorkspaceUpdateInputSerializer,
        responses={200: WorkspaceOutputSerializer, **_errors(400, 401, 403, 404, 409)},
        summary="Change a workspace (owners)",
    )
    def patch(self, request: Request, workspace_id: int) -> Response:
        workspace = _workspace(request, workspace_id)
        data = self.WorkspaceUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        room_code = fields.pop("room_code", None)
        workspace = services.workspace_update(workspace=workspace, user=request.user, **fields)
        if room_code is not None:
            workspace = services.workspace_link_room(workspace=workspace, user=request.user, code=room_code)
        return Response(_workspace_data(request, workspace))

    @extend_schema(responses={204: None, **_errors(401, 403, 404)}, summary="Delete a workspace and its ideas (owners)")
    def delete(self, request: Request, workspace_id: int) -> Response:
        services.workspace_delete(workspace=_workspace(request, workspace_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- members and invites -------------------------------------------------------------------


class MemberOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    role = serializers.CharField(help_text="`owner`, `evaluator` or `viewer`.")
    joined_at = serializers.DateTimeField()


class MemberListApi(ProjectApiView):
    @extend_schema(responses={200: MemberOutputSerializer(many=True), **_errors(401, 404)}, summary="Members")
    def get(self, request: Request, workspace_id: int) -> Response:
        workspace = _workspace(request, workspace_id)
        return Response(MemberOutputSerializer(selectors.members_of(workspace), many=True).data)


class MemberDetailApi(ProjectApiView):
    class MemberRoleInputSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(
        request=MemberRoleInputSerializer,
        responses={200: MemberOutputSerializer, **_errors(400, 401, 403, 404, 409)},
        summary="Change a member's role (owners; the last owner stays)",
    )
    def patch(self, request: Request, workspace_id: int, membership_id: int) -> Response:
        workspace = _workspace(request, workspace_id)
        data = self.MemberRoleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.member_set_role(
            workspace=workspace,
            user=request.user,
            membership=_member(workspace, membership_id),
            role=data.validated_data["role"],
        )
        return Response(MemberOutputSerializer(membership).data)

    @extend_schema(
        responses={204: None, **_errors(401, 403, 404, 409)},
        summary="Remove a member (owners), or leave (yourself); never the last owner",
    )
    def delete(self, request: Request, workspace_id: int, membership_id: int) -> Response:
        workspace = _workspace(request, workspace_id)
        services.member_remove(workspace=workspace, user=request.user, membership=_member(workspace, membership_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class InviteOutputSerializer(serializers.Serializer):
    role = serializers.CharField(help_text="`evaluator` or `viewer`.")
    token = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The link to share; opening it signed in joins.")
    created_at = serializers.DateTimeField()

    def get_url(self, invite: Invite) -> str:
        request = self.context.get("request")
        path = reverse("projects:invite", kwargs={"token": invite.token})
        return request.build_absolute_uri(path) if request else path


class InviteListApi(ProjectApiView):
    class InviteCreateInputSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=[(Role.EVALUATOR, "evaluator"), (Role.VIEWER, "viewer")])

    @extend_schema(responses={200: InviteOutputSerializer(many=True), **_errors(401, 403, 404)}, summary="Invite links")
    def get(self, request: Request, workspace_id: int) -> Response:
        workspace = _workspace(request, workspace_id)
        if selectors.role_of(workspace) != Role.OWNER:
            raise errors.OwnerOnly()
        invites = list(selectors.invites_of(workspace).values())
        return Response(InviteOutputSerializer(invites, many=True, context={"request": request}).data)

    @extend_schema(
        request=InviteCreateInputSerializer,
        responses={201: InviteOutputSerializer, **_errors(400, 401, 403, 404)},
        summary="Create or rotate the invite link of a role (owners); the old link stops working",
    )
    def post(self, request: Request, workspace_id: int) -> Response:
        workspace = _workspace(request, workspace_id)
        data = self.InviteCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invite = services.invite_rotate(workspace=workspace, user=request.user, role=data.validated_data["role"])
        return Response(InviteOutputSerializer(invite, context={"request": request}).data, status=201)


class InviteDetailApi(ProjectApiView):
    @extend_schema(responses={204: None, **_errors(401, 403, 404)}, summary="Switch off the invite link of a role")
    def delete(self, request: Request, workspace_id: int, role: str) -> Response:
        services.invite_revoke(workspace=_workspace(request, workspace_id), user=request.user, role=role)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InviteAcceptApi(ProjectApiView):
    @extend_schema(
        request=None,
        responses={200: WorkspaceOutputSerializer, **_errors(401, 404)},
        summary="Join a workspace with an invite token",
    )
    def post(self, request: Request, token: str) -> Response:
        invite = selectors.invite_get_by_token(token)
        if invite is None:
            raise errors.InviteInvalid()
        services.invite_accept(invite=invite, user=request.user)
        return Response(WorkspaceOutputSerializer(_workspace(request, invite.workspace_id)).data)


# --- ideas -----------------------------------------------------------------------------------


class IdeaListApi(ProjectApiView):
    @extend_schema(
        responses={200: IdeaWithScoreSerializer(many=True), **_errors(401, 404)},
        summary="A workspace's ideas, newest first, each with its score",
    )
    def get(self, request: Request, workspace_id: int) -> Response:
        workspace = _workspace(request, workspace_id)
        items = sorted(selectors.ranked_ideas(workspace), key=lambda item: (item.idea.created_at, item.idea.id))
        return Response([_idea_data(item.idea, item.score) for item in reversed(items)])

    @extend_schema(
        request=IdeaFieldsSerializer,
        responses={201: IdeaWithScoreSerializer, **_errors(400, 401, 403, 404)},
        summary="Put an idea on the canvas (owners and evaluators)",
    )
    def post(self, request: Request, workspace_id: int) -> Response:
        workspace = _workspace(request, workspace_id)
        data = IdeaFieldsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        idea = services.idea_create(workspace=workspace, user=request.user, **data.validated_data)
        return Response(_idea_data(idea), status=status.HTTP_201_CREATED)


class IdeaDetailApi(ProjectApiView):
    @extend_schema(responses={200: IdeaWithScoreSerializer, **_errors(401, 404)}, summary="An idea with its score")
    def get(self, request: Request, idea_id: int) -> Response:
        return Response(_idea_data(_idea(request, idea_id)))

    @extend_schema(
        request=IdeaFieldsSerializer(partial=True),
        responses={200: IdeaWithScoreSerializer, **_errors(400, 401, 403, 404)},
        summary="Change an idea (owners and evaluators); only the fields sent change",
    )
    def patch(self, request: Request, idea_id: int) -> Response:
        idea = _idea(request, idea_id)
        data = IdeaFieldsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        idea = services.idea_update(idea=idea, user=request.user, **data.validated_data)
        return Response(_idea_data(idea))

    @extend_schema(responses={204: None, **_errors(401, 403, 404)}, summary="Delete an idea (owners and evaluators)")
    def delete(self, request: Request, idea_id: int) -> Response:
        services.idea_delete(idea=_idea(request, idea_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
    from projects.payloads import evidence_payload

    view = selectors.idea_measurement(idea)
    if view is None:
        return None
    return {
        "sample": view["sample"],
        "job": view["job"],
        "answer": view["answer"],
        "evidence": evidence_payload(selectors.idea_data_evidence(idea)),
    }


class IdeaDataApi(ProjectApiView):
    """The idea's data sample: attach one (and measure its learning curve), read the measurement,
    measure again, or remove it."""

    parser_classes = [MultiPartParser, FormParser]

    class DataInputSerializer(serializers.Serializer):
        file = serializers.FileField(help_text="A CSV table or a zip with one folder of images per class")
        answer_column = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)

    @extend_schema(responses={200: MeasurementOutputSerializer, **_errors(401, 404)}, summary="The measurement")
    def get(self, request: Request, idea_id: int) -> Response:
        data = _measurement_data(_idea(request, idea_id))
        if data is None:
            raise exceptions.NotFound(_("This idea has no data sample."))
        return Response(data)

    @extend_schema(
        request={"multipart/form-data": DataInputSerializer},
        responses={201: MeasurementOutputSerializer, **_errors(400, 401, 403, 404)},
        summary="Attach a data sample (owners and evaluators); its learning curve starts measuring",
    )
    def post(self, request: Request, idea_id: int) -> Response:
        idea = _idea(request, idea_id)
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

    @extend_schema(responses={204: None, **_errors(401, 403, 404)}, summary="Remove the data sample")
    def delete(self, request: Request, idea_id: int) -> Response:
        services.idea_detach_data(idea=_idea(request, idea_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class IdeaMeasureApi(ProjectApiView):
    @extend_schema(
        request=None,
        responses={202: MeasurementOutputSerializer, **_errors(400, 401, 403, 404)},
        summary="Measure the data sample's learning curve again (e.g. after changing the target)",
    )
    def post(self, request: Request, idea_id: int) -> Response:
        idea = services.idea_measure_data(idea=_idea(request, idea_id), user=request.user)
        return Response(_measurement_data(idea), status=status.HTTP_202_ACCEPTED)


class EvaluationOutputSerializer(serializers.Serializer):
    idea = serializers.IntegerField(source="idea_id")
    scores = serializers.DictField(child=serializers.IntegerField(), help_text="{criterion: 1-5}")
    comment = serializers.CharField()
    updated_at = serializers.DateTimeField()


class MyEvaluationApi(ProjectApiView):
    class EvaluationInputSerializer(serializers.Serializer):
        scores = serializers.DictField(
            child=serializers.IntegerField(min_value=1, max_value=5, allow_null=True),
            help_text="{criterion: 1-5}; leave a criterion out (or null) to skip it. See /api/projects/criteria/.",
        )
        comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(
        responses={200: EvaluationOutputSerializer, **_errors(401, 404)},
        summary="Your evaluation of an idea (404 until you score it)",
    )
    def get(self, request: Request, idea_id: int) -> Response:
        evaluation = selectors.evaluation_get(_idea(request, idea_id), request.user)
        if evaluation is None:
            raise exceptions.NotFound(_("You have not scored this idea yet."))
        return Response(EvaluationOutputSerializer(evaluation).data)

    @extend_schema(
        request=EvaluationInputSerializer,
        responses={200: EvaluationOutputSerializer, **_errors(400, 401, 403, 404)},
        summary="Score an idea 1-5 per criterion (owners and evaluators); replaces your earlier scores",
    )
    def put(self, request: Request, idea_id: int) -> Response:
        idea = _idea(request, idea_id)
        data = self.EvaluationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = services.evaluation_upsert(idea=idea, user=request.user, **data.validated_data)
        return Response(EvaluationOutputSerializer(evaluation).data)

    @extend_schema(responses={204: None, **_errors(401, 403, 404)}, summary="Withdraw your evaluation")
    def delete(self, request: Request, idea_id: int) -> Response:
        services.evaluation_delete(idea=_idea(request, idea_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- scoring: criteria, weights, ranking, export ---------------------------------------------------


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


class CriteriaApi(ProjectApiView):
    @extend_schema(responses=CriterionOutputSerializer(many=True), summary="The rubric's criteria, in your language")
    def get(self, request: Request) -> Response:
        return Response(CriterionOutputSerializer(criteria_definitions(), many=True).data)


class WeightsApi(ProjectApiView):
    class WeightsInputSerializer(serializers.Serializer):
        weights = serializers.DictField(
            child=serializers.FloatField(min_value=0, max_value=rubric.MAX_WEIGHT),
            help_text="{criterion: 0-10}; missing criteria get their default. Each axis needs one weight above 0.",
        )

    @extend_schema(
        responses={200: CriterionOutputSerializer(many=True), **_errors(401, 404)},
        summary="The workspace's criteria with their weights",
    )
    def get(self, request: Request, workspace_id: int) -> Response:
        workspace = _workspace(request, workspace_id)
        definitions = criteria_definitions(selectors.workspace_weights(workspace))
        return Response(CriterionOutputSerializer(definitions, many=True).data)

    @extend_schema(
        request=WeightsInputSerializer,
        responses={200: CriterionOutputSerializer(many=True), **_errors(400, 401, 403, 404)},
        summary="Set the criterion weights (owners)",
    )
    def put(self, request: Request, workspace_id: int) -> Response:
        workspace = _workspace(request, workspace_id)
        data = self.WeightsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        weights = services.weights_update(
            workspace=workspace, user=request.user, weights=data.validated_data["weights"]
        )
        return Response(CriterionOutputSerializer(criteria_definitions(weights), many=True).data)


FILTER_PARAMETERS = [
    OpenApiParameter("quadrant", str, description="`do_now`, `invest`, `quick_win`, `drop` or `unscored`."),
    OpenApiParameter("driver", str, description="A value driver: " + ", ".join(ValueDriver.values) + "."),
    OpenApiParameter("flagged", bool, description="Only ideas whose evaluators disagree."),
    OpenApiParameter("students", bool, description="Only ideas students submitted from the linked room."),
    OpenApiParameter("q", str, description="Text in the title, A, B, users or pain point."),
]


class RankedIdeaSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="1 = best; ties share; null while unscored.")
    idea = IdeaWithScoreSerializer()


class RankingApi(ProjectApiView):
    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={200: RankedIdeaSerializer(many=True), **_errors(401, 404)},
        summary="The ranked list: best first by √(feasibility × value), with reasons and recommendations",
    )
    def get(self, request: Request, workspace_id: int) -> Response:
        workspace = _workspace(request, workspace_id)
        filters = selectors.IdeaFilters.from_query(request.query_params)
        ranked = selectors.ranked_ideas(workspace, filters)
        return Response([{"rank": item.rank, "idea": _idea_data(item.idea, item.score)} for item in ranked])


class RankingCsvApi(ProjectApiView):
    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={(200, "text/csv"): OpenApiResponse(description="UTF-8 with BOM"), **_errors(401, 404)},
        summary="The ranked list as CSV (UTF-8 with BOM, headers in your language, formula-injection safe)",
    )
    def get(self, request: Request, workspace_id: int) -> HttpResponse:
        workspace = _workspace(request, workspace_id)
        ranked = selectors.ranked_ideas(workspace, selectors.IdeaFilters.from_query(request.query_params))
        return ranking_response(ranked, workspace)
