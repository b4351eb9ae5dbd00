"""Drawing rounds over real WebSockets: many students draw their assigned prompts, limits and bad
input are refused with clear errors, the wall and counts reach the hosts, the instructor hides and
removes drawings, trains, and the guess round answers with the model's top three."""

from __future__ import annotations

import json

import numpy as np
import pytest
from channels.db import database_sync_to_async

from mlcore.learn.drawings import synthetic_drawing
from mlcore.models import DatasetImage, TrainedModel
from mlcore.services.learning_curves import learning_curve_job_run
from mlcore.services.training import training_job_run
from quizapp.authoring.services import quiz_create
from quizapp.drawing import rounds
from quizapp.drawing import services as drawings
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.live.rooms import room_create
from quizapp.models import Drawing, DrawingRound, QuizSession
from quizapp.rules import drawing_prompts
from tests.factories import InstructorFactory
from tests.quizapp.live.test_consumers import connect, join, layer, receive_type  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

PROMPTS = ["원 / circle", "삼각형 / triangle", "집 / house", "물고기 / fish"]
KEYS = ["circle", "triangle", "house", "fish"]
STUDENTS = 12


def make_drawing_game(code: str = "DRAWS"):
    from django.test import Client

    teacher = InstructorFactory.create(username="teacher", password="x-long-password-1")
    room = room_create(owner=teacher, code=code)
    quiz = quiz_create(
        owner=teacher,
        title="Draw it",
        questions=[{"kind": "drawing", "prompt": "Draw what your phone says", "options": PROMPTS, "time_limit_s": 120}],
    )
    session = live.session_start(room=room, quiz=quiz, mode=QuizSession.Mode.INSTRUCTOR_PACED, user=teacher)
    client = Client()
    client.force_login(teacher)
    return teacher, session, client.cookies["sessionid"].value


def _wire(name: str, seed: int) -> dict:
    return synthetic_drawing(name, np.random.default_rng(seed)).to_wire()


async def test_a_drawing_round_from_collecting_to_guessing(layer):  # noqa: F811
    _teacher, _session, cookie = await database_sync_to_async(make_drawing_game)()
    host = await connect("/ws/rooms/DRAWS/host/", cookie)
    sockets = [host]
    try:
        await receive_type(host, "host_state")
        students = []
        for i in range(STUDENTS):
            socket, _token = await join("DRAWS", f"artist{i}")
            students.append(socket)
        sockets += students

        await host.send_json_to({"type": "next"})
        prompts = []
        for socket in students:
            opened = await receive_type(socket, "question")
            assert opened["question"]["kind"] == "drawing"
            assert [p["key"] for p in opened["drawing"]["prompts"]] == KEYS
            prompts.append(opened["you"]["prompt"]["key"])
        # round-robin: 12 students over 4 prompts -> 3 each
        assert sorted(prompts) == sorted(KEYS * 3)
        question_id = opened["question"]["id"]

        # Bad input first: each refused with its own code, nothing stored.
        kim = students[0]
        bad_frames = [
            ({"drawing": {"v": 1, "size": 1024, "strokes": []}}, "drawing_empty"),
            ({"drawing": {"v": 1, "size": 1024, "strokes": [[1, 2, "x", 4]]}}, "drawing_malformed"),
            ({"drawing": "<svg onload=alert(1)>"}, "drawing_malformed"),
            ({"drawing": {"v": 1, "size": 1024, "strokes": [[5, 5, 900, 900]] * 65}}, "drawing_too_big"),
            ({"drawing": _wire("circle", 1), "question_id": "1"}, "drawing_rejected"),
        ]
        for extra, code in bad_frames:
            await kim.send_json_to({"type": "drawing", "question_id": question_id, "id": code, **extra})
            error = await receive_type(kim, "error")
            assert error["code"] == code, error
            assert error["ref"] == code
            assert error["message"]
        await kim.send_to(text_data="{not json")
        assert (await receive_type(kim, "error"))["code"] == "malformed_json"
        await kim.send_to(text_data=json.dumps({"type": "drawing", "question_id": question_id, "drawing": "x" * 70000}))
        assert (await receive_type(kim, "error"))["code"] == "frame_too_large"
        assert await database_sync_to_async(Drawing.objects.count)() == 0

        # Everyone draws their prompt at once.
        for i, (socket, prompt) in enumerate(zip(students, prompts, strict=True)):
            frame = {"type": "drawing", "question_id": question_id, "drawing": _wire(prompt, 100 + i), "id": i}
            await socket.send_json_to(frame)
        for i, socket in enumerate(students):
            ack = await receive_type(socket, "drawing_received")
            assert ack["id"] == i
            assert ack["phase"] == "collect"
            assert ack["label"] == prompts[i]

        # One per student per round.
        await kim.send_json_to({"type": "drawing", "question_id": question_id, "drawing": _wire("fish", 7)})
        assert (await receive_type(kim, "error"))["code"] == "drawing_already_sent"

        wall: dict[int, dict] = {}
        while len(wall) < STUDENTS:
            added = await receive_type(host, "drawings_added")
            for d in added["drawings"]:
                wall[d["id"]] = d
        assert added["counts"] == dict.fromkeys(KEYS, 3)
        assert {d["nickname"] for d in wall.values()} == {f"artist{i}" for i in range(STUDENTS)}
        assert all(d["strokes"]["strokes"] for d in wall.values())

        # Rendering (the Celery task's service): a picture and a 28 x 28 copy in the data set.
        ids = list(wall)
        assert await database_sync_to_async(drawings.drawings_render)(drawing_ids=ids) == STUDENTS
        round_ = await database_sync_to_async(DrawingRound.objects.select_related("dataset").get)()
        assert round_.dataset.class_counts == dict.fromkeys(KEYS, 3)
        image = await database_sync_to_async(DatasetImage.objects.filter(dataset=round_.dataset).first)()
        assert (image.width, image.height) == (28, 28)

        # Hide one (it stays in the data), remove another (it leaves the data set).
        await host.send_json_to({"type": "drawing_hide", "drawing_id": ids[0], "hidden": True})
        assert (await receive_type(host, "drawing_hidden"))["drawing_id"] == ids[0]
        await host.send_json_to({"type": "drawing_remove", "drawing_id": ids[1]})
        removed = await receive_type(host, "drawing_removed")
        assert sum(removed["counts"].values()) == STUDENTS - 1
        await database_sync_to_async(round_.dataset.refresh_from_db)()
        assert round_.dataset.row_count == STUDENTS - 1
        # A student cannot drive the host's controls.
        await kim.send_json_to({"type": "drawing_remove", "drawing_id": ids[2]})
        assert (await receive_type(kim, "error"))["code"] == "unknown_type"

        # No guesses before there is a model.
        await kim.send_json_to({"type": "guess", "question_id": question_id, "drawing": _wire("fish", 8)})
        assert (await receive_type(kim, "error"))["code"] == "question_not_open"

        # Train (with generated doodles so a dozen drawings are enough); the job runs here, as
        # the worker would run it (tests/quizapp/test_drawing_worker.py runs a real worker).
        await host.send_json_to({"type": "reveal"})
        await host.send_json_to({"type": "train", "doodles_per_class": 40})
        queued = await receive_type(kim, "training")
        assert queued["training"]["state"] == "queued"
        round_ = await database_sync_to_async(DrawingRound.objects.select_related("training_job").get)()
        outcome = await database_sync_to_async(training_job_run)(job_id=round_.training_job_id)
        assert outcome == "succeeded"
        done = await receive_type(kim, "training", timeout=10)
        while done["training"]["state"] != "succeeded":
            done = await receive_type(kim, "training", timeout=10)
        result = done["training"]["result"]
        assert result["accuracy"] is not None
        assert result["labels"] == sorted(KEYS)
        assert len(result["confusion_matrix"]) == len(KEYS)

        # The virtuous cycle: accuracy against the number of drawings (a learning-curve job).
        await host.send_json_to({"type": "curve"})
        queued = await receive_type(host, "curve")
        assert queued["curve"]["state"] == "queued"
        round_ = await database_sync_to_async(DrawingRound.objects.select_related("curve_job").get)()
        assert await database_sync_to_async(learning_curve_job_run)(job_id=round_.curve_job_id) == "succeeded"
        curve = await receive_type(host, "curve", timeout=10)
        while curve["curve"]["state"] != "succeeded":
            curve = await receive_type(host, "curve", timeout=10)
        points = curve["curve"]["points"]
        assert [p["drawings"] for p in points] == sorted(p["drawings"] for p in points)
        assert all(0 <= p["accuracy"] <= 1 for p in points)
        assert curve["curve"]["svg"].startswith("<svg")
        assert 'role="img"' in curve["curve"]["svg"]

        await host.send_json_to({"type": "guess_round"})
        guess_round = await receive_type(kim, "guess_round")
        assert guess_round["phase"] == "guess"

        await kim.send_json_to({"type": "guess", "question_id": question_id, "drawing": _wire("house", 9), "id": "g"})
        guesses = await receive_type(kim, "guesses")
        assert guesses["id"] == "g"
        assert len(guesses["top"]) == 3
        assert abs(sum(g["probability"] for g in guesses["top"]) - 1) < 0.5
        assert {g["label"] for g in guesses["top"]} <= set(KEYS)
        assert all(g["prompt"] in PROMPTS for g in guesses["top"])

        # A guess-round drawing joins the data set with the label the student gives.
        await kim.send_json_to(
            {"type": "drawing", "question_id": question_id, "drawing": _wire("sun", 10), "label": "pizza"}
        )
        assert (await receive_type(kim, "error"))["code"] == "unknown_prompt"
        await kim.send_json_to(
            {"type": "drawing", "question_id": question_id, "drawing": _wire("house", 10), "label": "house"}
        )
        ack = await receive_type(kim, "drawing_received")
        assert ack["phase"] == "guess"
        assert len(ack["guesses"]) == 3
        added = await receive_type(host, "drawings_added")
        assert added["drawings"][0]["guesses"] == ack["guesses"]
        assert await database_sync_to_async(TrainedModel.objects.count)() == 1
    finally:
        for socket in sockets:
            await socket.disconnect()


async def test_guesses_are_rate_limited_per_socket(layer):  # noqa: F811
    _teacher, _session, _cookie = await database_sync_to_async(make_drawing_game)()
    kim, _ = await join("DRAWS", "kim")
    try:
        for _ in range(12):
            await kim.send_json_to({"type": "guess", "question_id": 1, "drawing": _wire("fish", 1)})
        codes = [(await receive_type(kim, "error"))["code"] for _ in range(12)]
        assert "guess_busy" in codes
    finally:
        await kim.disconnect()


def test_prompt_rules():
    assert drawing_prompts.prompt_key("집 / house") == "house"
    assert drawing_prompts.prompt_key("고양이 / cat") == "고양이"
    assert drawing_prompts.prompt_key("  Smiley   Face ") == "face"
    assert drawing_prompts.duplicate_key(["house", "집"]) == "house"
    assert drawing_prompts.duplicate_key(["cat", "dog"]) is None
    for n in range(2, 11):
        counts = [0] * n
        for student in range(5 * n):
            counts[drawing_prompts.assigned_prompt(student, 3, n)] += 1
        assert counts == [5] * n


async def _drain(socket) -> None:
    while True:
        try:
            await socket.receive_json_from(timeout=0.05)
        except TimeoutError:
            return


def test_a_deleted_data_set_is_rebuilt_from_the_drawings_when_training(transactional_db):
    """The instructor may delete the round's data set in mlcore; nothing of the class is lost."""
    from mlcore.services.datasets import dataset_delete

    teacher, session, _cookie = make_drawing_game()
    live.session_next(session_id=session.id, user=teacher)
    round_ = DrawingRound.objects.select_related("question", "dataset").get()
    joined = [joining.participant_join(code="DRAWS", nickname=f"p{i}", address="10.1.1.1") for i in range(8)]
    requests = [
        drawings.DrawingRequest(j.participant.id, round_.question_id, _wire(KEYS[i % 4], i))
        for i, j in enumerate(joined)
    ]
    assert all(isinstance(o, drawings.DrawingReceipt) for o in drawings.drawings_submit(requests))
    drawings.drawings_render(drawing_ids=list(Drawing.objects.values_list("id", flat=True)))
    dataset_delete(dataset=round_.dataset)
    assert Drawing.objects.filter(dataset_image__isnull=False).count() == 0
    job = rounds.round_train(session_id=session.id, user=teacher)
    round_.refresh_from_db()
    assert round_.dataset is not None
    assert round_.dataset.row_count == 8
    assert job.dataset_id == round_.dataset_id


def test_reports_and_exports_of_a_session_with_a_drawing_round(transactional_db, client):
    """A drawing question has no right answer and no Answer rows: the report, the results page and
    the exports still work (and do not pretend anyone answered)."""
    teacher, session, _cookie = make_drawing_game()
    live.session_next(session_id=session.id, user=teacher)
    joined = joining.participant_join(code="DRAWS", nickname="kim", address="10.2.2.2")
    round_ = DrawingRound.objects.get()
    request = drawings.DrawingRequest(joined.participant.id, round_.question_id, _wire("circle", 3))
    assert isinstance(drawings.drawings_submit([request])[0], drawings.DrawingReceipt)
    live.session_end(session_id=session.id, user=teacher)
    client.force_login(teacher)
    for url in (
        f"/sessions/{session.id}/",
        f"/sessions/{session.id}/report/",
        f"/sessions/{session.id}/export.csv",
        f"/sessions/{session.id}/export.xlsx",
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, url
    report = client.get(f"/sessions/{session.id}/report/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="report-drawings"' in report
    drawing = Drawing.objects.get()
    assert f"/sessions/{session.id}/drawings/{drawing.id}.png" in report
    # the picture, made on the spot when the worker has not rendered it yet, then the stored one
    image = client.get(f"/sessions/{session.id}/drawings/{drawing.id}.png")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    drawings.drawings_render(drawing_ids=[drawing.id])
    stored = client.get(f"/sessions/{session.id}/drawings/{drawing.id}.png")
    assert stored.content.startswith(b"\x89PNG")
    # nobody else's
    client.force_login(InstructorFactory.create(username="other-teacher", password="x-long-password-2"))
    assert client.get(f"/sessions/{session.id}/drawings/{drawing.id}.png").status_code == 404


def test_train_twice_while_the_first_runs_is_refused(transactional_db):
    teacher, session, _cookie = make_drawing_game()
    live.session_next(session_id=session.id, user=teacher)
    round_ = DrawingRound.objects.get()
    joined = [joining.participant_join(code="DRAWS", nickname=f"t{i}", address="10.3.3.3") for i in range(8)]
    requests = [
        drawings.DrawingRequest(j.participant.id, round_.question_id, _wire(KEYS[i % 4], i))
        for i, j in enumerate(joined)
    ]
    drawings.drawings_submit(requests)
    rounds.round_train(session_id=session.id, user=teacher)
    with pytest.raises(drawings.errors.TrainingRunning):
        rounds.round_train(session_id=session.id, user=teacher)
    with pytest.raises(drawings.errors.InvalidState) as refused:  # eight drawings make no curve
        rounds.round_measure_curve(session_id=session.id, user=teacher)
    assert refused.value.code == "too_few_for_curve"
    assert refused.value.message
    stranger = InstructorFactory.create(username="intruder", password="x-long-password-3")
    with pytest.raises(drawings.errors.NotAllowed):
        rounds.round_train(session_id=session.id, user=stranger)
