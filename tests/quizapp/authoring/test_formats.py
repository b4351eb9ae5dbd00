"""The Kahoot, GIFT and Aiken readers and writers, without a database: real-looking files read
line by line (refused lines with their numbers and reasons), and hypothesis round trips: what a
format carries comes back unchanged after export then import."""

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.authoring import formats
from quizapp.authoring.formats import aiken, gift, kahoot
from quizapp.authoring.services import question_validate
from quizapp.rules import slider

#: Why a matching question that is not an ordering one is refused (``quizapp.authoring.formats.gift``).
MATCHING_REFUSED = (
    "A matching question imports only as an ordering question, and only when its left sides are the positions "
    "1, 2, 3, … (or first, second, …): here they are not."
)

pytestmark = pytest.mark.embedded


@pytest.fixture(autouse=True)
def _english():
    """The reasons are asserted in English (the Korean ones come from the catalogue)."""
    with translation.override("en"):
        yield


FIXTURES = Path(__file__).parent / "fixtures"
CARRIED = ("kind", "prompt", "options", "accepted_answers", "explanation")


def line_of(path: Path, marker: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(marker)


def messages(problems) -> dict[int, str]:
    return {p.line: p.reason for p in problems}


# --- GIFT -----------------------------------------------------------------------------------

GIFT_FILE = FIXTURES / "moodle-ai-basics.gift"


def test_the_gift_file_gives_every_kind_it_carries():
    parsed = gift.parse(GIFT_FILE.read_text(encoding="utf-8"))
    by_line = dict(parsed.questions)
    assert parsed.title == "AI basics", "the first category names the quiz"

    cat = by_line[line_of(GIFT_FILE, "::Cat photo::")]
    assert cat["kind"] == "true_false"
    assert cat["options"] == [{"text": "True", "correct": True}, {"text": "False", "correct": False}]

    empathy = by_line[line_of(GIFT_FILE, "::Empathy::")]
    assert empathy["prompt"] == "A machine truly feels empathy for you.", "the [moodle] marker is dropped"
    assert [o["correct"] for o in empathy["options"]] == [False, True]
    assert empathy["explanation"] == "Right: it does not.", "the right answer's feedback"

    supervised = by_line[line_of(GIFT_FILE, "::Supervised::")]
    assert supervised["kind"] == "multiple_choice"
    assert [o["correct"] for o in supervised["options"]] == [True, True, False], "positive weights are right"
    assert supervised["explanation"].startswith("Supervised learning maps"), "the general feedback"

    escapes = by_line[line_of(GIFT_FILE, "::Escapes::")]
    assert escapes["prompt"] == (
        "In the notation A = B, what does the { brace } mean: a set or a block? Cost is 50% ~ roughly #1."
    )
    assert [o["text"] for o in escapes["options"] if o["correct"]] == ["A set"]

    english = by_line[line_of(GIFT_FILE, "::English::")]
    assert english == {
        "kind": "short_answer",
        "prompt": "고양이 in English?",
        "accepted_answers": ["cat", "a cat", "the cat"],
        "explanation": "",
    }
    sun = by_line[line_of(GIFT_FILE, "The {=sun")]
    assert sun["prompt"] == "The _____ rises in the east.", "a missing-word question keeps its blank"
    essay = by_line[line_of(GIFT_FILE, "::Essay::")]
    assert (essay["kind"], essay["explanation"]) == ("open", "Any answer is welcome.")
    html = by_line[line_of(GIFT_FILE, "::HTML::")]
    assert html["prompt"] == "Which is labelled data? & why?", "[html] is turned into text"
    years = by_line[line_of(GIFT_FILE, "::Years::")]
    assert years["kind"] == "slider"
    assert years["numeric"] == {"min": 0, "max": 134, "step": 1, "answer": 67, "margin": 5}
    steps = by_line[line_of(GIFT_FILE, "::Steps::")]
    assert steps["kind"] == "ordering", "a matching question from the positions 1..n is an ordering question"
    assert steps["options"] == ["Collect labelled data", "Train a model on it", "Check it on new data"]
    assert len(parsed.questions) == 10


def test_the_gift_file_reports_each_refused_line_and_each_note():
    parsed = gift.parse(GIFT_FILE.read_text(encoding="utf-8"))
    assert messages(parsed.problems) == {
        line_of(GIFT_FILE, "::Pairs::"): MATCHING_REFUSED,
        line_of(GIFT_FILE, "This paragraph only"): (
            "This text has no answer block { }: a description, not a question, so it is not imported."
        ),
        line_of(GIFT_FILE, "::Unclosed::"): "The answer block opened with “{” is never closed with “}”.",
    }
    notes = messages(parsed.notes)
    assert notes[line_of(GIFT_FILE, "AI basics/Data")] == "Category “Data”: its questions join this one quiz."
    assert "not kept" in notes[line_of(GIFT_FILE, "::Supervised::")]
    assert "became a slider from 0 to 134" in notes[line_of(GIFT_FILE, "::Years::")]
    assert str(parsed.problems[0]) == f"Line {line_of(GIFT_FILE, '::Pairs::')}: {MATCHING_REFUSED}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Q {}\n", None),
        ("Q {=a ~b\n", "never closed"),
        ("Q } oops\n", "never opened"),
        ("Q {=a} and {=b}\n", "one answer block"),
        ("Q {a ~b}\n", "starts with = (right) or ~ (wrong)"),
        ("Q {#3..x}\n", "numerical answer"),
        ("Q {#}\n", "numerical answer"),
        ("Q {=a -> 1 =b -> 2}\n", "imports only as an ordering question"),
        ("Q {=1 -> a =3 -> b =4 -> c}\n", "skip a number"),
        ("Q {=1 -> a =1 -> b =2 -> c}\n", "imports only as an ordering question"),
    ],
)
def test_gift_refusals_say_why(text, reason):
    parsed = gift.parse(text)
    if reason is None:
        assert parsed.questions == [(1, {"kind": "open", "explanation": "", "prompt": "Q"})]
    else:
        assert len(parsed.problems) == 1
        assert reason in parsed.problems[0].reason
        assert parsed.problems[0].line == 1


def test_gift_matching_by_positions_imports_as_ordering():
    parsed = gift.parse(
        "::Steps:: In order? {=3 -> Deploy =1 -> Collect data =2 -> Train}\n\n"
        "Words {=second -> b =First -> a =THIRD -> c =4th -> d}\n\n"
        "순서는? {=첫째 -> 가 =셋째 -> 다 =둘째 -> 나}\n\n"
        "Spaced {=1. -> x =2) -> y =( 3 ) -> z}\n"
    )
    assert parsed.problems == []
    assert [(q["kind"], q["options"]) for _line, q in parsed.questions] == [
        ("ordering", ["Collect data", "Train", "Deploy"]),
        ("ordering", ["a", "b", "c", "d"]),
        ("ordering", ["가", "나", "다"]),
        ("ordering", ["x", "y", "z"]),
    ]
    steps = question_validate(**parsed.questions[0][1])
    assert [o["text"] for o in steps["options"]] == ["Collect data", "Train", "Deploy"]


def test_gift_exports_ordering_as_matching_from_the_positions():
    question = question_validate(kind="ordering", prompt="Order?", options=["a = b", "{c}", "d: e"])
    text, skipped = gift.export([question])
    assert skipped == []
    assert "{=1 -> a \\= b =2 -> \\{c\\} =3 -> d\\: e}" in text
    [(_line, back)] = gift.parse(text).questions
    assert back["options"] == ["a = b", "{c}", "d: e"]
    arrow = question_validate(kind="ordering", prompt="Arrow?", options=["a -> b", "c", "d"])
    _text, skipped = gift.export([arrow])
    assert [(s.position, s.kind) for s in skipped] == [(1, "ordering")]
    assert "matching" in skipped[0].reason


def test_gift_true_false_spellings_and_labels():
    parsed = gift.parse("::a:: one {T}\n\ntwo {TRUE}\n\nthree {F}\n\nfour {false}\n", true_false_labels=("참", "거짓"))
    assert [q["options"][0]["correct"] for _line, q in parsed.questions] == [True, True, False, False]
    assert parsed.questions[0][1]["options"][0]["text"] == "참"
    assert [line for line, _q in parsed.questions] == [1, 3, 5, 7]


def test_gift_export_lists_what_it_cannot_carry():
    questions = [
        question_validate(kind="poll", prompt="Favourite?", options=["a", "b"]),
        question_validate(kind="drawing", prompt="Draw", options=["cat", "dog"]),
        question_validate(kind="short_answer", prompt="Arrow?", accepted_answers=["a -> b"]),
        question_validate(kind="open", prompt="Tell us"),
    ]
    text, skipped = gift.export(questions, title="Week 1")
    assert [(s.position, s.kind) for s in skipped] == [(1, "poll"), (2, "drawing"), (3, "short_answer")]
    assert "$CATEGORY: Week 1" in text
    assert "::Q4::Tell us {}" in text
    assert "// Not exported: Question 1: GIFT has no polls." in text
    assert [q["kind"] for _l, q in gift.parse(text).questions] == ["open"]


# --- Aiken ----------------------------------------------------------------------------------

AIKEN_FILE = FIXTURES / "ai-basics-aiken.txt"


def test_the_aiken_file_gives_its_questions_and_refuses_the_broken_ones():
    parsed = aiken.parse(AIKEN_FILE.read_text(encoding="utf-8"))
    by_line = dict(parsed.questions)
    first = by_line[line_of(AIKEN_FILE, "Which of these is supervised")]
    assert first["kind"] == "multiple_choice"
    assert [o["correct"] for o in first["options"]] == [True, False, False]
    cat = by_line[line_of(AIKEN_FILE, "spot a cat")]
    assert cat["kind"] == "true_false", "Possible / Impossible is a true/false pair"
    assert by_line[line_of(AIKEN_FILE, "stand for")]["prompt"] == 'What does "A → B" stand for?', "no blank line needed"
    korean = by_line[line_of(AIKEN_FILE, "가장 많은")]
    assert [o["correct"] for o in korean["options"]] == [False, True]
    assert messages(parsed.problems) == {
        line_of(AIKEN_FILE, "ANSWER: D"): "ANSWER names one of the options' letters (A, B).",
        line_of(AIKEN_FILE, "C. third"): "Option C comes where B was expected.",
    }


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("Q?\nA. a\nB. b\n", 1, "no “ANSWER: …” line"),
        ("A. a\nANSWER: A\n", 1, "without a question"),
        ("Q?\nANSWER: A\n", 1, "no options"),
        ("Q?\nA. a\nB. b\nstray words\nANSWER: A\n", 4, "neither an option"),
        ("Q?\nA. a\nB. b\nANSWER: A, B\n", 4, "one of the options' letters"),
    ],
)
def test_aiken_refusals_say_why(text, line, reason):
    parsed = aiken.parse(text)
    assert not parsed.questions
    assert [(p.line, reason in p.reason) for p in parsed.problems][:1] == [(line, True)]


def test_aiken_export_skips_what_it_cannot_carry():
    questions = [
        question_validate(
            kind="multiple_choice",
            prompt="Two right",
            options=[{"text": "a", "correct": True}, {"text": "b", "correct": True}],
        ),
        question_validate(kind="short_answer", prompt="Cat?", accepted_answers=["cat"]),
        question_validate(
            kind="true_false",
            prompt="Cat\nphoto?",
            options=[{"text": "Cat", "correct": False}, {"text": "Dog", "correct": True}],
        ),
    ]
    text, skipped = aiken.export(questions)
    assert [(s.position, s.kind) for s in skipped] == [(1, "multiple_choice"), (2, "short_answer")]
    assert text == "Cat photo?\nA. Cat\nB. Dog\nANSWER: B\n"
    ((_line, back),) = aiken.parse(text).questions
    assert back["kind"] == "multiple_choice", "labels that are not a true/false pair come back as two options"


# --- Kahoot ---------------------------------------------------------------------------------


def kahoot_template(rows: list[list]) -> bytes:
    """A spreadsheet laid out like Kahoot's template: instructions, then the table from row 8."""
    workbook = openpyxl.Workbook()
    sheet: Any = workbook.active
    sheet.title = "Sheet1"
    sheet["B1"] = "Quiz template"
    sheet["B2"] = (
        "Add questions, at least two answer alternatives, time limit and choose correct answers (at least one)."
    )
    sheet["B3"] = "Have fun creating your awesome quiz!"
    sheet["B5"] = "Remember: questions can have a maximum of 120 characters and answers can have 75 characters max."
    sheet.append([])
    sheet.append([])
    sheet.append(
        [
            "",
            "Question - max 120 characters",
            "Answer 1 - max 75 characters",
            "Answer 2 - max 75 characters",
            "Answer 3 - max 75 characters",
            "Answer 4 - max 75 characters",
            "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
            "Correct answer(s) - choose at least one",
        ]
    )
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


KAHOOT_ROWS = [
    ["Which of these learn from A → B pairs?", "Spam filter", "Clustering", "Translation", "Sorting", 30, "1,3"],
    ["AI can spot a cat in a photo", "True", "False", None, None, 20, 1],
    ["How long do S&P 500 companies live today?", "67 years", "15 years", None, None, 240, "2"],
    [None, None, None, None, None, None, None],
    ["Nobody marked an answer", "a", "b", None, None, 20, None],
    ["Answer 3 is empty", "a", "b", None, None, 20, "3"],
    ["Bad numbers", "a", "b", None, None, 20, "one"],
    [None, "an answer", "without a question", None, None, 20, 1],
    ["Time is words", "a", "b", None, None, "fast", 1],
    ["Too short", "a", "b", None, None, 2, 1],
]


def test_a_kahoot_spreadsheet_finds_its_header_and_reads_each_row():
    parsed = kahoot.parse(kahoot_template(KAHOOT_ROWS))
    by_row = dict(parsed.questions)
    assert by_row[9] == {
        "kind": "multiple_choice",
        "prompt": "Which of these learn from A → B pairs?",
        "options": [
            {"text": "Spam filter", "correct": True},
            {"text": "Clustering", "correct": False},
            {"text": "Translation", "correct": True},
            {"text": "Sorting", "correct": False},
        ],
        "time_limit_s": 30,
    }
    assert by_row[10]["kind"] == "true_false"
    assert by_row[11]["time_limit_s"] == 240
    assert [o["correct"] for o in by_row[11]["options"]] == [False, True]
    assert 12 not in by_row, "an empty row is the template's, not a problem"
    assert messages(parsed.problems) == {
        13: "No correct answer: write its number (1 to 4) in Correct answer(s).",
        14: "Answer 3 is marked correct but is empty.",
        15: "Correct answer(s) lists answer numbers from 1 to 4, like 1 or 1,3.",
        16: "The row has answers but no question.",
        17: "The time limit is a number of seconds.",
    }
    assert str(parsed.problems[0]) == "Row 13: No correct answer: write its number (1 to 4) in Correct answer(s)."
    assert by_row[18]["time_limit_s"] == 2, "our own limits are checked later, by question_validate"


def test_rows_past_the_limit_are_refused_and_other_sheets_are_noted():
    rows = [["Q", "a", "b", None, None, 20, 1]] * (kahoot.MAX_ROWS - 8 + 1)
    workbook = openpyxl.load_workbook(io.BytesIO(kahoot_template(rows)))
    workbook.create_sheet("Answers")
    out = io.BytesIO()
    workbook.save(out)
    parsed = kahoot.parse(out.getvalue())
    assert len(parsed.questions) == kahoot.MAX_ROWS - 8
    assert [str(p) for p in parsed.problems] == [
        f"Row {kahoot.MAX_ROWS + 1}: The sheet has more than {kahoot.MAX_ROWS} rows: split it into several files."
    ]
    assert [str(n) for n in parsed.notes] == ["Only the first sheet was read (“Sheet1”)."]


def test_a_spreadsheet_without_the_table_or_not_a_spreadsheet_is_refused():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name", "Score"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ValueError, match="header row with Question"):
        kahoot.parse(out.getvalue())
    with pytest.raises(ValueError, match="not an Excel spreadsheet"):
        kahoot.parse(b"PK\x03\x04 not really a zip")


# --- sniffing -------------------------------------------------------------------------------


def test_the_format_is_told_from_the_name_then_the_content():
    assert formats.sniff("quiz.json", b"") == "json"
    assert formats.sniff("Kahoot.XLSX", b"") == "kahoot"
    assert formats.sniff("download", kahoot_template([])) == "kahoot"
    assert formats.sniff("moodle.txt", GIFT_FILE.read_bytes()) == "gift"
    assert formats.sniff("questions.txt", AIKEN_FILE.read_bytes()) == "aiken"
    assert formats.sniff("a.txt", b'{"format": "a2blab.quiz"}') == "json"
    assert formats.sniff("notes.txt", b"just some notes") is None
    assert formats.sniff("cp949.txt", "질문?\nA. 예\nB. 아니오\nANSWER: A\n".encode("cp949")) == "aiken"


# --- round trips (hypothesis) ---------------------------------------------------------------

TEXT = (
    st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=30)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
# Texts that a format reads back as markup of its own are left to the example tests.
PROMPT = st.lists(TEXT, min_size=1, max_size=3).map("\n".join)


def _not_a_true_false_pair(options) -> bool:
    return not (len(options) == 2 and formats.is_true_false_pair(options[0]["text"], options[1]["text"]))


@st.composite
def choice_question(draw, *, max_options=6, single=False):
    texts = draw(st.lists(TEXT, min_size=2, max_size=max_options))
    if single:
        right = {draw(st.integers(0, len(texts) - 1))}
    else:
        right = set(draw(st.lists(st.integers(0, len(texts) - 1), min_size=1, unique=True)))
    options = [{"text": t, "correct": i in right} for i, t in enumerate(texts)]
    if not _not_a_true_false_pair(options) and len(right) == 1:
        options = [*options, {"text": "third", "correct": False}]
    return {"kind": "multiple_choice", "options": options}


PAIRS = st.sampled_from(formats.TRUE_FALSE_PAIRS).map(lambda pair: (pair[0].title(), pair[1].title()))


@st.composite
def true_false_question(draw, labels=PAIRS):
    first, second = draw(labels)
    right = draw(st.booleans())
    return {
        "kind": "true_false",
        "options": [{"text": first, "correct": right}, {"text": second, "correct": not right}],
    }


def _validated(question: dict, prompt: str, **extra) -> dict:
    return question_validate(**{**question, "prompt": prompt, **extra})


def carried(question: dict, fields=CARRIED) -> dict:
    return {f: question[f] for f in fields}


GIFT_QUESTIONS = st.lists(
    st.builds(
        _validated,
        st.one_of(
            choice_question(),
            true_false_question(),
            true_false_question(st.just(("True", "False"))),
            st.builds(
                lambda answers: {"kind": "short_answer", "accepted_answers": answers},
                st.lists(TEXT, min_size=1, max_size=4),
            ),
            st.just({"kind": "open"}),
            st.builds(
                lambda items: {"kind": "ordering", "options": items},
                st.lists(TEXT, min_size=3, max_size=6, unique_by=lambda t: " ".join(t.split()).casefold()),
            ),
        ),
        PROMPT,
        explanation=st.one_of(st.just(""), PROMPT),
    ),
    min_size=1,
    max_size=6,
)


def _arrow_in(question: dict) -> bool:
    """What GIFT reads as matching: an accepted answer or (ordering) an item with "->" in it."""
    texts = question["accepted_answers"] + [o["text"] for o in question["options"] if question["kind"] == "ordering"]
    return "->" in " ".join(texts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questions=GIFT_QUESTIONS)
def test_gift_export_then_import_gives_the_same_questions(questions):
    text, skipped = gift.export(questions, title="Round trip / week 1")
    kept = [q for position, q in enumerate(questions, start=1) if position not in {s.position for s in skipped}]
    assert all(_arrow_in(questions[s.position - 1]) for s in skipped)
    parsed = gift.parse(text)
    assert parsed.problems == []
    assert parsed.title == "Round trip / week 1", "a slash in the title is doubled in the category"
    back = [question_validate(**q) for _line, q in parsed.questions]
    assert [carried(q) for q in back] == [carried(q) for q in kept]


def _aiken_prompt(text: str) -> bool:
    return not aiken._OPTION.match(text) and not aiken._ANSWER.match(text)


AIKEN_QUESTIONS = st.lists(
    st.builds(
        _validated,
        st.one_of(choice_question(single=True), true_false_question()),
        TEXT.filter(_aiken_prompt),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(questions=AIKEN_QUESTIONS)
def test_aiken_export_then_import_gives_the_same_questions(questions):
    text, skipped = aiken.export(questions)
    assert skipped == []
    parsed = aiken.parse(text)
    assert parsed.problems == []
    back = [question_validate(**q) for _line, q in parsed.questions]
    assert [carried(q, ("kind", "prompt", "options")) for q in back] == [
        carried(q, ("kind", "prompt", "options")) for q in questions
    ]


KAHOOT_QUESTIONS = st.lists(
    st.builds(
        _validated,
        st.one_of(choice_question(max_options=4), true_false_question()),
        TEXT,  # a text starting with quotes before a formula character round-trips too
        time_limit_s=st.sampled_from(kahoot.KAHOOT_TIME_LIMITS),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=40, deadline=None)
@given(questions=KAHOOT_QUESTIONS)
def test_kahoot_export_then_import_gives_the_same_questions(questions):
    questions = [q for q in questions if len(q["options"]) <= 4]
    raw, skipped = kahoot.export(questions, title="=HYPERLINK(1)")
    assert skipped == []
    parsed = kahoot.parse(raw)
    assert parsed.problems == []
    back = [question_validate(**q) for _line, q in parsed.questions]
    fields = ("kind", "prompt", "options", "time_limit_s")
    assert [carried(q, fields) for q in back] == [carried(q, fields) for q in questions]


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Co")), min_size=1, max_size=60))
def test_gift_escaping_keeps_any_text(text):
    expected = " ".join(text.replace("\r\n", "\n").replace("\r", "\n").split(" ")).strip()
    parsed = gift.parse(f"::t::{gift.escape(text)} {{}}\n")
    if not expected or expected.startswith("["):
        return
    assert [q["prompt"] for _l, q in parsed.questions] == [expected]


@pytest.mark.parametrize(
    ("block", "numeric"),
    [
        ("#15:3", {"min": 0, "max": 45, "step": 1, "answer": 15, "margin": 3}),
        ("#10..20", {"min": 0, "max": 65, "step": 1, "answer": 15, "margin": 5}),
        ("#=2.5:0.5 =%50%2.5:1", {"min": 0, "max": 12.5, "step": 0.1, "answer": 2.5, "margin": 0.5}),
        ("#-4", {"min": -14, "max": 6, "step": 1, "answer": -4, "margin": 0}),
    ],
)
def test_a_gift_numerical_question_becomes_a_slider_and_goes_back(block, numeric):
    parsed = gift.parse(f"::N:: How many? {{{block}}}\n")
    [(_line, question)] = parsed.questions
    assert (question["kind"], question["numeric"]) == ("slider", numeric)
    slider.clean_settings(question["numeric"])  # a slider the builder accepts
    text, skipped = gift.export([{**question, "options": []}])
    assert not skipped
    again = gift.parse(text).questions[0][1]
    assert (again["numeric"]["answer"], again["numeric"]["margin"]) == (numeric["answer"], numeric["margin"])


def test_kahoot_keeps_texts_that_start_with_a_quote_before_a_formula_character():
    """Found by the round-trip property: ``'=x`` typed by a teacher came back as ``=x``."""
    question = question_validate(
        kind="multiple_choice",
        prompt="'=A1 is a cell reference?",
        options=[{"text": "'=SUM(1)", "correct": True}, {"text": "''@home", "correct": False}, {"text": "=1"}],
    )
    raw, _skipped = kahoot.export([question], title="t")
    (_line, back), *_ = kahoot.parse(raw).questions
    back = question_validate(**back)
    assert back["prompt"] == "'=A1 is a cell reference?"
    assert [o["text"] for o in back["options"]] == ["'=SUM(1)", "''@home", "=1"]
