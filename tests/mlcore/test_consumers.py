"""The job progress sockets: owner only, a snapshot on connect, then newer states from pushes or,
without pushes (the in-memory layer cannot cross from a worker process), from polling the row."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.db.models import F

from config.asgi import application
from mlcore.models import TrainingJob
from mlcore.services import jobs
from tests.mlcore.factories import TrainingJobFactory, UserFactory, session_cookie

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


def setup_job(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    owner = UserFactory(username="owner")
    other = UserFactory(username="other", password="a-long-password-2")
    job = TrainingJobFactory(dataset__owner=owner)
    return job, {"owner": session_cookie(owner), "other": session_cookie(other)}


async def connect(path: str, cookie: str | None) -> tuple[WebsocketCommunicator, bool, int | None]:
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


@pytest.fixture
def no_broker(monkeypatch):
    """Creating the job commits (transaction=True): keep its task from reaching a broker."""
    monkeypatch.setattr(jobs, "send_task", lambda *args, **kwargs: None)


async def test_owner_only(settings, tmp_path, no_broker):
    job, cookies = await database_sync_to_async(setup_job)(settings, tmp_path)
    for cookie in (None, cookies["other"]):
        communicator, connected, _code = await connect(f"/ws/jobs/{job.id}/", cookie)
        assert not connected
        await communicator.disconnect()
    communicator, connected, _code = await connect(f"/ws/jobs/{job.id + 999}/", cookies["owner"])
    assert not connected
    await communicator.disconnect()


async def test_snapshot_then_polled_and_pushed_states(settings, tmp_path, no_broker):
    job, cookies = await database_sync_to_async(setup_job)(settings, tmp_path)
    communicator, connected, _ = await connect(f"/ws/jobs/{job.id}/", cookies["owner"])
    assert connected
    try:
        first = await communicator.receive_json_from(timeout=5)
        assert first["v"] == 1
        assert first["type"] == "job_progress"
        assert first["job"]["id"] == job.id
        assert first["job"]["state"] == "queued"

        # A change written by another process without a push: the socket polls the row.
        await database_sync_to_async(TrainingJob.objects.filter(id=job.id).update)(
            state="running", epoch=1, progress=0.5, revision=F("revision") + 1
        )
        polled = await communicator.receive_json_from(timeout=5)
        assert (polled["job"]["state"], polled["job"]["progress"]) == ("running", 0.5)

        # A push (what a worker sends over a shared channel layer) arrives without waiting for a poll.
        def push():
            TrainingJob.objects.filter(id=job.id).update(epoch=2, revision=F("revision") + 1)
            jobs.publish(TrainingJob.objects.get(id=job.id))

        await database_sync_to_async(push)()
        pushed = await communicator.receive_json_from(timeout=0.9)
        assert pushed["job"]["epoch"] == 2
        assert pushed["job"]["revision"] > polled["job"]["revision"]

        await communicator.send_to(text_data=json.dumps({"type": "ping", "id": 3}))
        assert await communicator.receive_json_from(timeout=5) == {"v": 1, "type": "pong", "id": 3}
        await communicator.send_to(text_data=json.dumps({"type": "cancel"}))
        assert (await communicator.receive_json_from(timeout=5))["code"] == "unknown_type"
        assert await communicator.receive_nothing(timeout=1.3)  # nothing newer: nothing sent twice
    finally:
        await communicator.disconnect()


async def test_a_failed_job_is_explained_in_the_sockets_language(settings, tmp_path, no_broker):
    job, cookies = await database_sync_to_async(setup_job)(settings, tmp_path)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/jobs/{job.id}/",
        headers=[
            (b"origin", b"http://localhost"),
            (b"host", b"localhost"),
            (b"cookie", f"sessionid={cookies['owner']}; django_language=en".encode()),
        ],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    try:
        await communicator.receive_json_from(timeout=5)

        def fail():
            TrainingJob.objects.filter(id=job.id).update(
                state="failed",
                error_code="worker_lost",
                error_params={"attempts": 2},
                revision=F("revision") + 1,
            )
            jobs.publish(TrainingJob.objects.get(id=job.id))

        await database_sync_to_async(fail)()
        message = await communicator.receive_json_from(timeout=5)
        assert message["job"]["state"] == "failed"
        assert "worker stopped during training" in message["job"]["error"]["message"]
    finally:
        await communicator.disconnect()
