"""factory_boy factories of the project-canvas tests. Workspaces, members and ideas are made
through ``projects.services`` (as people make them), so every object the tests use obeys the
services' rules: a workspace has its owner, a member joined by an invite link."""

from __future__ import annotations

import factory
from django.contrib.auth.models import User

from projects import services
from projects.models import Idea, Membership, Role, Workspace

PASSWORD = "a-long-password-1"

#: One evaluation that scores every criterion (a feasible, valuable idea).
FULL_SCORES = {
    "one_second_task": 5,
    "clear_a_to_b": 5,
    "enough_data": 4,
    "performance_reachable": 4,
    "engineering_effort": 2,
    "ethical_risk": 1,
    "business_impact": 4,
    "pain_severity": 4,
    "frequency": 5,
    "strategic_fit": 3,
    "error_cost": 2,
}


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"person{n}")
    password = factory.django.Password(PASSWORD)


def workspace_owner(workspace: Workspace) -> User:
    membership = workspace.memberships.filter(role=Role.OWNER).order_by("id").first()
    if membership is None:
        raise LookupError(f"workspace {workspace.id} has no owner")
    return membership.user


class WorkspaceFactory(factory.Factory):
    """``WorkspaceFactory(owner=user, name=..., kind=...)``: the owner creates it."""

    class Meta:
        model = Workspace

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Workspace {n}")
    kind = Workspace.Kind.COMPANY

    @classmethod
    def _create(cls, model_class: type[Workspace], owner: User, **fields) -> Workspace:
        return services.workspace_create(user=owner, **fields)


class MembershipFactory(factory.Factory):
    """``MembershipFactory(workspace=ws, user=user, role=Role.VIEWER)``: joined by the owner's invite link."""

    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.EVALUATOR

    @classmethod
    def _create(cls, model_class: type[Membership], workspace: Workspace, user: User, role: str) -> Membership:
        owner = workspace_owner(workspace)
        invite = services.invite_rotate(workspace=workspace, user=owner, role=Role.EVALUATOR)
        membership = services.invite_accept(invite=invite, user=user)
        if role != Role.EVALUATOR:
            membership = services.member_set_role(workspace=workspace, user=owner, membership=membership, role=role)
        return membership


class IdeaFactory(factory.Factory):
    """``IdeaFactory(workspace=ws, user=writer, title=..., **canvas)``; ``user`` defaults to the owner."""

    class Meta:
        model = Idea

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.LazyAttribute(lambda idea: workspace_owner(idea.workspace))
    title = factory.Sequence(lambda n: f"Idea {n}")

    @classmethod
    def _create(cls, model_class: type[Idea], workspace: Workspace, user: User, **fields) -> Idea:
        return services.idea_create(workspace=workspace, user=user, **fields)
