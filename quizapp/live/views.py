"""Pages of the live quiz: join, the student's phone, the instructor's rooms, console and projector."""

import logging

import segno
from django.conf import settings
from django.contrib import messages as django_messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import rate_limits
from core.auth import signed_in_user
from quizapp import errors, groups, messages
from quizapp.authoring.services import true_false_options
from quizapp.live import session as live
from quizapp.live.forms import JoinCodeForm, LaunchForm, QuickQuestionForm, RoomCreateForm
from quizapp.live.rooms import room_create
from quizapp.models import Question, QuizSession, Room
from quizapp.selectors import (
    lesson_notes,
    live_session,
    past_sessions,
    quizzes_for_owner,
    results_grid,
    room_get_by_code,
    room_get_for_host,
    rooms_for_owner,
)

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Type a room code; look-alikes and case are forgiven, guessing is throttled."""
    form = JoinCodeForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        room = room_get_by_code(form.cleaned_data["code"])
        if room is not None:
            return redirect("quizapp:play", code=room.code)
        address = request.META.get("REMOTE_ADDR", "")
        if not rate_limits.hit(groups.join_rate_key("guess", address), settings.QUIZ_CODE_GUESS_RATE):
            logger.warning("quiz: room-code guessing throttled for %s", address)
            form.add_error("code", str(errors.RateLimited.default_message))
        else:
            form.add_error("code", str(errors.RoomNotFound.default_message))
    return render(request, "quizapp/join.html", {"form": form})


@require_GET
def play(request: HttpRequest, code: str) -> HttpResponse:
    """The student's page: nickname form, then the live game over a socket."""
    room = room_get_by_code(code)
    if room is None:
        raise Http404(str(errors.RoomNotFound.default_message))
    if room.code != code:
        return redirect("quizapp:play", code=room.code)
    session = live_session(room)
    names = messages.team_names()[: session.team_count] if session and session.team_count else []
    return render(request, "quizapp/play.html", {"room": room, "session": session, "team_names": names})


def _join_url(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(reverse("quizapp:play", kwargs={"code": code}))


def _host_room(request: HttpRequest, code: str) -> Room:
    room = room_get_for_host(user=signed_in_user(request), code=code)
    if room is None:
        raise Http404(_("You have no room with that code."))
    return room


@login_required
@require_GET
def rooms(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    quizzes = list(quizzes_for_owner(user))
    owned = list(rooms_for_owner(user))
    return render(
        request,
        "quizapp/rooms.html",
        {
            "rooms": [(room, live_session(room)) for room in owned],
            "create_form": RoomCreateForm(),
            "launch_form": LaunchForm(quizzes=quizzes),
            "quick_form": QuickQuestionForm(),
            "quizzes": quizzes,
            "past": past_sessions(user)[:50],
        },
    )


@login_required
@require_POST
def room_new(request: HttpRequest) -> HttpResponse:
    form = RoomCreateForm(request.POST)
    if form.is_valid():
        try:
            room = room_create(
                owner=signed_in_user(request),
                code=form.cleaned_data["code"] or None,
                title=form.cleaned_data["title"],
                max_participants=form.cleaned_data["max_participants"] or 5000,
            )
        except ValidationError as exc:
            django_messages.error(request, " ".join(exc.messages))
        else:
            django_messages.success(request, _("Room %(code)s is ready.") % {"code": room.code})
    return redirect("quizapp:rooms")


@login_required
@require_POST
def room_launch(request: HttpRequest, code: str) -> HttpResponse:
    room = _host_room(request, code)
    quizzes = list(quizzes_for_owner(signed_in_user(request)))
    form = LaunchForm(request.POST, quizzes=quizzes)
    if not form.is_valid():
        django_messages.error(request, _("Choose a quiz and a mode."))
        return redirect("quizapp:rooms")
    quiz = next(q for q in quizzes if q.id == form.cleaned_data["quiz"])
    try:
        live.session_start(
            room=room,
            quiz=quiz,
            mode=form.cleaned_data["mode"],
            user=signed_in_user(request),
            friendly_nicknames=form.cleaned_data["friendly_nicknames"],
            team_count=form.cleaned_data["team_count"],
        )
    except errors.QuizError as exc:
        django_messages.error(request, exc.message)
        return redirect("quizapp:rooms")
    return redirect("quizapp:console", code=room.code)


def parse_option_lines(text: str) -> list[dict]:
    """One option per line; a leading ``*`` marks a correct one."""
    options = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            correct = line.startswith("*")
            options.append({"text": line.lstrip("*").strip(), "correct": correct})
    return options


@login_required
@require_POST
def room_quick_question(request: HttpRequest, code: str) -> HttpResponse:
    room = _host_room(request, code)
    form = QuickQuestionForm(request.POST)
    if not form.is_valid():
        django_messages.error(request, _("Write the question first."))
        return redirect("quizapp:rooms")
    data = form.cleaned_data
    options = parse_option_lines(data["options"])
    if data["kind"] == Question.Kind.TRUE_FALSE and not options:
        options = true_false_options(correct=True)
    try:
        live.quick_question_start(
            room=room,
            user=signed_in_user(request),
            kind=data["kind"],
            prompt=data["prompt"],
            options=options,
            accepted=[a.strip() for a in data["accepted"].splitlines() if a.strip()],
        )
    except ValidationError as exc:
        django_messages.error(request, " ".join(exc.messages))
        return redirect("quizapp:rooms")
    return redirect("quizapp:console", code=room.code)


@login_required
@require_POST
def room_exit_ticket(request: HttpRequest, code: str) -> HttpResponse:
    room = _host_room(request, code)
    live.exit_ticket_start(
        room=room,
        user=signed_in_user(request),
        own_question=request.POST.get("own_question", "")[:1000],
        language=get_language() or "ko",
    )
    return redirect("quizapp:console", code=room.code)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=8, dark="#111", light="#fff", omitsize=True)


@login_required
@require_GET
def console(request: HttpRequest, code: str) -> HttpResponse:
    room = _host_room(request, code)
    session = live_session(room)
    return render(
        request,
        "quizapp/console.html",
        {
            "room": room,
            "session": session,
            "join_url": _join_url(request, room.code),
            # the items' instructor notes travel in this page only (never on the socket)
            "notes": {str(k): v for k, v in lesson_notes(session).items()} if session else {},
        },
    )


@login_required
@require_GET
def projector(request: HttpRequest, code: str) -> HttpResponse:
    room = _host_room(request, code)
    join_url = _join_url(request, room.code)
    return render(
        request,
        "quizapp/projector.html",
        {
            "room": room,
            "join_url": join_url,
            "join_host": request.build_absolute_uri("/join"),
            "qr_svg": _qr_svg(join_url),
            "team_names": messages.team_names(),
        },
    )


@login_required
@require_GET
def session_results(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(
        QuizSession.objects.select_related("quiz", "room"), id=session_id, room__owner=request.user
    )
    return render(request, "quizapp/session_results.html", {"session": session, "grid": results_grid(session)})
