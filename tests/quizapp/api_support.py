"""What the quiz API tests share: questions to create, the instructor's client and request helpers."""

TF = {
    "kind": "true_false",
    "prompt": "Spotting a cat in a photo?",
    "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
}
MC = {
    "kind": "multiple_choice",
    "prompt": "Which are A → B?",
    "options": [{"text": "spam", "correct": True}, {"text": "empathy"}, {"text": "translation", "correct": True}],
    "time_limit_s": 30,
    "points": 2000,
    "explanation": "Input A, output B.",
}
SHORT = {"kind": "short_answer", "prompt": "고양이 in English?", "accepted_answers": ["cat"]}


def post(client, url, data=None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)


def patch(client, url, data, **extra):
    return client.patch(url, data, content_type="application/json", **extra)


def error(response) -> dict:
    return response.json()["error"]
