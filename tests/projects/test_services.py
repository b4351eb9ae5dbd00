"""Services and selectors of the project canvas: roles, invites, members, ideas, evaluations,
weights, the ranked list and students' ideas from a linked room."""

import pytest
from django.core.exceptions import ValidationError

from projects import errors, rubric, selectors, services
from projects.models import Evaluation, Idea, Membership, Role
from quizapp.live.rooms import room_create
from tests.projects.factories import FULL_SCORES, IdeaFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


# --- workspaces and members ------------------------------------------------------------------------


def test_the_creator_is_the_first_owner(owner):
    workspace = services.workspace_create(user=owner, name="  Workshop 1 ", kind="workshop")
    assert workspace.name == "Workshop 1"
    assert Membership.objects.get(workspace=workspace).role == Role.OWNER
    found = selectors.workspace_get_for_user(owner, workspace.id)
    assert (found.my_role, found.idea_count, found.member_count) == ("owner", 0, 1)


def test_a_workspace_needs_a_valid_kind_and_a_name(owner):
    with pytest.raises(ValidationError):
        services.workspace_create(user=owner, name="x", kind="club")
    with pytest.raises(ValidationError):
        services.workspace_create(user=owner, name="   ")


def test_only_owners_change_or_delete_a_workspace(workspace, evaluator, owner):
    with pytest.raises(errors.OwnerOnly):
        services.workspace_update(workspace=workspace, user=evaluator, name="Mine now")
    with pytest.raises(errors.OwnerOnly):
        services.workspace_delete(workspace=workspace, user=evaluator)
    services.workspace_update(workspace=workspace, user=owner, name="Acme Korea", accepts_student_ideas=False)
    workspace.refresh_from_db()
    assert (workspace.name, workspace.accepts_student_ideas) == ("Acme Korea", False)


def test_an_invite_link_joins_with_its_role_and_rotating_kills_the_old_link(workspace, owner):
    first = services.invite_rotate(workspace=workspace, user=owner, role=Role.VIEWER)
    old_token = first.token
    second = services.invite_rotate(workspace=workspace, user=owner, role=Role.VIEWER)
    assert second.token != old_token
    assert selectors.invite_get_by_token(old_token) is None
    newcomer = UserFactory.create(username="newcomer")
    membership = services.invite_accept(invite=selectors.invite_get_by_token(second.token), user=newcomer)
    assert membership.role == Role.VIEWER
    services.invite_revoke(workspace=workspace, user=owner, role=Role.VIEWER)
    assert selectors.invite_get_by_token(second.token) is None


def test_joining_again_never_lowers_a_role(workspace, owner, evaluator):
    viewer_link = services.invite_rotate(workspace=workspace, user=owner, role=Role.VIEWER)
    assert services.invite_accept(invite=viewer_link, user=evaluator).role == Role.EVALUATOR
    assert services.invite_accept(invite=viewer_link, user=owner).role == Role.OWNER
    assert Membership.objects.filter(workspace=workspace, user=owner).count() == 1


def test_only_owners_make_invites(workspace, evaluator):
    with pytest.raises(errors.OwnerOnly):
        services.invite_rotate(workspace=workspace, user=evaluator, role=Role.EVALUATOR)
    with pytest.raises(errors.InvalidRole):
        services.invite_rotate(workspace=workspace, user=selectors_owner(workspace), role=Role.OWNER)


def selectors_owner(workspace):
    return workspace.memberships.get(role=Role.OWNER).user


def test_the_last_owner_can_neither_step_down_nor_be_removed(workspace, owner, evaluator):
    mine = Membership.objects.get(workspace=workspace, user=owner)
    with pytest.raises(errors.LastOwner):
        services.member_set_role(workspace=workspace, user=owner, membership=mine, role=Role.VIEWER)
    with pytest.raises(errors.LastOwner):
        services.member_remove(workspace=workspace, user=owner, membership=mine)
    theirs = Membership.objects.get(workspace=workspace, user=evaluator)
    services.member_set_role(workspace=workspace, user=owner, membership=theirs, role=Role.OWNER)
    services.member_set_role(workspace=workspace, user=owner, membership=mine, role=Role.EVALUATOR)
    assert set(workspace.memberships.values_list("user__username", "role")) >= {
        ("owner", "evaluator"),
        ("evaluator", "owner"),
    }


def test_members_may_leave_but_only_owners_remove_others(workspace, owner, evaluator, viewer):
    theirs = Membership.objects.get(workspace=workspace, user=viewer)
    with pytest.raises(errors.OwnerOnly):
        services.member_remove(workspace=workspace, user=evaluator, membership=theirs)
    services.member_remove(workspace=workspace, user=viewer, membership=theirs)
    assert not Membership.objects.filter(workspace=workspace, user=viewer).exists()
    assert selectors.workspace_get_for_user(viewer, workspace.id) is None


# --- ideas -------------------------------------------------------------------------------------------


def test_writers_create_update_and_delete_ideas_viewers_only_read(workspace, evaluator, viewer):
    idea = services.idea_create(
        workspace=workspace, user=evaluator, title=" Spam filter ", value_drivers=["speed", "lower_cost", "speed"]
    )
    assert idea.title == "Spam filter"
    assert idea.value_drivers == ["lower_cost", "speed"]  # known order, no repeats
    assert idea.submitter_name == "evaluator"
    for call in (
        lambda: services.idea_create(workspace=workspace, user=viewer, title="x"),
        lambda: services.idea_update(idea=idea, user=viewer, title="x"),
        lambda: services.idea_delete(idea=idea, user=viewer),
        lambda: services.evaluation_upsert(idea=idea, user=viewer, scores={"frequency": 3}),
    ):
        with pytest.raises(errors.NotAllowed):
            call()
    services.idea_update(idea=idea, user=evaluator, output_b="spam or not")
    services.idea_delete(idea=idea, user=evaluator)
    assert not Idea.objects.exists()


def test_idea_fields_are_validated(workspace, owner):
    with pytest.raises(ValidationError) as caught:
        services.idea_create(workspace=workspace, user=owner, title="x", value_drivers=["world_peace"])
    assert "value_drivers" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.idea_create(workspace=workspace, user=owner, title="x", one_second_test="maybe")
    with pytest.raises(ValidationError):
        services.idea_create(workspace=workspace, user=owner, title="x", performance_target=1.5)
    with pytest.raises(ValidationError):
        services.idea_create(workspace=workspace, user=owner, title="")


def test_ideas_of_other_workspaces_are_not_found(idea, other_idea, owner, outsider):
    assert selectors.idea_get_for_user(owner, other_idea.id) is None
    assert selectors.idea_get_for_user(outsider, idea.id) is None
    found = selectors.idea_get_for_user(owner, idea.id)
    assert found.workspace.my_role == Role.OWNER


# --- evaluations, weights and the ranking -----------------------------------------------------------


def test_an_evaluation_is_checked_by_the_rubric_and_replaced_not_duplicated(idea, evaluator):
    with pytest.raises(errors.InvalidScores) as caught:
        services.evaluation_upsert(idea=idea, user=evaluator, scores={"frequency": 9})
    assert "1" in caught.value.message
    with pytest.raises(errors.InvalidScores):
        services.evaluation_upsert(idea=idea, user=evaluator, scores={})
    services.evaluation_upsert(idea=idea, user=evaluator, scores={"frequency": 2, "clear_a_to_b": None})
    services.evaluation_upsert(idea=idea, user=evaluator, scores=FULL_SCORES, comment=" good ")
    evaluation = Evaluation.objects.get()
    assert evaluation.scores == FULL_SCORES
    assert evaluation.comment == "good"


def test_two_evaluators_give_a_mean_and_a_spread(idea, owner, evaluator):
    services.evaluation_upsert(idea=idea, user=owner, scores=FULL_SCORES)
    services.evaluation_upsert(idea=idea, user=evaluator, scores={**FULL_SCORES, "business_impact": 1})
    score = selectors.idea_score(idea)
    weights = rubric.default_weights()
    a = rubric.axis_score(FULL_SCORES, weights, rubric.VALUE)
    b = rubric.axis_score({**FULL_SCORES, "business_impact": 1}, weights, rubric.VALUE)
    assert score.evaluations == 2
    assert score.value.mean == pytest.approx((a + b) / 2)
    assert score.value.spread == pytest.approx(abs(a - b) / 2)
    assert score.criteria["business_impact"].mean == 2.5
    assert "business_impact" in score.disagreements


def test_only_current_writers_count(idea, owner, evaluator, workspace):
    services.evaluation_upsert(idea=idea, user=owner, scores=FULL_SCORES)
    services.evaluation_upsert(idea=idea, user=evaluator, scores={**FULL_SCORES, "business_impact": 1})
    membership = Membership.objects.get(workspace=workspace, user=evaluator)
    services.member_set_role(workspace=workspace, user=owner, membership=membership, role=Role.VIEWER)
    assert selectors.idea_score(idea).evaluations == 1
    assert Evaluation.objects.count() == 2  # kept, not counted


def test_weights_are_owner_only_validated_and_used(workspace, owner, evaluator, idea):
    services.evaluation_upsert(idea=idea, user=owner, scores={**FULL_SCORES, "frequency": 1, "business_impact": 5})
    before = selectors.idea_score(idea).value.mean
    with pytest.raises(errors.OwnerOnly):
        services.weights_update(workspace=workspace, user=evaluator, weights={"frequency": 5})
    with pytest.raises(errors.InvalidWeights) as caught:
        services.weights_update(workspace=workspace, user=owner, weights={"frequency": 11})
    assert "10" in caught.value.message
    with pytest.raises(errors.InvalidWeights):
        services.weights_update(
            workspace=workspace,
            user=owner,
            weights=dict.fromkeys([c.key for c in rubric.CRITERIA if c.axis == rubric.VALUE], 0),
        )
    saved = services.weights_update(workspace=workspace, user=owner, weights={"frequency": 10})
    assert saved["frequency"] == 10
    workspace.refresh_from_db()
    idea.workspace = workspace
    assert selectors.idea_score(idea).value.mean < before  # the low frequency weighs more now
    services.weights_reset(workspace=workspace, user=owner)
    workspace.refresh_from_db()
    assert selectors.workspace_weights(workspace) == rubric.default_weights()


def test_the_ranked_list_puts_the_best_first_and_keeps_ranks_under_filters(workspace, owner, evaluator):
    good = IdeaFactory(workspace=workspace, user=owner, title="Good", value_drivers=["quality"])
    weak = IdeaFactory(workspace=workspace, user=owner, title="Weak")
    unscored = IdeaFactory(workspace=workspace, user=owner, title="Not yet")
    services.evaluation_upsert(idea=good, user=owner, scores=FULL_SCORES)
    services.evaluation_upsert(idea=weak, user=owner, scores=dict.fromkeys(FULL_SCORES, 2))
    ranked = selectors.ranked_ideas(workspace)
    assert [(r.idea.title, r.rank) for r in ranked] == [("Good", 1), ("Weak", 2), ("Not yet", None)]
    assert ranked[0].score.quadrant == rubric.DO_NOW
    only_weak = selectors.ranked_ideas(workspace, selectors.IdeaFilters(quadrant=ranked[1].score.quadrant))
    assert [(r.idea.title, r.rank) for r in only_weak] == [("Weak", 2)]
    assert [r.idea.id for r in selectors.ranked_ideas(workspace, selectors.IdeaFilters(driver="quality"))] == [good.id]
    unscored_only = selectors.ranked_ideas(workspace, selectors.IdeaFilters(quadrant="unscored"))
    assert [r.idea.id for r in unscored_only] == [unscored.id]
    assert [r.idea.title for r in selectors.ranked_ideas(workspace, selectors.IdeaFilters(q="wEAk"))] == ["Weak"]


def test_the_ranked_list_takes_a_fixed_number_of_queries(workspace, owner, django_assert_max_num_queries):
    for n in range(6):
        idea = IdeaFactory(workspace=workspace, user=owner, title=f"Idea {n}")
        services.evaluation_upsert(idea=idea, user=owner, scores=FULL_SCORES)
    with django_assert_max_num_queries(3):
        assert len(selectors.ranked_ideas(workspace)) == 6


def test_filters_come_from_a_query_string_and_ignore_junk():
    filters = selectors.IdeaFilters.from_query(
        {"quadrant": "do_now", "driver": "speed", "flagged": "1", "students": "on", "q": " call "}
    )
    assert filters == selectors.IdeaFilters(quadrant="do_now", driver="speed", flagged=True, students=True, q="call")
    assert not selectors.IdeaFilters.from_query({"quadrant": "<script>", "driver": "x"}).active


def test_there_is_no_data_evidence_yet(idea):
    assert selectors.idea_data_evidence(idea) is None


# --- the linked room and students -------------------------------------------------------------------


@pytest.fixture
def room(owner):
    return room_create(owner=owner, code="IDEAS1")


def test_owners_link_only_their_own_room_and_one_workspace_per_room(workspace, owner, outsider, room):
    services.workspace_link_room(workspace=workspace, user=owner, code="ideas1")
    assert workspace.room == room
    other = WorkspaceFactory(owner=owner, name="Second")
    with pytest.raises(errors.RoomTaken):
        services.workspace_link_room(workspace=other, user=owner, code="IDEAS1")
    stranger_ws = WorkspaceFactory(owner=outsider, name="Stranger")
    with pytest.raises(errors.RoomNotYours):
        services.workspace_link_room(workspace=stranger_ws, user=outsider, code="IDEAS1")
    services.workspace_link_room(workspace=workspace, user=owner, code="")
    assert workspace.room is None


def test_a_student_submits_an_idea_by_nickname(workspace, owner, room):
    services.workspace_link_room(workspace=workspace, user=owner, code=room.code)
    assert selectors.workspace_for_room_code("ide-as1") == workspace
    idea = services.student_idea_submit(
        workspace=workspace,
        nickname="  Kim\u202e ",
        address="10.0.0.1",
        title="Receipt photo → category",
        input_a="a photo of a receipt",
        output_b="expense category",
    )
    assert idea.submitted_by is None
    assert idea.submitted_by_nickname == "Kim"  # the bidi override is gone
    assert idea.from_student
    with pytest.raises(errors.InvalidNickname):
        services.student_idea_submit(workspace=workspace, nickname="\u200b", address="x", title="t")


def test_student_ideas_are_rate_limited_and_can_be_closed(workspace, owner, room, settings):
    services.workspace_link_room(workspace=workspace, user=owner, code=room.code)
    for n in range(5):
        services.student_idea_submit(workspace=workspace, nickname="Lee", address="10.0.0.2", title=f"Idea {n}")
    with pytest.raises(errors.RateLimited):
        services.student_idea_submit(workspace=workspace, nickname="lee", address="10.0.0.2", title="One too many")
    services.student_idea_submit(workspace=workspace, nickname="Park", address="10.0.0.2", title="Someone else")
    services.workspace_update(workspace=workspace, user=owner, accepts_student_ideas=False)
    with pytest.raises(errors.SubmissionsClosed):
        services.student_idea_submit(workspace=workspace, nickname="Choi", address="10.0.0.3", title="Late")


def test_students_cannot_submit_without_a_linked_room(workspace):
    with pytest.raises(errors.SubmissionsClosed):
        services.student_idea_submit(workspace=workspace, nickname="Kim", address="1", title="x")
