"""Text rounds over real WebSockets (the lecture's call-centre router): the class votes "possible?",
each student writes an example sentence for the desk their phone names, bad input is refused with
clear errors, the instructor hides and removes sentences and trains a text classifier on them, the
reveal settles the vote with the measured accuracy, and the guess round routes new sentences with
the words that decided it."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async

from mlcore.learn import generate_call_centre
from mlcore.models import Dataset, TrainedModel
from mlcore.services.learning_curves import learning_curve_job_run
from mlcore.services.training import training_job_run
from quizapp.authoring.services import quiz_create
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Drawing, DrawingRound, QuizSession
from tests.factories import InstructorFactory
from tests.quizapp.live.test_consumers import connect, join, layer, receive_type  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

DESKS = {"환불": "refund", "배송": "delivery", "해지": "cancellation", "불만": "complaint"}
LABELS = ["환불 / refund", "배송 / delivery", "해지 / cancel", "불만 / complaint"]
KEYS = list(DESKS)
STUDENTS = 16
VOTE = {
    "kind": "true_false",
    "prompt": "고객의 말을 알맞은 창구로 보내기, 가능할까?",
    "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
    "time_limit_s": 60,
}
ROUND = {"kind": "text_round", "prompt": "창구에 맞는 고객의 말을 써 보세요", "options": LABELS, "time_limit_s": 120}


def make_text_game(code: str = "ROUTER"):
    from django.test import Client

    teacher = InstructorFactory.create(username="teacher", password="x-long-password-1")
    room = room_create(owner=teacher, code=code)
    quiz = quiz_create(owner=teacher, title="Call centre", questions=[VOTE, ROUND])
    session = live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    client = Client()
    client.force_login(teacher)
    return teacher, session, client.cookies["sessionid"].value


def sentences(per_desk: int, seed: int) -> dict[str, list[str]]:
    """Generated customer messages per desk key ("환불" ...), Korean and English."""
    texts, desks = generate_call_centre(per_desk=per_desk, seed=seed, label_language="key")
    by_desk: dict[str, list[str]] = {key: [] for key in KEYS}
    for text, desk in zip(texts, desks, strict=True):
        by_desk[next(k for k, v in DESKS.items() if v == desk)].append(text)
    return by_desk


async def _refuses_bad_input(kim, question_id: int) -> None:
    """Each bad frame of a text round refused with its own code; nothing stored."""
    bad_frames: list[tuple[dict[str, Any], str]] = [
        (
            {"type": "drawing", "drawing": {"v": 1, "size": 1024, "strokes": [[1, 1, 500, 500]]}},
            "description_rejected",
        ),
        ({"type": "drawing_text", "text": "   "}, "description_rejected"),
        ({"type": "drawing_text", "text": "x" * 201}, "description_rejected"),
        ({"type": "drawing_text", "text": ["환불"]}, "description_rejected"),
        ({"type": "drawing_text", "text": "환불해 주세요", "question_id": "1"}, "not_drawing_round"),
        ({"type": "route", "text": "환불해 주세요"}, "question_not_open"),
        ({"type": "answer", "choices": [0]}, "invalid_answer"),  # a round's labels are not choices
    ]
    for extra, code in bad_frames:
        await kim.send_json_to({"question_id": question_id, "id": code, **extra})
        error = await receive_type(kim, "error")
        assert error["code"] == code, error
        assert error["message"]
    assert await database_sync_to_async(Drawing.objects.count)() == 0


async def _measure_curve(host) -> None:
    """The round's learning curve, on a class's few sentences, labelled in sentences."""
    await host.send_json_to({"type": "curve"})
    while (reply := await host.receive_json_from(timeout=5))["type"] not in ("curve", "error"):
        pass
    assert reply["type"] == "curve", reply
    round_ = await database_sync_to_async(DrawingRound.objects.select_related("curve_job").get)()
    assert await database_sync_to_async(learning_curve_job_run)(job_id=round_.curve_job_id) == "succeeded"
    curve = await receive_type(host, "curve", timeout=10)
    while curve["curve"]["state"] != "succeeded":
        curve = await receive_type(host, "curve", timeout=10)
    assert "Sentences" in curve["curve"]["svg"] or "문장" in curve["curve"]["svg"]


async def test_a_text_round_from_the_vote_to_routing(layer):  # noqa: F811
    _teacher, _session, cookie = await database_sync_to_async(make_text_game)()
    host = await connect("/ws/rooms/ROUTER/host/", cookie)
    sockets = [host]
    try:
        await receive_type(host, "host_state")
        students = []
        for i in range(STUDENTS):
            socket, _token = await join("ROUTER", f"agent{i}")
            students.append(socket)
        sockets += students

        # The vote: 12 of 16 say possible.
        await host.send_json_to({"type": "next"})
        for i, socket in enumerate(students):
            vote = (await receive_type(socket, "question"))["question"]
            await socket.send_json_to({"type": "answer", "question_id": vote["id"], "choices": [0 if i < 12 else 1]})
            await receive_type(socket, "answer_received")
        await host.send_json_to({"type": "reveal"})

        await host.send_json_to({"type": "next"})
        labels = []
        for socket in students:
            opened = await receive_type(socket, "question")
            assert opened["question"]["kind"] == "text_round"
            assert [p["key"] for p in opened["drawing"]["prompts"]] == KEYS
            labels.append(opened["you"]["prompt"]["key"])
        assert sorted(labels) == sorted(KEYS * 4)  # round-robin over the desks
        question_id = opened["question"]["id"]

        await _refuses_bad_input(students[0], question_id)
        kim = students[0]

        # Everyone writes a sentence for their desk; a hostile one is kept as text, cleaned.
        examples = sentences(per_desk=8, seed=5)
        for i, (socket, label) in enumerate(zip(students, labels, strict=True)):
            text = examples[label].pop() if i else "<b>환불</b>\u200b 해 주세요\x00 돈 돌려받고 싶어요"
            await socket.send_json_to({"type": "drawing_text", "question_id": question_id, "text": text, "id": i})
        for i, socket in enumerate(students):
            ack = await receive_type(socket, "drawing_received")
            assert (ack["id"], ack["phase"], ack["label"]) == (i, "collect", labels[i])
            assert ack["description"]
        first = await database_sync_to_async(Drawing.objects.order_by("id").first)()
        assert first.description == "<b>환불</b> 해 주세요 돈 돌려받고 싶어요"
        assert first.strokes == {}

        await kim.send_json_to({"type": "drawing_text", "question_id": question_id, "text": "한 번 더"})
        assert (await receive_type(kim, "error"))["code"] == "drawing_already_sent"

        wall: dict[int, dict] = {}
        while len(wall) < STUDENTS:
            for d in (await receive_type(host, "drawings_added"))["drawings"]:
                wall[d["id"]] = d
        assert all(d["description"] for d in wall.values())

        # Hide one (still trained on), remove another (not trained on).
        ids = list(wall)
        await host.send_json_to({"type": "drawing_hide", "drawing_id": ids[0], "hidden": True})
        await receive_type(host, "drawing_hidden")
        await host.send_json_to({"type": "drawing_remove", "drawing_id": ids[1]})
        removed = await receive_type(host, "drawing_removed")
        assert sum(removed["counts"].values()) == STUDENTS - 1

        # Train: a text data set is made from the sentences, and a text classifier learns it.
        await host.send_json_to({"type": "reveal"})
        await host.send_json_to({"type": "train"})
        queued = await receive_type(kim, "training")
        assert queued["training"]["state"] == "queued"
        round_ = await database_sync_to_async(DrawingRound.objects.select_related("training_job", "dataset").get)()
        assert round_.dataset.source == Dataset.Source.TEXT_ROUND
        assert round_.dataset.row_count == STUDENTS - 1
        assert round_.dataset.task == "text_classification"
        assert await database_sync_to_async(training_job_run)(job_id=round_.training_job_id) == "succeeded"
        done = await receive_type(kim, "training", timeout=10)
        while done["training"]["state"] != "succeeded":
            done = await receive_type(kim, "training", timeout=10)
        result = done["training"]["result"]
        assert result["labels"] == sorted(KEYS)
        assert len(result["confusion_matrix"]) == len(KEYS)
        settle = result["settle"]
        assert settle["prompt"] == VOTE["prompt"]
        assert settle["voters"] == STUDENTS
        assert [o["share"] for o in settle["options"]] == [0.75, 0.25]
        assert settle["accuracy"] == round(result["accuracy"], 4)

        await _measure_curve(host)

        # Route: the top desks and the words that decided it; a drawing is not routed.
        await host.send_json_to({"type": "guess_round"})
        assert (await receive_type(kim, "guess_round"))["phase"] == "guess"
        await kim.send_json_to(
            {"type": "route", "question_id": question_id, "text": "환불해 주세요 돈 돌려받고 싶어요", "id": "r"}
        )
        routed = await receive_type(kim, "routed")
        assert routed["id"] == "r"
        assert len(routed["top"]) == 3
        assert {t["label"] for t in routed["top"]} <= set(KEYS)
        assert all(t["prompt"] in LABELS for t in routed["top"])
        assert routed["words"]
        assert all("word" in w for w in routed["words"])
        await kim.send_json_to(
            {
                "type": "guess",
                "question_id": question_id,
                "drawing": {"v": 1, "size": 1024, "strokes": [[1, 1, 500, 500]]},
            }
        )
        assert (await receive_type(kim, "error"))["code"] == "not_drawing_round"

        # A routed sentence joins the round's data with the desk its writer meant.
        await kim.send_json_to(
            {"type": "drawing_text", "question_id": question_id, "text": "택배가 안 와요", "label": "pizza"}
        )
        assert (await receive_type(kim, "error"))["code"] == "unknown_prompt"
        await kim.send_json_to(
            {"type": "drawing_text", "question_id": question_id, "text": "택배가 안 와요", "label": "배송"}
        )
        ack = await receive_type(kim, "drawing_received")
        assert ack["phase"] == "guess"
        assert len(ack["guesses"]) == 3
        added = await receive_type(host, "drawings_added")
        assert added["drawings"][0]["guesses"] == ack["guesses"]
        assert added["drawings"][0]["description"] == "택배가 안 와요"

        # The instructor shows it big on the projector (the hosts hear it), then clears it.
        await host.send_json_to({"type": "drawing_spotlight", "drawing_id": ack["drawing_id"]})
        spotlight = await receive_type(host, "drawing_spotlight")
        assert spotlight["drawing"]["description"] == "택배가 안 와요"
        assert spotlight["drawing"]["guesses"] == ack["guesses"]
        await host.send_json_to({"type": "drawing_spotlight", "drawing_id": None})
        assert (await receive_type(host, "drawing_spotlight"))["drawing"] is None
        await kim.send_json_to({"type": "drawing_spotlight", "drawing_id": ack["drawing_id"]})
        assert (await receive_type(kim, "error"))["code"] == "unknown_type"
        assert await database_sync_to_async(TrainedModel.objects.count)() == 1
    finally:
        for socket in sockets:
            await socket.disconnect()


def test_training_needs_two_labels_with_two_sentences(transactional_db):
    from quizapp import errors
    from quizapp.drawing import rounds
    from quizapp.drawing import services as drawings
    from quizapp.live import join as joining

    teacher, session, _cookie = make_text_game("FEWTXT")
    live.session_next(session_id=session.id, user=teacher)
    live.session_next(session_id=session.id, user=teacher)
    question_id = session.quiz.questions.get(kind="text_round").id
    joined = [joining.participant_join(code="FEWTXT", nickname=f"p{i}", address="10.0.0.1") for i in range(3)]
    requests = [drawings.DrawingRequest(j.participant.id, question_id, strokes={}, description="환불") for j in joined]
    assert all(isinstance(o, drawings.DrawingReceipt) for o in drawings.drawings_submit(requests))
    with pytest.raises(errors.TooFewSentences):
        rounds.round_train(session_id=session.id, user=teacher)
    assert not Dataset.objects.filter(source=Dataset.Source.TEXT_ROUND).exists()
