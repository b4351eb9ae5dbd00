"""REST API of the quiz builder: quizzes and their questions, import and export.

One small view per endpoint: validate with its input serializer, call one service, serialise the
result. Everything an instructor owns is looked up through the owner, so someone else's quiz or
question is a 404. Refusals keep the project's one error shape (:mod:`core.apis`).
"""

import json
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, renderers, serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from core.apis import AppApiView, InputSerializer, found_or_404
from core.apis import error_responses as core_error_responses
from core.errors import error_type
from quizapp import errors
from quizapp.authoring import services as quizzes
from quizapp.authoring.formats import Problem
from quizapp.authoring.services import quiz_delete, quiz_update
from quizapp.models import Question, Quiz
from quizapp.selectors import quizzes_for_owner

#: What each error status means for the quiz's endpoints (``core.apis.error_responses``).
ERROR_TEXT = {
    422: (
        "Refused by a rule: `invalid` (a question's options, a room code), `import_refused`, "
        "or a service's code such as `nickname_invalid`."
    ),
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


class SliderSettingsSerializer(InputSerializer):
    """A slider question's settings (``quizapp.rules.slider``); checked by the service."""

    min = serializers.FloatField()
    max = serializers.FloatField()
    step = serializers.FloatField(default=1)
    answer = serializers.FloatField()
    margin = serializers.FloatField(default=0, help_text="An answer this close to `answer` is right.")
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class SliderSettingsOutputSerializer(serializers.Serializer):
    min = serializers.FloatField()
    max = serializers.FloatField()
    step = serializers.FloatField()
    answer = serializers.FloatField()
    margin = serializers.FloatField()
    unit = serializers.CharField()


class ScaleSettingsSerializer(InputSerializer):
    """A scale question's range and end labels (``quizapp.rules.scale``); checked by the service."""

    min = serializers.IntegerField(default=1, help_text="1 (a 1-5 scale) or 0 (a 0-10 scale).")
    max = serializers.IntegerField(default=5, help_text="5 or 10.")
    low_label = serializers.CharField(required=False, allow_blank=True, default="", help_text="At most 40 characters.")
    high_label = serializers.CharField(required=False, allow_blank=True, default="", help_text="At most 40 characters.")


class ScaleSettingsOutputSerializer(serializers.Serializer):
    min = serializers.IntegerField()
    max = serializers.IntegerField()
    low_label = serializers.CharField()
    high_label = serializers.CharField()


class QuestionInputSerializer(InputSerializer):
    """A question's fields; the rules (options per kind, limits) are checked by the service."""

    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    # Not trimmed here: a text of spaces is schema-valid and the service refuses it by its rule (422).
    prompt = serializers.CharField(max_length=1000, trim_whitespace=False, help_text="A slide's title.")
    options = QuestionOptionSerializer(
        many=True,
        required=False,
        help_text="Choices; a drawing or text round's prompts; an ordering question's items in their right order "
        "(3 to 6, `correct` ignored: phones get them shuffled).",
    )
    accepted_answers = serializers.ListField(
        child=serializers.CharField(max_length=200, trim_whitespace=False), required=False
    )
    numeric = SliderSettingsSerializer(required=False, help_text="Slider questions: range, step, answer, margin.")
    scale = ScaleSettingsSerializer(
        required=False, help_text="Scale questions: the range and end labels; the statements are the options."
    )
    words_per_student = serializers.IntegerField(
        required=False, help_text="Word clouds: how many words each student may send, 1 to 3 (default 1)."
    )
    time_limit_s = serializers.IntegerField(
        default=20, help_text=f"Seconds, {quizzes.MIN_TIME_S} to {quizzes.MAX_TIME_S}."
    )
    points = serializers.IntegerField(default=1000, help_text="0 (no score), 1000 (normal) or 2000 (double).")
    explanation = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    body = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="Slides: the text, in Markdown."
    )
    layout = serializers.ChoiceField(
        choices=Question.Layout.choices, required=False, default=Question.Layout.TITLE_BODY, help_text="Slides only."
    )
    notes = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="Instructor notes (console only)."
    )


class QuestionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quiz = serializers.IntegerField(source="quiz_id")
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    prompt = serializers.CharField()
    options = QuestionOptionSerializer(many=True)
    accepted_answers = serializers.ListField(child=serializers.CharField())
    numeric = SliderSettingsOutputSerializer(allow_null=True, source="slider_numeric", help_text="Sliders only.")
    scale = ScaleSettingsOutputSerializer(allow_null=True, source="scale_settings", help_text="Scales only.")
    words_per_student = serializers.IntegerField(
        allow_null=True, source="cloud_words_per_student", help_text="Word clouds only: 1 to 3."
    )
    image = serializers.ImageField(allow_null=True, help_text="URL of the question's image, if any.")
    time_limit_s = serializers.IntegerField()
    points = serializers.IntegerField()
    explanation = serializers.CharField()
    body = serializers.CharField(help_text="Slides: the text, in Markdown.")
    layout = serializers.ChoiceField(choices=Question.Layout.choices)
    notes = serializers.CharField(help_text="Instructor notes (console only).")


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
    numeric = serializers.DictField(
        required=False,
        help_text="Sliders: min, max, step, answer, margin, unit. Scales: min, max, low_label, high_label.",
    )
    words_per_student = serializers.IntegerField(required=False, help_text="Word clouds: 1 to 3.")
    time_limit_s = serializers.IntegerField()
    points = serializers.IntegerField()
    explanation = serializers.CharField(allow_blank=True)
    body = serializers.CharField(allow_blank=True, required=False)
    layout = serializers.ChoiceField(choices=Question.Layout.choices, required=False)
    notes = serializers.CharField(allow_blank=True, required=False)


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


# --- files of other tools: Kahoot, GIFT, Aiken ------------------------------------------------

ImportRefusedError = error_type(
    "import_refused", gettext_lazy("Nothing was imported: some lines were refused; see 'fields.problems'.")
)


class _TextRenderer(renderers.BaseRenderer):
    """A quiz as GIFT or Aiken text (``?format=gift`` / ``?format=aiken``); errors stay JSON text."""

    media_type = "text/plain"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, str):
            return data.encode("utf-8")
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


class GiftRenderer(_TextRenderer):
    format = "gift"


class AikenRenderer(_TextRenderer):
    format = "aiken"


TEXT_RENDERERS = (GiftRenderer, AikenRenderer)


class ExportFormatNegotiation(DefaultContentNegotiation):
    """The export's format is the ``format`` query parameter alone (JSON without it), whatever the
    Accept header says, so the answer is always one the schema documents."""

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        wanted = request.query_params.get("format") or "json"
        for renderer in renderers:
            if renderer.format == wanted:
                return renderer, renderer.media_type
        raise exceptions.NotFound()


EXPORT_FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    OpenApiParameter.QUERY,
    required=False,
    enum=["json", *quizzes.TEXT_EXPORT_FORMATS],
    description="`json` (the default), `gift` (Moodle GIFT) or `aiken`: the last two answer `text/plain`.",
)
EXPORT_DESCRIPTION = (
    "Without `format` (or `format=json`): the portable JSON that `POST /api/quizzes/import/` takes back. "
    "With `format=gift` or `format=aiken`: the quiz as text in that format, as an attachment. GIFT carries "
    "multiple choice (one or several right), true/false, short answer and open questions; Aiken carries "
    "single-answer multiple choice and true/false (as two options). The questions a format cannot carry are "
    "left out; their positions (from 1) are in the `X-Skipped-Questions` header (comma-separated, empty "
    "if none), and GIFT lists them in comments at the end. See docs/import-export.md."
)
IMPORT_DESCRIPTION = (
    "Either the JSON body that `GET /api/quizzes/{id}/export/` returns, or a `multipart/form-data` upload "
    "with `file`: an A2B Lab JSON file, a Kahoot spreadsheet (.xlsx, Kahoot's template), Moodle GIFT or "
    "Aiken (at most 1 MB). The format is `format` or told from the file's name and content. All or "
    "nothing: if any line is refused, nothing is stored and the answer is 400 `import_refused` with each "
    "refused line (or spreadsheet row) and its reason in `fields.problems`; with `skip_refused=true` the "
    "rest is imported and the refused lines come back in `skipped`. See docs/import-export.md."
)


class QuizFileImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The quiz file, at most 1 MB.")
    format = serializers.ChoiceField(
        choices=["json", "kahoot", "gift", "aiken"],
        required=False,
        help_text="Told from the file's name and content when left out.",
    )
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Default: the GIFT category or the file name."
    )
    language = serializers.ChoiceField(
        choices=Quiz.Language.choices, default=Quiz.Language.KOREAN, help_text="Ignored for JSON (it names its own)."
    )
    skip_refused = serializers.BooleanField(default=False, help_text="Import the rest when some lines are refused.")


class ImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The line (or spreadsheet row) number, from 1; 0 for the whole file.")
    where = serializers.ChoiceField(choices=["line", "row"])
    reason = serializers.CharField()
    message = serializers.CharField(help_text="The reason with its line, as a person reads it.")


class QuizFileImportOutputSerializer(QuizDetailOutputSerializer):
    skipped = ImportProblemSerializer(many=True, help_text="Refused lines left out (only with `skip_refused`).")
    notes = ImportProblemSerializer(many=True, help_text="What was changed on the way, e.g. further categories.")


def _problem_dict(problem: Problem) -> dict[str, Any]:
    return {"line": problem.line, "where": problem.where, "reason": problem.reason, "message": str(problem)}


def file_import_response(request: Request) -> Response:
    """``POST /api/quizzes/import/`` with a file: one call to ``quiz_import_file``."""
    data = QuizFileImportInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    fields = data.validated_data
    upload = fields["file"]
    try:
        report = quizzes.quiz_import_file(
            owner=cast(User, request.user),  # IsAuthenticated
            raw=upload.read(quizzes.IMPORT_MAX_BYTES + 1),
            filename=upload.name or "",
            fmt=fields.get("format"),
            title=fields.get("title", ""),
            language=fields["language"],
            skip_refused=fields["skip_refused"],
        )
    except quizzes.ImportRefused as exc:
        raise ImportRefusedError(fields={"problems": [str(p) for p in exc.problems]}) from None
    return import_response(request, report)


def import_response(request: Request, report: quizzes.ImportReport) -> Response:
    """201 with the new quiz, the refused lines left out and the notes (empty for JSON)."""
    body = dict(_quiz_detail(request, report.quiz).data)
    body["skipped"] = [_problem_dict(p) for p in report.skipped]
    body["notes"] = [_problem_dict(p) for p in report.notes]
    return Response(body, status=status.HTTP_201_CREATED)


def text_export_response(quiz: Quiz, fmt: str) -> HttpResponse:
    """``GET .../export/?format=gift|aiken``: the text as an attachment, skipped positions in a header.

    A plain ``HttpResponse``: DRF drops the Content-Type of an empty body (a quiz with nothing the
    format can carry), and the schema promises ``text/plain`` either way."""
    text, skipped = quizzes.quiz_export_as(quiz, fmt)
    stem = slugify(quiz.title, allow_unicode=True) or f"quiz-{quiz.id}"
    response = HttpResponse(text.encode("utf-8"), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{stem}-{fmt}.txt")
    response["X-Skipped-Questions"] = ",".join(str(item.position) for item in skipped)
    return response


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
        responses={201: QuizDetailOutputSerializer, **error_responses(400, 422, 401)},
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
        responses={200: QuizDetailOutputSerializer, **error_responses(400, 422, 401, 404)},
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
    renderer_classes = [renderers.JSONRenderer, *TEXT_RENDERERS]
    content_negotiation_class = ExportFormatNegotiation

    @extend_schema(
        summary="Export a quiz as portable JSON, or as Moodle GIFT or Aiken text",
        description=EXPORT_DESCRIPTION,
        parameters=[EXPORT_FORMAT_PARAMETER],
        responses={
            (200, "application/json"): QuizExportSerializer,
            (200, "text/plain"): OpenApiTypes.STR,
            **error_responses(401, 404),
        },
    )
    def get(self, request: Request, quiz_id: int) -> HttpResponse:
        quiz = owned_quiz(request, quiz_id)
        if request.accepted_renderer.format in quizzes.TEXT_EXPORT_FORMATS:
            return text_export_response(quiz, request.accepted_renderer.format)
        return Response(QuizExportSerializer(quizzes.quiz_export(quiz)).data)


class QuizImportApi(AppApiView):
    @extend_schema(
        summary="Import a quiz: its exported JSON, or a Kahoot, GIFT or Aiken file",
        description=IMPORT_DESCRIPTION,
        request={"application/json": QuizExportSerializer, "multipart/form-data": QuizFileImportInputSerializer},
        responses={201: QuizFileImportOutputSerializer, **error_responses(400, 422, 401)},
    )
    def post(self, request: Request) -> Response:
        if "file" in request.FILES or request.content_type.startswith("multipart/"):
            return file_import_response(request)
        quiz = quizzes.quiz_import(owner=request.user, data=request.data)
        return import_response(request, quizzes.ImportReport(quiz=quiz))


# --- questions --------------------------------------------------------------------------------


class QuizQuestionAddApi(AppApiView):
    @extend_schema(
        summary="Add a question at the end of a quiz",
        request=QuestionInputSerializer,
        responses={201: QuestionOutputSerializer, **error_responses(400, 422, 401, 404)},
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
        responses={200: QuestionOutputSerializer, **error_responses(400, 422, 401, 404)},
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
        responses={200: QuestionOutputSerializer(many=True), **error_responses(400, 422, 401, 404)},
    )
    def post(self, request: Request, question_id: int) -> Response:
        question = _owned_question(request, question_id)
        data = self.QuestionMoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quizzes.question_move(question=question, offset=data.validated_data["offset"])
        ordered = question.quiz.questions.order_by("position", "id")
        return Response(QuestionOutputSerializer(ordered, many=True, context={"request": request}).data)
