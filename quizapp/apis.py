"""REST API of the quiz app: quizzes and questions, rooms, sessions, results, and joining a room.

One small view per endpoint: validate with its input serializer, call one service, serialise the
result. Everything an instructor owns is looked up through the owner, so someone else's quiz,
question, room or session is a 404. Refusals keep the project's one error shape
(``{"error": {"code", "message"}}``) through :class:`QuizApiView`.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizapp import errors, messages
from quizapp.models import Question, Quiz, QuizSession, Room
from quizapp.selectors import live_session, quizzes_for_owner, results_grid, room_get_for_host, rooms_for_owner
from quizapp.services import live, quizzes
from quizapp.services.quizzes import quiz_delete, quiz_update
from quizapp.services.rooms import room_create

# --- errors ------------------------------------------------------------------------------

#: HTTP status of each :class:`quizapp.errors.QuizError` code (others are 400).
QUIZ_ERROR_STATUS = {
    "room_not_found": status.HTTP_404_NOT_FOUND,
    "no_live_session": status.HTTP_404_NOT_FOUND,
    "rate_limited": status.HTTP_429_TOO_MANY_REQUESTS,
    "banned": status.HTTP_403_FORBIDDEN,
    "room_locked": status.HTTP_403_FORBIDDEN,
    "room_full": status.HTTP_403_FORBIDDEN,
    "removed": status.HTTP_403_FORBIDDEN,
    "not_allowed": status.HTTP_403_FORBIDDEN,
    "bad_token": status.HTTP_403_FORBIDDEN,
    "nickname_taken": status.HTTP_409_CONFLICT,
    "session_ended": status.HTTP_409_CONFLICT,
    "invalid_state": status.HTTP_409_CONFLICT,
    "nickname_invalid": status.HTTP_400_BAD_REQUEST,
}


class QuizApiError(exceptions.APIException):
    """A refusal with its own status and stable code; ``core.api_errors`` renders the shape."""

    def __init__(self, *, status_code: int, code: str, message: str) -> None:
        self.status_code = status_code
        super().__init__(detail=message, code=code)

    @classmethod
    def from_exception(cls, exc: Exception) -> Exception:
        """The API's answer to what a service raised; anything else is returned unchanged."""
        if isinstance(exc, errors.QuizError):
            return cls(
                status_code=QUIZ_ERROR_STATUS.get(exc.code, status.HTTP_400_BAD_REQUEST),
                code=exc.code,
                message=exc.message,
            )
        if isinstance(exc, DjangoValidationError):
            return cls(status_code=status.HTTP_400_BAD_REQUEST, code="invalid", message=" ".join(exc.messages))
        return exc


class QuizApiView(APIView):
    """Service errors (``QuizError``, Django's ``ValidationError``) become JSON errors."""

    def handle_exception(self, exc: Exception) -> Response:
        return super().handle_exception(QuizApiError.from_exception(exc))


class QuizApiErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable; clients switch on it.")
    message = serializers.CharField(help_text="Translated for the request's language.")
    fields = serializers.DictField(required=False, help_text="Per-field problems of an invalid request body.")


class QuizApiErrorSerializer(serializers.Serializer):
    error = QuizApiErrorDetailSerializer()


def _error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: "Invalid input (code `invalid`, or a service's code such as `nickname_invalid`).",
        401: "Not signed in.",
        403: "Refused (`banned`, `room_locked`, `room_full`...).",
        404: "Not found: not yours, or (joining) `room_not_found` / `no_live_session`.",
        409: "Conflicts with the current state (`nickname_taken`, `invalid_state`, `quiz_in_use`).",
        429: "Too many attempts (`rate_limited`).",
    }
    return {s: OpenApiResponse(QuizApiErrorSerializer, description=descriptions[s]) for s in statuses}


def _owned_quiz(request: Request, quiz_id: int) -> Quiz:
    quiz = quizzes_for_owner(request.user).filter(id=quiz_id).first()
    if quiz is None:
        raise exceptions.NotFound(_("You have no quiz with that id."))
    return quiz


def _owned_question(request: Request, question_id: int) -> Question:
    question = (
        Question.objects.select_related("quiz").filter(id=question_id, quiz__in=quizzes_for_owner(request.user)).first()
    )
    if question is None:
        raise exceptions.NotFound(_("You have no question with that id."))
    return question


def _owned_room(request: Request, code: str) -> Room:
    room = room_get_for_host(user=request.user, code=code)
    if room is None:
        raise exceptions.NotFound(_("You have no room with that code."))
    return room


def _owned_sessions(request: Request) -> QuerySet[QuizSession]:
    return QuizSession.objects.filter(room__owner=request.user).select_related("quiz", "room")


# --- shared serializers -------------------------------------------------------------------


class QuestionOptionSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=200, trim_whitespace=False)
    correct = serializers.BooleanField(default=False)


class QuestionInputSerializer(serializers.Serializer):
    """A question's fields; the rules (options per kind, limits) are checked by the service."""

    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    prompt = serializers.CharField(max_length=1000)
    options = QuestionOptionSerializer(many=True, required=False)
    accepted_answers = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    time_limit_s = serializers.IntegerField(
        default=20, help_text=f"Seconds, {quizzes.MIN_TIME_S} to {quizzes.MAX_TIME_S}."
    )
    points = serializers.IntegerField(default=1000, help_text="0 (no score), 1000 (normal) or 2000 (double).")
    explanation = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class QuestionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quiz = serializers.IntegerField(source="quiz_id")
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    prompt = serializers.CharField()
    options = QuestionOptionSerializer(many=True)
    accepted_answers = serializers.ListField(child=serializers.CharField())
    image = serializers.ImageField(allow_null=True, help_text="URL of the question's image, if any.")
    time_limit_s = serializers.IntegerField()
    points = serializers.IntegerField()
    explanation = serializers.CharField()


class QuizOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    language = serializers.ChoiceField(choices=Quiz.Language.choices)
    speed_points = serializers.BooleanField()
    streaks = serializers.BooleanField()
    ask_confidence = serializers.BooleanField()
    question_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class QuizDetailOutputSerializer(QuizOutputSerializer):
    questions = QuestionOutputSerializer(many=True, help_text="In their order in the quiz.")


class QuizExportQuestionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    prompt = serializers.CharField()
    options = QuestionOptionSerializer(many=True)
    accepted_answers = serializers.ListField(child=serializers.CharField())
    time_limit_s = serializers.IntegerField()
    points = serializers.IntegerField()
    explanation = serializers.CharField(allow_blank=True)


class QuizExportSerializer(serializers.Serializer):
    """The portable quiz file (``GET .../export/``, ``POST /api/quizzes/import/``); no images."""

    format = serializers.CharField(help_text=f"Always `{quizzes.EXPORT_FORMAT}`.")
    version = serializers.IntegerField(help_text=f"Currently {quizzes.EXPORT_VERSION}.")
    title = serializers.CharField()
    language = serializers.ChoiceField(choices=Quiz.Language.choices)
    speed_points = serializers.BooleanField()
    streaks = serializers.BooleanField()
    ask_confidence = serializers.BooleanField()
    questions = QuizExportQuestionSerializer(many=True)


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


class JoinOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Keep it: it lets this browser reconnect to its place.")
    participant = JoinParticipantOutputSerializer()
    session = JoinSessionOutputSerializer()


def _quiz_detail(request: Request, quiz: Quiz, *, status_code: int = status.HTTP_200_OK) -> Response:
    quiz.question_count = quiz.questions.count()
    return Response(QuizDetailOutputSerializer(quiz, context={"request": request}).data, status=status_code)


def _question(request: Request, question: Question, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(QuestionOutputSerializer(question, context={"request": request}).data, status=status_code)


# --- quizzes ----------------------------------------------------------------------------------


class QuizListApi(QuizApiView):
    class QuizCreateInputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        language = serializers.ChoiceField(choices=Quiz.Language.choices, default=Quiz.Language.KOREAN)
        speed_points = serializers.BooleanField(default=True)
        streaks = serializers.BooleanField(default=True)
        ask_confidence = serializers.BooleanField(default=False)
        questions = QuestionInputSerializer(many=True, required=False)

    @extend_schema(summary="Your quizzes", responses={200: QuizOutputSerializer(many=True), **_error_responses(401)})
    def get(self, request: Request) -> Response:
        quiz_list = quizzes_for_owner(request.user).annotate(question_count=Count("questions"))
        return Response(QuizOutputSerializer(quiz_list, many=True).data)

    @extend_schema(
        summary="Create a quiz (optionally with its questions)",
        request=QuizCreateInputSerializer,
        responses={201: QuizDetailOutputSerializer, **_error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        data = self.QuizCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quiz = quizzes.quiz_create(owner=request.user, **data.validated_data)
        return _quiz_detail(request, quiz, status_code=status.HTTP_201_CREATED)


class QuizDetailApi(QuizApiView):
    class QuizUpdateInputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False)
        language = serializers.ChoiceField(choices=Quiz.Language.choices, required=False)
        speed_points = serializers.BooleanField(required=False)
        streaks = serializers.BooleanField(required=False)
        ask_confidence = serializers.BooleanField(required=False)

    @extend_schema(
        summary="A quiz with its questions", responses={200: QuizDetailOutputSerializer, **_error_responses(401, 404)}
    )
    def get(self, request: Request, quiz_id: int) -> Response:
        return _quiz_detail(request, _owned_quiz(request, quiz_id))

    @extend_schema(
        summary="Change a quiz's settings",
        request=QuizUpdateInputSerializer,
        responses={200: QuizDetailOutputSerializer, **_error_responses(400, 401, 404)},
    )
    def patch(self, request: Request, quiz_id: int) -> Response:
        quiz = _owned_quiz(request, quiz_id)
        data = self.QuizUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quiz = quiz_update(quiz=quiz, **data.validated_data)
        return _quiz_detail(request, quiz)

    @extend_schema(
        summary="Delete a quiz",
        description="Refused with 409 `quiz_in_use` once the quiz has been played: its results keep it.",
        responses={204: None, **_error_responses(401, 404, 409)},
    )
    def delete(self, request: Request, quiz_id: int) -> Response:
        quiz = _owned_quiz(request, quiz_id)
        try:
            quiz_delete(quiz=quiz)
        except DjangoValidationError as exc:
            raise QuizApiError(
                status_code=status.HTTP_409_CONFLICT, code="quiz_in_use", message=" ".join(exc.messages)
            ) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuizExportApi(QuizApiView):
    @extend_schema(
        summary="Export a quiz as portable JSON", responses={200: QuizExportSerializer, **_error_responses(401, 404)}
    )
    def get(self, request: Request, quiz_id: int) -> Response:
        quiz = _owned_quiz(request, quiz_id)
        return Response(QuizExportSerializer(quizzes.quiz_export(quiz)).data)


class QuizImportApi(QuizApiView):
    @extend_schema(
        summary="Import a quiz from its exported JSON",
        description="The body is what `GET /api/quizzes/{id}/export/` returns; nothing is stored if any part is wrong.",
        request=QuizExportSerializer,
        responses={201: QuizDetailOutputSerializer, **_error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        quiz = quizzes.quiz_import(owner=request.user, data=request.data)
        return _quiz_detail(request, quiz, status_code=status.HTTP_201_CREATED)


# --- questions --------------------------------------------------------------------------------


class QuizQuestionAddApi(QuizApiView):
    @extend_schema(
        summary="Add a question at the end of a quiz",
        request=QuestionInputSerializer,
        responses={201: QuestionOutputSerializer, **_error_responses(400, 401, 404)},
    )
    def post(self, request: Request, quiz_id: int) -> Response:
        quiz = _owned_quiz(request, quiz_id)
        data = QuestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = quizzes.question_add(quiz=quiz, **data.validated_data)
        return _question(request, question, status_code=status.HTTP_201_CREATED)


class QuestionDetailApi(QuizApiView):
    @extend_schema(
        summary="Change a question",
        description="Fields left out keep their values; the whole question is then checked again.",
        request=QuestionInputSerializer(partial=True),
        responses={200: QuestionOutputSerializer, **_error_responses(400, 401, 404)},
    )
    def patch(self, request: Request, question_id: int) -> Response:
        question = _owned_question(request, question_id)
        data = QuestionInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {name: getattr(question, name) for name in quizzes.QUESTION_FIELDS}
        fields.update(data.validated_data)
        question = quizzes.question_update(question=question, **fields)
        return _question(request, question)

    @extend_schema(summary="Delete a question", responses={204: None, **_error_responses(401, 404)})
    def delete(self, request: Request, question_id: int) -> Response:
        quizzes.question_delete(question=_owned_question(request, question_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuestionDuplicateApi(QuizApiView):
    @extend_schema(
        summary="Duplicate a question (the copy comes right after it)",
        request=None,
        responses={201: QuestionOutputSerializer, **_error_responses(401, 404)},
    )
    def post(self, request: Request, question_id: int) -> Response:
        copy = quizzes.question_duplicate(question=_owned_question(request, question_id))
        return _question(request, copy, status_code=status.HTTP_201_CREATED)


class QuestionMoveApi(QuizApiView):
    class QuestionMoveInputSerializer(serializers.Serializer):
        offset = serializers.ChoiceField(choices=[(-1, "up"), (1, "down")], help_text="-1 moves up, 1 moves down.")

    @extend_schema(
        summary="Move a question up or down",
        request=QuestionMoveInputSerializer,
        responses={200: QuestionOutputSerializer(many=True), **_error_responses(400, 401, 404)},
    )
    def post(self, request: Request, question_id: int) -> Response:
        question = _owned_question(request, question_id)
        data = self.QuestionMoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quizzes.question_move(question=question, offset=data.validated_data["offset"])
        ordered = question.quiz.questions.order_by("position", "id")
        return Response(QuestionOutputSerializer(ordered, many=True, context={"request": request}).data)


# --- rooms and sessions -----------------------------------------------------------------------


class RoomListApi(QuizApiView):
    class RoomCreateInputSerializer(serializers.Serializer):
        code = serializers.CharField(required=False, allow_blank=True, help_text="Left out: a code is generated.")
        title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")

    @extend_schema(summary="Your rooms", responses={200: RoomOutputSerializer(many=True), **_error_responses(401)})
    def get(self, request: Request) -> Response:
        return Response(RoomOutputSerializer(rooms_for_owner(request.user), many=True).data)

    @extend_schema(
        summary="Open a room",
        request=RoomCreateInputSerializer,
        responses={201: RoomOutputSerializer, **_error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        data = self.RoomCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        room = room_create(
            owner=request.user, code=data.validated_data.get("code") or None, title=data.validated_data["title"]
        )
        return Response(RoomOutputSerializer(room).data, status=status.HTTP_201_CREATED)


class RoomDetailApi(QuizApiView):
    @extend_schema(summary="A room of yours", responses={200: RoomOutputSerializer, **_error_responses(401, 404)})
    def get(self, request: Request, code: str) -> Response:
        return Response(RoomOutputSerializer(_owned_room(request, code)).data)


class RoomSessionStartApi(QuizApiView):
    class SessionStartInputSerializer(serializers.Serializer):
        quiz = serializers.IntegerField(help_text="The id of one of your quizzes.")
        mode = serializers.ChoiceField(
            choices=[QuizSession.Mode.INSTRUCTOR_PACED, QuizSession.Mode.STUDENT_PACED],
            default=QuizSession.Mode.INSTRUCTOR_PACED,
        )

    @extend_schema(
        summary="Launch a quiz in a room",
        description="A session still live in the room is ended first.",
        request=SessionStartInputSerializer,
        responses={201: SessionOutputSerializer, **_error_responses(400, 401, 404, 409)},
    )
    def post(self, request: Request, code: str) -> Response:
        room = _owned_room(request, code)
        data = self.SessionStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quiz = _owned_quiz(request, data.validated_data["quiz"])
        session = live.session_start(room=room, quiz=quiz, mode=data.validated_data["mode"], user=request.user)
        return Response(SessionOutputSerializer(session).data, status=status.HTTP_201_CREATED)


class RoomQuickQuestionApi(QuizApiView):
    class QuickQuestionInputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Question.Kind.choices)
        prompt = serializers.CharField(max_length=1000)
        options = QuestionOptionSerializer(many=True, required=False)
        accepted_answers = serializers.ListField(child=serializers.CharField(max_length=200), required=False)

    @extend_schema(
        summary="Ask one question now, without a quiz",
        request=QuickQuestionInputSerializer,
        responses={201: SessionOutputSerializer, **_error_responses(400, 401, 404)},
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


class SessionListApi(QuizApiView):
    @extend_schema(
        summary="Your sessions, live and past, newest first",
        responses={200: SessionOutputSerializer(many=True), **_error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        sessions = _owned_sessions(request).order_by("-created_at")
        return Response(SessionOutputSerializer(sessions, many=True).data)


class SessionResultsApi(QuizApiView):
    @extend_schema(
        summary="A session's results: students × questions",
        description="`rows[].cells` has one entry per question, in order; `null` where the student did not answer.",
        responses={200: ResultsOutputSerializer, **_error_responses(401, 404)},
    )
    def get(self, request: Request, session_id: int) -> Response:
        session = _owned_sessions(request).filter(id=session_id).first()
        if session is None:
            raise exceptions.NotFound(_("You have no session with that id."))
        return Response(ResultsOutputSerializer(results_grid(session)).data)


# --- students -----------------------------------------------------------------------------------


class RoomJoinApi(QuizApiView):
    """Students have no account: anyone with the room code may try, within the rate limits."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    class JoinInputSerializer(serializers.Serializer):
        nickname = serializers.CharField(max_length=200, allow_blank=True, trim_whitespace=False)
        device_id = serializers.CharField(
            max_length=64, required=False, allow_blank=True, default="", help_text="A random id kept by the browser."
        )
        team = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text="Team sessions: the team chosen (0-based)."
        )

    @extend_schema(
        summary="Join the live session of a room with a nickname",
        request=JoinInputSerializer,
        responses={201: JoinOutputSerializer, **_error_responses(400, 403, 404, 409, 429)},
        auth=[],
    )
    def post(self, request: Request, code: str) -> Response:
        data = self.JoinInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        joined = live.participant_join(
            code=code,
            nickname=data.validated_data["nickname"],
            address=request.META.get("REMOTE_ADDR", ""),
            device_id=data.validated_data["device_id"],
            team=data.validated_data["team"],
        )
        body = {
            "token": joined.token,
            "participant": {"id": joined.participant.id, "nickname": joined.participant.nickname},
            "session": messages.session_public(joined.participant.session),
        }
        return Response(JoinOutputSerializer(body).data, status=status.HTTP_201_CREATED)
