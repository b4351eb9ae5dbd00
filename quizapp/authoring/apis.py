"""REST API of the quiz builder: quizzes and their questions, import and export.

One small view per endpoint: validate with its input serializer, call one service, serialise the
result. Everything an instructor owns is looked up through the owner, so someone else's quiz or
question is a 404. Refusals keep the project's one error shape (:mod:`core.apis`).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import AppApiView, InputSerializer, found_or_404
from core.apis import error_responses as core_error_responses
from quizapp import errors
from quizapp.authoring import services as quizzes
from quizapp.authoring.services import quiz_delete, quiz_update
from quizapp.models import Question, Quiz
from quizapp.selectors import quizzes_for_owner

#: What each error status means for the quiz's endpoints (``core.apis.error_responses``).
ERROR_TEXT = {
    400: "Invalid input (code `invalid`, or a service's code such as `nickname_invalid`).",
    403: "Refused (`banned`, `room_locked`, `room_full`...).",
    404: "Not found: not yours, or (joining) `room_not_found` / `no_live_session`.",
    409: "Conflicts with the current state (`nickname_taken`, `invalid_state`, `quiz_in_use`).",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    return core_error_responses(*statuses, text=ERROR_TEXT)


def owned_quiz(request: Request, quiz_id: int) -> Quiz:
    return found_or_404(quizzes_for_owner(request.user).filter(id=quiz_id).first(), _("You have no quiz with that id."))


def _owned_question(request: Request, question_id: int) -> Question:
    question = (
        Question.objects.select_related("quiz").filter(id=question_id, quiz__in=quizzes_for_owner(request.user)).first()
    )
    return found_or_404(question, _("You have no question with that id."))


# --- serializers ------------------------------------------------------------------------------


class QuestionOptionSerializer(InputSerializer):
    text = serializers.CharField(max_length=200, trim_whitespace=False)
    correct = serializers.BooleanField(default=False)


class QuestionInputSerializer(InputSerializer):
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


class QuizExportQuestionSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    prompt = serializers.CharField()
    options = QuestionOptionSerializer(many=True)
    accepted_answers = serializers.ListField(child=serializers.CharField())
    time_limit_s = serializers.IntegerField()
    points = serializers.IntegerField()
    explanation = serializers.CharField(allow_blank=True)


class QuizExportSerializer(InputSerializer):
    """The portable quiz file (``GET .../export/``, ``POST /api/quizzes/import/``); no images."""

    format = serializers.CharField(help_text=f"Always `{quizzes.EXPORT_FORMAT}`.")
    version = serializers.IntegerField(help_text=f"Currently {quizzes.EXPORT_VERSION}.")
    title = serializers.CharField()
    language = serializers.ChoiceField(choices=Quiz.Language.choices)
    speed_points = serializers.BooleanField()
    streaks = serializers.BooleanField()
    ask_confidence = serializers.BooleanField()
    questions = QuizExportQuestionSerializer(many=True)


def _quiz_detail(request: Request, quiz: Quiz, *, status_code: int = status.HTTP_200_OK) -> Response:
    quiz.question_count = quiz.questions.count()
    return Response(QuizDetailOutputSerializer(quiz, context={"request": request}).data, status=status_code)


def _question(request: Request, question: Question, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(QuestionOutputSerializer(question, context={"request": request}).data, status=status_code)


# --- quizzes ----------------------------------------------------------------------------------


class QuizListApi(AppApiView):
    class QuizCreateInputSerializer(InputSerializer):
        title = serializers.CharField(max_length=200)
        language = serializers.ChoiceField(choices=Quiz.Language.choices, default=Quiz.Language.KOREAN)
        speed_points = serializers.BooleanField(default=True)
        streaks = serializers.BooleanField(default=True)
        ask_confidence = serializers.BooleanField(default=False)
        questions = QuestionInputSerializer(many=True, required=False)

    @extend_schema(summary="Your quizzes", responses={200: QuizOutputSerializer(many=True), **error_responses(401)})
    def get(self, request: Request) -> Response:
        quiz_list = quizzes_for_owner(request.user).annotate(question_count=Count("questions"))
        return Response(QuizOutputSerializer(quiz_list, many=True).data)

    @extend_schema(
        summary="Create a quiz (optionally with its questions)",
        request=QuizCreateInputSerializer,
        responses={201: QuizDetailOutputSerializer, **error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        data = self.QuizCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quiz = quizzes.quiz_create(owner=request.user, **data.validated_data)
        return _quiz_detail(request, quiz, status_code=status.HTTP_201_CREATED)


class QuizDetailApi(AppApiView):
    class QuizUpdateInputSerializer(InputSerializer):
        title = serializers.CharField(max_length=200, required=False)
        language = serializers.ChoiceField(choices=Quiz.Language.choices, required=False)
        speed_points = serializers.BooleanField(required=False)
        streaks = serializers.BooleanField(required=False)
        ask_confidence = serializers.BooleanField(required=False)

    @extend_schema(
        summary="A quiz with its questions", responses={200: QuizDetailOutputSerializer, **error_responses(401, 404)}
    )
    def get(self, request: Request, quiz_id: int) -> Response:
        return _quiz_detail(request, owned_quiz(request, quiz_id))

    @extend_schema(
        summary="Change a quiz's settings",
        request=QuizUpdateInputSerializer,
        responses={200: QuizDetailOutputSerializer, **error_responses(400, 401, 404)},
    )
    def patch(self, request: Request, quiz_id: int) -> Response:
        quiz = owned_quiz(request, quiz_id)
        data = self.QuizUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quiz = quiz_update(quiz=quiz, **data.validated_data)
        return _quiz_detail(request, quiz)

    @extend_schema(
        summary="Delete a quiz",
        description="Refused with 409 `quiz_in_use` once the quiz has been played: its results keep it.",
        responses={204: None, **error_responses(401, 404, 409)},
    )
    def delete(self, request: Request, quiz_id: int) -> Response:
        quiz = owned_quiz(request, quiz_id)
        try:
            quiz_delete(quiz=quiz)
        except DjangoValidationError as exc:
            raise errors.QuizInUse(" ".join(exc.messages)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuizExportApi(AppApiView):
    @extend_schema(
        summary="Export a quiz as portable JSON", responses={200: QuizExportSerializer, **error_responses(401, 404)}
    )
    def get(self, request: Request, quiz_id: int) -> Response:
        quiz = owned_quiz(request, quiz_id)
        return Response(QuizExportSerializer(quizzes.quiz_export(quiz)).data)


class QuizImportApi(AppApiView):
    @extend_schema(
        summary="Import a quiz from its exported JSON",
        description="The body is what `GET /api/quizzes/{id}/export/` returns; nothing is stored if any part is wrong.",
        request=QuizExportSerializer,
        responses={201: QuizDetailOutputSerializer, **error_responses(400, 401)},
    )
    def post(self, request: Request) -> Response:
        quiz = quizzes.quiz_import(owner=request.user, data=request.data)
        return _quiz_detail(request, quiz, status_code=status.HTTP_201_CREATED)


# --- questions --------------------------------------------------------------------------------


class QuizQuestionAddApi(AppApiView):
    @extend_schema(
        summary="Add a question at the end of a quiz",
        request=QuestionInputSerializer,
        responses={201: QuestionOutputSerializer, **error_responses(400, 401, 404)},
    )
    def post(self, request: Request, quiz_id: int) -> Response:
        quiz = owned_quiz(request, quiz_id)
        data = QuestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = quizzes.question_add(quiz=quiz, **data.validated_data)
        return _question(request, question, status_code=status.HTTP_201_CREATED)


class QuestionDetailApi(AppApiView):
    @extend_schema(
        summary="Change a question",
        description="Fields left out keep their values; the whole question is then checked again.",
        request=QuestionInputSerializer(partial=True),
        responses={200: QuestionOutputSerializer, **error_responses(400, 401, 404)},
    )
    def patch(self, request: Request, question_id: int) -> Response:
        question = _owned_question(request, question_id)
        data = QuestionInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {name: getattr(question, name) for name in quizzes.QUESTION_FIELDS}
        fields.update(data.validated_data)
        question = quizzes.question_update(question=question, **fields)
        return _question(request, question)

    @extend_schema(summary="Delete a question", responses={204: None, **error_responses(401, 404)})
    def delete(self, request: Request, question_id: int) -> Response:
        quizzes.question_delete(question=_owned_question(request, question_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuestionDuplicateApi(AppApiView):
    @extend_schema(
        summary="Duplicate a question (the copy comes right after it)",
        request=None,
        responses={201: QuestionOutputSerializer, **error_responses(401, 404)},
    )
    def post(self, request: Request, question_id: int) -> Response:
        copy = quizzes.question_duplicate(question=_owned_question(request, question_id))
        return _question(request, copy, status_code=status.HTTP_201_CREATED)


class QuestionMoveApi(AppApiView):
    class QuestionMoveInputSerializer(InputSerializer):
        offset = serializers.ChoiceField(choices=[(-1, "up"), (1, "down")], help_text="-1 moves up, 1 moves down.")

    @extend_schema(
        summary="Move a question up or down",
        request=QuestionMoveInputSerializer,
        responses={200: QuestionOutputSerializer(many=True), **error_responses(400, 401, 404)},
    )
    def post(self, request: Request, question_id: int) -> Response:
        question = _owned_question(request, question_id)
        data = self.QuestionMoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quizzes.question_move(question=question, offset=data.validated_data["offset"])
        ordered = question.quiz.questions.order_by("position", "id")
        return Response(QuestionOutputSerializer(ordered, many=True, context={"request": request}).data)
