"""Importing Kahoot, GIFT and Aiken files and exporting GIFT and Aiken, through the service, the
builder's pages and the REST API: all or nothing, every refused line listed, translated."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _

from quizapp.authoring import services
from quizapp.authoring.services import ImportRefused, question_add, quiz_create, quiz_export, quiz_import_file
from quizapp.models import Question, Quiz
from tests.quizapp.authoring.test_formats import (
    AIKEN_FILE,
    GIFT_FILE,
    KAHOOT_ROWS,
    MATCHING_REFUSED,
    kahoot_template,
    line_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

CARRIED = ("kind", "prompt", "options", "accepted_answers", "explanation")


def counts() -> tuple[int, int]:
    return Quiz.objects.count(), Question.objects.count()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- the service ----------------------------------------------------------------------------


def test_a_gift_file_with_refused_lines_stores_nothing_and_names_every_line(teacher):
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        quiz_import_file(owner=teacher, raw=GIFT_FILE.read_bytes(), filename=GIFT_FILE.name, language="en")
    assert [p.line for p in refused.value.problems] == [
        line_of(GIFT_FILE, "::Pairs::"),
        line_of(GIFT_FILE, "This paragraph only"),
        line_of(GIFT_FILE, "::Unclosed::"),
    ]
    assert counts() == before


def test_skipping_the_refused_lines_imports_the_rest_in_order(teacher):
    report = quiz_import_file(
        owner=teacher, raw=GIFT_FILE.read_bytes(), filename=GIFT_FILE.name, language="ko", skip_refused=True
    )
    quiz = report.quiz
    assert (quiz.title, quiz.language, quiz.owner) == ("AI basics", "ko", teacher)
    kinds = [q["kind"] for q in quiz_export(quiz)["questions"]]
    assert kinds == [
        "true_false",
        "true_false",
        "multiple_choice",
        "multiple_choice",
        "short_answer",
        "slider",  # GIFT's numerical {#67:5}
        "ordering",  # GIFT's matching from the positions 1, 2, 3
        "multiple_choice",
        "open",
        "multiple_choice",
    ]
    first = quiz.questions.order_by("position").first()
    with translation.override("ko"):  # 참 / 거짓 once the catalogue has them
        labels = [_("True"), _("False")]
    assert [o["text"] for o in first.options] == labels, "{T} is labelled in the quiz's language"
    assert len(report.skipped) == 3
    assert len(report.notes) == 3  # with the slider made of the numerical question


def test_a_question_our_rules_refuse_is_reported_at_its_line(teacher):
    six_wrong = " ".join(f"~o{n}" for n in range(6))
    text = f"::ok:: fine {{=a ~b}}\n\n::many:: Seven options {{=right {six_wrong}}}\n".encode()
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        quiz_import_file(owner=teacher, raw=text, filename="q.gift")
    with translation.override("en"):  # problems are rendered when read, in the reader's language
        assert [str(p) for p in refused.value.problems] == ["Line 3: A question has 2 to 6 options."]


def test_a_kahoot_row_our_rules_refuse_is_reported_by_row(teacher):
    raw = kahoot_template([["Too quick", "a", "b", None, None, 2, 1]])
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        quiz_import_file(owner=teacher, raw=raw, filename="kahoot.xlsx")
    with translation.override("en"):
        assert [str(p) for p in refused.value.problems] == ["Row 9: The time limit is between 5 and 300 seconds."]


def test_a_kahoot_spreadsheet_is_imported_with_its_time_limits(teacher):
    report = quiz_import_file(owner=teacher, raw=kahoot_template(KAHOOT_ROWS[:3]), filename="Week 2 kahoot.xlsx")
    questions = quiz_export(report.quiz)["questions"]
    assert report.quiz.title == "Week 2 kahoot", "the file name when the file has no title"
    assert [(q["kind"], q["time_limit_s"]) for q in questions] == [
        ("multiple_choice", 30),
        ("true_false", 20),
        ("multiple_choice", 240),
    ]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_aiken_and_limits(teacher, english):
    with pytest.raises(ImportRefused) as refused:
        quiz_import_file(owner=teacher, raw=AIKEN_FILE.read_bytes(), filename="a.txt")
    assert [p.line for p in refused.value.problems] == [
        line_of(AIKEN_FILE, "ANSWER: D"),
        line_of(AIKEN_FILE, "C. third"),
    ]
    many = "".join(f"Q{n}?\nA. a\nB. b\nANSWER: A\n\n" for n in range(services.MAX_QUESTIONS + 1)).encode()
    with pytest.raises(services.ValidationError, match="at most 100 questions"):
        quiz_import_file(owner=teacher, raw=many, filename="many.txt")
    with pytest.raises(services.ValidationError, match="at most 1 MB"):
        quiz_import_file(owner=teacher, raw=b"x" * (services.IMPORT_MAX_BYTES + 1), filename="big.gift")
    with pytest.raises(services.ValidationError, match="could not tell the file's format"):
        quiz_import_file(owner=teacher, raw=b"some notes", filename="notes.txt")
    with pytest.raises(ImportRefused, match="no question that can be imported"):
        quiz_import_file(owner=teacher, raw=b"A description only.\n", filename="x.gift", skip_refused=True)
    assert Quiz.objects.count() == 0


def test_export_gift_then_import_gives_the_quiz_back(teacher):
    quiz = quiz_create(
        owner=teacher,
        title="가능/불가능",
        language="ko",
        questions=[
            {
                "kind": "true_false",
                "prompt": "고양이 사진?",
                "options": [{"text": "가능", "correct": True}, {"text": "불가능"}],
            },
            {
                "kind": "multiple_choice",
                "prompt": "A → B {pairs}?",
                "options": [
                    {"text": "spam = yes", "correct": True},
                    {"text": "~empathy"},
                    {"text": "번역", "correct": True},
                ],
                "explanation": "Input A: output B #1",
            },
            {"kind": "short_answer", "prompt": "Cat?", "accepted_answers": ["cat", "고양이"]},
            {"kind": "open", "prompt": "What would you build?"},
            {"kind": "poll", "prompt": "Favourite?", "options": ["trees", "nets"]},
        ],
    )
    text, skipped = services.quiz_export_as(quiz, "gift")
    assert [s.position for s in skipped] == [5]
    copy = quiz_import_file(owner=teacher, raw=text.encode(), filename="export.txt", language="ko").quiz
    assert copy.title == "가능/불가능"
    original = [{f: q[f] for f in CARRIED} for q in quiz_export(quiz)["questions"][:4]]
    assert [{f: q[f] for f in CARRIED} for q in quiz_export(copy)["questions"]] == original


# --- the builder's pages --------------------------------------------------------------------


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def test_the_import_page_lists_every_refused_line_in_korean_and_english(teacher_client):
    before = counts()
    for language, header, line in (
        (
            "en",
            "Nothing was imported: 3 lines were refused",
            MATCHING_REFUSED,
        ),
        ("ko", None, None),
    ):
        response = teacher_client.post(
            "/quizzes/import/",
            {"file": upload("moodle.gift", GIFT_FILE.read_bytes()), "language": "en"},
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert 'data-testid="import-problems"' in page
        if header:
            assert header in page
            assert f"Line {line_of(GIFT_FILE, '::Pairs::')}: {line}" in page
    assert counts() == before


def test_the_import_page_imports_the_rest_when_asked_and_says_what_it_left(teacher_client, teacher):
    response = teacher_client.post(
        "/quizzes/import/",
        {"file": upload("moodle.gift", GIFT_FILE.read_bytes()), "language": "en", "skip_refused": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    quiz = Quiz.objects.get(owner=teacher)
    assert response.redirect_chain[-1][0] == f"/quizzes/{quiz.id}/"
    page = response.content.decode()
    assert "Quiz imported: AI basics" in page
    assert f"Not imported: Line {line_of(GIFT_FILE, '::Pairs::')}: {MATCHING_REFUSED}" in page
    assert quiz.questions.count() == 10


def test_the_import_page_takes_kahoot_and_aiken_and_still_json(teacher_client, teacher):
    assert (
        teacher_client.post(
            "/quizzes/import/", {"file": upload("k.xlsx", kahoot_template(KAHOOT_ROWS[:2])), "language": "en"}
        ).status_code
        == 302
    )
    aiken_text = b"Is it A to B?\nA. Yes\nB. No\nANSWER: A\n"
    assert (
        teacher_client.post("/quizzes/import/", {"file": upload("a.txt", aiken_text), "language": "ko"}).status_code
        == 302
    )
    forced = teacher_client.post(
        "/quizzes/import/", {"file": upload("a.dat", aiken_text), "format": "aiken", "language": "ko"}
    )
    assert forced.status_code == 302
    assert sorted(Quiz.objects.filter(owner=teacher).values_list("title", flat=True)) == ["a", "a", "k"]


def test_the_builder_page_links_gift_and_aiken_exports_and_says_what_they_skip(teacher_client, teacher):
    quiz = quiz_create(owner=teacher, title="Week 3: Nets", language="en")
    question_add(quiz=quiz, kind="short_answer", prompt="Cat?", accepted_answers=["cat"])
    page = teacher_client.get(f"/quizzes/{quiz.id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/quizzes/{quiz.id}/export/?format=gift"' in page
    assert 'data-testid="export-aiken-skipped"' in page
    assert 'data-testid="export-gift-skipped"' not in page
    response = teacher_client.get(f"/quizzes/{quiz.id}/export/?format=gift")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="week-3-nets-gift.txt"'
    assert "::Q1::Cat? {=cat}" in response.content.decode()
    aiken = teacher_client.get(f"/quizzes/{quiz.id}/export/?format=aiken")
    assert aiken["Content-Disposition"] == 'attachment; filename="week-3-nets-aiken.txt"'
    assert aiken.content == b"", "nothing it can carry"


# --- the REST API ---------------------------------------------------------------------------


def test_the_api_imports_a_file_and_answers_the_quiz_with_what_it_skipped(api, teacher):
    response = api.post(
        "/api/quizzes/import/",
        {"file": upload("moodle.gift", GIFT_FILE.read_bytes()), "language": "en", "skip_refused": "true"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "AI basics"
    assert len(body["questions"]) == 10
    assert body["skipped"][0] == {
        "line": line_of(GIFT_FILE, "::Pairs::"),
        "where": "line",
        "reason": MATCHING_REFUSED,
        "message": f"Line {line_of(GIFT_FILE, '::Pairs::')}: {MATCHING_REFUSED}",
    }
    assert {n["line"] for n in body["notes"]} == {
        line_of(GIFT_FILE, "AI basics/Data"),
        line_of(GIFT_FILE, "::Supervised::"),
        line_of(GIFT_FILE, "::Years::"),  # a slider now: its range is the importer's guess
    }
    years = next(q for q in body["questions"] if q["kind"] == "slider")
    assert years["numeric"] == {"min": 0, "max": 67 + 67, "step": 1, "answer": 67, "margin": 5, "unit": ""}


def test_the_api_refuses_a_file_with_refused_lines_as_a_whole(api):
    before = counts()
    response = api.post(
        "/api/quizzes/import/",
        {"file": upload("kahoot.xlsx", kahoot_template(KAHOOT_ROWS))},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "import_refused"
    assert (
        error["fields"]["problems"][0] == "Row 13: No correct answer: write its number (1 to 4) in Correct answer(s)."
    )
    assert len(error["fields"]["problems"]) == 6
    assert counts() == before
    unknown = api.post("/api/quizzes/import/", {"file": upload("n.txt", b"notes")}, HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == 422
    assert "could not tell" in unknown.json()["error"]["message"]


def test_the_api_exports_gift_and_aiken_text(api, quiz):
    gift = api.get(f"/api/quizzes/{quiz.id}/export/?format=gift")
    assert gift.status_code == 200
    assert gift["Content-Type"] == "text/plain; charset=utf-8"
    assert gift["X-Skipped-Questions"] == ""
    assert gift.content.decode().count("::Q") == 3
    aiken = api.get(f"/api/quizzes/{quiz.id}/export/?format=aiken")
    assert aiken["X-Skipped-Questions"] == "2,3", "several right answers and a short answer"
    assert aiken.content.decode().endswith("ANSWER: A\n")
    assert api.get(f"/api/quizzes/{quiz.id}/export/").json() == quiz_export(quiz), "JSON stays the default"
    assert api.get("/api/quizzes/999999/export/?format=gift").status_code == 404


def test_the_schema_documents_the_formats(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn")
    schema = out.read_text()
    assert "X-Skipped-Questions" in schema
    assert "multipart/form-data" in schema
    assert "import_refused" in schema
