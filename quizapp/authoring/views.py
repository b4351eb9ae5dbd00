"""The quiz builder: an instructor's pages to list, create, edit, import and export quizzes.

Plain HTML forms, POST-redirect-GET. Every quiz and question is looked up through its owner, so
someone else's gets 404. Each view parses a form and calls one service.
"""

import json
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.auth import signed_in_user
from quizapp.authoring import services as quizzes
from quizapp.authoring.forms import QuestionForm, QuizImportForm, QuizSettingsForm
from quizapp.authoring.services import question_image_set, quiz_delete, quiz_update
from quizapp.messages import numbering, question_public, slide_public
from quizapp.models import Question, Quiz
from quizapp.selectors import quizzes_for_owner

#: Lines left out or notes shown after an import, at most, of each kind.
MAX_REPORTED = 20


def _quiz_for(request: HttpRequest, quiz_id: int) -> Quiz:
    return get_object_or_404(quizzes_for_owner(signed_in_user(request)), id=quiz_id)


def _question_for(request: HttpRequest, quiz_id: int, question_id: int) -> Question:
    return get_object_or_404(
        Question.objects.select_related("quiz"),
        id=question_id,
        quiz__in=quizzes_for_owner(signed_in_user(request)).filter(id=quiz_id),
    )


def _edit_url(quiz: Quiz, question: Question | None = None) -> str:
    url = reverse("builder:quiz_edit", args=[quiz.id])
    return f"{url}#question-{question.id}" if question is not None else url


def _list_page(request: HttpRequest, import_form: QuizImportForm, status: int = 200) -> HttpResponse:
    quiz_list = (
        quizzes_for_owner(signed_in_user(request)).annotate(question_count=Count("questions")).order_by("-updated_at")
    )
    return render(
        request,
        "quizapp/builder/quiz_list.html",
        {"quizzes": quiz_list, "import_form": import_form},
        status=status,
    )


def _edit_page(
    request: HttpRequest,
    quiz: Quiz,
    *,
    settings_form: QuizSettingsForm | None = None,
    question_form: QuestionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "quizapp/builder/quiz_edit.html",
        {
            "quiz": quiz,
            "questions": list(quiz.questions.order_by("position", "id")),
            "settings_form": settings_form or QuizSettingsForm.for_quiz(quiz),
            "question_form": question_form or QuestionForm(quiz=quiz),
            "exports": _exports(quiz),
        },
        status=status,
    )


def _exports(quiz: Quiz) -> list[dict[str, object]]:
    """The GIFT and Aiken export links, each with the questions that format leaves out."""
    labels = {"gift": _("Export GIFT"), "aiken": _("Export Aiken")}
    exports: list[dict[str, object]] = []
    for fmt in quizzes.TEXT_EXPORT_FORMATS:
        _text, skipped = quizzes.quiz_export_as(quiz, fmt)
        url = reverse("builder:quiz_export", args=[quiz.id]) + f"?format={fmt}"
        exports.append({"format": fmt, "label": labels[fmt], "url": url, "skipped": skipped})
    return exports


def _store_question(form: QuestionForm, save: Callable[[], Question]) -> Question | None:
    """Save the question and its image change in one transaction; a refusal goes on the form."""
    try:
        with transaction.atomic():
            question = save()
            changed, image = form.image_change
            if changed:
                question_image_set(question=question, image=image)
            quizzes.question_image_describe(
                question=question,
                alt=form.cleaned_data.get("image_alt", ""),
                decorative=form.cleaned_data.get("image_decorative", False),
            )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    return question


@login_required
@require_http_methods(["GET"])
def quiz_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, QuizImportForm())


@login_required
@require_http_methods(["GET", "POST"])
def quiz_new(request: HttpRequest) -> HttpResponse:
    form = QuizSettingsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            quiz = quizzes.quiz_create(owner=signed_in_user(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Quiz created. Now add its questions."))
            return redirect(_edit_url(quiz))
    status = 400 if form.is_bound else 200
    return render(request, "quizapp/builder/quiz_new.html", {"settings_form": form}, status=status)


@login_required
@require_POST
def quiz_import(request: HttpRequest) -> HttpResponse:
    """Import A2B Lab JSON, a Kahoot spreadsheet, GIFT or Aiken; refused lines are listed on the page."""
    form = QuizImportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = quizzes.quiz_import_file(
                owner=signed_in_user(request),
                raw=form.raw,
                filename=data["file"].name or "",
                fmt=data["format"] or None,
                language=data["language"],
                skip_refused=data["skip_refused"],
            )
        except quizzes.ImportRefused as exc:
            form.refused = exc.problems
            form.add_error(
                "file",
                ngettext(
                    "Nothing was imported: %(n)d line was refused (listed below).",
                    "Nothing was imported: %(n)d lines were refused (listed below).",
                    len(exc.problems),
                )
                % {"n": len(exc.problems)},
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            _report_import(request, report)
            return redirect(_edit_url(report.quiz))
    return _list_page(request, form, status=400)


def _report_import(request: HttpRequest, report: quizzes.ImportReport) -> None:
    """The success message, then each line left out and each note (at most 20 of each)."""
    messages.success(request, _("Quiz imported: %(title)s") % {"title": report.quiz.title})
    for level, items in ((messages.WARNING, report.skipped), (messages.INFO, report.notes)):
        for item in items[:MAX_REPORTED]:
            text = _("Not imported: %(problem)s") if level == messages.WARNING else "%(problem)s"
            messages.add_message(request, level, text % {"problem": item})
        if len(items) > MAX_REPORTED:
            messages.add_message(request, level, _("… and %(n)d more.") % {"n": len(items) - MAX_REPORTED})


@login_required
@require_http_methods(["GET", "POST"])
def quiz_edit(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _quiz_for(request, quiz_id)
    if request.method == "GET":
        return _edit_page(request, quiz)
    form = QuizSettingsForm.for_quiz(quiz, request.POST)
    if form.is_valid():
        try:
            quiz_update(quiz=quiz, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Quiz settings saved."))
            return redirect(_edit_url(quiz))
    quiz.refresh_from_db()
    return _edit_page(request, quiz, settings_form=form, status=400)


@login_required
@require_http_methods(["GET"])
def quiz_export(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """The quiz as a file: JSON, or ``?format=gift`` / ``?format=aiken`` as text (what they carry)."""
    quiz = _quiz_for(request, quiz_id)
    fmt = request.GET.get("format", "json")
    stem = slugify(quiz.title, allow_unicode=True) or f"quiz-{quiz.id}"
    if fmt in quizzes.TEXT_EXPORT_FORMATS:
        text, _skipped = quizzes.quiz_export_as(quiz, fmt)
        response = HttpResponse(text.encode("utf-8"), content_type="text/plain; charset=utf-8")
        filename = f"{stem}-{fmt}.txt"
    else:
        body = json.dumps(quizzes.quiz_export(quiz), ensure_ascii=False, indent=2)
        response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
        filename = f"{stem}.json"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def quiz_remove(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    quiz = _quiz_for(request, quiz_id)
    if request.method == "POST":
        try:
            quiz_delete(quiz=quiz)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("builder:quiz_list")
        messages.success(request, _("Quiz deleted: %(title)s") % {"title": quiz.title})
        return redirect("builder:quiz_list")
    return render(request, "quizapp/builder/quiz_delete.html", {"quiz": quiz})


@login_required
@require_POST
def question_add(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _quiz_for(request, quiz_id)
    form = QuestionForm(request.POST, request.FILES, quiz=quiz)
    if form.is_valid():
        question = _store_question(form, lambda: quizzes.question_add(quiz=quiz, **form.question_fields()))
        if question is not None:
            messages.success(request, _("Question added."))
            return redirect(_edit_url(quiz, question))
    return _edit_page(request, quiz, question_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, quiz_id: int, question_id: int) -> HttpResponse:
    question = _question_for(request, quiz_id, question_id)
    quiz = question.quiz
    if request.method == "POST":
        form = QuestionForm(request.POST, request.FILES, quiz=quiz, question=question)
        if form.is_valid():
            saved = _store_question(form, lambda: quizzes.question_update(question=question, **form.question_fields()))
            if saved is not None:
                messages.success(request, _("Question saved."))
                return redirect(_edit_url(quiz, question))
        question.refresh_from_db()
        status = 400
    else:
        form = QuestionForm(quiz=quiz, question=question)
        status = 200
    return render(
        request,
        "quizapp/builder/question_edit.html",
        {"quiz": quiz, "question": question, "question_form": form},
        status=status,
    )


@login_required
@require_POST
def question_move(request: HttpRequest, quiz_id: int, question_id: int) -> HttpResponse:
    question = _question_for(request, quiz_id, question_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    quizzes.question_move(question=question, offset=offset)
    return redirect(_edit_url(question.quiz, question))


@login_required
@require_POST
def question_duplicate(request: HttpRequest, quiz_id: int, question_id: int) -> HttpResponse:
    question = _question_for(request, quiz_id, question_id)
    copy = quizzes.question_duplicate(question=question)
    messages.success(request, _("Question duplicated."))
    return redirect(_edit_url(question.quiz, copy))


@login_required
@require_POST
def question_delete(request: HttpRequest, quiz_id: int, question_id: int) -> HttpResponse:
    question = _question_for(request, quiz_id, question_id)
    quiz = question.quiz
    quizzes.question_delete(question=question)
    messages.success(request, _("Question deleted."))
    return redirect(_edit_url(quiz))


@login_required
@require_http_methods(["GET"])
def item_preview(request: HttpRequest, quiz_id: int, question_id: int) -> HttpResponse:
    """One item as the projector (``?as=projector``) or a phone (``?as=phone``) shows it, from the
    same templates and the same public data the live screens get (never the instructor's notes)."""
    item = _question_for(request, quiz_id, question_id)
    items = list(item.quiz.questions.order_by("position", "id"))
    index = items.index(item)
    context: dict[str, object] = {"quiz": item.quiz, "item": item, "as_phone": request.GET.get("as") == "phone"}
    if item.is_slide:
        context["slide"] = slide_public(item, item_index=index, items=len(items))
    else:
        context["question"] = question_public(item, **numbering(items, index))
    return render(request, "quizapp/builder/item_preview.html", context)
