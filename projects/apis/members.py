"""Members of a workspace and the invite links that make new ones."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import AppApiView, InputSerializer
from projects import errors, selectors, services
from projects.apis.common import WorkspaceOutputSerializer, project_errors, workspace_data, workspace_for
from projects.models import Invite, Membership, Role, Workspace


def _member(workspace: Workspace, membership_id: int) -> Membership:
    membership = selectors.member_get(workspace, membership_id)
    if membership is None:
        raise errors.NotMember()
    return membership


class MemberOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    role = serializers.CharField(help_text="`owner`, `evaluator` or `viewer`.")
    joined_at = serializers.DateTimeField()


class MemberListApi(AppApiView):
    @extend_schema(responses={200: MemberOutputSerializer(many=True), **project_errors(401, 404)}, summary="Members")
    def get(self, request: Request, workspace_id: int) -> Response:
        workspace = workspace_for(request, workspace_id)
        return Response(MemberOutputSerializer(selectors.members_of(workspace), many=True).data)


class MemberDetailApi(AppApiView):
    class MemberRoleInputSerializer(InputSerializer):
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(
        request=MemberRoleInputSerializer,
        responses={200: MemberOutputSerializer, **project_errors(400, 422, 401, 403, 404, 409)},
        summary="Change a member's role (owners; the last owner stays)",
    )
    def patch(self, request: Request, workspace_id: int, membership_id: int) -> Response:
        workspace = workspace_for(request, workspace_id)
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
        responses={204: None, **project_errors(401, 403, 404, 409)},
        summary="Remove a member (owners), or leave (yourself); never the last owner",
    )
    def delete(self, request: Request, workspace_id: int, membership_id: int) -> Response:
        workspace = workspace_for(request, workspace_id)
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


class InviteListApi(AppApiView):
    class InviteCreateInputSerializer(InputSerializer):
        role = serializers.ChoiceField(choices=[(Role.EVALUATOR, "evaluator"), (Role.VIEWER, "viewer")])

    @extend_schema(
        responses={200: InviteOutputSerializer(many=True), **project_errors(401, 403, 404)}, summary="Invite links"
    )
    def get(self, request: Request, workspace_id: int) -> Response:
        workspace = workspace_for(request, workspace_id)
        if selectors.role_of(workspace) != Role.OWNER:
            raise errors.OwnerOnly()
        invites = list(selectors.invites_of(workspace).values())
        return Response(InviteOutputSerializer(invites, many=True, context={"request": request}).data)

    @extend_schema(
        request=InviteCreateInputSerializer,
        responses={201: InviteOutputSerializer, **project_errors(400, 422, 401, 403, 404)},
        summary="Create or rotate the invite link of a role (owners); the old link stops working",
    )
    def post(self, request: Request, workspace_id: int) -> Response:
        workspace = workspace_for(request, workspace_id)
        data = self.InviteCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invite = services.invite_rotate(workspace=workspace, user=request.user, role=data.validated_data["role"])
        return Response(InviteOutputSerializer(invite, context={"request": request}).data, status=201)


class InviteDetailApi(AppApiView):
    @extend_schema(
        responses={204: None, **project_errors(401, 403, 404)}, summary="Switch off the invite link of a role"
    )
    def delete(self, request: Request, workspace_id: int, role: str) -> Response:
        services.invite_revoke(workspace=workspace_for(request, workspace_id), user=request.user, role=role)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InviteAcceptApi(AppApiView):
    @extend_schema(
        request=None,
        responses={200: WorkspaceOutputSerializer, **project_errors(401, 404)},
        summary="Join a workspace with an invite token",
    )
    def post(self, request: Request, token: str) -> Response:
        invite = selectors.invite_get_by_token(token)
        if invite is None:
            raise errors.InviteInvalid()
        services.invite_accept(invite=invite, user=request.user)
        return Response(workspace_data(request, invite.workspace_id))
