"""Text data sets generated here, seeded, with no download: a Korean/English call centre, spam or not,
and reviews with their sentiment.

Each sentence is a template with slots (product, time, order number, politeness) filled at random,
so two seeds give different sentences of the same kinds. Some templates deliberately mention another
desk's words ("the delivery was late, so I want to cancel"), so a model has to weigh words rather
than spot one.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

#: The call centre's desks: label key -> display names.
DESKS: dict[str, dict[str, str]] = {
    "refund": {"en": "refund", "ko": "환불"},
    "delivery": {"en": "delivery", "ko": "배송"},
    "cancellation": {"en": "cancellation", "ko": "해지"},
    "complaint": {"en": "complaint", "ko": "불만"},
}
SPAM_LABELS: dict[str, dict[str, str]] = {"spam": {"en": "spam", "ko": "스팸"}, "ham": {"en": "ham", "ko": "정상"}}
SENTIMENTS: dict[str, dict[str, str]] = {
    "positive": {"en": "positive", "ko": "긍정"},
    "negative": {"en": "negative", "ko": "부정"},
}
LANGUAGES = ("ko", "en")

_KO_ITEMS = (
    "바지",
    "운동화",
    "노트북",
    "코트",
    "가방",
    "청소기",
    "이어폰",
    "책상",
    "원피스",
    "휴대폰 케이스",
    "에어프라이어",
    "셔츠",
)

_SLOTS: dict[str, dict[str, Sequence[str]]] = {
    "ko": {
        "item": _KO_ITEMS,
        "time": ("3일", "일주일", "열흘", "2주", "한 달", "5일"),
        "order": ("A1023", "B7781", "2024-0315", "K5530", "Z9012", "C4410"),
        "please": ("해 주세요", "부탁드립니다", "해주실 수 있나요?", "원합니다", "하고 싶어요"),
        "plan": ("인터넷", "휴대폰 요금제", "멤버십", "구독 서비스", "정기 배송", "IPTV"),
        "staff": ("상담원", "배송 기사님", "직원", "매장 직원", "고객센터"),
        "food": ("음식", "파스타", "커피", "국밥", "피자", "서비스", "분위기", "디저트"),
        "prize": ("100만원", "아이폰", "상품권", "해외여행", "현금 50만원"),
    },
    "en": {
        "item": (
            "trousers",
            "sneakers",
            "laptop",
            "coat",
            "bag",
            "vacuum cleaner",
            "earphones",
            "desk",
            "dress",
            "phone case",
            "air fryer",
            "shirt",
        ),
        "time": ("three days", "a week", "ten days", "two weeks", "a month", "five days"),
        "order": ("A1023", "B7781", "2024-0315", "K5530", "Z9012", "C4410"),
        "please": ("please", "could you", "I would like to", "I want to", "can I"),
        "plan": ("internet plan", "phone contract", "membership", "subscription", "monthly box", "TV package"),
        "staff": ("agent", "courier", "staff member", "shop assistant", "support team"),
        "food": ("food", "pasta", "coffee", "soup", "pizza", "service", "atmosphere", "dessert"),
        "prize": ("$1,000", "an iPhone", "a gift card", "a free trip", "$500 cash"),
    },
}

_CALL_CENTRE: dict[str, dict[str, Sequence[str]]] = {
    "ko": {
        "refund": (
            "{item} 샀는데 배송되는 동안 살이 쪄서 안 맞아요. 환불 {please}",
            "주문번호 {order} 환불 {please}",
            "{item} 반품하고 돈 돌려받고 싶어요",
            "환불은 언제 입금되나요? {time} 지났어요",
            "사이즈가 안 맞아서 {item} 반품 후 환불 받고 싶습니다",
            "결제 취소하고 카드 환불 {please}",
            "{item} 마음에 안 들어요 환불 가능한가요",
            "두 번 결제됐어요 한 건 환불 {please}",
            "반품 보냈는데 아직 환불이 안 됐어요",
            "불량 {item} 받아서 전액 환불 원해요",
            "환불 규정이 어떻게 되나요? {item} 샀어요",
            "돈을 돌려주세요 {item} 쓸 일이 없어졌어요",
        ),
        "delivery": (
            "{item} 언제 도착하나요? 주문한 지 {time} 됐어요",
            "주문번호 {order} 배송 조회가 안 돼요",
            "택배가 아직 안 왔어요",
            "배송지를 바꾸고 싶어요 {item} 주문했어요",
            "{item} 다른 주소로 배송됐어요",
            "배송 출발했다는데 {time}째 그대로예요",
            "택배 기사님이 문 앞에 두고 가셨다는데 없어요",
            "{item} 빠른 배송 {please}",
            "송장번호 좀 알려주세요",
            "내일까지 받을 수 있나요? {item} 급해요",
            "배송이 너무 늦어요 {time} 기다렸어요 어디쯤인가요",
            "오늘 도착 예정이라더니 안 왔어요",
        ),
        "cancellation": (
            "{plan} 해지 {please}",
            "{plan} 이번 달까지만 쓰고 해지하고 싶어요",
            "약정 끝나면 {plan} 해지할게요 위약금 있나요",
            "{plan} 자동 결제 해지 {please}",
            "이사 가서 {plan} 해지해야 해요",
            "{plan} 그만 쓰고 싶어요 해지 방법 알려주세요",
            "회원 탈퇴하고 {plan}도 해지해 주세요",
            "배송이 늘 늦어서 {plan} 해지할래요",
            "{plan} 더 이상 필요 없어요 해지 {please}",
            "해지 신청했는데 아직 요금이 나가요",
            "다음 달부터 {plan} 끊어 주세요",
        ),
        "complaint": (
            "{staff} 태도가 너무 불친절했어요",
            "{staff} 전화를 그냥 끊었어요 너무 화나요",
            "몇 번이나 전화했는데 아무도 안 받아요 정말 실망이에요",
            "{item} 포장이 엉망이었어요 항의하고 싶어요",
            "{staff} 응대가 최악이에요 책임자 바꿔 주세요",
            "같은 문제로 {time}째 연락하는데 해결이 안 돼요",
            "서비스가 너무 형편없어요 불만 접수 {please}",
            "{staff} 반말을 했어요 기분 나빠요",
            "약속한 연락을 안 주셨어요 너무 무책임해요",
            "광고랑 {item} 완전 달라요 속은 기분이에요",
            "{staff} 설명이 계속 바뀌어요 누구 말을 믿어야 하나요",
        ),
    },
    "en": {
        "refund": (
            "I bought {item}, gained weight while they shipped, and I want a refund",
            "Order {order}: {please} get my money back?",
            "I want to return the {item} and get a refund",
            "When will my refund arrive? It has been {time}",
            "The {item} doesn't fit, {please} return it for a refund",
            "I was charged twice, please refund one payment",
            "{please} refund the {item}, I don't need it anymore",
            "I sent the {item} back but still no refund",
            "The {item} arrived broken, I want a full refund",
            "What is your refund policy for the {item}?",
            "Please give me my money back for order {order}",
            "Refund the {item} to my card please",
        ),
        "delivery": (
            "Where is my {item}? I ordered it {time} ago",
            "Tracking for order {order} shows nothing",
            "My parcel still hasn't arrived",
            "{please} change the delivery address for my {item}?",
            "The {item} was delivered to the wrong address",
            "It says shipped but nothing moved for {time}",
            "The courier says it was left at the door but it isn't there",
            "Can I get express shipping on the {item}?",
            "Please send me the tracking number",
            "Will the {item} arrive by tomorrow? I need it urgently",
            "Delivery is so slow, I've waited {time}, where is the package",
            "It was supposed to arrive today and it didn't",
        ),
        "cancellation": (
            "{please} cancel my {plan}",
            "I want to end my {plan} at the end of this month",
            "My contract is ending, is there a fee to cancel the {plan}?",
            "Please stop the automatic payments for my {plan}",
            "I'm moving house and need to cancel the {plan}",
            "How do I cancel my {plan}? I don't use it",
            "Close my account and terminate the {plan}",
            "Deliveries are always late so I'm cancelling my {plan}",
            "I no longer need the {plan}, {please} cancel it",
            "I cancelled but you are still charging me for the {plan}",
            "Unsubscribe me from the {plan} starting next month",
        ),
        "complaint": (
            "The {staff} was extremely rude to me",
            "Your {staff} hung up on me, I'm furious",
            "I called five times and nobody answers, very disappointing",
            "The packaging of the {item} was a mess, I want to complain",
            "Worst service ever, let me talk to a manager",
            "I've been contacting you about the same problem for {time} and nothing is fixed",
            "Your service is terrible, I want to file a complaint",
            "The {staff} was condescending and unhelpful",
            "You promised to call me back and never did",
            "The {item} looks nothing like the advert, I feel cheated",
            "Every {staff} tells me something different, who should I believe",
        ),
    },
}

_SPAM: dict[str, dict[str, Sequence[str]]] = {
    "ko": {
        "spam": (
            "[광고] 축하합니다! {prize} 당첨! 지금 바로 링크 클릭",
            "무료 {prize} 이벤트 지금 참여하세요 선착순 마감",
            "대출 한도 조회 무료 당일 입금 가능 문의 주세요",
            "(광고) 단 하루 90% 할인 {item} 특가 수신거부 080",
            "고객님 계정이 정지되었습니다 아래 링크에서 본인인증 하세요",
            "주식 리딩방 초대 수익률 300% 보장",
            "[국외발신] 택배 주소 불일치 확인 바랍니다 http://bit.ly",
            "{prize} 받으실 분 지금 회신 주세요",
        ),
        "ham": (
            "내일 회의 몇 시였지?",
            "{item} 잘 받았어 고마워",
            "저녁에 {food} 먹으러 갈래?",
            "엄마 오늘 좀 늦어요",
            "주문하신 {item} 배송이 시작되었습니다",
            "이번 주말에 시간 돼?",
            "과제 파일 보내줄 수 있어?",
            "도착하면 연락해",
        ),
    },
    "en": {
        "spam": (
            "Congratulations! You won {prize}! Click the link now",
            "FREE {prize} giveaway, reply YES to claim before midnight",
            "Low interest loans approved in minutes, call now",
            "90% OFF {item} today only!!! Unsubscribe: reply STOP",
            "Your account has been suspended, verify your details at this link",
            "Make $5000 a week from home, no experience needed",
            "Your parcel is on hold, pay the customs fee here http://bit.ly",
            "Claim your {prize} now, limited offer",
        ),
        "ham": (
            "What time is the meeting tomorrow?",
            "Got the {item}, thanks a lot",
            "Want to get {food} tonight?",
            "Mum, I'll be a bit late today",
            "Your order for the {item} has shipped",
            "Are you free this weekend?",
            "Can you send me the homework file?",
            "Text me when you get there",
        ),
    },
}

_SENTIMENT: dict[str, dict[str, Sequence[str]]] = {
    "ko": {
        "positive": (
            "{food} 정말 맛있었어요 ★★★★★",
            "{food} 최고예요 또 올게요",
            "{staff} 친절해서 기분 좋았어요",
            "{item} 품질이 아주 좋아요 만족합니다",
            "가격 대비 훌륭해요 강력 추천",
            "생각보다 훨씬 좋네요 ★★★★",
            "{food}도 좋고 분위기도 좋았어요",
            "빠르고 친절하고 완벽했어요",
        ),
        "negative": (
            "{food} 너무 짜고 별로였어요 ★",
            "다시는 안 올 거예요 {food} 최악",
            "{staff} 불친절해서 기분 나빴어요",
            "{item} 품질이 형편없어요 실망입니다",
            "돈이 아까워요 추천하지 않아요",
            "기대 이하였어요 ★★",
            "{food} 식었고 서비스도 느렸어요",
            "한 시간 기다렸는데 맛도 없었어요",
        ),
    },
    "en": {
        "positive": (
            "The {food} was good ★★★★★",
            "Amazing {food}, we will come back",
            "The {staff} was so friendly, lovely evening",
            "Great quality {item}, very happy with it",
            "Excellent value for money, highly recommended",
            "Much better than I expected ★★★★",
            "Delicious {food} and a cosy atmosphere",
            "Fast, friendly and perfect",
        ),
        "negative": (
            "The {food} was too salty and bland ★",
            "Never coming back, the {food} was awful",
            "The {staff} was rude and it ruined the evening",
            "Poor quality {item}, really disappointed",
            "A waste of money, would not recommend",
            "Below expectations ★★",
            "The {food} was cold and the service slow",
            "Waited an hour and the food was tasteless",
        ),
    },
}

_EXTRAS = {
    "ko": {
        "start": ("", "", "안녕하세요 ", "저기요 ", "문의드립니다 ", "급해요 "),
        "end": ("", "", "", " ㅠㅠ", "!", " 감사합니다"),
    },
    "en": {"start": ("", "", "Hi, ", "Hello, ", "Quick question: ", "Hey "), "end": ("", "", "", "!", " thanks", "?")},
}


def _fill(template: str, language: str, rng: random.Random) -> str:
    slots = _SLOTS[language]
    text = template.format(**{name: rng.choice(values) for name, values in slots.items()})
    extras = _EXTRAS[language]
    return f"{rng.choice(extras['start'])}{text}{rng.choice(extras['end'])}".strip()


def _generate(
    templates: dict[str, dict[str, Sequence[str]]],
    names: dict[str, dict[str, str]],
    *,
    per_class: int,
    seed: int,
    languages: Sequence[str],
    label_language: str,
) -> tuple[list[str], list[str]]:
    if label_language not in ("en", "ko", "key"):
        raise ValueError("label_language must be 'en', 'ko' or 'key'")
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown or not languages:
        raise ValueError(f"languages must be some of {', '.join(LANGUAGES)}")
    rng = random.Random(seed)
    rows: list[tuple[str, str]] = []
    for key in names:
        label = key if label_language == "key" else names[key][label_language]
        seen: set[str] = set()
        for i in range(per_class):
            language = languages[i % len(languages)]
            text = _fill(rng.choice(templates[language][key]), language, rng)
            for _ in range(5):  # prefer new sentences; a few repeats are fine when the slots run out
                if text not in seen:
                    break
                text = _fill(rng.choice(templates[language][key]), language, rng)
            seen.add(text)
            rows.append((text, label))
    rng.shuffle(rows)
    return [t for t, _ in rows], [label for _, label in rows]


def generate_call_centre(
    per_desk: int = 100, *, seed: int = 0, languages: Sequence[str] = LANGUAGES, label_language: str = "en"
) -> tuple[list[str], list[str]]:
    """(texts, desks): what customers say, and the desk it belongs to (refund, delivery, cancellation,
    complaint), half Korean and half English by default. ``label_language`` "en", "ko" or "key"."""
    return _generate(
        _CALL_CENTRE, DESKS, per_class=per_desk, seed=seed, languages=languages, label_language=label_language
    )


def generate_spam(
    per_class: int = 100, *, seed: int = 0, languages: Sequence[str] = LANGUAGES, label_language: str = "en"
) -> tuple[list[str], list[str]]:
    """(texts, labels): text messages that are spam or not (ham)."""
    return _generate(
        _SPAM, SPAM_LABELS, per_class=per_class, seed=seed, languages=languages, label_language=label_language
    )


def generate_sentiment(
    per_class: int = 100, *, seed: int = 0, languages: Sequence[str] = LANGUAGES, label_language: str = "en"
) -> tuple[list[str], list[str]]:
    """(texts, labels): short reviews ("The food was good ★★★★★") that are positive or negative."""
    return _generate(
        _SENTIMENT, SENTIMENTS, per_class=per_class, seed=seed, languages=languages, label_language=label_language
    )


__all__ = ["DESKS", "SENTIMENTS", "SPAM_LABELS", "generate_call_centre", "generate_sentiment", "generate_spam"]
