"""Fixtures of the project-canvas tests: people, two workspaces, ideas made through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from projects import services
from projects.models import Role

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


def make_user(name: str) -> User:
    return User.objects.create_user(name, password="a-long-password-1")


def add_member(workspace, user: User, role: str):
    invite = services.invite_rotate(workspace=workspace, user=workspace_owner(workspace), role=Role.EVALUATOR)
    membership = services.invite_accept(invite=invite, user=user)
    if role != Role.EVALUATOR:
        membership = services.member_set_role(
            workspace=workspace, user=workspace_owner(workspace), membership=membership, role=role
        )
    return membership


def workspace_owner(workspace) -> User:
    return workspace.memberships.filter(role=Role.OWNER).order_by("id").first().user


@pytest.fixture
def owner(db) -> User:
    return make_user("owner")


@pytest.fixture
def evaluator(db) -> User:
    return make_user("evaluator")


@pytest.fixture
def viewer(db) -> User:
    return make_user("viewer")


@pytest.fixture
def outsider(db) -> User:
    """Owner of workspace B, and evaluator in nothing of A's."""
    return make_user("outsider")


@pytest.fixture
def workspace(owner, evaluator, viewer):
    ws = services.workspace_create(user=owner, name="Acme", kind="company")
    add_member(ws, evaluator, Role.EVALUATOR)
    add_member(ws, viewer, Role.VIEWER)
    return ws


@pytest.fixture
def other_workspace(outsider):
    return services.workspace_create(user=outsider, name="Other Co", kind="company")


@pytest.fixture
def idea(workspace, owner):
    return services.idea_create(
        workspace=workspace,
        user=owner,
        title="Route customer calls",
        input_a="what the customer says",
        output_b="refunds / complaints / cancellations",
        value_drivers=["lower_cost", "speed"],
    )


@pytest.fixture
def other_idea(other_workspace, outsider):
    return services.idea_create(workspace=other_workspace, user=outsider, title="Secret idea of B")
