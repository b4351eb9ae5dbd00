"""Live routes under load (quizapp.drawing.guesses): a socket's route still waiting for the model is
superseded by its newer one (answered at once, marked so: never silently dropped), a route the model
is already working on is answered as usual, other sockets' routes are never coalesced, a sentence
routed before is answered from memory, and a student's frames do not queue behind the database
before they are handled (channels' per-message ``close_old_connections`` hop)."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace
from typing import Any

import pytest

from quizapp.drawing import guesses


def fake_model(model_id: int = 1) -> Any:
    return SimpleNamespace(id=model_id, artefact=SimpleNamespace(name=f"models/{model_id}.zip"))


class GatedPredict:
    """A model that answers each batch once released, recording what each batch held."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.batches: list[list[str]] = []

    def __call__(self, model: Any, texts: list[str]) -> list[dict[str, Any]]:
        self.gate.wait(5)
        self.batches.append(list(texts))
        return [{"top": [{"label": text, "probability": 1.0}], "words": []} for text in texts]


async def until(condition: Any, within_s: float = 5) -> None:
    deadline = asyncio.get_running_loop().time() + within_s
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


async def test_a_newer_route_supersedes_the_waiting_one_of_the_same_socket(monkeypatch, settings):
    settings.MLCORE_TEXT_CHILD_PROCESS = True  # the batch waits in the guess thread (for the text child)
    predict = GatedPredict()
    monkeypatch.setattr(guesses, "_route", predict)
    queue = guesses.GuessQueue()
    model = fake_model()
    phone, other = object(), object()

    busy = asyncio.ensure_future(queue.route(model, "환불", slot=phone))  # the model takes this one
    await until(lambda: queue.waiting() == 0 and phone not in queue.slots)
    typed = [asyncio.ensure_future(queue.route(model, text, slot=phone)) for text in ("환", "환불해", "환불해 주세요")]
    neighbour = asyncio.ensure_future(queue.route(model, "배송", slot=other))
    await until(lambda: typed[0].done() and typed[1].done())
    # The phone's older texts are answered at once, marked superseded, before the model is free.
    for older in typed[:2]:
        assert older.result()["superseded"] is True
        assert older.result()["top"] == []
        assert older.result()["ms"] >= 0
    assert not typed[2].done()
    assert not busy.done(), "the route the model is working on is not superseded"

    predict.gate.set()
    assert (await busy)["top"][0]["label"] == "환불"
    newest = await typed[2]
    assert newest["top"][0]["label"] == "환불해 주세요"
    assert "superseded" not in newest
    assert (await neighbour)["top"][0]["label"] == "배송", "another socket's route is its own"
    assert predict.batches == [["환불"], ["환불해 주세요", "배송"]], "superseded texts cost the model nothing"
    assert queue.slots == {}


async def test_sentences_explained_in_this_process_are_routed_on_the_event_loop(monkeypatch, settings):
    """No hop to the guess thread and back for a millisecond of arithmetic (bench/text_load.py)."""
    settings.MLCORE_TEXT_CHILD_PROCESS = False
    threads: list[str] = []

    def predict(model: Any, texts: list[str]) -> list[dict[str, Any]]:
        threads.append(threading.current_thread().name)
        return [{"top": [{"label": text, "probability": 1.0}], "words": []} for text in texts]

    monkeypatch.setattr(guesses, "_route", predict)
    queue = guesses.GuessQueue()
    answers = await asyncio.gather(*(queue.route(fake_model(), text, slot=object()) for text in ("환불", "배송")))
    assert [a["top"][0]["label"] for a in answers] == ["환불", "배송"]
    assert threads
    assert set(threads) == {threading.current_thread().name}


async def test_routes_without_a_slot_are_all_answered(monkeypatch):
    predict = GatedPredict()
    predict.gate.set()
    monkeypatch.setattr(guesses, "_route", predict)
    queue = guesses.GuessQueue()
    answers = await asyncio.gather(*(queue.route(fake_model(), text) for text in ("a", "b", "c")))
    assert [a["top"][0]["label"] for a in answers] == ["a", "b", "c"]
    assert not any(a.get("superseded") for a in answers)


def test_a_sentence_routed_before_is_answered_from_memory(monkeypatch):
    asked: list[list[str]] = []

    def explain(*, model: Any, texts: list[str], top: int, words: int, ngrams: bool = True) -> list[dict[str, Any]]:
        asked.append(list(texts))
        return [{"top": [{"label": t, "probability": 1.0}], "words": [{"word": t}], "label": t} for t in texts]

    monkeypatch.setattr(guesses.text_explainer, "explain", explain)
    monkeypatch.setattr(guesses, "_routed", type(guesses._routed)())
    model = fake_model(7)
    first = guesses._route(model, ["환불해 주세요", "택배", "환불해 주세요"])
    assert asked == [["환불해 주세요", "택배"]], "one pass, each text once"
    assert (
        first[0]
        == first[2]
        == {"top": [{"label": "환불해 주세요", "probability": 1.0}], "words": [{"word": "환불해 주세요"}]}
    )
    again = guesses._route(model, ["택배", "해지"])
    assert asked[-1] == ["해지"]
    assert again[0] == first[1]
    guesses._route(fake_model(8), ["택배"])
    assert asked[-1] == ["택배"], "another model routes it afresh"


def test_the_route_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(
        guesses.text_explainer,
        "explain",
        lambda *, model, texts, top, words, ngrams=True: [{"top": [], "words": []} for _ in texts],
    )
    monkeypatch.setattr(guesses, "_routed", type(guesses._routed)())
    monkeypatch.setattr(guesses, "ROUTE_CACHE_SIZE", 10)
    guesses._route(fake_model(), [f"sentence {i}" for i in range(25)])
    assert len(guesses._routed) == 10


@pytest.mark.django_db(transaction=True)
async def test_frames_do_not_wait_for_the_database_thread(monkeypatch):
    """Channels sends every frame through the database thread first (close_old_connections); the
    quiz sockets do not (their database calls close stale connections themselves)."""
    from tests.quizapp.live.test_consumers import connect

    hops: list[str] = []

    async def counted() -> None:
        hops.append("close_old_connections")

    monkeypatch.setattr("channels.consumer.aclose_old_connections", counted)
    student = await connect("/ws/rooms/nosuch/play/")
    try:
        for n in range(3):
            await student.send_json_to({"type": "ping", "id": n})
            pong = await student.receive_json_from(timeout=5)
            assert (pong["type"], pong["id"]) == ("pong", n)
    finally:
        await student.disconnect()
    assert hops == []


def _collecting_round(code: str) -> tuple[Any, list[Any]]:
    """A text round open for sentences, and four requests from four students."""
    from quizapp.drawing import services as drawings
    from quizapp.live import join as joining
    from quizapp.live import session as live
    from tests.quizapp.drawing.test_text_rounds import make_text_game

    teacher, session, _cookie = make_text_game(code)
    live.session_next(session_id=session.id, user=teacher)
    live.session_next(session_id=session.id, user=teacher)
    question_id = session.quiz.questions.get(kind="text_round").id
    joined = [joining.participant_join(code=code, nickname=f"p{i}", address="10.0.0.1") for i in range(4)]
    requests = [
        drawings.DrawingRequest(j.participant.id, question_id, strokes={}, description=f"환불 {i}")
        for i, j in enumerate(joined)
    ]
    return session, requests


def test_a_stored_batch_carries_its_wall_message_unpublished(transactional_db, monkeypatch):
    """The batch queue's store: the wall's ``drawings_added`` comes with the last receipt of the
    batch, serialised, and is not published yet (the queue publishes it after the acknowledgements)."""
    import json

    from quizapp.drawing import services as drawings

    session, requests = _collecting_round("WALLBATCH")
    published: list[str] = []
    monkeypatch.setattr("core.fanout.publish_sync", lambda group, text, **kw: published.append(text))
    outcomes = drawings.drawings_store(requests)
    assert all(isinstance(o, drawings.DrawingReceipt) for o in outcomes)
    assert [len(o.wall) for o in outcomes] == [0, 0, 0, 1]
    assert published == []
    session_id, text = outcomes[-1].wall[0]
    assert session_id == session.id
    wall = json.loads(text)
    assert wall["type"] == "drawings_added"
    assert [d["description"] for d in wall["drawings"]] == ["환불 0", "환불 1", "환불 2", "환불 3"]
    assert sum(wall["counts"].values()) == 4


def test_drawings_submit_publishes_the_wall_itself(transactional_db, monkeypatch):
    from quizapp.drawing import services as drawings

    _session, requests = _collecting_round("WALLSYNC")
    published: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "core.fanout.publish_sync", lambda group, text, **kw: published.append((group, kw.get("audience")))
    )
    drawings.drawings_submit(requests)
    assert len(published) == 1
    assert published[0][1] == "hosts"


async def test_the_queue_tells_the_wall_after_the_acknowledgements(monkeypatch):
    """Every sentence of the batch is acknowledged (its future resolved) before the wall is published."""
    from quizapp import errors
    from quizapp.live import batching

    loop = asyncio.get_running_loop()
    acks = [loop.create_future() for _ in range(3)]
    receipts = [SimpleNamespace(wall=()), SimpleNamespace(wall=()), SimpleNamespace(wall=((7, '{"t": 1}'),))]
    published: list[tuple[str, str, str, bool]] = []

    async def publish(group: str, text: str, *, audience: str) -> bool:
        published.append((group, text, audience, all(ack.done() for ack in acks)))
        return True

    monkeypatch.setattr(batching.fanout, "publish", publish)
    queue = batching.BatchQueue(lambda requests: receipts, errors.DrawingNotStored, batching.wall_after_acks)
    for n, ack in enumerate(acks):
        queue.put((n, ack))
    assert await asyncio.gather(*acks) == receipts
    await until(lambda: published)
    assert published == [("quiz.session.7", '{"t": 1}', "hosts", True)]
