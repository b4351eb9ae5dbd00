"""Writes of the project canvas. Each service checks the caller's role itself (owner / evaluator
/ viewer), so a page and the API cannot disagree on who may do what. Objects passed in were
found through ``projects.selectors`` (so they are in one of the caller's workspaces)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import rate_limits
from mlcore.errors import MlError
from mlcore.models import Dataset, LearningCurveJob, Task
from mlcore.services import datasets
from mlcore.services.learning_curves import learning_curve_job_create
from projects import errors, rubric
from projects.criteria_text import rubric_error_message
from projects.models import (
    ROLE_RANK,
    WRITER_ROLES,
    Evaluation,
    Idea,
    Invite,
    Membership,
    Role,
    ValueDriver,
    Workspace,
)
from projects.selectors import membership_get
from quizapp.rules.nicknames import nickname_key, validate_nickname
from quizapp.selectors import room_get_for_host

#: Fields of the canvas a member may set (students set only a few, see ``STUDENT_FIELDS``).
IDEA_FIELDS = (
    "title",
    "input_a",
    "output_b",
    "users",
    "pain_point",
    "value_drivers",
    "data_source",
    "examples_on_hand",
    "examples_per_month",
    "label_cost",
    "one_second_test",
    "one_second_note",
    "performance_needed",
    "performance_target",
    "error_cost",
    "risk_privacy",
    "risk_bias",
    "risk_explainability",
    "risk_safety",
    "task_scope",
    "virtuous_cycle",
)
STUDENT_FIELDS = ("title", "input_a", "output_b", "users", "pain_point")

#: Student idea submissions: per address (a class behind one NAT shares it) and per room.
STUDENT_RATE_PER_ADDRESS = getattr(settings, "PROJECTS_STUDENT_IDEA_RATE_PER_ADDRESS", "30/m")
STUDENT_RATE_PER_ROOM = getattr(settings, "PROJECTS_STUDENT_IDEA_RATE_PER_ROOM", "300/m")
#: A student's own pace: ideas per nickname per minute.
STUDENT_RATE_PER_NICKNAME = getattr(settings, "PROJECTS_STUDENT_IDEA_RATE_PER_NICKNAME", "5/m")


# --------------------------------------------------------------------------- roles


def _role(workspace: Workspace, user: User) -> str | None:
    """The user's role, read afresh (never trusted from an object someone else looked up)."""
    membership = membership_get(workspace, user)
    return membership.role if membership else None


def _require_owner(workspace: Workspace, user: User) -> None:
    if _role(workspace, user) != Role.OWNER:
        raise errors.OwnerOnly()


def _require_writer(workspace: Workspace, user: User) -> None:
    if _role(workspace, user) not in WRITER_ROLES:
        raise errors.NotAllowed()


def _new_token() -> str:
    return secrets.token_urlsafe(24)


# --------------------------------------------------------------------------- workspaces


@transaction.atomic
def workspace_create(*, user: User, name: str, kind: str = Workspace.Kind.COMPANY, description: str = "") -> Workspace:
    """A new workspace; its creator is its first owner."""
    workspace = Workspace(name=name.strip(), kind=kind, description=description.strip())
    workspace.full_clean()
    workspace.save()
    Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    workspace.my_role = Role.OWNER
    return workspace


@transaction.atomic
def workspace_update(
    *,
    workspace: Workspace,
    user: User,
    name: str | None = None,
    kind: str | None = None,
    description: str | None = None,
    accepts_student_ideas: bool | None = None,
) -> Workspace:
    _require_owner(workspace, user)
    if name is not None:
        workspace.name = name.strip()
    if kind is not None:
        workspace.kind = kind
    if description is not None:
        workspace.description = description.strip()
    if accepts_student_ideas is not None:
        workspace.accepts_student_ideas = accepts_student_ideas
    workspace.full_clean(exclude=["room", "weights"])
    workspace.save()
    return workspace


@transaction.atomic
@transaction.atomic
def workspace_delete(*, workspace: Workspace, user: User) -> None:
    _require_owner(workspace, user)
    samples = [idea.data_sample for idea in workspace.ideas.exclude(data_sample=None).select_related("data_sample")]
    workspace.delete()
    _delete_unused_samples(samples)


@transaction.atomic
def workspace_link_room(*, workspace: Workspace, user: User, code: str) -> Workspace:
    """Link one of the owner's quiz rooms (students in it may then submit ideas), or unlink with
    an empty code."""
    _require_owner(workspace, user)
    if not code.strip():
        workspace.room = None
    else:
        room = room_get_for_host(user=user, code=code)
        if room is None:
            raise errors.RoomNotYours()
        if Workspace.objects.filter(room=room).exclude(id=workspace.id).exists():
            raise errors.RoomTaken()
        workspace.room = room
    workspace.save(update_fields=["room", "updated_at"])
    return workspace


@transaction.atomic
def weights_update(*, workspace: Workspace, user: User, weights: Mapping[str, Any]) -> dict[str, float]:
    """Store the workspace's criterion weights (owner only); returns them complete."""
    _require_owner(workspace, user)
    try:
        cleaned = rubric.clean_weights(weights)
    except rubric.RubricError as exc:
        raise errors.InvalidWeights(rubric_error_message(exc)) from None
    workspace.weights = cleaned
    workspace.save(update_fields=["weights", "updated_at"])
    return cleaned


@transaction.atomic
def weights_reset(*, workspace: Workspace, user: User) -> dict[str, float]:
    _require_owner(workspace, user)
    workspace.weights = {}
    workspace.save(update_fields=["weights", "updated_at"])
    return rubric.default_weights()


# --------------------------------------------------------------------------- members and invites


@transaction.atomic
def invite_rotate(*, workspace: Workspace, user: User, role: str) -> Invite:
    """The invite link for ``role`` (evaluator or viewer), with a fresh token: an older link for
    that role stops working."""
    _require_owner(workspace, user)
    if role not in (Role.EVALUATOR, Role.VIEWER):
        raise errors.InvalidRole()
    invite, created = Invite.objects.get_or_create(workspace=workspace, role=role, defaults={"token": _new_token()})
    if not created:
        invite.token = _new_token()
        invite.save(update_fields=["token"])
    return invite


@transaction.atomic
def invite_revoke(*, workspace: Workspace, user: User, role: str) -> None:
    _require_owner(workspace, user)
    Invite.objects.filter(workspace=workspace, role=role).delete()


@transaction.atomic
def invite_accept(*, invite: Invite, user: User) -> Membership:
    """Join the invite's workspace with its role; a member keeps a higher role they already have."""
    membership = Membership.objects.select_for_update().filter(workspace=invite.workspace, user=user).first()
    if membership is None:
        try:
            with transaction.atomic():
                return Membership.objects.create(workspace=invite.workspace, user=user, role=invite.role)
        except IntegrityError:  # joined twice at once: the first one stands
            membership = Membership.objects.get(workspace=invite.workspace, user=user)
    if ROLE_RANK[Role(invite.role)] > ROLE_RANK[Role(membership.role)]:
        membership.role = invite.role
        membership.save(update_fields=["role"])
    return membership


def _owners_after(workspace: Workspace, *, without: Membership) -> int:
    return Membership.objects.filter(workspace=workspace, role=Role.OWNER).exclude(id=without.id).count()


@transaction.atomic
def member_set_role(*, workspace: Workspace, user: User, membership: Membership, role: str) -> Membership:
    """Change a member's role (owner only); the last owner cannot step down."""
    _require_owner(workspace, user)
    if role not in Role.values:
        raise errors.InvalidRole()
    # Lock the workspace's owners so two owners demoting each other cannot leave none.
    list(Membership.objects.select_for_update().filter(workspace=workspace, role=Role.OWNER))
    if membership.role == Role.OWNER and role != Role.OWNER and _owners_after(workspace, without=membership) == 0:
        raise errors.LastOwner()
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def member_remove(*, workspace: Workspace, user: User, membership: Membership) -> None:
    """Remove a member (an owner may remove anyone; anyone may leave); never the last owner.
    Their evaluations stay stored but no longer count."""
    if membership.user_id != user.id:
        _require_owner(workspace, user)
    list(Membership.objects.select_for_update().filter(workspace=workspace, role=Role.OWNER))
    if membership.role == Role.OWNER and _owners_after(workspace, without=membership) == 0:
        raise errors.LastOwner()
    membership.delete()


# --------------------------------------------------------------------------- ideas


def _clean_drivers(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple) or any(v not in ValueDriver.values for v in value):
        raise ValidationError({"value_drivers": _("Choose value drivers from the list.")})
    return [v for v in ValueDriver.values if v in value]  # known order, no repeats


def _apply_fields(idea: Idea, fields: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"unknown idea field {name!r}")
        if name == "value_drivers":
            value = _clean_drivers(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(idea, name, value)


@transaction.atomic
def idea_create(*, workspace: Workspace, user: User, **fields: Any) -> Idea:
    """Put an idea on the canvas (owners and evaluators)."""
    _require_writer(workspace, user)
    idea = Idea(workspace=workspace, submitted_by=user)
    _apply_fields(idea, fields, IDEA_FIELDS)
    idea.full_clean(exclude=["workspace", "submitted_by"])
    idea.save()
    return idea


@transaction.atomic
def idea_update(*, idea: Idea, user: User, **fields: Any) -> Idea:
    _require_writer(idea.workspace, user)
    _apply_fields(idea, fields, IDEA_FIELDS)
    idea.full_clean(exclude=["workspace", "submitted_by"])
    idea.save()
    return idea


@transaction.atomic
@transaction.atomic
def idea_delete(*, idea: Idea, user: User) -> None:
    _require_writer(idea.workspace, user)
    sample = idea.data_sample
    idea.delete()
    _delete_unused_samples([sample] if sample is not None else [])


def _delete_unused_samples(samples: list[Any]) -> None:
    """Data samples go with the last idea that used them (they were uploaded for it)."""
    for sample in samples:
        if not sample.project_ideas.exists():
            datasets.dataset_delete(dataset=sample)


def rate_key(scope: str, *parts: object) -> str:
    """A cache key safe for any backend: what people typed (nicknames, addresses) is hashed."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:24]
    return f"projects:{scope}:{digest}"


def _student_rate_ok(workspace: Workspace, *, address: str, nickname_key: str) -> bool:
    room_id = workspace.room_id
    return (
        rate_limits.hit(rate_key("idea-address", address), STUDENT_RATE_PER_ADDRESS)
        and rate_limits.hit(rate_key("idea-room", room_id), STUDENT_RATE_PER_ROOM)
        and rate_limits.hit(rate_key("idea-nickname", room_id, nickname_key), STUDENT_RATE_PER_NICKNAME)
    )


@transaction.atomic
def student_idea_submit(*, workspace: Workspace, nickname: str, address: str, **fields: Any) -> Idea:
    """A student in the linked room puts an idea on the canvas, by nickname and without an account.

    The nickname is cleaned by the live quiz's rules (no invisible or direction-changing
    characters); submissions are rate limited per address, per room and per nickname.
    """
    if workspace.room_id is None or not workspace.accepts_student_ideas:
        raise errors.SubmissionsClosed()
    cleaned, problem = validate_nickname(nickname)
    if problem is not None or cleaned is None:
        raise errors.InvalidNickname()
    if not _student_rate_ok(workspace, address=address, nickname_key=nickname_key(cleaned)):
        raise errors.RateLimited()
    idea = Idea(workspace=workspace, submitted_by_nickname=cleaned)
    _apply_fields(idea, fields, STUDENT_FIELDS)
    idea.full_clean(exclude=["workspace", "submitted_by"])
    idea.save()
    return idea


# --------------------------------------------------------------------------- evaluations


@transaction.atomic
def evaluation_upsert(*, idea: Idea, user: User, scores: Mapping[str, Any], comment: str = "") -> Evaluation:
    """Store the user's scores of an idea (owners and evaluators), replacing their earlier ones."""
    _require_writer(idea.workspace, user)
    try:
        cleaned = rubric.clean_scores(scores)
    except rubric.RubricError as exc:
        raise errors.InvalidScores(rubric_error_message(exc)) from None
    comment = comment.strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": _("Keep the comment under 2,000 characters.")})
    evaluation, _created = Evaluation.objects.update_or_create(
        idea=idea, evaluator=user, defaults={"scores": cleaned, "comment": comment}
    )
    return evaluation


@transaction.atomic
def evaluation_delete(*, idea: Idea, user: User) -> None:
    _require_writer(idea.workspace, user)
    Evaluation.objects.filter(idea=idea, evaluator=user).delete()


# --- data-backed feasibility --------------------------------------------------------------------


def _data_refusal(exc: Any) -> errors.ProjectError:
    """An mlcore refusal (bad CSV, zip, too few rows, ...) as this app's error, same code and message."""
    error = errors.DataRejected(str(exc.message))
    error.code = exc.code
    return error


def _is_zip(filename: str, data: bytes) -> bool:
    return filename.lower().endswith(".zip") or data[:4] == b"PK\x03\x04"


def idea_attach_data(*, idea: Idea, user: User, filename: str, data: bytes, answer_column: str = "") -> Idea:
    """Attach a sample of the idea's A -> B data and start measuring its learning curve.

    A CSV is a table whose answer column (B) is ``answer_column`` (the last column when empty); a zip
    holds one folder of images per class. The sample becomes an mlcore data set owned by whoever
    attached it; members see the measurement through the idea. Checks and refusals are mlcore's.
    A refused sample (bad file, or too little data for a learning curve) is stored nowhere: the
    idea keeps the sample it had."""
    _require_writer(idea.workspace, user)
    name = f"{idea.title[:150]} · {_('data sample')}"
    dataset = _sample_create(owner=user, name=name, filename=filename, data=data, answer_column=answer_column)
    try:
        job = _curve_job_create(idea, dataset)
    except errors.ProjectError:
        datasets.dataset_delete(dataset=dataset)
        raise
    previous = idea.data_sample
    idea.data_sample, idea.learning_curve = dataset, job
    idea.save(update_fields=["data_sample", "learning_curve", "updated_at"])
    _delete_unused_samples([previous] if previous is not None else [])
    return idea


def _sample_create(*, owner: User, name: str, filename: str, data: bytes, answer_column: str) -> Dataset:
    """The checked data set of a sample, its answer column chosen; nothing is kept when refused."""
    try:
        if _is_zip(filename, data):
            return datasets.dataset_create_from_zip(owner=owner, name=name, data=data).dataset
        dataset = datasets.dataset_create_from_csv(owner=owner, name=name, data=data)
    except MlError as exc:
        raise _data_refusal(exc) from None
    column = answer_column.strip() or (dataset.columns[-1] if dataset.columns else "")
    try:
        datasets.dataset_configure_table(dataset=dataset, target=column)
    except MlError as exc:
        datasets.dataset_delete(dataset=dataset)
        raise _data_refusal(exc) from None
    return dataset


def _curve_job_create(idea: Idea, sample: Dataset) -> LearningCurveJob:
    """A queued learning curve of ``sample`` against the idea's target accuracy (mlcore refuses a
    sample too small for one)."""
    target = idea.performance_target if sample.task != Task.REGRESSION else None
    try:
        return learning_curve_job_create(owner=sample.owner, dataset=sample, target=target)
    except MlError as exc:
        raise _data_refusal(exc) from None


def idea_measure_data(*, idea: Idea, user: User) -> Idea:
    """(Re)measure the learning curve of the idea's data sample against its target accuracy.

    The job runs as the sample's owner (mlcore objects belong to one user); any writer of the
    workspace may ask for it."""
    _require_writer(idea.workspace, user)
    if idea.data_sample is None:
        raise errors.NoDataSample()
    idea.learning_curve = _curve_job_create(idea, idea.data_sample)
    idea.save(update_fields=["learning_curve", "updated_at"])
    return idea


def idea_detach_data(*, idea: Idea, user: User) -> Idea:
    """Take the data sample off the idea: the evaluators' judgement of the data counts again."""
    _require_writer(idea.workspace, user)
    sample = idea.data_sample
    idea.data_sample, idea.learning_curve = None, None
    idea.save(update_fields=["data_sample", "learning_curve", "updated_at"])
    _delete_unused_samples([sample] if sample is not None else [])
    return idea
