"""A liveness socket: ``ping`` goes through the channel layer and comes back as ``pong``.

Clients use it to measure latency and to keep mobile connections open; the
health tests use it to prove the whole WebSocket path (origin check, auth, layer).
"""

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from core.ws_protocol import ProtocolError, error_message, message, parse_frame


class PingConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        await self.accept()
        user = self.scope.get("user")
        username = user.get_username() if user is not None and user.is_authenticated else None
        await self.send_json(message("hello", user=username))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            frame = parse_frame(text_data, bytes_data)
        except ProtocolError as exc:
            await self.send_json(error_message(exc.code, exc.message))
            return
        if frame["type"] != "ping":
            await self.send_json(
                error_message("unknown_type", _("Unknown message type: %(type)s") % {"type": frame["type"][:40]})
            )
            return
        await self.channel_layer.send(self.channel_name, {"type": "pong.event", "id": frame.get("id")})

    async def pong_event(self, event: dict[str, Any]) -> None:
        await self.send_json(message("pong", id=event.get("id")))
