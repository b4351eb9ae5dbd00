"""``projects.apis.ideas``: ideas and evaluations, above all their permissions: a member of workspace A never
sees or changes workspace B's ideas (404, never 403); a viewer cannot write (403)."""

import pytest

from projects.models import Evaluation, Idea
from tests.projects.apis.support import as_user, error, patch, post, put
from tests.projects.factories import FULL_SCORES

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


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
    ("scores", "status"),  # 400: the schema says so (a score is 1 to 5); 422: the rubric's rule does
    [({"frequency": 6}, 400), ({"frequency": 0}, 400), ({"nope": 3}, 422), ({}, 422), ({"frequency": "high"}, 400)],
)
def test_bad_scores_are_refused_with_a_message(client, evaluator, idea, scores, status):
    response = put(
        as_user(client, evaluator),
        f"/api/projects/ideas/{idea.id}/evaluation/",
        {"scores": scores},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == status
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
