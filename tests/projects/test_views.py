"""Pages of the project canvas in Korean and English: workspaces, the ranked list and the quadrant
chart, the canvas form, the idea page and its evaluation form, members and invites, weights, and
students' ideas sent from a linked room (rate limited, hostile input shown as text)."""

import re

import pytest
from django.urls import reverse

from projects import services
from projects.models import Evaluation, Idea, Membership, Role, Workspace
from quizapp.live.rooms import room_create
from tests.projects.factories import FULL_SCORES, IdeaFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

LANGUAGES = ["ko", "en"]
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def page(client, url, language="en", **kwargs):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, **kwargs)
    return response, response.content.decode()


@pytest.fixture
def scored(workspace, owner, evaluator, idea):
    services.evaluation_upsert(idea=idea, user=owner, scores=FULL_SCORES)
    services.evaluation_upsert(idea=idea, user=evaluator, scores={**FULL_SCORES, "business_impact": 1, "frequency": 1})
    return idea


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_renders_in_both_languages(client, owner, workspace, scored, language):
    client.force_login(owner)
    urls = [
        reverse("projects:list"),
        reverse("projects:workspace", kwargs={"workspace_id": workspace.id}),
        reverse("projects:idea_new", kwargs={"workspace_id": workspace.id}),
        reverse("projects:members", kwargs={"workspace_id": workspace.id}),
        reverse("projects:weights", kwargs={"workspace_id": workspace.id}),
        reverse("projects:idea", kwargs={"idea_id": scored.id}),
        reverse("projects:idea_edit", kwargs={"idea_id": scored.id}),
        reverse("projects:student_code"),
    ]
    for url in urls:
        response, html = page(client, url, language)
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in html
    _response, html = page(client, reverse("projects:list"), language)
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    assert 'href="/projects/"' in nav  # the main navigation
    assert "Acme" in html


def test_the_home_page_links_to_the_canvas(client):
    _response, html = page(client, "/")
    assert reverse("projects:list") in html


def test_pages_need_a_login_and_hide_other_workspaces(client, outsider, workspace, idea):
    response = client.get(reverse("projects:workspace", kwargs={"workspace_id": workspace.id}))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(outsider)
    for url in (
        reverse("projects:workspace", kwargs={"workspace_id": workspace.id}),
        reverse("projects:workspace_csv", kwargs={"workspace_id": workspace.id}),
        reverse("projects:members", kwargs={"workspace_id": workspace.id}),
        reverse("projects:weights", kwargs={"workspace_id": workspace.id}),
        reverse("projects:idea_new", kwargs={"workspace_id": workspace.id}),
        reverse("projects:idea", kwargs={"idea_id": idea.id}),
        reverse("projects:idea_edit", kwargs={"idea_id": idea.id}),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("projects:idea_delete", kwargs={"idea_id": idea.id}),
        reverse("projects:idea_evaluate", kwargs={"idea_id": idea.id}),
        reverse("projects:workspace_delete", kwargs={"workspace_id": workspace.id}),
    ):
        assert client.post(url, {"c_frequency": "3"}).status_code == 404, url
    assert Idea.objects.filter(id=idea.id).exists()
    assert not Evaluation.objects.exists()


# --- the workspace page -------------------------------------------------------------------------------


def test_the_workspace_page_has_the_quadrant_ranking_reasons_and_flags(client, owner, workspace, scored):
    client.force_login(owner)
    response, html = page(client, reverse("projects:workspace", kwargs={"workspace_id": workspace.id}))
    assert response.status_code == 200
    svg = re.search(r"<svg[^>]*class=\"quadrant-chart\".*?</svg>", html, re.S).group(0)
    assert 'role="figure"' in svg
    assert '<title id="quadrant-title">' in svg
    assert '<desc id="quadrant-desc">' in svg
    assert "Route customer calls" in svg
    for label in ("Do now", "Invest in data or research", "Quick win", "Drop"):
        assert label in svg
    assert f'href="/projects/ideas/{scored.id}/"' in svg
    assert 'stroke-dasharray="4 3"' in svg  # flagged: evaluators disagree
    assert 'data-testid="quadrant-table"' in html  # the text alternative
    assert "Evaluators disagree" in html
    assert 'data-code="discuss_disagreement"' in html
    assert "One-second task +" in html  # a reason


def test_filters_narrow_the_list(client, owner, workspace, scored):
    other = IdeaFactory(workspace=workspace, user=owner, title="Unscored idea", value_drivers=["speed"])
    client.force_login(owner)
    url = reverse("projects:workspace", kwargs={"workspace_id": workspace.id})
    _r, html = page(client, url + "?quadrant=unscored")
    assert "Unscored idea" in html
    assert f'data-idea="{scored.id}"' not in html
    _r, html = page(client, url + "?flagged=1")
    assert f'data-idea="{other.id}"' not in html
    assert f'data-idea="{scored.id}"' in html
    _r, html = page(client, url + "?students=1")
    assert 'data-testid="idea-row"' not in html


def test_csv_from_the_page(client, viewer, workspace, scored):
    client.force_login(viewer)
    response = client.get(reverse("projects:workspace_csv", kwargs={"workspace_id": workspace.id}))
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")


# --- the canvas form and the idea page ------------------------------------------------------------


def test_create_an_idea_through_the_canvas_form(client, evaluator, workspace):
    client.force_login(evaluator)
    url = reverse("projects:idea_new", kwargs={"workspace_id": workspace.id})
    response = client.post(
        url,
        {
            "title": "Spam filter",
            "input_a": "an email",
            "output_b": "spam or not",
            "value_drivers": ["lower_cost", "quality"],
            "one_second_test": "yes",
            "examples_on_hand": "50000",
            "performance_target": "0.99",
        },
    )
    idea = Idea.objects.get(title="Spam filter")
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:idea", kwargs={"idea_id": idea.id}) + "#evaluate"
    assert idea.value_drivers == ["lower_cost", "quality"]
    assert idea.examples_on_hand == 50000
    assert idea.submitted_by == evaluator


def test_a_bad_canvas_form_is_explained_not_a_500(client, evaluator, workspace):
    client.force_login(evaluator)
    url = reverse("projects:idea_new", kwargs={"workspace_id": workspace.id})
    response = client.post(url, {"title": "", "performance_target": "7", "examples_on_hand": "-3"})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="error"') >= 3
    assert not Idea.objects.exists()


def test_a_viewer_gets_no_forms_and_cannot_post(client, viewer, workspace, idea):
    client.force_login(viewer)
    _r, html = page(client, reverse("projects:idea", kwargs={"idea_id": idea.id}))
    assert 'data-testid="evaluation-form"' not in html
    response = client.get(reverse("projects:idea_new", kwargs={"workspace_id": workspace.id}))
    assert response.status_code == 302
    client.post(reverse("projects:idea_evaluate", kwargs={"idea_id": idea.id}), {"c_frequency": "3"})
    client.post(reverse("projects:idea_delete", kwargs={"idea_id": idea.id}))
    assert Idea.objects.filter(id=idea.id).exists()
    assert not Evaluation.objects.exists()


def test_the_idea_page_is_a_printable_canvas_with_the_evaluation_form(client, owner, idea):
    client.force_login(owner)
    _r, html = page(client, reverse("projects:idea", kwargs={"idea_id": idea.id}))
    assert 'data-testid="canvas"' in html
    assert 'data-action="print"' in html
    assert "projects.css" in html
    assert html.count('class="pj-criterion"') == 11
    assert "No: it takes long thinking" in html  # the scale's anchors


def test_score_an_idea_through_the_form(client, owner, evaluator, idea):
    client.force_login(evaluator)
    form = {f"c_{key}": str(value) for key, value in FULL_SCORES.items()}
    form["c_frequency"] = ""  # skipped
    url = reverse("projects:idea_evaluate", kwargs={"idea_id": idea.id})
    response = client.post(url, {**form, "comment": "Clear task"})
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(evaluator=evaluator)
    assert "frequency" not in evaluation.scores
    assert evaluation.comment == "Clear task"
    _r, html = page(client, reverse("projects:idea", kwargs={"idea_id": idea.id}))
    assert 'data-testid="idea-quadrant"' in html
    assert "Clear task" in html
    bad = client.post(url, {"c_frequency": "9"})
    assert bad.status_code == 400
    empty = client.post(url, {}, HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 400
    assert "Score at least one criterion." in empty.content.decode()


# --- members, invites, weights -------------------------------------------------------------------


def test_owner_makes_an_invite_link_and_a_colleague_joins(client, owner, workspace):
    client.force_login(owner)
    client.post(reverse("projects:invite_rotate", kwargs={"workspace_id": workspace.id, "role": "evaluator"}))
    _r, html = page(client, reverse("projects:members", kwargs={"workspace_id": workspace.id}))
    link = re.search(r'data-testid="invite-evaluator"', html)
    assert link
    token = workspace.invites.get(role="evaluator").token
    colleague = UserFactory.create(username="colleague")
    client.force_login(colleague)
    invite_url = reverse("projects:invite", kwargs={"token": token})
    _r, html = page(client, invite_url)
    assert "Join as an evaluator" in html
    response = client.post(invite_url)
    assert response.status_code == 302
    assert Membership.objects.get(workspace=workspace, user=colleague).role == Role.EVALUATOR
    dead, html = page(client, reverse("projects:invite", kwargs={"token": "nope"}))
    assert dead.status_code == 404
    assert "no longer works" in html


def test_members_page_changes_roles_and_keeps_the_last_owner(client, owner, evaluator, workspace):
    client.force_login(owner)
    mine = Membership.objects.get(workspace=workspace, user=owner)
    theirs = Membership.objects.get(workspace=workspace, user=evaluator)
    client.post(
        reverse("projects:member_role", kwargs={"workspace_id": workspace.id, "membership_id": theirs.id}),
        {"role": "viewer"},
    )
    theirs.refresh_from_db()
    assert theirs.role == Role.VIEWER
    response = client.post(
        reverse("projects:member_role", kwargs={"workspace_id": workspace.id, "membership_id": mine.id}),
        {"role": "viewer"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "at least one owner" in response.content.decode()
    mine.refresh_from_db()
    assert mine.role == Role.OWNER


def test_weights_page_saves_and_resets(client, owner, evaluator, workspace):
    url = reverse("projects:weights", kwargs={"workspace_id": workspace.id})
    client.force_login(evaluator)
    _r, html = page(client, url)
    assert 'data-testid="save-weights"' not in html
    client.force_login(owner)
    form = {f"w_{key}": "1" for key in FULL_SCORES}
    assert client.post(url, {**form, "w_frequency": "7.5"}).status_code == 302
    workspace.refresh_from_db()
    assert workspace.weights["frequency"] == 7.5
    bad = client.post(url, {**form, "w_frequency": "12"})
    assert bad.status_code == 400
    zeros = client.post(
        url,
        {
            **form,
            **{f"w_{k}": "0" for k in ("business_impact", "pain_severity", "frequency", "strategic_fit", "error_cost")},
        },
    )
    assert zeros.status_code == 400
    client.post(url, {"reset": "1"})
    workspace.refresh_from_db()
    assert workspace.weights == {}


def test_create_a_workspace_from_the_list_page(client, outsider):
    client.force_login(outsider)
    response = client.post(reverse("projects:workspace_new"), {"name": "Workshop May", "kind": "workshop"})
    workspace = Workspace.objects.get(name="Workshop May")
    assert response["Location"] == reverse("projects:workspace", kwargs={"workspace_id": workspace.id})
    assert client.post(reverse("projects:workspace_new"), {"name": ""}).status_code == 400


# --- students in a linked room ---------------------------------------------------------------------


@pytest.fixture
def linked(workspace, owner):
    room = room_create(owner=owner, code="CANVAS")
    services.workspace_link_room(workspace=workspace, user=owner, code=room.code)
    return room


def student_form(**overrides):
    return {
        "nickname": "Kim",
        "title": "Receipt photo to category",
        "input_a": "a photo of a receipt",
        "output_b": "expense category",
        "users": "accountants",
        "pain_point": "typing receipts",
    } | overrides


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_student_reaches_the_form_by_room_code_and_sends_an_idea(client, linked, workspace, language):
    response = client.post(reverse("projects:student_code"), {"code": "can-vas"})
    assert response["Location"] == reverse("projects:student_submit", kwargs={"code": "CANVAS"})
    response, html = page(client, "/projects/submit/CANVAS/", language)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert "Acme" in html
    sent = client.post("/projects/submit/CANVAS/", student_form(), HTTP_ACCEPT_LANGUAGE=language)
    assert sent.status_code == 200
    assert 'data-testid="sent"' in sent.content.decode()
    idea = Idea.objects.get(workspace=workspace)
    assert (idea.submitted_by_nickname, idea.submitted_by) == ("Kim", None)


def test_a_typed_code_in_lower_case_is_redirected_to_the_room_code(client, linked):
    response = client.get("/projects/submit/canvas/")
    assert response.status_code == 302
    assert response["Location"] == "/projects/submit/CANVAS/"


def test_unknown_and_unlinked_rooms_are_explained(client, owner, linked):
    room_create(owner=owner, code="LONELY")
    assert client.get("/projects/submit/LONELY/").status_code == 404
    assert client.get("/projects/submit/NOSUCH/").status_code == 404
    response = client.post(reverse("projects:student_code"), {"code": "NOSUCH"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "not collecting AI project ideas" in response.content.decode()


def test_student_ideas_are_rate_limited(client, linked, workspace):
    statuses = [client.post("/projects/submit/CANVAS/", student_form(title=f"Idea {n}")).status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
    assert Idea.objects.filter(workspace=workspace).count() == 5


def test_room_code_guessing_is_throttled(client, settings):
    codes = [f"GUESS{n}" for n in range(25)]
    statuses = [client.post(reverse("projects:student_code"), {"code": code}) for code in codes]
    assert "Too many" in statuses[-1].content.decode() or "너무" in statuses[-1].content.decode()


def test_closed_rooms_take_no_ideas(client, owner, linked, workspace):
    services.workspace_update(workspace=workspace, user=owner, accepts_student_ideas=False)
    _r, html = page(client, "/projects/submit/CANVAS/")
    assert 'data-testid="student-form"' not in html
    client.post("/projects/submit/CANVAS/", student_form())
    assert not Idea.objects.exists()


def test_hostile_student_input_is_shown_as_text_everywhere(client, owner, linked, workspace):
    response = client.post(
        "/projects/submit/CANVAS/", student_form(nickname="<b>Park</b>", title=HOSTILE, input_a=HOSTILE)
    )
    assert response.status_code == 200
    idea = Idea.objects.get()
    assert idea.submitted_by_nickname == "<b>Park</b>"
    services.evaluation_upsert(idea=idea, user=owner, scores=FULL_SCORES)
    client.force_login(owner)
    for url in (
        reverse("projects:workspace", kwargs={"workspace_id": workspace.id}),
        reverse("projects:idea", kwargs={"idea_id": idea.id}),
    ):
        _r, html = page(client, url)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<b>Park</b>" not in html
        assert "&lt;script&gt;" in html
        assert "&lt;b&gt;Park&lt;/b&gt;" in html
    _r, html = page(
        client, reverse("projects:workspace", kwargs={"workspace_id": workspace.id}, query={"students": "1"})
    )
    assert "submitted by &lt;b&gt;Park&lt;/b&gt;" in html


def test_a_bad_nickname_is_explained(client, linked):
    response = client.post("/projects/submit/CANVAS/", student_form(nickname="\u200b\u202e"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "nickname" in response.content.decode()
    assert not Idea.objects.exists()
