"""The quiz builder pages under /quizzes/: create, edit, reorder, duplicate, delete, export,
import, question images, and owner-only access."""

import io
import json
from typing import Any

import pytest
from PIL import Image, PngImagePlugin

from quizapp.authoring.services import question_add, quiz_create, quiz_export
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.messages import question_public
from quizapp.models import Question, Quiz, QuizSession
from tests.factories import InstructorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

TF = {
    "kind": "true_false",
    "prompt": "Spotting a cat in a photo?",
    "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
}
MC = {
    "kind": "multiple_choice",
    "prompt": "Which are A → B?",
    "options": [
        {"text": "spam filter", "correct": True},
        {"text": "empathy"},
        {"text": "translation", "correct": True},
    ],
    "time_limit_s": 30,
    "points": 2000,
    "explanation": "Input A, output B.",
}
SHORT = {"kind": "short_answer", "prompt": "고양이 in English?", "accepted_answers": ["cat", "a cat"]}
POLL = {"kind": "poll", "prompt": "Favourite?", "options": ["trees", "nets"], "points": 0}


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def quiz(teacher) -> Quiz:
    return quiz_create(owner=teacher, title="AI 가능/불가능", questions=[TF, MC, SHORT])


def question_post(**overrides: object) -> dict[str, object]:
    """What the add-question form posts, a true/false question unless told otherwise."""
    data: dict[str, object] = {
        "kind": "true_false",
        "prompt": "Is this A → B?",
        "tf_true_label": "",
        "tf_false_label": "",
        "tf_correct": "true",
        "accepted_answers": "",
        "time_limit_s": "20",
        "points": "1000",
        "explanation": "",
    }
    for n in range(6):
        data[f"option_{n}"] = ""
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not False}


def ordered_prompts(quiz: Quiz) -> list[str]:
    return list(quiz.questions.order_by("position", "id").values_list("prompt", flat=True))


def png_bytes(size=(40, 30), **info) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    meta = PngImagePlugin.PngInfo()
    for key, value in info.items():
        meta.add_text(key, value)
    out = io.BytesIO()
    img.save(out, format="PNG", pnginfo=meta)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


# --- list, create, settings ----------------------------------------------------------------


def test_pages_need_an_instructor_login(client):
    response = client.get("/quizzes/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get("/quizzes/new/").status_code == 302


def test_list_shows_my_quizzes_escaped_and_not_quick_questions(teacher_client, teacher, quiz):
    quiz_create(owner=teacher, title="<b>bold</b> quiz")
    Quiz.objects.create(owner=teacher, title="quick one", is_adhoc=True)
    quiz_create(owner=InstructorFactory.create(username="other"), title="Someone else's")
    page = teacher_client.get("/quizzes/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "AI 가능/불가능" in html
    assert "&lt;b&gt;bold&lt;/b&gt; quiz" in html
    assert "<b>bold</b>" not in html
    assert "quick one" not in html
    assert "Someone else" not in html
    assert f"/quizzes/{quiz.id}/export/" in html
    assert "Questions: 3" in html


def test_create_a_quiz_then_change_its_settings(teacher_client, teacher):
    response = teacher_client.post(
        "/quizzes/new/", {"title": "  Week 1  ", "language": "en", "speed_points": "on"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    quiz = Quiz.objects.get(owner=teacher)
    assert response.status_code == 302
    assert response["Location"] == f"/quizzes/{quiz.id}/"
    assert (quiz.title, quiz.language, quiz.speed_points, quiz.streaks, quiz.ask_confidence) == (
        "Week 1",
        "en",
        True,
        False,
        False,
    )
    page = teacher_client.get(f"/quizzes/{quiz.id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Quiz created" in page.content.decode()

    response = teacher_client.post(
        f"/quizzes/{quiz.id}/", {"title": "Week 2", "language": "ko", "streaks": "on", "ask_confidence": "on"}
    )
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert (quiz.title, quiz.language, quiz.speed_points, quiz.streaks, quiz.ask_confidence) == (
        "Week 2",
        "ko",
        False,
        True,
        True,
    )


def test_settings_errors_are_shown_and_nothing_changes(teacher_client, quiz):
    response = teacher_client.post(f"/quizzes/{quiz.id}/", {"title": " ", "language": "fr"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert "Select a valid choice." in html
    quiz.refresh_from_db()
    assert quiz.title == "AI 가능/불가능"
    assert teacher_client.post("/quizzes/new/", {"title": ""}).status_code == 400
    assert Quiz.objects.count() == 1


# --- questions --------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "labels"), [("ko", ["가능", "불가능"]), ("en", ["Possible", "Impossible"])])
def test_true_false_labels_default_to_the_quiz_language(teacher_client, teacher, language, labels):
    quiz = quiz_create(owner=teacher, title="T/F", language=language)
    # The page's own language is the other one: the quiz's language decides the labels.
    other = "en" if language == "ko" else "ko"
    page = teacher_client.get(f"/quizzes/{quiz.id}/", HTTP_ACCEPT_LANGUAGE=other)
    assert f'value="{labels[0]}"' in page.content.decode()
    response = teacher_client.post(
        f"/quizzes/{quiz.id}/questions/add/", question_post(tf_correct="false"), HTTP_ACCEPT_LANGUAGE=other
    )
    assert response.status_code == 302
    question = quiz.questions.get()
    assert question.options == [{"text": labels[0], "correct": False}, {"text": labels[1], "correct": True}]
    assert response["Location"] == f"/quizzes/{quiz.id}/#question-{question.id}"


def test_add_every_kind_of_question(teacher_client, teacher):
    quiz = quiz_create(owner=teacher, title="All kinds", language="en")
    url = f"/quizzes/{quiz.id}/questions/add/"
    posts = [
        question_post(prompt="TF", tf_true_label="Yes", tf_false_label="No", tf_correct="false"),
        question_post(
            kind="multiple_choice",
            prompt="MC",
            option_0="a",
            correct_0="on",
            option_1="b",
            option_2="",
            option_3="d",
            correct_3="on",
            time_limit_s="45",
            points="2000",
            explanation="Two are right.",
        ),
        question_post(kind="short_answer", prompt="SA", accepted_answers="cat\r\n\r\n a cat \n"),
        question_post(kind="poll", prompt="Poll", option_0="x", correct_0="on", option_1="y", points="0"),
        question_post(
            kind="drawing", prompt="Draw", drawing_prompts="고양이 / cat\r\n\r\n 집 / house \n sun", points="1000"
        ),
    ]
    for data in posts:
        response = teacher_client.post(url, data)
        assert response.status_code == 302, response.content.decode()
    tf, mc, sa, poll, drawing = quiz.questions.order_by("position", "id")
    assert tf.options == [{"text": "Yes", "correct": False}, {"text": "No", "correct": True}]
    assert mc.options == [
        {"text": "a", "correct": True},
        {"text": "b", "correct": False},
        {"text": "d", "correct": True},
    ]
    assert (mc.time_limit_s, mc.points, mc.explanation) == (45, 2000, "Two are right.")
    assert sa.accepted_answers == ["cat", "a cat"]
    assert sa.options == []
    assert poll.options == [{"text": "x", "correct": False}, {"text": "y", "correct": False}]
    assert poll.points == 0
    assert [o["text"] for o in drawing.options] == ["고양이 / cat", "집 / house", "sun"]
    assert drawing.points == 0  # a drawing is data, not a right answer
    edit = teacher_client.get(f"/quizzes/{quiz.id}/questions/{drawing.id}/").content.decode()
    assert "고양이 / cat\n집 / house\nsun" in edit
    page = teacher_client.get(f"/quizzes/{quiz.id}/").content.decode()
    assert page.index(">TF<") < page.index(">MC<") < page.index(">SA<") < page.index(">Poll<")


@pytest.mark.parametrize(
    ("data", "english", "korean"),
    [
        (
            question_post(kind="multiple_choice", option_0="a", option_1="b"),
            "Mark at least one option as correct (or make it a poll).",
            "정답인 보기를 하나 이상 표시하세요(아니면 설문으로 바꾸세요).",
        ),
        (
            question_post(kind="poll", option_0="only one"),
            "A question has 2 to 6 options.",
            "문제의 보기는 2~6개입니다.",
        ),
        (
            question_post(time_limit_s="301"),
            "The time limit is between 5 and 300 seconds.",
            "제한 시간은 5초에서 300초 사이입니다.",
        ),
        (
            question_post(kind="drawing", drawing_prompts="only one"),
            "A drawing round has 2 to 10 prompts.",
            "그림 라운드의 주제는 2~10개입니다.",
        ),
        (
            question_post(kind="drawing", drawing_prompts="house\n집"),
            "Two prompts name the same thing (house): keep one.",
            "두 주제가 같은 것(house)을 가리킵니다. 하나만 남기세요.",
        ),
        (
            question_post(kind="short_answer", accepted_answers="\n \n"),
            "A short-answer question needs at least one accepted answer.",
            "단답형 문제에는 인정하는 답이 하나 이상 있어야 합니다.",
        ),
    ],
)
def test_a_bad_question_is_refused_with_a_translated_message(teacher_client, quiz, data, english, korean):
    before = Question.objects.count()
    url = f"/quizzes/{quiz.id}/questions/add/"
    response = teacher_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert english in response.content.decode()
    response = teacher_client.post(url, data, HTTP_ACCEPT_LANGUAGE="ko")
    assert korean in response.content.decode()
    assert Question.objects.count() == before


def test_edit_a_question(teacher_client, quiz):
    mc = quiz.questions.get(kind="multiple_choice")
    url = f"/quizzes/{quiz.id}/questions/{mc.id}/"
    page = teacher_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="spam filter"' in html
    assert 'name="correct_2" id="id_correct_2" checked' in html
    response = teacher_client.post(
        url,
        question_post(
            kind="multiple_choice", prompt="Edited", option_0="one", option_1="two", correct_1="on", points="0"
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/quizzes/{quiz.id}/#question-{mc.id}"
    mc.refresh_from_db()
    assert mc.prompt == "Edited"
    assert mc.options == [{"text": "one", "correct": False}, {"text": "two", "correct": True}]
    assert mc.points == 0
    refused = teacher_client.post(url, question_post(kind="multiple_choice", prompt="Nope", option_0="x"))
    assert refused.status_code == 400
    mc.refresh_from_db()
    assert mc.prompt == "Edited"


def test_reorder_duplicate_and_delete_questions(teacher_client, quiz):
    base = f"/quizzes/{quiz.id}/questions"
    tf, mc, short = quiz.questions.order_by("position", "id")
    assert teacher_client.post(f"{base}/{short.id}/move/", {"direction": "up"}).status_code == 302
    assert ordered_prompts(quiz) == [TF["prompt"], SHORT["prompt"], MC["prompt"]]
    teacher_client.post(f"{base}/{tf.id}/move/", {"direction": "up"})  # already first: stays
    teacher_client.post(f"{base}/{tf.id}/move/", {"direction": "down"})
    assert ordered_prompts(quiz) == [SHORT["prompt"], TF["prompt"], MC["prompt"]]

    response = teacher_client.post(f"{base}/{tf.id}/duplicate/")
    copy = quiz.questions.exclude(id__in=[tf.id, mc.id, short.id]).get()
    assert response["Location"] == f"/quizzes/{quiz.id}/#question-{copy.id}"
    assert ordered_prompts(quiz) == [SHORT["prompt"], TF["prompt"], TF["prompt"], MC["prompt"]]
    assert copy.options == tf.options

    assert teacher_client.post(f"{base}/{tf.id}/delete/").status_code == 302
    assert list(quiz.questions.order_by("position").values_list("id", flat=True)) == [short.id, copy.id, mc.id]
    assert list(quiz.questions.order_by("position").values_list("position", flat=True)) == [0, 1, 2]
    # Changing pages are POST only.
    assert teacher_client.get(f"{base}/{mc.id}/delete/").status_code == 405


def test_delete_a_quiz_after_confirming(teacher_client, quiz):
    page = teacher_client.get(f"/quizzes/{quiz.id}/delete/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "cannot be undone" in page.content.decode()
    assert Quiz.objects.filter(id=quiz.id).exists()
    response = teacher_client.post(f"/quizzes/{quiz.id}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/quizzes/"
    assert not Quiz.objects.filter(id=quiz.id).exists()
    assert not Question.objects.exists()


def test_a_played_quiz_is_kept(teacher_client, teacher, quiz):
    room = room_create(owner=teacher, code="ROOM42")
    live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    response = teacher_client.post(f"/quizzes/{quiz.id}/delete/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "cannot be deleted" in response.content.decode()
    assert Quiz.objects.filter(id=quiz.id).exists()


# --- export and import -------------------------------------------------------------------


def test_export_downloads_utf8_json(teacher_client, quiz):
    response = teacher_client.get(f"/quizzes/{quiz.id}/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "ai-가능불가능.json" in response["Content-Disposition"] or "ai-%EA%B0%80" in response["Content-Disposition"]
    assert "가능".encode() in response.content, "Korean is written as UTF-8, not \\u escapes"
    assert json.loads(response.content.decode("utf-8")) == quiz_export(quiz)


def test_export_filename_is_the_slug(teacher_client, teacher):
    quiz = quiz_create(owner=teacher, title="Week 3: Neural Nets!")
    response = teacher_client.get(f"/quizzes/{quiz.id}/export/")
    assert response["Content-Disposition"] == 'attachment; filename="week-3-neural-nets.json"'


def test_export_then_import_round_trip(teacher_client, teacher, quiz):
    question_add(quiz=quiz, **POLL)
    exported = teacher_client.get(f"/quizzes/{quiz.id}/export/").content
    response = teacher_client.post("/quizzes/import/", {"file": upload("quiz.json", exported, "application/json")})
    assert response.status_code == 302
    imported = Quiz.objects.exclude(id=quiz.id).get(owner=teacher)
    assert response["Location"] == f"/quizzes/{imported.id}/"
    assert quiz_export(imported) == quiz_export(quiz)


def test_import_accepts_a_byte_order_mark(teacher_client, quiz):
    data = "\ufeff" + json.dumps(quiz_export(quiz), ensure_ascii=False)
    response = teacher_client.post("/quizzes/import/", {"file": upload("q.json", data.encode(), "application/json")})
    assert response.status_code == 302


def _bad_question_file() -> bytes:
    data: dict[str, Any] = {
        "format": "a2blab.quiz",
        "version": 1,
        "title": "Broken",
        "language": "en",
        "questions": [TF, MC],
    }
    data["questions"][1] = {**MC, "options": [{"text": "a"}, {"text": "b"}]}
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("content", "english", "korean"),
    [
        (b"this is not json {", "This file is not valid JSON.", None),
        (b"\xff\xfe\x00garbage", "This file is not valid JSON.", None),
        (
            json.dumps({"format": "kahoot", "questions": []}).encode(),
            "This is not an A2B Lab quiz file.",
            "A2B Lab 퀴즈 파일이 아닙니다.",
        ),
        (
            json.dumps({"format": "a2blab.quiz", "version": 99, "questions": []}).encode(),
            "This quiz file&#x27;s version is not supported.",
            None,
        ),
        (
            _bad_question_file(),
            "Question 2: Mark at least one option as correct (or make it a poll).",
            "2번 문제: 정답인 보기를 하나 이상 표시하세요(아니면 설문으로 바꾸세요).",
        ),
    ],
)
def test_a_broken_import_is_a_translated_error_and_stores_nothing(teacher_client, quiz, content, english, korean):
    counts = (Quiz.objects.count(), Question.objects.count())
    response = teacher_client.post(
        "/quizzes/import/", {"file": upload("quiz.json", content, "application/json")}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert english in response.content.decode()
    if korean:
        response = teacher_client.post(
            "/quizzes/import/", {"file": upload("quiz.json", content, "application/json")}, HTTP_ACCEPT_LANGUAGE="ko"
        )
        assert korean in response.content.decode()
    assert (Quiz.objects.count(), Question.objects.count()) == counts


def test_an_import_over_one_megabyte_is_refused(teacher_client, quiz):
    big = json.dumps({**quiz_export(quiz), "padding": "x" * 1_000_001}).encode()
    response = teacher_client.post(
        "/quizzes/import/", {"file": upload("big.json", big, "application/json")}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "at most 1 MB" in response.content.decode()
    assert Quiz.objects.count() == 1


# --- images --------------------------------------------------------------------------------


def test_a_real_png_is_accepted_and_reencoded(teacher_client, quiz, media):
    original = png_bytes(size=(2000, 1000), Comment="secret location")
    data = question_post(
        prompt="With a picture", image=upload("photo.png", original, "image/png"), image_alt="A wide picture"
    )
    response = teacher_client.post(f"/quizzes/{quiz.id}/questions/add/", data)
    assert response.status_code == 302
    question = quiz.questions.get(prompt="With a picture")
    assert question.image.name.endswith(".png")
    stored = question.image.read()
    assert stored != original
    with Image.open(io.BytesIO(stored)) as img:
        assert img.format == "PNG"
        assert img.size == (1024, 512), "shrunk to the longest side of 1024"
        assert "Comment" not in img.info, "metadata is stripped"
    page = teacher_client.get(f"/quizzes/{quiz.id}/")
    assert question.image.url in page.content.decode()


def test_a_jpeg_named_png_is_stored_as_jpeg(teacher_client, quiz, media):
    out = io.BytesIO()
    Image.new("RGB", (50, 50), (0, 90, 200)).save(out, format="JPEG")
    data = question_post(prompt="Photo", image=upload("looks.png", out.getvalue(), "image/png"), image_alt="Blue")
    assert teacher_client.post(f"/quizzes/{quiz.id}/questions/add/", data).status_code == 302
    assert quiz.questions.get(prompt="Photo").image.name.endswith(".jpg")


def test_a_text_file_named_png_is_refused_and_nothing_is_stored(teacher_client, quiz, media):
    before = Question.objects.count()
    data = question_post(prompt="Sneaky", image=upload("cat.png", b"just some text, not an image", "image/png"))
    response = teacher_client.post(f"/quizzes/{quiz.id}/questions/add/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "This file is not an image (PNG, JPEG, WebP or GIF)." in response.content.decode()
    assert Question.objects.count() == before
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_replace_and_remove_a_question_image(teacher_client, quiz, media):
    tf = quiz.questions.get(kind="true_false")
    url = f"/quizzes/{quiz.id}/questions/{tf.id}/"
    post = question_post(prompt=tf.prompt, tf_true_label="가능", tf_false_label="불가능")
    teacher_client.post(url, {**post, "image": upload("a.png", png_bytes(), "image/png"), "image_alt": "A cat"})
    tf.refresh_from_db()
    assert tf.image
    page = teacher_client.get(url).content.decode()
    assert 'name="remove_image"' in page
    assert teacher_client.post(url, {**post, "remove_image": "on"}).status_code == 302
    tf.refresh_from_db()
    assert not tf.image


def test_an_image_needs_a_description_or_is_marked_decorative(teacher_client, quiz, media):
    """WCAG 1.1.1: a question image says what it shows, or says it is decorative (alt="")."""
    url = f"/quizzes/{quiz.id}/questions/add/"
    bare = question_post(prompt="Undescribed", image=upload("a.png", png_bytes(), "image/png"))
    refused = teacher_client.post(url, bare, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "Describe the image (what it shows), or mark it as decorative." in refused.content.decode()
    assert not quiz.questions.filter(prompt="Undescribed").exists()

    described = question_post(
        prompt="Described", image=upload("b.png", png_bytes(), "image/png"), image_alt="  A cat   on a mat "
    )
    assert teacher_client.post(url, described).status_code == 302
    question = quiz.questions.get(prompt="Described")
    assert (question.image_alt, question.image_decorative) == ("A cat on a mat", False)
    assert question_public(question, index=0, total=1)["image_alt"] == "A cat on a mat"
    page = teacher_client.get(f"/quizzes/{quiz.id}/").content.decode()
    assert 'alt="A cat on a mat"' in page

    decorative = question_post(
        prompt="Decorative", image=upload("c.png", png_bytes(), "image/png"), image_decorative="on", image_alt="x"
    )
    assert teacher_client.post(url, decorative).status_code == 302
    question = quiz.questions.get(prompt="Decorative")
    assert (question.image_alt, question.image_decorative) == ("", True)
    assert question_public(question, index=0, total=1)["image_alt"] == "", "alt='' lets screen readers skip it"


# --- permissions ---------------------------------------------------------------------------


def test_another_instructor_gets_404_everywhere(client, quiz, media):
    stranger = InstructorFactory.create(username="stranger", password="a-long-password-2")
    client.force_login(stranger)
    question = quiz.questions.first()
    q = f"/quizzes/{quiz.id}/questions/{question.id}"
    for url in (f"/quizzes/{quiz.id}/", f"/quizzes/{quiz.id}/export/", f"/quizzes/{quiz.id}/delete/", f"{q}/"):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/quizzes/{quiz.id}/",
        f"/quizzes/{quiz.id}/delete/",
        f"/quizzes/{quiz.id}/questions/add/",
        f"{q}/",
        f"{q}/move/",
        f"{q}/duplicate/",
        f"{q}/delete/",
    ):
        assert client.post(url, question_post(title="Mine now", language="en")).status_code == 404, url
    quiz.refresh_from_db()
    assert quiz.title == "AI 가능/불가능"
    assert quiz.questions.count() == 3


def test_a_question_is_only_reached_through_its_own_quiz(teacher_client, teacher, quiz):
    other_quiz = quiz_create(owner=teacher, title="Other", questions=[TF])
    question = quiz.questions.first()
    assert teacher_client.get(f"/quizzes/{other_quiz.id}/questions/{question.id}/").status_code == 404
    assert teacher_client.post(f"/quizzes/{other_quiz.id}/questions/{question.id}/delete/").status_code == 404
