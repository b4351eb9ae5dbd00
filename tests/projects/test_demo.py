"""The demo workspace: the lecture's examples land where the lecture argues, and loading twice
changes nothing."""

import pytest

from accounts.services import demo_load_all
from projects import demo, rubric, selectors
from projects.models import Evaluation, Idea, Workspace

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

FEASIBLE = ("Call-centre routing", "Pedestrian detection", "Phone defect inspection", "Spam filtering", "Ad-click")
NOT_FEASIBLE = ("Empathetic consoling bot", "Understanding hand gestures")


@pytest.fixture
def loaded():
    instructor, _created = demo_load_all()
    return Workspace.objects.get(name=demo.DEMO_WORKSPACE), instructor


def by_english_name(ranked, name):
    return next(item for item in ranked if name in item.idea.title)


def test_the_demo_ideas_land_in_the_quadrants_the_lecture_argues(loaded):
    workspace, _instructor = loaded
    ranked = selectors.ranked_ideas(workspace)
    expected = {fields["title"]: quadrant for fields, _scores, quadrant in demo.IDEAS}
    for item in ranked:
        if item.idea.title in expected:
            assert item.score.quadrant == expected[item.idea.title], item.idea.title
            assert item.score.evaluations == 2
    for name in FEASIBLE:
        assert by_english_name(ranked, name).score.feasibility.mean >= rubric.FEASIBILITY_LINE, name
    for name in NOT_FEASIBLE:
        item = by_english_name(ranked, name)
        assert item.score.feasibility.mean < rubric.FEASIBILITY_LINE, name
        assert item.idea.one_second_test == "no"
        assert "scope_to_task" in [r.code for r in item.score.recommendations]
    assert by_english_name(ranked, "Spam filtering").score.flagged  # evaluators disagree on its value
    assert ranked[0].score.quadrant == rubric.DO_NOW


def test_the_demo_workspace_is_linked_to_the_demo_room_with_a_student_idea(loaded):
    workspace, instructor = loaded
    assert workspace.room.code == "MODULABS"
    student = Idea.objects.get(workspace=workspace, submitted_by_nickname=demo.STUDENT_NICKNAME)
    assert student.submitted_by is None
    assert selectors.workspace_get_for_user(instructor, workspace.id).my_role == "owner"


def test_loading_twice_creates_nothing(loaded):
    workspace, _instructor = loaded
    counts = (Idea.objects.count(), Evaluation.objects.count(), workspace.memberships.count())
    _instructor, created = demo_load_all()
    assert [item for item in created if "project" in item] == []
    assert (Idea.objects.count(), Evaluation.objects.count(), workspace.memberships.count()) == counts
    assert Workspace.objects.filter(name=demo.DEMO_WORKSPACE).count() == 1
