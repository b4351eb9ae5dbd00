"""``projects.apis.members``: invite links, joining, roles, and the last owner who stays."""

import pytest

from projects.models import Membership, Role
from tests.projects.apis.support import as_user, error, patch, post
from tests.projects.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_invite_join_flow(client, owner, workspace):
    api = as_user(client, owner)
    link = post(api, f"/api/projects/workspaces/{workspace.id}/invites/", {"role": "evaluator"}).json()
    assert link["url"].endswith(f"/projects/join/{link['token']}/")
    newcomer = UserFactory.create(username="newcomer")
    client.force_login(newcomer)
    assert client.get(f"/api/projects/workspaces/{workspace.id}/").status_code == 404
    joined = post(client, f"/api/projects/invites/{link['token']}/accept/")
    assert joined.status_code == 200, joined.json()
    assert joined.json()["my_role"] == "evaluator"
    assert client.get(f"/api/projects/workspaces/{workspace.id}/").status_code == 200

    client.force_login(owner)
    rotated = post(client, f"/api/projects/workspaces/{workspace.id}/invites/", {"role": "evaluator"}).json()
    assert rotated["token"] != link["token"]
    late = UserFactory.create(username="late")
    client.force_login(late)
    dead = post(client, f"/api/projects/invites/{link['token']}/accept/", HTTP_ACCEPT_LANGUAGE="en")
    assert dead.status_code == 404
    assert error(dead)["code"] == "invite_invalid"


def test_owners_manage_members_and_the_last_owner_stays(client, owner, evaluator, workspace):
    api = as_user(client, owner)
    members = api.get(f"/api/projects/workspaces/{workspace.id}/members/").json()
    by_name = {m["username"]: m for m in members}
    assert by_name["owner"]["role"] == "owner"
    mine, theirs = by_name["owner"]["id"], by_name["evaluator"]["id"]
    last = patch(api, f"/api/projects/workspaces/{workspace.id}/members/{mine}/", {"role": "viewer"})
    assert last.status_code == 409
    assert error(last)["code"] == "last_owner"
    assert api.delete(f"/api/projects/workspaces/{workspace.id}/members/{mine}/").status_code == 409
    changed = patch(api, f"/api/projects/workspaces/{workspace.id}/members/{theirs}/", {"role": "viewer"})
    assert changed.json()["role"] == "viewer"
    assert api.delete(f"/api/projects/workspaces/{workspace.id}/members/{theirs}/").status_code == 204
    assert not Membership.objects.filter(workspace=workspace, user=evaluator).exists()
    assert api.delete(f"/api/projects/workspaces/{workspace.id}/members/999999/").status_code == 404


def test_an_evaluator_cannot_manage_members(client, evaluator, viewer, workspace):
    api = as_user(client, evaluator)
    theirs = Membership.objects.get(workspace=workspace, user=viewer).id
    response = patch(api, f"/api/projects/workspaces/{workspace.id}/members/{theirs}/", {"role": "owner"})
    assert response.status_code == 403
    assert Membership.objects.get(id=theirs).role == Role.VIEWER
