"""REST API of live rooms: rooms, launching sessions, quick questions, results, and joining a room.

One small view per endpoint: validate with its input serializer, call one service, serialise the
result. Someone else's room or session is a 404; joining is open to anyone with the code, within
the rate limits. Refusals keep the project's one error shape (:mod:`core.apis`).
"""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import AppApiView, HotJsonPost, InputSerializer, found_or_404
from quizapp import messages
from quizapp.authoring.apis import QuestionOptionSerializer, error_responses, owned_quiz
from quizapp.live import join
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Question, QuizSession, Room
from quizapp.selectors import live_session, results_grid, room_get_for_host, rooms_for_owner


def _owned_room(request: Request, code: str) -> Room:
    return found_or_404(room_get_for_host(user=request.user, code=code), _("You have no room with that code."))


def _owned_sessions(request: Request) -> QuerySet[QuizSession]:
    return QuizSession.objects.filter(room__owner=request.user).select_related("quiz", "room")


# --- serializers ------------------------------------------------------------------------------


class SessionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    room = serializers.CharField(source="room.code")
    quiz = serializers.IntegerField(source="quiz_id")
    quiz_title = serializers.CharField(source="quiz.title")
    mode = serializers.ChoiceField(choices=QuizSession.Mode.choices)
    state = serializers.ChoiceField(choices=QuizSession.State.choices)
    locked = serializers.BooleanField()
    is_live = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class RoomOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    max_participants = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    live_session = serializers.SerializerMethodField()

    @extend_schema_field(SessionOutputSerializer(allow_null=True))
    def get_live_session(self, room: Room) -> dict[str, Any] | None:
        session = live_session(room)
        return SessionOutputSerializer(session).data if session is not None else None


class ResultsQuestionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    prompt = serializers.CharField()
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    options = QuestionOptionSerializer(many=True)


class ResultsParticipantOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nickname = serializers.CharField(help_text="As the student typed it: escape it when showing it as HTML.")
    score = serializers.IntegerField()


class ResultsCellOutputSerializer(serializers.Serializer):
    participant_id = serializers.IntegerField()
    question_id = serializers.IntegerField()
    choices = serializers.ListField(child=serializers.IntegerField(), help_text="Chosen option indexes.")
    text = serializers.CharField(help_text="A short answer as typed.")
    display = serializers.CharField(help_text="The answer as text, for a table.")
    correct = serializers.BooleanField(allow_null=True, help_text="null for polls.")
    ms = serializers.IntegerField(help_text="Response time in milliseconds.")
    points = serializers.IntegerField()
    confidence = serializers.FloatField(allow_null=True)


class ResultsRowOutputSerializer(serializers.Serializer):
    participant = ResultsParticipantOutputSerializer()
    removed = serializers.BooleanField()
    cells = serializers.ListField(
        child=ResultsCellOutputSerializer(allow_null=True),
        help_text="One per question, in order; null where the student did not answer.",
    )


class ResultsOutputSerializer(serializers.Serializer):
    questions = ResultsQuestionOutputSerializer(many=True)
    rows = ResultsRowOutputSerializer(many=True)


class JoinParticipantOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nickname = serializers.CharField(help_text="As it will be shown (cleaned of invisible characters).")


class JoinSessionOutputSerializer(serializers.Serializer):
    """The session as the live socket describes it (``docs/websocket-protocol.md``)."""

    id = serializers.IntegerField()
    # A plain string: an enum here would collide in the schema with the launch input's ``mode``.
    mode = serializers.CharField(help_text="`instructor_paced`, `student_paced` or `quick_question`.")
    state = serializers.ChoiceField(choices=QuizSession.State.choices)
    locked = serializers.BooleanField()
    quiz = serializers.CharField(help_text="The quiz's title.")
    ask_confidence = serializers.BooleanField()
    room = serializers.CharField(help_text="The room code.")
    team_count = serializers.IntegerField(help_text="Teams in the session (0: none).")


class JoinOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Keep it: it lets this browser reconnect to its place.")
    participant = JoinParticipantOutputSerializer()
    session = JoinSessionOutputSerializer()


# --- rooms and sessions -----------------------------------------------------------------------


class RoomListApi(AppApiView):
    class RoomCreateInputSerializer(InputSerializer):
        code = serializers.CharField(required=False, allow_blank=True, help_text="Left out: a code is generated.")
        title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    @extend_schema(summary="Your rooms", responses={200: RoomOutputSerializer(many=True), **error_responses(401)})
    def get(self, request: Request) -> Response:
        return Response(RoomOutputSerializer(rooms_for_owner(request.user), many=True).data)

    @extend_schema(
        summary="Open a room",
        request=RoomCreateInputSerializer,
        responses={201: RoomOutputSerializer, **error_responses(400, 422, 401)},
    )
    def post(self, request: Request) -> Response:
        data = self.RoomCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        room = room_create(
            owner=request.user, code=data.validated_data.get("code") or None, title=data.validated_data["title"]
        )
        return Response(RoomOutputSerializer(room).data, status=status.HTTP_201_CREATED)


class RoomDetailApi(AppApiView):
    @extend_schema(summary="A room of yours", responses={200: RoomOutputSerializer, **error_responses(401, 404)})
    def get(self, request: Request, code: str) -> Response:
        return Response(RoomOutputSerializer(_owned_room(request, code)).data)


class RoomSessionStartApi(AppApiView):
    class SessionStartInputSerializer(InputSerializer):
        quiz = serializers.IntegerField(help_text="The id of one of your quizzes.")
        mode = serializers.ChoiceField(
            choices=[QuizSession.Mode.INSTRUCTOR_PACED, QuizSession.Mode.STUDENT_PACED],
            default=QuizSession.Mode.INSTRUCTOR_PACED,
        )

    @extend_schema(
        summary="Launch a quiz in a room",
        description="A session still live in the room is ended first.",
        request=SessionStartInputSerializer,
        responses={201: SessionOutputSerializer, **error_responses(400, 422, 401, 404, 409)},
    )
    def post(self, request: Request, code: str) -> Response:
        room = _owned_room(request, code)
        data = self.SessionStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quiz = owned_quiz(request, data.validated_data["quiz"])
        session = live.session_start(room=room, quiz=quiz, mode=data.validated_data["mode"], user=request.user)
        return Response(SessionOutputSerializer(session).data, status=status.HTTP_201_CREATED)


class RoomQuickQuestionApi(AppApiView):
    class QuickQuestionInputSerializer(InputSerializer):
        kind = serializers.ChoiceField(choices=Question.Kind.choices)
        prompt = serializers.CharField(max_length=1000)
        options = QuestionOptionSerializer(many=True, required=False)
        accepted_answers = serializers.ListField(child=serializers.CharField(max_length=200), required=False)

    @extend_schema(
        summary="Ask one question now, without a quiz",
        request=QuickQuestionInputSerializer,
        responses={201: SessionOutputSerializer, **error_responses(400, 422, 401, 404)},
    )
    def post(self, request: Request, code: str) -> Response:
        room = _owned_room(request, code)
        data = self.QuickQuestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = live.quick_question_start(
            room=room,
            user=request.user,
            kind=data.validated_data["kind"],
            prompt=data.validated_data["prompt"],
            options=data.validated_data.get("options"),
            accepted=data.validated_data.get("accepted_answers"),
        )
        return Response(SessionOutputSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionListApi(AppApiView):
    @extend_schema(
        summary="Your sessions, live and past, newest first",
        responses={200: SessionOutputSerializer(many=True), **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        sessions = _owned_sessions(request).order_by("-created_at")
        return Response(SessionOutputSerializer(sessions, many=True).data)


class SessionResultsApi(AppApiView):
    @extend_schema(
        summary="A session's results: students × questions",
        description="`rows[].cells` has one entry per question, in order; `null` where the student did not answer.",
        responses={200: ResultsOutputSerializer, **error_responses(401, 404)},
    )
    def get(self, request: Request, session_id: int) -> Response:
        session = found_or_404(
            _owned_sessions(request).filter(id=session_id).first(), _("You have no session with that id.")
        )
        return Response(ResultsOutputSerializer(results_grid(session)).data)


# --- students -----------------------------------------------------------------------------------


class JoinInputSerializer(InputSerializer):
    # min_length is for the schema (a blank nickname is the service's `nickname_invalid`, as the socket says)
    nickname = serializers.CharField(max_length=200, min_length=1, allow_blank=True, trim_whitespace=False)
    device_id = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text="A random id kept by the browser."
    )
    team = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Team sessions: the team chosen (0-based)."
    )
    more_time = serializers.BooleanField(
        required=False, default=False, help_text="The student asks for more time (twice the time at once)."
    )


class RoomJoinApi(HotJsonPost, AppApiView):
    """Students have no account: anyone with the room code may try, within the rate limits."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    hot_input = JoinInputSerializer

    @extend_schema(
        summary="Join the live session of a room with a nickname",
        request=JoinInputSerializer,
        responses={201: JoinOutputSerializer, **error_responses(400, 422, 403, 404, 409, 429)},
        auth=[],
    )
    def post(self, request: Request, code: str) -> Response:
        data = JoinInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        status_code, body = self.hot_post(request, data.validated_data, code=code)
        return Response(body, status=status_code)

    def hot_post(self, request: HttpRequest, data: Mapping[str, Any], **kwargs: Any) -> tuple[int, dict[str, Any]]:
        joined = join.participant_join(
            code=kwargs["code"],
            nickname=data["nickname"],
            address=request.META.get("REMOTE_ADDR", ""),
            device_id=data["device_id"],
            team=data["team"],
            more_time=data["more_time"],
        )
        body = {
            "token": joined.token,
            "participant": {"id": joined.participant.id, "nickname": joined.participant.nickname},
            "session": messages.session_public(joined.participant.session),
        }
        # Already in JoinOutputSerializer's shape (the schema's): a class joining at once skips its copy.
        return status.HTTP_201_CREATED, body
