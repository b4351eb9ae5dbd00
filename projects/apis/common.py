"""What the project-canvas API modules share: lookups through the caller's memberships, the
error texts of the schema, and the serializers of workspaces, ideas and their scores."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.request import Request

from core.apis import InputSerializer, error_responses, found_or_404
from projects import rubric, selectors
from projects.models import Idea, OneSecondTest, ValueDriver, Workspace
from projects.payloads import score_payload

ERROR_TEXT: dict[int, str] = {
    422: (
        "Refused (`invalid`, `invalid_scores`, `invalid_weights`, `room_not_found`, `no_data_sample`), "
        "or a data sample's refusal (`csv_*`, `zip_*`, `image_*`, `too_few_rows`, `one_class`, `too_few_for_curve`)."
    ),
    403: "Your role does not allow it (`not_allowed` for viewers, `owner_only`).",
    404: "Not found: not in one of your workspaces, or no such id (`invite_invalid` for a dead link).",
    409: "Conflicts with the current state (`last_owner`, `room_taken`).",
}


def project_errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """The schema's error responses, described as the project canvas answers them."""
    return error_responses(*statuses, text=ERROR_TEXT)


def workspace_for(request: Request, workspace_id: int) -> Workspace:
    return found_or_404(
        selectors.workspace_get_for_user(request.user, workspace_id), _("You have no workspace with that id.")
    )


def idea_for(request: Request, idea_id: int) -> Idea:
    return found_or_404(selectors.idea_get_for_user(request.user, idea_id), _("You have no idea with that id."))


# --- scores -------------------------------------------------------------------------------


class StatSerializer(serializers.Serializer):
    mean = serializers.FloatField(help_text="0-100 for an axis, 1-5 for a criterion.")
    spread = serializers.FloatField(help_text="Population standard deviation over the evaluators.")
    count = serializers.IntegerField(help_text="Evaluators who scored it.")


class ReasonSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    label = serializers.CharField()
    axis = serializers.CharField(help_text="`feasibility` or `value`.")
    axis_label = serializers.CharField()
    points = serializers.FloatField(help_text="How far it moves its axis from the neutral 50 (+ up, - down).")
    mean = serializers.FloatField()
    data_backed = serializers.BooleanField()


class RecommendationSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, see docs/rubric.md.")
    params = serializers.DictField()
    text = serializers.CharField(help_text="The advice in the request's language.")


class TopicSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class ScoreSerializer(serializers.Serializer):
    evaluations = serializers.IntegerField()
    feasibility = StatSerializer(allow_null=True)
    value = StatSerializer(allow_null=True)
    quadrant = serializers.CharField(
        allow_null=True, help_text="`do_now`, `invest`, `quick_win`, `drop`, or null while unscored."
    )
    quadrant_label = serializers.CharField()
    priority = serializers.FloatField(allow_null=True, help_text="√(feasibility × value): the ranking order.")
    effort = serializers.FloatField(allow_null=True, help_text="0-100: engineering effort and data to collect.")
    flagged = serializers.BooleanField(help_text="Evaluators disagree: discuss it.")
    disagreements = TopicSerializer(many=True)
    criteria = serializers.DictField(child=StatSerializer())
    reasons = ReasonSerializer(many=True)
    recommendations = RecommendationSerializer(many=True)
    data_backed = serializers.BooleanField()
    evidence = serializers.DictField(allow_null=True)


# --- workspaces ---------------------------------------------------------------------------


class WorkspaceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="`company` or `workshop`.")
    description = serializers.CharField()
    my_role = serializers.CharField(help_text="`owner`, `evaluator` or `viewer`.")
    room_code = serializers.CharField(source="room.code", default=None, allow_null=True)
    accepts_student_ideas = serializers.BooleanField()
    idea_count = serializers.IntegerField(default=0)
    member_count = serializers.IntegerField(default=0)
    created_at = serializers.DateTimeField()


def workspace_data(request: Request, workspace_id: int) -> dict[str, Any]:
    """A workspace as its list shows it (role and counts read afresh)."""
    return WorkspaceOutputSerializer(workspace_for(request, workspace_id)).data


# --- ideas --------------------------------------------------------------------------------


class IdeaFieldsSerializer(InputSerializer):
    """The canvas; every field but the title may be left empty."""

    title = serializers.CharField(max_length=200)
    input_a = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text="The input A.")
    output_b = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text="The output B.")
    users = serializers.CharField(max_length=300, required=False, allow_blank=True, help_text="Who uses it.")
    pain_point = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    value_drivers = serializers.ListField(
        child=serializers.ChoiceField(choices=ValueDriver.choices), required=False, max_length=len(ValueDriver.values)
    )
    data_source = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    examples_on_hand = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
    examples_per_month = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, allow_null=True)
    label_cost = serializers.CharField(max_length=200, required=False, allow_blank=True)
    one_second_test = serializers.ChoiceField(
        choices=[("", "not done"), *OneSecondTest.choices], required=False, allow_blank=True
    )
    one_second_note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    performance_needed = serializers.CharField(max_length=300, required=False, allow_blank=True)
    performance_target = serializers.FloatField(min_value=0, max_value=1, required=False, allow_null=True)
    error_cost = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    risk_privacy = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    risk_bias = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    risk_explainability = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    risk_safety = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    task_scope = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    virtuous_cycle = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class IdeaOutputSerializer(IdeaFieldsSerializer):
    id = serializers.IntegerField()
    workspace = serializers.IntegerField(source="workspace_id")
    submitted_by = serializers.CharField(source="submitter_name")
    from_student = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class IdeaWithScoreSerializer(IdeaOutputSerializer):
    score = ScoreSerializer()


def idea_data(idea: Idea, score: rubric.IdeaScore | None = None) -> dict[str, Any]:
    score = score if score is not None else selectors.idea_score(idea)
    return {**IdeaOutputSerializer(idea).data, "score": score_payload(score)}
