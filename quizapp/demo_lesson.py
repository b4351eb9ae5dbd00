"""The seed lecture, "손에 잡히는 AI", as one playable lesson in Korean and English.

Written in our own words from the deck in ``shared/seed`` (its four parts are the lesson's sections).
Each item is in the authoring format ``quiz_create`` takes (``docs/import-export.md``): slides and
questions of every kind, so one console gives the whole workshop.
"""

from __future__ import annotations

from typing import Any

#: The lecture's table: house size (square feet), bedrooms -> price ($1000).
HOUSES = ((523, 1, 115), (645, 1, 150), (708, 2, 210), (1034, 3, 280), (2290, 4, 355), (2545, 4, 440))


def _house_table(size: str, rooms: str, price: str) -> str:
    rows = "\n".join(f"| {s:,} | {r} | {p} |" for s, r, p in HOUSES)
    return f"| {size} (A) | {rooms} (A) | {price} (B) |\n|---:|---:|---:|\n{rows}"


def _slide(
    title: str, body: str = "", *, layout: str = "title_body", notes: str = "", kind: str = "slide"
) -> dict[str, Any]:
    return {"kind": kind, "prompt": title, "body": body, "layout": layout, "notes": notes}


def _possible(prompt: str, possible: bool, explanation: str, labels: tuple[str, str]) -> dict[str, Any]:
    yes, no = labels
    return {
        "kind": "true_false",
        "prompt": prompt,
        "options": [{"text": yes, "correct": possible}, {"text": no, "correct": not possible}],
        "time_limit_s": 20,
        "points": 1000,
        "explanation": explanation,
    }


def lesson_ko() -> list[dict[str, Any]]:
    """The Korean lesson: four sections, slides between the questions, every kind of item."""
    labels = ("가능", "불가능")
    return [
        _slide(
            "손에 잡히는 AI",
            "오늘의 순서\n\n1. AI를 정확히 이해하기\n2. 체험: AI의 현장\n3. "
            "AI로 하는 비즈니스\n4. AI 프로젝트 해 보기\n\n"
            "휴대폰으로 방 코드 **MODULABS**에 들어와 함께 풀어요.",
            layout="title",
            notes="인사하고, 방 코드로 모두 들어왔는지 참가자 수를 확인하세요.",
        ),
        _slide("1부. AI를 정확히 이해하기", layout="title"),
        {
            "kind": "slider",
            "prompt": "1920년대 S&P 500 기업의 평균 수명은 67년이었습니다. 오늘날에는 몇 년일까요?",
            "numeric": {"min": 0, "max": 80, "step": 1, "answer": 15, "margin": 3, "unit": "년"},
            "time_limit_s": 30,
            "points": 1000,
            "explanation": "약 15년입니다. 인터넷 같은 큰 기술 변화에 올라타지 못한 기업은 빠르게 밀려났습니다.",
        },
        _slide(
            "왜 이렇게 짧아졌을까?",
            "- 한 세대 전의 답: **인터넷**이 산업의 판을 바꿨습니다.\n"
            "- 다음으로 그만큼 큰 변화를 가져올 것: **AI**\n\n> AI is the new electricity. — Andrew Ng",
            notes="정답 분포를 보여 준 뒤, 인터넷 → AI로 이어 가세요.",
        ),
        _slide(
            "AI는 새로운 전기",
            "전기는 빨래처럼 **몸으로 하던 일**에서 사람을 풀어 주었습니다.\n\n"
            "AI는 **머리로 하던 일**에서 사람을 풀어 줍니다. 이런 계산에 머리가 아프다면:\n\n"
            "$$\\int \\frac{1}{x}\\,dx = \\ln|x| + C$$\n\n"
            "$$P(A \\cup B) = P(A) + P(B) - P(A \\cap B)$$",
        ),
        _slide(
            "문제: 규칙을 찾아보세요",
            "| x | y |\n|---:|---:|\n| 1 | 0.73 |\n| 2 | 0.88 |\n| 3 | 0.95 |\n| 4 | 0.98 |\n\n"
            "정답: $y = \\frac{1}{1 + e^{-x}}$ — 사람이 규칙을 적는 대신, "
            "예시(x → y)에서 규칙을 배우는 것이 머신러닝입니다.",
            notes="잠시 생각할 시간을 준 뒤 정답을 말하세요. (강의 원본은 지수의 부호를 생략해 적었습니다.)",
        ),
        _slide(
            "지도 학습: A → B",
            "집의 크기와 방 수(A)로 가격(B)을 맞히는 모델을 데이터에서 배웁니다.\n\n"
            + _house_table("크기 (제곱피트)", "방 수", "가격 (천 달러)")
            + "\n\n[/ml/에서 이 여섯 집으로 직접 학습해 보기](/ml/datasets/builtin/house/)",
            notes="'직접 학습해 보기'를 눌러 모델을 학습시키고 예측선을 함께 보세요. "
            "여섯 줄은 너무 적다는 점도 짚어 주세요.",
        ),
        _slide(
            "입력 A → 출력 B → 응용",
            "| 입력 (A) | 출력 (B) | 응용 |\n|---|---|---|\n"
            "| 이메일 | 스팸인가? (0/1) | 스팸 필터 |\n| 음성 | 받아쓴 글 | 음성 인식 |\n"
            "| 영어 문장 | 중국어 문장 | 기계 번역 |\n| 광고, 사용자 정보 | 클릭할까? (0/1) | 온라인 광고 |\n"
            "| 영상, 레이더 | 다른 차의 위치 | 자율주행 |\n| 휴대폰 사진 | 불량인가? (0/1) | 외관 검사 |",
        ),
        _slide(
            "고양이와 강아지, 사람은 1초",
            "컴퓨터에게 사진은 0~255 숫자가 담긴 **300 × 100 × 3** 배열일 뿐입니다.\n\n"
            "- 찍는 방향, 조명, 자세가 달라지면 숫자가 모두 바뀝니다\n"
            "- 가려지거나 배경과 비슷하면 더 어렵습니다\n- 같은 고양이라도 생김새가 제각각입니다\n\n"
            "if / else로 규칙을 적어서는 끝이 나지 않습니다.",
        ),
        {
            "kind": "ordering",
            "prompt": "데이터 기반 방법: 순서대로 놓아 보세요",
            "options": [
                "사진과 정답 레이블을 모은다",
                "train(사진, 레이블)로 모델을 학습한다",
                "predict(모델, 새 사진)로 맞혀 본다",
                "틀린 사진을 모아 데이터에 더한다",
            ],
            "time_limit_s": 40,
            "points": 1000,
            "explanation": "모으고 → 학습하고 → 평가하고 → 틀린 것을 다시 데이터로. 이 순환이 모델을 키웁니다.",
        },
        _slide(
            "데이터 기반 방법",
            "```python\ndef train(images, labels):\n    # 사진 → 레이블을 배우는 모델을 만든다\n    return model\n\n"
            "def predict(model, new_images):\n    # 모델로 새 사진의 레이블을 맞힌다\n    return labels\n```\n\n"
            "이제 우리 반의 그림으로 직접 해 봅니다.",
        ),
        {
            "kind": "drawing",
            "prompt": "휴대폰에 보이는 주제를 그려 보세요. 모두의 그림으로 모델을 학습시킵니다.",
            "options": ["원 / circle", "삼각형 / triangle", "집 / house", "물고기 / fish", "해 / sun", "별 / star"],
            "time_limit_s": 60,
            "explanation": "그림이 많을수록, 주제끼리 덜 닮을수록 모델이 잘 맞힙니다. 데이터가 모델을 만듭니다.",
        },
        _slide(
            "머신러닝이 잘하는 것",
            "**사람이 1초쯤 생각해서 할 수 있는 일**은 자동화될 가능성이 매우 높습니다.\n\n"
            "그리고 그 일의 **A → B 데이터를 많이 모을 수 있어야** 합니다.",
        ),
        _slide("2부. 체험: AI의 현장", "이 AI, 가능할까요? 불가능할까요?", layout="title"),
        _possible(
            "콜센터: 고객이 하는 말(A)을 듣고 환불 / 불만 / 해지 중 알맞은 부서로 연결(B)하는 시스템",
            True,
            "가능합니다. 사람이 1초쯤 생각하면 할 수 있는 단순한 일이고, "
            "지난 통화 기록으로 A → B 데이터를 아주 많이 모을 수 있습니다.",
            labels,
        ),
        {
            "kind": "text_round",
            "prompt": "휴대폰에 보이는 창구로 갈 고객의 말을 한 문장 써 보세요. 모두의 문장으로 라우터를 학습시킵니다.",
            "options": ["환불 / refund", "불만 / complaint", "해지 / cancellation"],
            "time_limit_s": 90,
            "explanation": "문장이 많을수록, 창구마다 고르게 있을수록 라우터가 잘 맞힙니다. 데이터가 모델을 만듭니다.",
        },
        _possible(
            "고객의 하소연을 듣고 공감하며 진심으로 위로해 주는 시스템",
            False,
            "오늘날에는 어렵습니다. 공감은 1초 만에 끝나는 일이 아니고, "
            "배우기 어려운 개념인데 A → B 데이터도 거의 없습니다.",
            labels,
        ),
        _slide(
            "어떤 말에도 같은 대답",
            '- "바지가 작은데 환불되나요?" → "감사합니다, 고객님."\n'
            '- "배달은 빠른가요?" → "사랑합니다, 고객님."\n'
            '- "쿠폰이 안 왔어요" → "정성을 다하겠습니다, 고객님."\n\n공감은 아직 A → B로 배우기 어려운 일입니다.',
        ),
        _possible(
            "자율주행: 카메라 영상에서 보행자를 찾아내는 시스템",
            True,
            "가능합니다. 영상(A) → 보행자의 위치(B)는 사람이 순식간에 하는 일이고, "
            "표시된 데이터를 많이 모을 수 있습니다.",
            labels,
        ),
        _possible(
            "자율주행: 사람의 손짓(‘멈춰요’, ‘태워 주세요’, ‘저리 가요’)을 알아듣는 시스템",
            False,
            "아직 어렵습니다. 손짓은 사람마다 다르고 뜻이 상황에 달려 있어 개념이 어렵고, "
            "안전에 중요한데 데이터는 적습니다.",
            labels,
        ),
        _slide(
            "좋은 머신러닝 프로젝트, 어려운 프로젝트",
            "**좋은 것**\n\n1. 사람이 1초 안에 풀 수 있는 단순한 문제\n2. A → B 데이터를 많이 모을 수 있는 문제\n\n"
            "**어려운 것**: 데이터가 적고, 배워야 할 개념이 어려운 문제",
        ),
        _slide("3부. AI로 하는 비즈니스", layout="title"),
        _slide(
            "AI가 일하는 곳",
            "- **컴퓨터 비전**: 분류, 얼굴 인식, 검출, 분할, 추적\n"
            '- **자연어 처리**: 스팸 분류, 감성 분석("음식이 맛있었어요" → ★★★★★), 검색, 번역\n'
            "- **음성**: 음성 인식, 호출어 감지, 화자 인식, 음성 합성\n- **로보틱스**: 인지, 경로 계획, 제어",
        ),
        {
            "kind": "scale",
            "prompt": "우리 일에 얼마나 쓸모 있을까요?",
            "options": [
                "컴퓨터 비전 (사진 검사, 분류)",
                "자연어 처리 (문의 분류, 감성 분석)",
                "음성 (받아쓰기, 음성 안내)",
            ],
            "scale": {"min": 1, "max": 5, "low_label": "쓸모없다", "high_label": "아주 쓸모 있다"},
            "time_limit_s": 45,
            "explanation": "점수가 높은 분야에서 1초짜리 작업을 찾아보세요.",
        },
        _slide("4부. AI 프로젝트 해 보기", layout="title"),
        _slide(
            "AI 프로젝트 고르는 법",
            "**머신러닝이 잘할 수 있는 것**과 **여러분의 비즈니스에서 가치 있는 것**, 그 **교차점**에 집중하세요.\n\n"
            "- 작게 생각하세요: 직업이 아니라 **작업(task)**을 자동화합니다\n"
            "- 여러분 일의 **불편한 점(pain point)**에서 출발하세요",
        ),
        {
            "kind": "word_cloud",
            "words_per_student": 2,
            "prompt": "여러분 일에서 1초면 끝나지만 매일 반복되는 작업은? (한두 단어)",
            "time_limit_s": 60,
            "explanation": "크게 보이는 단어가 우리 반의 첫 프로젝트 후보입니다.",
        },
        _slide(
            "AI의 선순환",
            "더 좋은 제품 → 더 많은 사용자 → 더 많은 데이터 → 더 좋은 제품\n\n"
            "검색 엔진이 그랬듯, 데이터가 쌓이는 곳에서 AI는 계속 나아집니다.",
        ),
        _slide(
            "우리 반의 아이디어를 캔버스로",
            "휴대폰에 나오는 버튼으로 AI 프로젝트 아이디어를 보내 주세요. "
            "캔버스가 아이디어마다 **머신러닝으로 할 수 있는 정도**와 **비즈니스 가치**를 "
            "점수로 매겨 교차점을 보여 줍니다.",
            kind="canvas",
            notes="수업이 끝나면 /projects/에서 워크스페이스를 열어 아이디어를 함께 평가하세요.",
        ),
        _slide(
            "감사합니다",
            "AI를 정확히 이해하고, 거품에 속지 않고, 할 수 있는 비즈니스 전략을 세우시길 바랍니다.",
            layout="title",
        ),
    ]


def lesson_en() -> list[dict[str, Any]]:
    """The English lesson: the same items as :func:`lesson_ko`, in the same order."""
    labels = ("Possible", "Impossible")
    return [
        _slide(
            "AI you can get your hands on",
            "Today\n\n1. Understanding AI exactly\n2. Hands on: AI in the field\n3. AI in business\n"
            "4. Doing an AI project\n\nJoin room **MODULABS** on your phone and play along.",
            layout="title",
            notes="Greet the class and check the participant count: is everyone in the room?",
        ),
        _slide("Part 1. Understanding AI exactly", layout="title"),
        {
            "kind": "slider",
            "prompt": "In the 1920s an S&P 500 company lived 67 years on average. How long does one live today?",
            "numeric": {"min": 0, "max": 80, "step": 1, "answer": 15, "margin": 3, "unit": "years"},
            "time_limit_s": 30,
            "points": 1000,
            "explanation": "About 15 years. Companies that missed a great shift in technology, "
            "such as the Internet, were overtaken fast.",
        },
        _slide(
            "Why so short?",
            "- A generation ago the answer was the **Internet**: it reshaped every industry.\n"
            "- What will change things as much next? **AI**\n\n> AI is the new electricity. — Andrew Ng",
            notes="Show the distribution of the answers, then go from the Internet to AI.",
        ),
        _slide(
            "AI is the new electricity",
            "Electricity freed people from **physical work** such as washing clothes by hand.\n\n"
            "AI frees people from **mental work**. If sums like these make your head ache:\n\n"
            "$$\\int \\frac{1}{x}\\,dx = \\ln|x| + C$$\n\n"
            "$$P(A \\cup B) = P(A) + P(B) - P(A \\cap B)$$",
        ),
        _slide(
            "A puzzle: find the rule",
            "| x | y |\n|---:|---:|\n| 1 | 0.73 |\n| 2 | 0.88 |\n| 3 | 0.95 |\n| 4 | 0.98 |\n\n"
            "Answer: $y = \\frac{1}{1 + e^{-x}}$. Instead of a person writing the rule down, "
            "machine learning learns it from examples (x → y).",
            notes="Give the class a moment before the answer. (The original deck leaves out the exponent's sign.)",
        ),
        _slide(
            "Supervised learning: A → B",
            "From examples, learn a model that takes a house's size and bedrooms (A) to its price (B).\n\n"
            + _house_table("Size (sq ft)", "Bedrooms", "Price ($1000)")
            + "\n\n[Train on these six houses yourself in /ml/](/ml/datasets/builtin/house/)",
            notes="Open the link, train the model and look at the prediction line together. "
            "Point out that six rows are far too few.",
        ),
        _slide(
            "Input A → output B → application",
            "| Input (A) | Output (B) | Application |\n|---|---|---|\n"
            "| email | spam? (0/1) | spam filtering |\n| audio | text transcript | speech recognition |\n"
            "| English | Chinese | machine translation |\n| ad, user info | click? (0/1) | online advertising |\n"
            "| image, radar info | position of other cars | self-driving car |\n"
            "| image of a phone | defect? (0/1) | visual inspection |",
        ),
        _slide(
            "Cat or dog: one second for a person",
            "To a computer a photo is just a **300 × 100 × 3** array of numbers from 0 to 255.\n\n"
            "- Another viewpoint, light or pose changes every number\n"
            "- Hidden parts and look-alike backgrounds make it harder\n- No two cats look the same\n\n"
            "Rules written with if / else never end.",
        ),
        {
            "kind": "ordering",
            "prompt": "The data-driven method: put the steps in order",
            "options": [
                "Collect images with their labels",
                "Train a model: train(images, labels)",
                "Try it on new images: predict(model, images)",
                "Add the images it got wrong to the data",
            ],
            "time_limit_s": 40,
            "points": 1000,
            "explanation": "Collect, train, evaluate, and feed the mistakes back as data: the cycle grows the model.",
        },
        _slide(
            "The data-driven method",
            "```python\ndef train(images, labels):\n    # build a model that maps images to labels\n"
            "    return model\n\n"
            "def predict(model, new_images):\n    # use the model to label new images\n    return labels\n```\n\n"
            "Now we do it ourselves, with the class's own drawings.",
        ),
        {
            "kind": "drawing",
            "prompt": "Draw what your phone says. Everyone's drawings train the model.",
            "options": ["circle", "triangle", "house", "fish", "sun", "star"],
            "time_limit_s": 60,
            "explanation": "More drawings, and prompts that look less alike, make a better model: "
            "data makes the model.",
        },
        _slide(
            "What machine learning does well",
            "**Anything a person can do with about one second of thought** is very likely to be automated.\n\n"
            "And you must be able to **collect lots of A → B data** for it.",
        ),
        _slide("Part 2. Hands on: AI in the field", "Is this AI possible or impossible?", layout="title"),
        _possible(
            "Call centre: listen to what the customer says (A) and route the call to refunds / complaints / "
            "cancellation (B)",
            True,
            "Possible. A person does it with about a second of thought, and past calls give lots of A -> B data.",
            labels,
        ),
        {
            "kind": "text_round",
            "prompt": "Write one thing a customer might say to the desk your phone shows. "
            "Everyone's sentences train the router.",
            "options": ["refund", "complaint", "cancellation"],
            "time_limit_s": 90,
            "explanation": "More sentences, spread evenly over the desks, make a better router: data makes the model.",
        },
        _possible(
            "A system that listens to a customer's lament and comforts them with real empathy",
            False,
            "Not today. Empathy is no one-second task: a hard concept with little A -> B data.",
            labels,
        ),
        _slide(
            "The same answer to everything",
            '- "These trousers are too small, can I get a refund?" → "Thank you, dear customer."\n'
            '- "Is delivery fast?" → "We love you, dear customer."\n'
            '- "My coupon never came" → "We do our very best, dear customer."\n\n'
            "Empathy is still hard to learn as A → B.",
        ),
        _possible(
            "Self-driving: detect pedestrians in the camera image",
            True,
            "Possible. Image (A) -> pedestrian positions (B) is instant for a person, "
            "and labelled data can be collected at scale.",
            labels,
        ),
        _possible(
            "Self-driving: understand a person's hand gestures ('stop', 'give me a ride', 'go away')",
            False,
            "Hard, not today. Gestures vary from person to person and depend on context: "
            "a hard concept, safety-critical, with little data.",
            labels,
        ),
        _slide(
            "Good machine-learning projects, and hard ones",
            "**Good**\n\n1. A simple task a person solves in about a second\n"
            "2. One where lots of A → B data can be collected\n\n"
            "**Hard**: little data, and a hard concept to learn",
        ),
        _slide("Part 3. AI in business", layout="title"),
        _slide(
            "Where AI works",
            "- **Computer vision**: classification, face recognition, detection, segmentation, tracking\n"
            '- **Language**: spam filtering, sentiment ("The food was good" → ★★★★★), search, translation\n'
            "- **Speech**: recognition, wake words, speaker ID, text to speech\n"
            "- **Robotics**: perception, motion planning, control",
        ),
        {
            "kind": "scale",
            "prompt": "How useful would it be in your work?",
            "options": [
                "Computer vision (inspecting, sorting photos)",
                "Language (routing requests, sentiment)",
                "Speech (transcripts, voice menus)",
            ],
            "scale": {"min": 1, "max": 5, "low_label": "Not useful", "high_label": "Very useful"},
            "time_limit_s": 45,
            "explanation": "Look for one-second tasks in the fields that scored highest.",
        },
        _slide("Part 4. Doing an AI project", layout="title"),
        _slide(
            "How to choose an AI project",
            "Focus on the **intersection** of **what machine learning does well** and "
            "**what is valuable in your business**.\n\n"
            "- Think small: automate **tasks**, not jobs\n- Start from your business's **pain points**",
        ),
        {
            "kind": "word_cloud",
            "words_per_student": 2,
            "prompt": "Which one-second task do you repeat every day at work? (a word or two)",
            "time_limit_s": 60,
            "explanation": "The biggest words are the class's first project candidates.",
        },
        _slide(
            "The virtuous cycle of AI",
            "A better product → more users → more data → a better product\n\n"
            "As with web search: where data keeps coming, AI keeps getting better.",
        ),
        _slide(
            "The class's ideas on the canvas",
            "Send your AI project idea with the button on your phone. The canvas scores each idea's "
            "**machine-learning feasibility** against its **business value** and shows where they meet.",
            kind="canvas",
            notes="After the class, open a workspace in /projects/ and score the ideas together.",
        ),
        _slide(
            "Thank you",
            "Understand AI exactly, don't be fooled by the hype, and build a business strategy that can work.",
            layout="title",
        ),
    ]
