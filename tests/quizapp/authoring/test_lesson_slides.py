"""Slides in the builder, the REST API and the quiz files: a slide is an item with a title, Markdown,
a layout and (like every item) instructor notes; it round-trips through JSON, GIFT and Aiken leave it
out, and the builder adds, edits, duplicates, moves and previews it."""

import pytest

from quizapp.authoring.services import question_validate, quiz_create, quiz_export, quiz_export_as
from quizapp.models import Question, Quiz
from tests.quizapp.api_support import TF, error, patch, post

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

SLIDE = {
    "kind": "slide",
    "prompt": "손에 잡히는 AI",
    "body": r"Logistic: $\frac{1}{1+e^{x}}$",
    "layout": "body_image",
    "notes": "Ask the class first.",
}


@pytest.fixture
def lesson(teacher) -> Quiz:
    return quiz_create(owner=teacher, title="Lesson", questions=[SLIDE, {**TF, "notes": "가능: explain why"}])


def test_a_slide_has_no_answers_points_or_options():
    fields = question_validate(**{**SLIDE, "options": [{"text": "x", "correct": True}], "points": 2000})
    assert fields["kind"] == "slide"
    assert fields["points"] == 0
    assert fields["options"] == []
    assert fields["layout"] == "body_image"
    assert fields["notes"] == "Ask the class first."


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"prompt": "  "}, "A slide needs its title."),
        ({"prompt": "x" * 201}, "A slide's title has at most 200 characters."),
        ({"layout": "sideways"}, "Unknown slide layout: sideways"),
        ({"body": "x" * 5001}, "A slide's text has at most 5000 characters."),
        ({"notes": "x" * 5001}, "Instructor notes have at most 5000 characters."),
        ({"notes": ["not", "text"]}, "Instructor notes have at most 5000 characters."),
    ],
)
def test_bad_slides_are_refused_with_a_reason(changes, message):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        question_validate(**{**SLIDE, **changes})
    assert refused.value.messages == [message]


def test_the_api_adds_edits_and_reads_slides_and_notes(api, lesson):
    added = post(api, f"/api/quizzes/{lesson.id}/questions/", {**SLIDE, "prompt": "Second slide", "layout": "title"})
    assert added.status_code == 201, added.content
    body = added.json()
    assert (body["kind"], body["layout"], body["points"]) == ("slide", "title", 0)
    assert body["notes"] == "Ask the class first."
    changed = patch(api, f"/api/questions/{body['id']}/", {"body": "**new**", "notes": "new notes"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["body"] == "**new**"
    assert changed.json()["notes"] == "new notes"
    assert changed.json()["layout"] == "title"  # left out: kept
    refused = patch(api, f"/api/questions/{body['id']}/", {"layout": "sideways"})
    assert refused.status_code == 400
    detail = api.get(f"/api/quizzes/{lesson.id}/").json()
    assert [q["kind"] for q in detail["questions"]] == ["slide", "true_false", "slide"]
    assert detail["questions"][1]["notes"] == "가능: explain why"


def test_json_export_import_round_trip_keeps_slides_and_notes(api, lesson):
    exported = api.get(f"/api/quizzes/{lesson.id}/export/")
    assert exported.status_code == 200
    first = exported.json()["questions"][0]
    assert (first["kind"], first["body"], first["layout"], first["notes"]) == (
        "slide",
        SLIDE["body"],
        "body_image",
        "Ask the class first.",
    )
    imported = post(api, "/api/quizzes/import/", exported.json())
    assert imported.status_code == 201, imported.content
    copy = Quiz.objects.exclude(id=lesson.id).get()
    assert quiz_export(copy) == quiz_export(lesson)


def test_an_old_quiz_file_without_slide_fields_still_imports(api, teacher):
    data = quiz_export(quiz_create(owner=teacher, title="Old", questions=[TF]))
    for question in data["questions"]:
        for name in ("body", "layout", "notes"):
            question.pop(name)
    response = post(api, "/api/quizzes/import/", data)
    assert response.status_code == 201, response.content


def test_gift_and_aiken_leave_slides_out(lesson):
    for fmt in ("gift", "aiken"):
        text, skipped = quiz_export_as(lesson, fmt)
        assert "손에 잡히는 AI" not in text
        assert "Spotting a cat" in text
        assert skipped == []  # a slide is not a question left out


def test_the_builder_adds_a_slide_and_shows_it_in_the_list(api, lesson):
    response = api.post(
        f"/quizzes/{lesson.id}/questions/add/",
        {
            "kind": "slide",
            "prompt": "Data-driven method",
            "body": "Train, then predict: $y = wx + b$",
            "layout": "title_body",
            "notes": "Say: the data decides.",
            "time_limit_s": 20,
            "points": 1000,
            "tf_correct": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    slide = Question.objects.get(prompt="Data-driven method")
    assert (slide.kind, slide.points, slide.notes) == ("slide", 0, "Say: the data decides.")
    page = api.get(f"/quizzes/{lesson.id}/").content.decode()
    assert "Data-driven method" in page
    assert f"/quizzes/{lesson.id}/questions/{slide.id}/preview/?as=projector" in page
    edit = api.get(f"/quizzes/{lesson.id}/questions/{slide.id}/").content.decode()
    assert "Say: the data decides." in edit


def test_duplicate_and_move_work_for_slides(api, lesson):
    slide = lesson.questions.get(kind="slide")
    assert api.post(f"/quizzes/{lesson.id}/questions/{slide.id}/duplicate/").status_code == 302
    kinds = list(lesson.questions.order_by("position").values_list("kind", "notes"))
    assert kinds[:2] == [("slide", "Ask the class first."), ("slide", "Ask the class first.")]
    last = lesson.questions.order_by("position").last()
    assert api.post(f"/quizzes/{lesson.id}/questions/{last.id}/move/", {"direction": "up"}).status_code == 302
    assert list(lesson.questions.order_by("position").values_list("kind", flat=True)) == [
        "slide",
        "true_false",
        "slide",
    ]


def test_preview_as_projector_and_phone(api, lesson):
    slide = lesson.questions.get(kind="slide")
    question = lesson.questions.get(kind="true_false")
    projector = api.get(f"/quizzes/{lesson.id}/questions/{slide.id}/preview/?as=projector")
    assert projector.status_code == 200
    html = projector.content.decode()
    assert 'data-testid="projector-slide"' in html
    assert "<math" in html
    assert "layout-body_image" in html
    assert "Ask the class first." not in html  # notes are the console's only
    phone = api.get(f"/quizzes/{lesson.id}/questions/{slide.id}/preview/?as=phone").content.decode()
    assert 'data-testid="phone-slide"' in phone
    assert "손에 잡히는 AI" in phone
    asked = api.get(
        f"/quizzes/{lesson.id}/questions/{question.id}/preview/?as=phone", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Spotting a cat" in asked
    assert "Question 1 of 1" in asked
    assert "가능: explain why" not in asked


def test_someone_elses_preview_is_not_found(client, lesson):
    from tests.factories import InstructorFactory

    client.force_login(InstructorFactory.create(username="other"))
    slide = lesson.questions.get(kind="slide")
    assert client.get(f"/quizzes/{lesson.id}/questions/{slide.id}/preview/").status_code == 404


def test_api_refuses_notes_that_are_too_long(api, lesson):
    response = post(api, f"/api/quizzes/{lesson.id}/questions/", {**SLIDE, "notes": "x" * 5001})
    assert response.status_code == 400
    assert error(response)
