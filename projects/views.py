"""Pages of the project canvas: workspaces, the ranked list and quadrant, the idea canvas and its
evaluation, members and invites, weights, and the students' idea form (no account).

Views parse a form, call one service and redirect (POST), or render what a selector returns (GET).
Anything outside the user's workspaces is a 404; a refusal by role is a message (403 on the API).
"""

from __future__ import annotations

import logging
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import rate_limits
from core.auth import signed_in_user
from projects import errors, rubric, selectors, services
from projects.charts import quadrant_svg
from projects.criteria_text import DATA_BACKED_NOTE, QUADRANT_HELP, QUADRANT_LABELS, TEXT, UNSCORED_LABEL
from projects.exports import ranking_response
from projects.forms import (
    DataSampleForm,
    EvaluationForm,
    IdeaForm,
    RoleForm,
    RoomLinkForm,
    StudentIdeaForm,
    SubmitCodeForm,
    WeightsForm,
    WorkspaceForm,
    WorkspaceSettingsForm,
)
from projects.models import Idea, Role, ValueDriver, Workspace
from projects.payloads import score_payload

logger = logging.getLogger(__name__)

#: Wrong room codes typed on the student idea form, per address (guessing is throttled).
CODE_GUESS_RATE = getattr(settings, "QUIZ_CODE_GUESS_RATE", "20/m")


# --- look-ups --------------------------------------------------------------------------------------


def _workspace(request: HttpRequest, workspace_id: int) -> Workspace:
    workspace = selectors.workspace_get_for_user(signed_in_user(request), workspace_id)
    if workspace is None:
        raise Http404(_("You have no workspace with that id."))
    return workspace


def _idea(request: HttpRequest, idea_id: int) -> Idea:
    idea = selectors.idea_get_for_user(signed_in_user(request), idea_id)
    if idea is None:
        raise Http404(_("You have no idea with that id."))
    return idea


def _refused(request: HttpRequest, exc: errors.ProjectError | ValidationError) -> None:
    text = exc.message if isinstance(exc, errors.ProjectError) else " ".join(exc.messages)
    messages.error(request, text)


def _role_flags(workspace: Workspace) -> dict[str, bool]:
    role = selectors.role_of(workspace)
    return {"is_owner": role == Role.OWNER, "can_write": role in (Role.OWNER, Role.EVALUATOR)}


def _idea_url(item: selectors.RankedIdea) -> str:
    return reverse("projects:idea", kwargs={"idea_id": item.idea.id})


def _student_url(request: HttpRequest, workspace: Workspace) -> str | None:
    if workspace.room is None:
        return None
    return request.build_absolute_uri(reverse("projects:student_submit", kwargs={"code": workspace.room.code}))


# --- workspaces ----------------------------------------------------------------------------------


@login_required
@require_GET
def workspace_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "projects/workspace_list.html",
        {"workspaces": selectors.workspaces_for_user(signed_in_user(request)), "form": WorkspaceForm()},
    )


@login_required
@require_POST
def workspace_new(request: HttpRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "projects/workspace_list.html",
            {"workspaces": selectors.workspaces_for_user(signed_in_user(request)), "form": form},
            status=400,
        )
    workspace = services.workspace_create(user=signed_in_user(request), **form.cleaned_data)
    messages.success(
        request, _("Workspace “%(name)s” is ready. Put your first idea on the canvas.") % {"name": workspace.name}
    )
    return redirect("projects:workspace", workspace_id=workspace.id)


@login_required
@require_GET
def workspace_detail(request: HttpRequest, workspace_id: int) -> HttpResponse:
    """The ranked list with reasons and recommendations, and the quadrant chart."""
    workspace = _workspace(request, workspace_id)
    filters = selectors.IdeaFilters.from_query(request.GET)
    ranked = selectors.ranked_ideas(workspace, filters)
    rows = [{"item": item, "score": score_payload(item.score)} for item in ranked]
    placed = [row for item, row in zip(ranked, rows, strict=True) if item.score.scored]
    return render(
        request,
        "projects/workspace_detail.html",
        {
            "workspace": workspace,
            **_role_flags(workspace),
            "rows": rows,
            "placed": placed,
            "unscored": [row for item, row in zip(ranked, rows, strict=True) if not item.score.scored],
            "chart": quadrant_svg(
                ranked,
                chart_id="quadrant",
                href=_idea_url,
                title=_("Ideas of %(workspace)s by ML feasibility and business value") % {"workspace": workspace.name},
            ),
            "filters": filters,
            "quadrant_choices": [*QUADRANT_LABELS.items(), (selectors.UNSCORED, UNSCORED_LABEL)],
            "quadrant_help": [(key, QUADRANT_LABELS[key], QUADRANT_HELP[key]) for key in rubric.QUADRANTS],
            "driver_choices": ValueDriver.choices,
            "csv_query": request.GET.urlencode(),
            "student_url": _student_url(request, workspace),
            "flag_threshold": rubric.AXIS_SPREAD_FLAG,
        },
    )


@login_required
@require_GET
def workspace_csv(request: HttpRequest, workspace_id: int) -> HttpResponse:
    workspace = _workspace(request, workspace_id)
    ranked = selectors.ranked_ideas(workspace, selectors.IdeaFilters.from_query(request.GET))
    return ranking_response(ranked, workspace)


@login_required
@require_http_methods(["GET", "POST"])
def workspace_weights(request: HttpRequest, workspace_id: int) -> HttpResponse:
    workspace = _workspace(request, workspace_id)
    flags = _role_flags(workspace)
    form = WeightsForm(request.POST or None, weights=selectors.workspace_weights(workspace))
    if request.method == "POST":
        try:
            if "reset" in request.POST:
                services.weights_reset(workspace=workspace, user=signed_in_user(request))
                messages.success(request, _("The weights are back to their defaults."))
                return redirect("projects:weights", workspace_id=workspace.id)
            if form.is_valid():
                services.weights_update(workspace=workspace, user=signed_in_user(request), weights=form.weights())
                messages.success(request, _("Weights saved. The ranking uses them now."))
                return redirect("projects:workspace", workspace_id=workspace.id)
        except errors.ProjectError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "projects/weights.html",
        {
            "workspace": workspace,
            **flags,
            "form": form,
            "max_weight": int(rubric.MAX_WEIGHT),
            "axis_spread": int(rubric.AXIS_SPREAD_FLAG),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET"])
def workspace_members(request: HttpRequest, workspace_id: int) -> HttpResponse:
    """Members, roles and invite links; the linked room and its students' idea link; settings."""
    workspace = _workspace(request, workspace_id)
    flags = _role_flags(workspace)
    invites = selectors.invites_of(workspace) if flags["is_owner"] else {}
    student_url = _student_url(request, workspace)
    return render(
        request,
        "projects/members.html",
        {
            "workspace": workspace,
            **flags,
            "members": selectors.members_of(workspace),
            "owner_count": selectors.members_of(workspace).filter(role=Role.OWNER).count(),
            "role_choices": Role.choices,
            "invites": [
                {
                    "role": role,
                    "label": label,
                    "invite": invites.get(role),
                    "url": request.build_absolute_uri(reverse("projects:invite", kwargs={"token": invites[role].token}))
                    if role in invites
                    else None,
                }
                for role, label in ((Role.EVALUATOR, _("Evaluators")), (Role.VIEWER, _("Viewers")))
            ],
            "settings_form": WorkspaceSettingsForm(
                initial={
                    "name": workspace.name,
                    "kind": workspace.kind,
                    "description": workspace.description,
                    "accepts_student_ideas": workspace.accepts_student_ideas,
                }
            ),
            "room_form": RoomLinkForm(initial={"code": workspace.room.code if workspace.room else ""}),
            "student_url": student_url,
            "student_qr": segno.make(student_url, error="m").svg_inline(scale=6, omitsize=True) if student_url else "",
        },
    )


@login_required
@require_POST
def workspace_settings(request: HttpRequest, workspace_id: int) -> HttpResponse:
    workspace = _workspace(request, workspace_id)
    form = WorkspaceSettingsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the workspace a name."))
    else:
        try:
            services.workspace_update(workspace=workspace, user=signed_in_user(request), **form.cleaned_data)
        except (errors.ProjectError, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Settings saved."))
    return redirect("projects:members", workspace_id=workspace.id)


@login_required
@require_POST
def workspace_room(request: HttpRequest, workspace_id: int) -> HttpResponse:
    workspace = _workspace(request, workspace_id)
    form = RoomLinkForm(request.POST)
    code = form.cleaned_data["code"] if form.is_valid() else ""
    try:
        services.workspace_link_room(workspace=workspace, user=signed_in_user(request), code=code)
    except errors.ProjectError as exc:
        _refused(request, exc)
    else:
        if workspace.room:
            messages.success(
                request, _("Room %(code)s is linked: its students can send ideas.") % {"code": workspace.room.code}
            )
        else:
            messages.success(request, _("No room is linked now."))
    return redirect("projects:members", workspace_id=workspace.id)


@login_required
@require_POST
def workspace_delete(request: HttpRequest, workspace_id: int) -> HttpResponse:
    workspace = _workspace(request, workspace_id)
    try:
        services.workspace_delete(workspace=workspace, user=signed_in_user(request))
    except errors.ProjectError as exc:
        _refused(request, exc)
        return redirect("projects:members", workspace_id=workspace.id)
    messages.success(request, _("The workspace and its ideas were deleted."))
    return redirect("projects:list")


@login_required
@require_POST
def member_role(request: HttpRequest, workspace_id: int, membership_id: int) -> HttpResponse:
    workspace = _workspace(request, workspace_id)
    membership = selectors.member_get(workspace, membership_id)
    form = RoleForm(request.POST)
    if membership is None:
        raise Http404(_("That person is not a member of this workspace."))
    if form.is_valid():
        try:
            services.member_set_role(
                workspace=workspace, user=signed_in_user(request), membership=membership, role=form.cleaned_data["role"]
            )
        except errors.ProjectError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("%(name)s's role is changed.") % {"name": membership.user.get_username()})
    return redirect("projects:members", workspace_id=workspace.id)


@login_required
@require_POST
def member_remove(request: HttpRequest, workspace_id: int, membership_id: int) -> HttpResponse:
    workspace = _workspace(request, workspace_id)
    membership = selectors.member_get(workspace, membership_id)
    if membership is None:
        raise Http404(_("That person is not a member of this workspace."))
    leaving = membership.user_id == signed_in_user(request).id
    try:
        services.member_remove(workspace=workspace, user=signed_in_user(request), membership=membership)
    except errors.ProjectError as exc:
        _refused(request, exc)
        return redirect("projects:members", workspace_id=workspace.id)
    if leaving:
        messages.success(request, _("You left the workspace."))
        return redirect("projects:list")
    messages.success(request, _("%(name)s was removed.") % {"name": membership.user.get_username()})
    return redirect("projects:members", workspace_id=workspace.id)


@login_required
@require_POST
def invite_rotate(request: HttpRequest, workspace_id: int, role: str) -> HttpResponse:
    workspace = _workspace(request, workspace_id)
    try:
        services.invite_rotate(workspace=workspace, user=signed_in_user(request), role=role)
    except errors.ProjectError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("A new invite link is ready; the old one no longer works."))
    return redirect("projects:members", workspace_id=workspace.id)


@login_required
@require_POST
def invite_revoke(request: HttpRequest, workspace_id: int, role: str) -> HttpResponse:
    workspace = _workspace(request, workspace_id)
    try:
        services.invite_revoke(workspace=workspace, user=signed_in_user(request), role=role)
    except errors.ProjectError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The invite link is switched off."))
    return redirect("projects:members", workspace_id=workspace.id)


@login_required
@require_http_methods(["GET", "POST"])
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Opening an invite link shows where it leads; the button joins."""
    invite = selectors.invite_get_by_token(token)
    if invite is None:
        return render(request, "projects/invite.html", {"invite": None}, status=404)
    if request.method == "POST":
        services.invite_accept(invite=invite, user=signed_in_user(request))
        messages.success(request, _("Welcome to %(name)s.") % {"name": invite.workspace.name})
        return redirect("projects:workspace", workspace_id=invite.workspace_id)
    membership = selectors.membership_get(invite.workspace, signed_in_user(request))
    return render(request, "projects/invite.html", {"invite": invite, "membership": membership})


# --- ideas -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def idea_new(request: HttpRequest, workspace_id: int) -> HttpResponse:
    workspace = _workspace(request, workspace_id)
    flags = _role_flags(workspace)
    if not flags["can_write"]:
        messages.error(request, errors.NotAllowed().message)
        return redirect("projects:workspace", workspace_id=workspace.id)
    form = IdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_create(workspace=workspace, user=signed_in_user(request), **form.idea_fields())
        except (errors.ProjectError, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The idea is on the canvas. Score it below."))
            return redirect(reverse("projects:idea", kwargs={"idea_id": idea.id}) + "#evaluate")
    return render(
        request,
        "projects/idea_form.html",
        {"workspace": workspace, **flags, "form": form, "idea": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def idea_edit(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    flags = _role_flags(idea.workspace)
    if not flags["can_write"]:
        messages.error(request, errors.NotAllowed().message)
        return redirect("projects:idea", idea_id=idea.id)
    form = IdeaForm(request.POST or None, instance=idea)
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_update(idea=idea, user=signed_in_user(request), **form.idea_fields())
        except (errors.ProjectError, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("projects:idea", idea_id=idea.id)
    return render(
        request,
        "projects/idea_form.html",
        {"workspace": idea.workspace, **flags, "form": form, "idea": idea},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def idea_delete(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    try:
        services.idea_delete(idea=idea, user=signed_in_user(request))
    except errors.ProjectError as exc:
        _refused(request, exc)
        return redirect("projects:idea", idea_id=idea.id)
    messages.success(request, _("The idea was deleted."))
    return redirect("projects:workspace", workspace_id=idea.workspace_id)


def _idea_page(
    request: HttpRequest,
    idea: Idea,
    form: EvaluationForm | None = None,
    status: int = 200,
    data_form: DataSampleForm | None = None,
) -> HttpResponse:
    flags = _role_flags(idea.workspace)
    mine = selectors.evaluation_get(idea, signed_in_user(request))
    score = selectors.idea_score(idea)
    evaluations = selectors.idea_evaluations(idea)
    criteria_rows = [
        {"key": key, "label": TEXT[key].label, "axis": c.axis, "stat": score.criteria.get(key), "criterion": c}
        for key, c in rubric.CRITERIA_BY_KEY.items()
    ]
    return render(
        request,
        "projects/idea_detail.html",
        {
            "idea": idea,
            "workspace": idea.workspace,
            **flags,
            "score": score_payload(score),
            "raw_score": score,
            "criteria_rows": criteria_rows,
            "evaluations": evaluations,
            "mine": mine,
            "form": form or EvaluationForm.for_evaluation(mine),
            "drivers": [label for value, label in ValueDriver.choices if value in (idea.value_drivers or [])],
            "data_backed_note": DATA_BACKED_NOTE,
            "measurement": selectors.idea_measurement(idea),
            "data_form": data_form or DataSampleForm(),
        },
        status=status,
    )


@login_required
@require_GET
def idea_detail(request: HttpRequest, idea_id: int) -> HttpResponse:
    """The canvas on one page (prints on one sheet), its score and the evaluation form."""
    return _idea_page(request, _idea(request, idea_id))


@login_required
@require_POST
def idea_evaluate(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        return _idea_page(request, idea, form, status=400)
    try:
        services.evaluation_upsert(
            idea=idea, user=signed_in_user(request), scores=form.scores(), comment=form.cleaned_data["comment"]
        )
    except errors.NotAllowed as exc:
        _refused(request, exc)
        return redirect("projects:idea", idea_id=idea.id)
    except (errors.ProjectError, ValidationError) as exc:
        form.add_error(None, exc.message if isinstance(exc, errors.ProjectError) else " ".join(exc.messages))
        return _idea_page(request, idea, form, status=400)
    messages.success(request, _("Your scores are saved."))
    return redirect(reverse("projects:idea", kwargs={"idea_id": idea.id}) + "#score")


# --- the data sample and its learning curve ------------------------------------------------------------


@login_required
@require_POST
def idea_data_attach(request: HttpRequest, idea_id: int) -> HttpResponse:
    """Upload a sample of the A -> B data; its learning curve starts measuring at once."""
    idea = _idea(request, idea_id)
    form = DataSampleForm(request.POST, request.FILES)
    if not form.is_valid():
        return _idea_page(request, idea, status=400, data_form=form)
    upload = form.cleaned_data["file"]
    try:
        services.idea_attach_data(
            idea=idea,
            user=signed_in_user(request),
            filename=upload.name,
            data=upload.read(),
            answer_column=form.cleaned_data["answer_column"],
        )
    except errors.NotAllowed as exc:
        _refused(request, exc)
        return redirect("projects:idea", idea_id=idea.id)
    except errors.ProjectError as exc:
        form.add_error("file", exc.message)
        return _idea_page(request, idea, status=400, data_form=form)
    messages.success(request, _("The data sample is attached; its learning curve is being measured."))
    return redirect(reverse("projects:idea", kwargs={"idea_id": idea.id}) + "#data")


@login_required
@require_POST
def idea_data_measure(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    try:
        services.idea_measure_data(idea=idea, user=signed_in_user(request))
    except errors.ProjectError as exc:
        _refused(request, exc)
    return redirect(reverse("projects:idea", kwargs={"idea_id": idea.id}) + "#data")


@login_required
@require_POST
def idea_data_remove(request: HttpRequest, idea_id: int) -> HttpResponse:
    idea = _idea(request, idea_id)
    try:
        services.idea_detach_data(idea=idea, user=signed_in_user(request))
    except errors.ProjectError as exc:
        _refused(request, exc)
    return redirect(reverse("projects:idea", kwargs={"idea_id": idea.id}) + "#data")


@login_required
@require_GET
def idea_data_status(request: HttpRequest, idea_id: int) -> JsonResponse:
    """The measurement's state for the idea page to follow (any member may read it)."""
    view = selectors.idea_measurement(_idea(request, idea_id))
    job = view["job"] if view else None
    return JsonResponse({"job": {k: job[k] for k in ("state", "progress", "finished")} if job else None})


# --- students (no account) -------------------------------------------------------------------------


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


@require_http_methods(["GET", "POST"])
def student_code(request: HttpRequest) -> HttpResponse:
    """Type the room code to reach the room's idea form."""
    form = SubmitCodeForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        workspace = selectors.workspace_for_room_code(form.cleaned_data["code"])
        if workspace is not None and workspace.room is not None:
            return redirect("projects:student_submit", code=workspace.room.code)
        if not rate_limits.hit(services.rate_key("code-guess", _address(request)), CODE_GUESS_RATE):
            logger.warning("projects: room-code guessing throttled for %s", _address(request))
            form.add_error("code", errors.RateLimited().message)
        else:
            form.add_error("code", errors.NoWorkspaceForRoom().message)
    return render(request, "projects/student_code.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def student_submit(request: HttpRequest, code: str) -> HttpResponse:
    """A student in a room linked to a workspace sends an idea, by nickname."""
    workspace = selectors.workspace_for_room_code(code)
    if workspace is None or workspace.room is None:
        raise Http404(errors.NoWorkspaceForRoom().message)
    if workspace.room.code != code:
        return redirect("projects:student_submit", code=workspace.room.code)
    context: dict[str, Any] = {"workspace": workspace, "room": workspace.room, "sent": None}
    if not workspace.accepts_student_ideas:
        return render(request, "projects/student_submit.html", {**context, "closed": True, "form": None})
    form = StudentIdeaForm(request.POST or None, initial={"nickname": request.GET.get("nickname", "")[:64]})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.student_idea_submit(
                workspace=workspace,
                nickname=form.cleaned_data["nickname"],
                address=_address(request),
                **form.idea_fields(),
            )
        except errors.InvalidNickname as exc:
            form.add_error("nickname", exc.message)
        except errors.ProjectError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            context["sent"] = idea
            form = StudentIdeaForm(initial={"nickname": idea.submitted_by_nickname})
    if form.errors and status == 200:
        status = 400
    return render(request, "projects/student_submit.html", {**context, "closed": False, "form": form}, status=status)
