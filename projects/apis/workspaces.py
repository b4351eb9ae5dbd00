"""Workspaces: list, create, read, change (and link a quiz room), delete."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import AppApiView, InputSerializer
from projects import selectors, services
from projects.apis.common import WorkspaceOutputSerializer, project_errors, workspace_data, workspace_for
from projects.models import Workspace

#: ``kind`` is a plain string in the schema: other apps' ``kind`` fields hold other enums, and
#: drf-spectacular would name the enum components by field name and collide.
KIND_HELP = "`company` or `workshop`."


@extend_schema_field({"type": "string", "pattern": "^(" + "|".join(Workspace.Kind.values) + ")$"})
class KindField(serializers.CharField):
    """The kind, checked by ``_valid_kind`` (its message says what to choose).

    A pattern in the schema, not an enum: drf-spectacular names enums by field name, and other
    components' ``kind`` fields hold other choices.
    """


def _valid_kind(value: str) -> str:
    if value not in Workspace.Kind.values:
        raise serializers.ValidationError(_("Choose company or workshop."))
    return value


class WorkspaceListApi(AppApiView):
    class WorkspaceCreateInputSerializer(InputSerializer):
        name = serializers.CharField(max_length=120)
        kind = KindField(default=Workspace.Kind.COMPANY, help_text=KIND_HELP)

        def validate_kind(self, value: str) -> str:
            return _valid_kind(value)

        description = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")

    @extend_schema(responses=WorkspaceOutputSerializer(many=True), summary="Your workspaces")
    def get(self, request: Request) -> Response:
        return Response(WorkspaceOutputSerializer(selectors.workspaces_for_user(request.user), many=True).data)

    @extend_schema(
        request=WorkspaceCreateInputSerializer,
        responses={201: WorkspaceOutputSerializer, **project_errors(400, 422, 401)},
        summary="Create a workspace (you become its owner)",
    )
    def post(self, request: Request) -> Response:
        data = self.WorkspaceCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workspace = services.workspace_create(user=request.user, **data.validated_data)
        return Response(workspace_data(request, workspace.id), status=status.HTTP_201_CREATED)


class WorkspaceDetailApi(AppApiView):
    class WorkspaceUpdateInputSerializer(InputSerializer):
        name = serializers.CharField(max_length=120, required=False)
        kind = KindField(required=False, help_text=KIND_HELP)

        def validate_kind(self, value: str) -> str:
            return _valid_kind(value)

        description = serializers.CharField(max_length=1000, required=False, allow_blank=True)
        accepts_student_ideas = serializers.BooleanField(required=False)
        room_code = serializers.CharField(
            max_length=40, required=False, allow_blank=True, help_text="One of your quiz rooms; empty to unlink."
        )

    @extend_schema(responses={200: WorkspaceOutputSerializer, **project_errors(401, 404)}, summary="A workspace")
    def get(self, request: Request, workspace_id: int) -> Response:
        return Response(WorkspaceOutputSerializer(workspace_for(request, workspace_id)).data)

    @extend_schema(
        request=WorkspaceUpdateInputSerializer,
        responses={200: WorkspaceOutputSerializer, **project_errors(400, 422, 401, 403, 404, 409)},
        summary="Change a workspace (owners)",
    )
    def patch(self, request: Request, workspace_id: int) -> Response:
        workspace = workspace_for(request, workspace_id)
        data = self.WorkspaceUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        room_code = fields.pop("room_code", None)
        workspace = services.workspace_update(workspace=workspace, user=request.user, **fields)
        if room_code is not None:
            workspace = services.workspace_link_room(workspace=workspace, user=request.user, code=room_code)
        return Response(workspace_data(request, workspace.id))

    @extend_schema(
        responses={204: None, **project_errors(401, 403, 404)}, summary="Delete a workspace and its ideas (owners)"
    )
    def delete(self, request: Request, workspace_id: int) -> Response:
        services.workspace_delete(workspace=workspace_for(request, workspace_id), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
