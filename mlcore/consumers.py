"""Job progress sockets: ``/ws/jobs/<id>/`` (training), ``/ws/classifications/<id>/`` and
``/ws/learning-curves/<id>/``: one consumer, told by its ``kind`` which table the id is in.

Owner only: anyone else's (or an unknown) job is refused at the handshake. On connect the socket
gets the job's whole state as ``job_progress``; after that every newer state, from two sources:

* **pushes**: the worker sends each stored state to the job's channel-layer group
  (``mlcore.groups``). They cross processes only with a shared layer (channels-redis);
* **polling**: the embedded default's in-memory layer cannot carry a message from the worker
  process to this one, so when no push has arrived for a while the socket reads the row itself
  about once a second and sends the state if its ``revision`` is newer.

Each state carries ``revision``; a socket never sends an older or equal revision twice, so the two
sources can overlap safely. The consumer only reads: cancelling goes through the REST API.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext as _

from core.ws_protocol import ProtocolError, error_message, message, parse_frame, socket_language
from mlcore import groups, selectors
from mlcore.services import jobs

CLOSE_NOT_FOUND = 4404
POLL_INTERVAL_S = 1.0
#: Polling pauses while pushes arrive (a shared channel layer); it resumes when they stop.
PUSH_QUIET_S = 1.5


class JobProgressConsumer(AsyncWebsocketConsumer):
    #: One of ``mlcore.groups.JOB_KINDS``; ids are per kind, so the route says which.
    kind = "training"

    async def connect(self) -> None:
        user = self.scope.get("user")
        self.job_id = int(self.scope["url_route"]["kwargs"]["job_id"])
        self.revision = -1
        self.last_push = 0.0
        self.poller: asyncio.Task | None = None
        self.group: str | None = None
        exists = False
        if user is not None and user.is_authenticated:
            exists = await database_sync_to_async(self._owned)(user)
        if not exists:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.language = socket_language(self.scope)
        await self.accept()
        self.group = groups.job_group(self.kind, self.job_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_state(force=True)
        self.poller = asyncio.get_running_loop().create_task(self.poll())

    def _owned(self, user: Any) -> bool:
        return selectors.job_get_for_owner(self.kind, user, self.job_id) is not None

    async def disconnect(self, code: int) -> None:
        if self.poller is not None:
            self.poller.cancel()
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    # --- state ----------------------------------------------------------------------------

    def _load(self) -> dict[str, Any] | None:
        job = jobs.KINDS[self.kind].objects.filter(id=self.job_id).first()
        if job is None:
            return None
        with translation.override(self.language):
            return jobs.progress_message(job)

    def _revision(self) -> int | None:
        return jobs.KINDS[self.kind].objects.filter(id=self.job_id).values_list("revision", flat=True).first()

    async def send_state(self, *, force: bool = False) -> None:
        payload = await database_sync_to_async(self._load)()
        if payload is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        revision = payload["job"]["revision"]
        if force or revision > self.revision:
            self.revision = max(self.revision, revision)
            await self.send(text_data=json.dumps(payload, ensure_ascii=False))

    async def poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_INTERVAL_S)
            if time.monotonic() - self.last_push < PUSH_QUIET_S:
                continue
            revision = await database_sync_to_async(self._revision)()
            if revision is None:
                await self.close(code=CLOSE_NOT_FOUND)
                return
            if revision > self.revision:
                await self.send_state()

    async def job_progress(self, event: dict[str, Any]) -> None:
        """A push from the worker (``type: job.progress``): pre-serialised, sent unless already seen.
        A finished job's state is re-read in this socket's language (it may carry an error message)."""
        self.last_push = time.monotonic()
        revision = int(event.get("revision", 0))
        if revision <= self.revision:
            return
        if event.get("finished"):
            await self.send_state()
            return
        self.revision = revision
        await self.send(text_data=event["text"])

    # --- client frames --------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        with translation.override(self.language):
            ref = None
            try:
                frame = parse_frame(text_data, bytes_data)
                ref = frame.get("id") if isinstance(frame.get("id"), str | int) else None
                if frame["type"] == "ping":
                    await self.send(text_data=json.dumps(message("pong", id=ref)))
                elif frame["type"] == "sync":
                    await self.send_state(force=True)
                else:
                    raise ProtocolError(
                        "unknown_type", _("Unknown message type: %(type)s") % {"type": frame["type"][:40]}
                    )
            except ProtocolError as exc:
                await self.send(text_data=json.dumps(error_message(exc.code, exc.message, ref=ref)))


class ClassificationProgressConsumer(JobProgressConsumer):
    kind = "classification"


class LearningCurveProgressConsumer(JobProgressConsumer):
    kind = "learning_curve"
