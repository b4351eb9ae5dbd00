"""The drawing round's accessible path: a student who cannot draw describes their prompt in words.

Over real WebSockets: a description is cleaned, stored once through the drawing batch path, acked,
counted for the student's prompt, shown to the hosts (who can hide and remove it), refused a second
time and after a drawing (and a drawing after it); rendering and training skip it, and the report
lists it as text."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from quizapp import errors
from quizapp.drawing import rounds
from quizapp.drawing import selectors as drawing_selectors
from quizapp.drawing import services as drawings
from quizapp.live import join as joining
from quizapp.live import session as live
from quizapp.models import Drawing, DrawingRound
from quizapp.rules.drawing_descriptions import MAX_DESCRIPTION_LENGTH, clean_description
from tests.quizapp.drawing.test_rounds import KEYS, _wire, make_drawing_game
from tests.quizapp.live.test_consumers import connect, join, layer, receive_type  # noqa: F401 - fixture

HOSTILE = "  <b>집</b>\u202e \t \u1100\u1161\u200b  "
CLEANED = "<b>집</b> 가"


def test_description_rules():
    assert clean_description(HOSTILE) == CLEANED  # NFC (jamo composed), spaces collapsed, invisibles gone
    assert clean_description("  a red   roof ") == "a red roof"
    assert clean_description("x" * MAX_DESCRIPTION_LENGTH) == "x" * MAX_DESCRIPTION_LENGTH
    for bad in (
        "",
        "   ",
        "\u200b\u202e",
        "a \ud800 roof",
        "x" * (MAX_DESCRIPTION_LENGTH + 1),
        5,
        None,
        ["a"],
        {"text": "a"},
    ):
        assert clean_description(bad) is None, bad


def _rendered(drawing_ids: list[int]) -> int:
    return drawings.drawings_render(drawing_ids=drawing_ids)


@pytest.mark.django_db(transaction=True)
async def test_a_description_instead_of_a_drawing(layer):  # noqa: F811
    _teacher, _session, cookie = await database_sync_to_async(make_drawing_game)()
    host = await connect("/ws/rooms/DRAWS/host/", cookie)
    sockets = [host]
    try:
        await receive_type(host, "host_state")
        kim, _t = await join("DRAWS", "kim")
        lee, _t = await join("DRAWS", "lee")
        sockets += [kim, lee]
        await host.send_json_to({"type": "next"})
        opened = await receive_type(kim, "question")
        kim_prompt = opened["you"]["prompt"]["key"]
        question_id = opened["question"]["id"]
        lee_prompt = (await receive_type(lee, "question"))["you"]["prompt"]["key"]

        # Bad descriptions: each refused with a clear error, nothing stored.
        bad = [
            ({"text": ""}, "description_rejected"),
            ({"text": " \u200b\u202e "}, "description_rejected"),
            ({"text": "x" * (MAX_DESCRIPTION_LENGTH + 1)}, "description_rejected"),
            ({"text": 42}, "description_rejected"),
            ({}, "description_rejected"),
            ({"text": "a roof", "question_id": "1"}, "not_drawing_round"),
            ({"text": "a roof", "question_id": question_id + 999}, "not_drawing_round"),
        ]
        for extra, code in bad:
            await kim.send_json_to({"type": "drawing_text", "question_id": question_id, "id": code, **extra})
            error = await receive_type(kim, "error")
            assert (error["code"], error["ref"]) == (code, code), error
            assert error["message"]
            if code == "description_rejected":
                assert str(MAX_DESCRIPTION_LENGTH) in error["message"]
        assert await database_sync_to_async(Drawing.objects.count)() == 0

        # Kim describes her prompt: cleaned, acked like a drawing, with her prompt as its label.
        await kim.send_json_to({"type": "drawing_text", "question_id": question_id, "text": HOSTILE, "id": "t1"})
        ack = await receive_type(kim, "drawing_received")
        assert ack["id"] == "t1"
        assert (ack["phase"], ack["label"], ack["description"], ack["guesses"]) == ("collect", kim_prompt, CLEANED, [])
        added = await receive_type(host, "drawings_added")
        [card] = added["drawings"]
        assert (card["id"], card["nickname"], card["description"], card["strokes"]) == (
            ack["drawing_id"],
            "kim",
            CLEANED,
            {},
        )
        assert added["counts"][kim_prompt] == 1
        assert sum(added["counts"].values()) == 1

        # One contribution per round: no second description, no drawing after it.
        await kim.send_json_to({"type": "drawing_text", "question_id": question_id, "text": "again"})
        assert (await receive_type(kim, "error"))["code"] == "drawing_already_sent"
        await kim.send_json_to({"type": "drawing", "question_id": question_id, "drawing": _wire(kim_prompt, 1)})
        assert (await receive_type(kim, "error"))["code"] == "drawing_already_sent"
        # ... nor a description after a drawing.
        await lee.send_json_to({"type": "drawing", "question_id": question_id, "drawing": _wire(lee_prompt, 2)})
        assert (await receive_type(lee, "drawing_received"))["label"] == lee_prompt
        await lee.send_json_to({"type": "drawing_text", "question_id": question_id, "text": "a fish"})
        assert (await receive_type(lee, "error"))["code"] == "drawing_already_sent"
        assert await database_sync_to_async(Drawing.objects.count)() == 2

        # A reconnecting phone sees what it sent; a reconnecting host sees the card on the wall.
        await kim.send_json_to({"type": "sync"})
        sent = (await receive_type(kim, "state"))["drawing"]["sent"]
        assert (sent["description"], sent["strokes"], sent["removed"]) == (CLEANED, {}, False)
        round_ = await database_sync_to_async(DrawingRound.objects.select_related("question", "dataset").get)()
        wall = await database_sync_to_async(drawing_selectors.round_wall)(round_)
        assert [d["description"] for d in wall] == [CLEANED, ""]

        # Rendering skips the description: only Lee's drawing becomes a picture and a data-set row.
        ids = await database_sync_to_async(lambda: list(Drawing.objects.values_list("id", flat=True)))()
        assert await database_sync_to_async(_rendered)(ids) == 1
        await database_sync_to_async(drawings.render_pending)(round_)
        described = await database_sync_to_async(Drawing.objects.get)(id=ack["drawing_id"])
        assert not described.image
        assert described.dataset_image_id is None
        await database_sync_to_async(round_.dataset.refresh_from_db)()
        assert round_.dataset.row_count == 1

        # The instructor hides and removes it like a drawing.
        await host.send_json_to({"type": "drawing_hide", "drawing_id": described.id, "hidden": True})
        assert (await receive_type(host, "drawing_hidden"))["drawing_id"] == described.id
        await host.send_json_to({"type": "drawing_remove", "drawing_id": described.id})
        removed = await receive_type(host, "drawing_removed")
        assert sum(removed["counts"].values()) == 1
        # Still her one contribution.
        await kim.send_json_to({"type": "drawing_text", "question_id": question_id, "text": "once more"})
        assert (await receive_type(kim, "error"))["code"] == "drawing_already_sent"
    finally:
        for socket in sockets:
            await socket.disconnect()


def test_training_skips_descriptions_and_the_report_lists_them(transactional_db, client):
    teacher, session, _cookie = make_drawing_game()
    live.session_next(session_id=session.id, user=teacher)
    round_ = DrawingRound.objects.select_related("question", "dataset").get()
    joined = [joining.participant_join(code="DRAWS", nickname=f"p{i}", address="10.4.4.4") for i in range(10)]
    requests = [
        drawings.DrawingRequest(j.participant.id, round_.question_id, _wire(KEYS[i % 4], i))
        for i, j in enumerate(joined[:8])
    ]
    requests += [
        drawings.DrawingRequest(j.participant.id, round_.question_id, {}, description=f"<i>words</i> {i}")
        for i, j in enumerate(joined[8:])
    ]
    outcomes = drawings.drawings_submit(requests)
    assert all(isinstance(o, drawings.DrawingReceipt) for o in outcomes)
    assert sum(drawing_selectors.round_counts(round_).values()) == 10  # counted for their prompts
    job = rounds.round_train(session_id=session.id, user=teacher)  # renders what is pending first
    round_.refresh_from_db()
    round_.dataset.refresh_from_db()
    assert job.dataset_id == round_.dataset_id
    assert round_.dataset.row_count == 8
    assert Drawing.objects.filter(description="", dataset_image__isnull=False).count() == 8
    assert Drawing.objects.exclude(description="").filter(dataset_image__isnull=True).count() == 2

    # Not in a guess round: words there would have no label the student chose.
    round_.phase = DrawingRound.Phase.GUESS
    round_.save(update_fields=["phase"])
    [refused] = drawings.drawings_submit(
        [drawings.DrawingRequest(joined[0].participant.id, round_.question_id, {}, description="a house")]
    )
    assert isinstance(refused, errors.DescriptionNotHere)
    assert refused.message

    live.session_end(session_id=session.id, user=teacher)
    client.force_login(teacher)
    report = client.get(f"/sessions/{session.id}/report/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert report.count('data-testid="report-description"') == 2
    assert "&lt;i&gt;words&lt;/i&gt; 0" in report  # escaped
    assert "<i>words</i>" not in report
    described = Drawing.objects.exclude(description="").first()
    assert f"/drawings/{described.id}.png" not in report
    assert client.get(f"/sessions/{session.id}/drawings/{described.id}.png").status_code == 404
    for url in (f"/sessions/{session.id}/export.csv", f"/sessions/{session.id}/export.xlsx"):
        assert client.get(url).status_code == 200
