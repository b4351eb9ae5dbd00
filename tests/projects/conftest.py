"""Fixtures of the project-canvas tests: people, two workspaces, ideas (see ``factories``)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from projects.models import Role
from tests.projects.factories import IdeaFactory, MembershipFactory, UserFactory, WorkspaceFactory


@pytest.fixture
def owner(db) -> User:
    return UserFactory.create(username="owner")


@pytest.fixture
def evaluator(db) -> User:
    return UserFactory.create(username="evaluator")


@pytest.fixture
def viewer(db) -> User:
    return UserFactory.create(username="viewer")


@pytest.fixture
def outsider(db) -> User:
    """Owner of workspace B, and evaluator in nothing of A's."""
    return UserFactory.create(username="outsider")


@pytest.fixture
def workspace(owner, evaluator, viewer):
    ws = WorkspaceFactory(owner=owner, name="Acme")
    MembershipFactory(workspace=ws, user=evaluator, role=Role.EVALUATOR)
    MembershipFactory(workspace=ws, user=viewer, role=Role.VIEWER)
    return ws


@pytest.fixture
def other_workspace(outsider):
    return WorkspaceFactory(owner=outsider, name="Other Co")


@pytest.fixture
def idea(workspace, owner):
    return IdeaFactory(
        workspace=workspace,
        user=owner,
        title="Route customer calls",
        input_a="what the customer says",
        output_b="refunds / complaints / cancellations",
        value_drivers=["lower_cost", "speed"],
    )


@pytest.fixture
def other_idea(other_workspace, outsider):
    return IdeaFactory(workspace=other_workspace, user=outsider, title="Secret idea of B")
