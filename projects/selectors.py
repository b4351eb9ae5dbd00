"""Reads of the project canvas. Every look-up goes through the user's memberships: a workspace,
idea or evaluation outside the user's workspaces is simply not found (pages and the API answer
404, never 403, so ids reveal nothing). Objects found carry ``my_role``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from mlcore.charts import learning_curve_svg
from mlcore.data_needed import answer_text, examples_needed_for
from mlcore.errors import message_for
from mlcore.models import JobState, Task
from projects import rubric
from projects.models import WRITER_ROLES, Evaluation, Idea, Invite, Membership, Role, ValueDriver, Workspace
from quizapp.selectors import room_get_by_code

# --------------------------------------------------------------------------- memberships


def _signed_in(user: User | AnonymousUser | None) -> bool:
    return user is not None and user.is_authenticated


def workspaces_for_user(user: User) -> QuerySet[Workspace]:
    """The user's workspaces, each with ``my_role``, ``idea_count`` and ``member_count``."""
    if not _signed_in(user):
        return Workspace.objects.none()
    ideas = Idea.objects.filter(workspace=OuterRef("pk")).order_by().values("workspace").annotate(n=Count("id"))
    members = Membership.objects.filter(workspace=OuterRef("pk")).order_by().values("workspace").annotate(n=Count("id"))
    return (
        Workspace.objects.filter(memberships__user=user)
        .annotate(
            my_role=F("memberships__role"),
            idea_count=Coalesce(Subquery(ideas.values("n")), 0),
            member_count=Coalesce(Subquery(members.values("n")), 0),
        )
        .select_related("room")
    )


def workspace_get_for_user(user: User, workspace_id: int) -> Workspace | None:
    return workspaces_for_user(user).filter(id=workspace_id).first()


def idea_get_for_user(user: User, idea_id: int) -> Idea | None:
    """The idea, if it is in one of the user's workspaces; ``idea.workspace.my_role`` is set."""
    if not _signed_in(user):
        return None
    idea = (
        Idea.objects.filter(id=idea_id, workspace__memberships__user=user)
        .annotate(my_role=F("workspace__memberships__role"))
        .select_related("workspace", "workspace__room", "submitted_by")
        .first()
    )
    if idea is not None:
        idea.workspace.my_role = idea.my_role
    return idea


def membership_get(workspace: Workspace, user: User) -> Membership | None:
    if not _signed_in(user):
        return None
    return Membership.objects.filter(workspace=workspace, user=user).first()


def members_of(workspace: Workspace) -> QuerySet[Membership]:
    return Membership.objects.filter(workspace=workspace).select_related("user").order_by("joined_at", "id")


def member_get(workspace: Workspace, membership_id: int) -> Membership | None:
    return members_of(workspace).filter(id=membership_id).first()


def invites_of(workspace: Workspace) -> dict[str, Invite]:
    return {invite.role: invite for invite in Invite.objects.filter(workspace=workspace)}


def invite_get_by_token(token: str) -> Invite | None:
    if not token or len(token) > 64:
        return None
    return Invite.objects.select_related("workspace").filter(token=token).first()


def workspace_for_room_code(code: str) -> Workspace | None:
    """The workspace linked to the room a student typed the code of (look-alikes forgiven)."""
    room = room_get_by_code(code)
    if room is None:
        return None
    return Workspace.objects.filter(room=room).select_related("room").first()


# --------------------------------------------------------------------------- evaluations and scores


def evaluation_get(idea: Idea, user: User) -> Evaluation | None:
    if not _signed_in(user):
        return None
    return Evaluation.objects.filter(idea=idea, evaluator=user).first()


def counted_evaluations(workspace: Workspace, ideas: Iterable[int] | None = None) -> QuerySet[Evaluation]:
    """The evaluations that count: by people who are owners or evaluators of the workspace now
    (someone removed, or made a viewer, no longer weighs in; their scores are kept)."""
    writers = Membership.objects.filter(workspace=workspace, role__in=WRITER_ROLES).values("user_id")
    evaluations = Evaluation.objects.filter(idea__workspace=workspace, evaluator_id__in=writers)
    if ideas is not None:
        evaluations = evaluations.filter(idea_id__in=list(ideas))
    return evaluations.select_related("evaluator").order_by("created_at", "id")


def idea_data_evidence(idea: Idea) -> rubric.DataEvidence | None:
    """What a learning curve measured on the idea's data sample, for the rubric.

    Only a finished measurement of a classifier with a target accuracy counts (the canvas's target is
    an accuracy); the examples on hand are what the canvas says exist, else the sample's size. Until
    then there is no measurement and the evaluators' judgement stands."""
    job = idea.learning_curve
    target = idea.performance_target
    if job is None or job.state != JobState.SUCCEEDED or not job.result or target is None:
        return None
    if job.task == Task.REGRESSION:
        return None
    answer = examples_needed_for(job.result, target)
    if answer["reachable"] is None:
        return None
    on_hand = idea.examples_on_hand if idea.examples_on_hand is not None else answer["examples_on_hand"]
    return rubric.DataEvidence(
        examples_on_hand=on_hand,
        examples_needed=answer["estimate"],
        needed_low=answer["low"],
        needed_high=answer["high"],
        target_metric=float(target),
        reachable=bool(answer["reachable"]),
    )


def idea_measurement(idea: Idea) -> dict[str, Any] | None:
    """The data sample and its learning curve as the idea page shows them: the job's state and
    progress, the answer in a sentence and the chart (server-side SVG), or ``None`` without a sample."""
    sample = idea.data_sample
    if sample is None:
        return None
    job = idea.learning_curve
    view: dict[str, Any] = {
        "sample": {"name": sample.name, "rows": sample.row_count, "kind": sample.kind, "task": sample.task},
        "job": None,
        "answer": "",
        "chart": "",
    }
    if job is None:
        return view
    view["job"] = {
        "id": job.id,
        "state": job.state,
        "progress": job.progress,
        "finished": job.finished,
        "error": message_for(job.error_code, job.error_params) if job.error_code else "",
    }
    if job.state == JobState.SUCCEEDED and job.result:
        target = idea.performance_target if job.task != Task.REGRESSION else None
        if target is not None:
            view["answer"] = answer_text(examples_needed_for(job.result, target))
        view["chart"] = learning_curve_svg(job.result, target=target, chart_id=f"idea-{idea.id}-curve")
    return view


def idea_facts(idea: Idea) -> rubric.IdeaFacts:
    return rubric.IdeaFacts(
        one_second_test=idea.one_second_test,
        task_scope=idea.task_scope,
        examples_per_month=idea.examples_per_month,
    )


def workspace_weights(workspace: Workspace) -> dict[str, float]:
    """The workspace's weights, complete; stored weights that no longer pass fall back to defaults."""
    try:
        return rubric.clean_weights(workspace.weights)
    except rubric.RubricError:
        return rubric.default_weights()


def _score(idea: Idea, evaluations: list[Evaluation], weights: dict[str, float]) -> rubric.IdeaScore:
    return rubric.score_idea(
        [_usable_scores(e.scores) for e in evaluations],
        weights=weights,
        evidence=idea_data_evidence(idea),
        facts=idea_facts(idea),
    )


def _usable_scores(raw: dict) -> dict[str, int]:
    """Stored scores as the rubric takes them (they were checked when saved; be lenient on read)."""
    return {
        k: v
        for k, v in (raw or {}).items()
        if k in rubric.CRITERIA_BY_KEY and isinstance(v, int) and rubric.SCORE_MIN <= v <= rubric.SCORE_MAX
    }


def idea_score(idea: Idea) -> rubric.IdeaScore:
    evaluations = list(counted_evaluations(idea.workspace, [idea.id]))
    return _score(idea, evaluations, workspace_weights(idea.workspace))


@dataclass(frozen=True)
class EvaluatorScores:
    """One counted evaluation with its evaluator's axis scores (``None`` where the rubric finds too
    few criteria scored for that axis)."""

    evaluation: Evaluation
    feasibility: float | None
    value: float | None

    @property
    def evaluator(self) -> User:
        return self.evaluation.evaluator

    @property
    def comment(self) -> str:
        return self.evaluation.comment


def idea_evaluations(idea: Idea) -> list[EvaluatorScores]:
    """The counted evaluations of one idea with each evaluator's axis scores (``feasibility``, ``value``)."""
    weights = workspace_weights(idea.workspace)
    evidence = idea_data_evidence(idea)
    result = []
    for evaluation in counted_evaluations(idea.workspace, [idea.id]):
        scores = rubric.apply_evidence(_usable_scores(evaluation.scores), evidence)
        result.append(
            EvaluatorScores(
                evaluation=evaluation,
                feasibility=rubric.axis_score(scores, weights, rubric.FEASIBILITY),
                value=rubric.axis_score(scores, weights, rubric.VALUE),
            )
        )
    return result


# --------------------------------------------------------------------------- the ranked list


UNSCORED = "unscored"


@dataclass(frozen=True)
class IdeaFilters:
    """What the ranked list and the quadrant show: a quadrant (or ``unscored``), a value driver,
    only ideas flagged for discussion, only ideas students submitted, and a text search."""

    quadrant: str = ""
    driver: str = ""
    flagged: bool = False
    students: bool = False
    q: str = ""

    @classmethod
    def from_query(cls, query) -> IdeaFilters:
        quadrant = query.get("quadrant", "")
        driver = query.get("driver", "")
        return cls(
            quadrant=quadrant if quadrant in (*rubric.QUADRANTS, UNSCORED) else "",
            driver=driver if driver in ValueDriver.values else "",
            flagged=query.get("flagged") in ("1", "true", "on"),
            students=query.get("students") in ("1", "true", "on"),
            q=(query.get("q") or "").strip()[:100],
        )

    @property
    def active(self) -> bool:
        return bool(self.quadrant or self.driver or self.flagged or self.students or self.q)

    def keeps(self, item: RankedIdea) -> bool:
        idea, score = item.idea, item.score
        if self.quadrant and (score.quadrant or UNSCORED) != self.quadrant:
            return False
        if self.driver and self.driver not in (idea.value_drivers or []):
            return False
        if self.flagged and not score.flagged:
            return False
        if self.students and not idea.from_student:
            return False
        if self.q:
            needle = self.q.casefold()
            haystack = " ".join([idea.title, idea.input_a, idea.output_b, idea.users, idea.pain_point]).casefold()
            if needle not in haystack:
                return False
        return True


@dataclass(frozen=True)
class RankedIdea:
    idea: Idea
    score: rubric.IdeaScore
    #: 1 = best among the workspace's scored ideas (ties share); ``None`` while unscored.
    rank: int | None


def ranked_ideas(workspace: Workspace, filters: IdeaFilters | None = None) -> list[RankedIdea]:
    """Every idea of the workspace with its aggregate score, best first (``rubric.rank_key``).
    Ranks are over all the workspace's ideas, so a filtered list keeps them. Three queries."""
    weights = workspace_weights(workspace)
    ideas = list(Idea.objects.filter(workspace=workspace).select_related("submitted_by").order_by("created_at", "id"))
    by_idea: dict[int, list[Evaluation]] = defaultdict(list)
    for evaluation in counted_evaluations(workspace):
        by_idea[evaluation.idea_id].append(evaluation)
    scored = [(idea, _score(idea, by_idea[idea.id], weights)) for idea in ideas]
    scored.sort(key=lambda pair: rubric.rank_key(pair[1]))
    ranked: list[RankedIdea] = []
    previous_key, previous_rank = None, 0
    for position, (idea, score) in enumerate(scored, start=1):
        rank = None
        if score.scored:
            key = rubric.rank_key(score)
            rank = previous_rank if key == previous_key else position
            previous_key, previous_rank = key, rank
        ranked.append(RankedIdea(idea=idea, score=score, rank=rank))
    if filters is not None and filters.active:
        ranked = [item for item in ranked if filters.keeps(item)]
    return ranked


def role_of(workspace: Workspace) -> str:
    """The signed-in user's role, as set by the look-ups above."""
    return getattr(workspace, "my_role", Role.VIEWER)
