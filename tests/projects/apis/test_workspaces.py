"""``projects.apis.workspaces``: login and token auth, creating, changing and linking a workspace, and the schema."""

import pytest
from rest_framework.authtoken.models import Token

from quizapp.live.rooms import room_create
from tests.projects.apis.support import as_user, error, patch, post

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_the_api_needs_a_login(client, idea):
    response = client.get("/api/projects/workspaces/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert error(response)["code"] == "not_authenticated"
    assert client.get(f"/api/projects/ideas/{idea.id}/").status_code == 401


def test_token_auth_works_for_scripts(client, owner, workspace):
    token = Token.objects.create(user=owner)
    response = client.get("/api/projects/workspaces/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert [w["id"] for w in response.json()] == [workspace.id]


def test_create_a_workspace_and_become_its_owner(client, outsider):
    response = post(as_user(client, outsider), "/api/projects/workspaces/", {"name": "Workshop", "kind": "workshop"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["kind"], body["my_role"], body["member_count"]) == ("Workshop", "workshop", "owner", 1)
    bad = post(client, "/api/projects/workspaces/", {"name": "", "kind": "club"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    assert set(error(bad)["fields"]) == {"name", "kind"}


def test_link_a_room_through_the_api(client, owner, workspace):
    room_create(owner=owner, code="WORKSHOP")
    api = as_user(client, owner)
    linked = patch(api, f"/api/projects/workspaces/{workspace.id}/", {"room_code": "workshop"})
    assert linked.json()["room_code"] == "WORKSHOP"
    missing = patch(api, f"/api/projects/workspaces/{workspace.id}/", {"room_code": "NOPE42"})
    assert missing.status_code == 422
    assert error(missing)["code"] == "room_not_found"


def test_the_openapi_schema_includes_the_canvas(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/projects/workspaces/{workspace_id}/ranking/" in paths
    assert "/api/projects/ideas/{idea_id}/evaluation/" in paths
