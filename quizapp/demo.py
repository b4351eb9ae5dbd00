"""Demo data of the live rooms: room ``MODULABS`` and the lecture's quiz, in Korean and English."""

from django.contrib.auth.models import User

from quizapp.authoring.services import quiz_create
from quizapp.demo_lesson import lesson_en, lesson_ko
from quizapp.live.rooms import room_create
from quizapp.models import Quiz
from quizapp.selectors import room_get_by_code

DEMO_ROOM_CODE = "MODULABS"
TITLE_KO = "이 AI, 가능할까? 불가능할까?"
TITLE_EN = "Is this AI possible or impossible?"
#: The whole lecture as one lesson (slides, every kind of question, the rounds, the canvas):
#: loaded last, so it heads the instructor's list (quizzes are listed newest first).
LESSON_TITLE_KO = "손에 잡히는 AI: 강의 전체"
LESSON_TITLE_EN = "AI you can get your hands on: the whole lecture"

# (prompt, possible?, explanation) — the lecture's quiz, then its table of applications.
QUESTIONS_KO = [
    (
        "콜센터: 고객이 하는 말(A)을 듣고 환불 / 불만 / 해지 중 알맞은 부서로 연결(B)하는 시스템",
        True,
        "가능합니다. 사람이 1초쯤 생각하면 할 수 있는 단순한 일이고, "
        "지난 통화 기록으로 A → B 데이터를 아주 많이 모을 수 있습니다.",
    ),
    (
        "고객의 하소연을 듣고 공감하며 진심으로 위로해 주는 시스템",
        False,
        "오늘날에는 어렵습니다. 공감은 1초 만에 끝나는 일이 아니고, "
        "배우기 어려운 개념인데 A → B 데이터도 거의 없습니다. "
        "그래서 챗봇은 어떤 말에도 같은 정중한 답을 되풀이하곤 합니다.",
    ),
    (
        "자율주행: 카메라 영상에서 보행자를 찾아내는 시스템",
        True,
        "가능합니다. 영상(A) → 보행자의 위치(B)는 사람이 순식간에 하는 일이고, 표시된 데이터를 많이 모을 수 있습니다.",
    ),
    (
        "자율주행: 사람의 손짓(‘멈춰요’, ‘태워 주세요’, ‘저리 가요’)을 알아듣는 시스템",
        False,
        "아직 어렵습니다. 손짓은 사람마다 다르고 뜻이 상황에 달려 있어 개념이 어렵고, "
        "안전에 중요한데 데이터는 적습니다.",
    ),
    ("이메일(A)을 보고 스팸인지(B) 가려내는 시스템", True, "가능합니다. 스팸 신고로 A → B 데이터가 끊임없이 쌓입니다."),
    (
        "음성(A)을 받아 적어 글(B)로 만드는 시스템",
        True,
        "가능합니다. 말소리와 받아쓴 글의 쌍을 대량으로 모을 수 있습니다.",
    ),
    ("영어 문장(A)을 중국어(B)로 번역하는 시스템", True, "가능합니다. 번역된 문서 쌍이 A → B 데이터가 됩니다."),
    (
        "광고와 사용자 정보(A)로 그 사용자가 광고를 클릭할지(B) 예측하는 시스템",
        True,
        "가능합니다. 클릭 기록이 그대로 정답 표시가 되어 데이터가 매일 쌓입니다.",
    ),
    (
        "휴대폰 사진(A)을 보고 흠집 같은 불량이 있는지(B) 검사하는 시스템",
        True,
        "가능합니다. 검사원이 1초 안에 판단하는 일이고, 공장에서 검사 결과를 표시해 데이터를 모을 수 있습니다.",
    ),
]

QUESTIONS_EN = [
    (
        "Call centre: listen to what the customer says (A) and route the call to refunds / complaints / "
        "cancellation (B)",
        True,
        "Possible. A person does it with about a second of thought, and past calls give lots of A -> B data.",
    ),
    (
        "A system that listens to a customer's lament and comforts them with real empathy",
        False,
        "Not today. Empathy is no one-second task: a hard concept with little A -> B data. That is why bots answer "
        "every complaint with the same canned politeness.",
    ),
    (
        "Self-driving: detect pedestrians in the camera image",
        True,
        "Possible. Image (A) -> pedestrian positions (B) is instant for a person, and labelled data can be collected "
        "at scale.",
    ),
    (
        "Self-driving: understand a person's hand gestures ('stop', 'give me a ride', 'go away')",
        False,
        "Hard, not today. Gestures vary from person to person and depend on context: a hard concept, safety-critical, "
        "with little data.",
    ),
    ("Email (A) -> is it spam? (B)", True, "Possible. Every 'report spam' click adds A -> B data."),
    ("Audio (A) -> a text transcript (B)", True, "Possible. Speech with its transcripts can be collected in bulk."),
    (
        "An English sentence (A) -> its Chinese translation (B)",
        True,
        "Possible. Translated documents are A -> B pairs.",
    ),
    (
        "Ad plus user information (A) -> will the user click? (B)",
        True,
        "Possible. Clicks label the data by themselves, every day.",
    ),
    (
        "A photo of a phone (A) -> does it have a defect such as a scratch? (B)",
        True,
        "Possible. An inspector decides in a second, and the factory can label its inspections.",
    ),
]


#: The drawing round of the lecture's "data-driven method": the class's doodles become the data.
DRAWING_QUIZZES = [
    (
        "그림 라운드: 우리 반이 데이터다",
        "ko",
        "휴대폰에 보이는 주제를 그려 보세요. 모두의 그림으로 모델을 학습시킵니다.",
        ["원 / circle", "삼각형 / triangle", "집 / house", "물고기 / fish", "해 / sun", "별 / star"],
        "그림이 많을수록, 주제끼리 덜 닮을수록 모델이 잘 맞힙니다. 데이터가 모델을 만듭니다.",
    ),
    (
        "Drawing round: the class is the data",
        "en",
        "Draw what your phone says. Everyone's drawings train the model.",
        ["circle", "triangle", "house", "fish", "sun", "star"],
        "More drawings, and prompts that look less alike, make a better model: data makes the model.",
    ),
]


#: The call-centre router, settled by experiment: the lecture's first question, then a text round
#: in which the class writes what customers say, trains a router and sees who was right.
TEXT_ROUND_QUIZZES = [
    (
        "텍스트 라운드: 콜센터 라우터",
        "ko",
        0,
        ("가능", "불가능"),
        "휴대폰에 보이는 창구로 갈 고객의 말을 한 문장 써 보세요. 모두의 문장으로 라우터를 학습시킵니다.",
        ["환불 / refund", "불만 / complaint", "해지 / cancellation"],
        "문장이 많을수록, 창구마다 고르게 있을수록 라우터가 잘 맞힙니다. 데이터가 모델을 만듭니다.",
    ),
    (
        "Text round: the call-centre router",
        "en",
        0,
        ("Possible", "Impossible"),
        "Write one thing a customer might say to the desk your phone shows. Everyone's sentences train the router.",
        ["refund", "complaint", "cancellation"],
        "More sentences, spread evenly over the desks, make a better router: data makes the model.",
    ),
]


def _questions(rows: list[tuple[str, bool, str]], true_label: str, false_label: str) -> list[dict]:
    return [
        {
            "kind": "true_false",
            "prompt": prompt,
            "options": [{"text": true_label, "correct": possible}, {"text": false_label, "correct": not possible}],
            "time_limit_s": 20,
            "points": 1000,
            "explanation": explanation,
        }
        for prompt, possible, explanation in rows
    ]


def load(*, instructor: User) -> list[str]:
    created = []
    if room_get_by_code(DEMO_ROOM_CODE) is None:
        room_create(owner=instructor, code=DEMO_ROOM_CODE, title="손에 잡히는 AI")
        created.append(f"room {DEMO_ROOM_CODE}")
    for title, language, rows, labels in (
        (TITLE_KO, "ko", QUESTIONS_KO, ("가능", "불가능")),
        (TITLE_EN, "en", QUESTIONS_EN, ("Possible", "Impossible")),
    ):
        if not Quiz.objects.filter(owner=instructor, title=title).exists():
            quiz_create(owner=instructor, title=title, language=language, questions=_questions(rows, *labels))
            created.append(f"quiz '{title}'")
    for title, language, index, labels, prompt, desks, explanation in TEXT_ROUND_QUIZZES:
        if not Quiz.objects.filter(owner=instructor, title=title).exists():
            vote = _questions([(QUESTIONS_KO if language == "ko" else QUESTIONS_EN)[index]], *labels)
            question = {
                "kind": "text_round",
                "prompt": prompt,
                "options": desks,
                "time_limit_s": 90,
                "explanation": explanation,
            }
            quiz_create(owner=instructor, title=title, language=language, questions=[*vote, question])
            created.append(f"quiz '{title}'")
    for title, language, prompt, prompts, explanation in DRAWING_QUIZZES:
        if not Quiz.objects.filter(owner=instructor, title=title).exists():
            question = {
                "kind": "drawing",
                "prompt": prompt,
                "options": prompts,
                "time_limit_s": 60,
                "explanation": explanation,
            }
            quiz_create(owner=instructor, title=title, language=language, questions=[question])
            created.append(f"quiz '{title}'")
    for title, language, items in ((LESSON_TITLE_EN, "en", lesson_en), (LESSON_TITLE_KO, "ko", lesson_ko)):
        if not Quiz.objects.filter(owner=instructor, title=title).exists():
            quiz_create(owner=instructor, title=title, language=language, questions=items())
            created.append(f"lesson '{title}'")
    return created
