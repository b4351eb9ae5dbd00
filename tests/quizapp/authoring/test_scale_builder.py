"""The builder page's scale fields: statements one per line, the range, the end labels; the edit
page shows them again; bad ones are refused with a translated message and nothing is stored."""

import pytest

from quizapp.authoring.services import quiz_create
from quizapp.models import Question
from tests.quizapp.authoring.test_views import question_post, teacher_client  # noqa: F401 - a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def scale_post(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "kind": "scale",
        "prompt": "How much do you agree?",
        "scale_statements": "AI will change my job\r\n\r\n I trust AI's answers \n",
        "scale_range": "0-10",
        "scale_low_label": "Not at all",
        "scale_high_label": "Completely",
    }
    return question_post(**{**fields, **overrides})


def test_add_and_edit_a_scale_question(teacher_client, teacher):  # noqa: F811
    quiz = quiz_create(owner=teacher, title="Opinions", language="en")
    response = teacher_client.post(f"/quizzes/{quiz.id}/questions/add/", scale_post())
    assert response.status_code == 302, response.content.decode()
    question = quiz.questions.get()
    assert question.kind == Question.Kind.SCALE
    assert [o["text"] for o in question.options] == ["AI will change my job", "I trust AI's answers"]
    assert question.numeric == {"min": 0, "max": 10, "low_label": "Not at all", "high_label": "Completely"}
    assert question.points == 0
    edit = teacher_client.get(f"/quizzes/{quiz.id}/questions/{question.id}/").content.decode()
    assert "AI will change my job\nI trust AI&#x27;s answers" in edit
    assert 'value="0-10" selected' in edit
    assert 'value="Completely"' in edit


@pytest.mark.parametrize(
    ("overrides", "english", "korean"),
    [
        ({"scale_statements": " \n "}, "A scale question has 1 to 8 statements to rate.", "1~8개"),
        ({"scale_statements": "Same\nsame"}, "Two statements of a scale are the same", "두 문장이 같습니다"),
    ],
)
def test_a_bad_scale_is_refused_with_a_translated_message(teacher_client, teacher, overrides, english, korean):  # noqa: F811
    quiz = quiz_create(owner=teacher, title="Opinions", language="en")
    url = f"/quizzes/{quiz.id}/questions/add/"
    response = teacher_client.post(url, scale_post(**overrides), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert english in response.content.decode()
    response = teacher_client.post(url, scale_post(**overrides), HTTP_ACCEPT_LANGUAGE="ko")
    assert korean in response.content.decode()
    assert not quiz.questions.exists()
