"""The live quiz's sockets: thin shells that parse, check who is asking and call a service.

Broadcasts never pass through these consumers: services publish through core.fanout,
which writes to the sockets directly (see that module for why). Each socket's state carries the
``seq`` it is current to; core.fanout calls :meth:`QuizSocket.resync` when this process lost
messages or its layer subscription, and a client that sees a gap asks (``hello``/``sync``).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext as _

from core import fanout
from core.frame_limits import CLOSE_RATE_LIMITED, FrameLimiter
from core.ws_direct import FrameWriter, direct_writer, text_frame
from core.ws_protocol import (
    ProtocolError,
    error_message,
    frame_ref,
    message,
    parse_frame,
    rate_limited,
    socket_language,
    too_many_messages,
)
from core.ws_server import close_lane, open_lane
from quizapp import errors, groups, messages, selectors
from quizapp.drawing import guesses, relay, rounds
from quizapp.drawing import selectors as drawing_selectors
from quizapp.drawing import services as drawings
from quizapp.live import answers, join, state, tally, word_clouds
from quizapp.live import session as live
from quizapp.live.batching import answer_queue, drawing_queue
from quizapp.models import Participant, QuizSession
from quizapp.rules import room_codes, scoring, word_cloud

logger = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404

Handler = Callable[[dict[str, Any]], Awaitable[None]]

#: Lane replies being written through the ASGI path (a reference each, so none is collected half-way).
_lane_sends: set[asyncio.Task[None]] = set()


class QuizSocket(AsyncWebsocketConsumer):
    """Shared plumbing: frame parsing, errors in the socket's language, fan-out membership."""

    audience = ""
    handlers: dict[str, str] = {}
    group: str | None = None
    member: fanout.LocalSocket | None = None
    limiter: FrameLimiter | None = None
    #: Writes a broadcast's frame to the connection now when it can take it (core.ws_direct; None: ASGI only).
    direct: FrameWriter | None = None
    #: Whether this socket's task has its language switched on (:meth:`receive`).
    language_on = False
    #: Whether this socket's task is handling a message (the lane then declines: core.ws_server).
    busy = False
    #: Messages the lane took whose replies are not written yet, and who waits for them.
    lane_replies = 0
    lane_waiter: asyncio.Future[None] | None = None

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Any]], send: Any) -> None:
        """Channels' consumer loop, without what these sockets never use: a channel-layer channel of
        their own (room messages reach them through core.fanout), and with it a task and an
        ``asyncio.wait`` for every frame. A socket cost a Redis SUBSCRIBE on connect (10,000 in a
        row through one lock per process) and each frame two extra trips through the event loop, a
        good share of a live route's 50 ms (bench/text_load.py)."""
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        try:
            while True:
                message = await receive()
                # Busy from here (no await in between): while this message waits for the lane's
                # replies below, a newer frame must not take the lane past it.
                self.busy = True
                try:
                    if self.lane_replies:  # replies to what the lane took go first: one order per socket
                        await self._lane_drained()
                    await self.dispatch(message)
                finally:
                    self.busy = False
        except StopConsumer:
            pass

    async def connect(self) -> None:
        self.language = socket_language(self.scope)
        self.limiter = FrameLimiter(name=f"{type(self).__name__} {self.scope.get('path', '')}")
        await self.accept()
        self.direct = direct_writer(self.base_send)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its ``close_old_connections`` hop before every message.

        Channels (4.2+) sends every frame through the database thread first to close stale
        connections. Here every database call already goes through ``database_sync_to_async``,
        which closes them around each call, so the hop did nothing but queue each frame behind
        the database: a class's live routes (which never touch it) waited behind a batch of
        answers, and 500 sentences at once made 500 trips through that one thread before the
        first was stored (bench/text_load.py); with 1,000 students answering it was a fifth of a
        web process's time (docs/operations.md)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def disconnect(self, code: int) -> None:
        if self.group and self.member:
            await fanout.leave(self.group, self.member)
        # The member's callbacks are this consumer's bound methods: a cycle that kept the whole
        # connection (uvicorn's protocol, its parser, the transport: ~66 objects) for the cycle
        # collector, which then froze the process for ~0.2 ms per socket when a class left at once.
        self.member = None
        self.direct = None
        close_lane(self.base_send)

    async def send_json(self, payload: dict[str, Any]) -> None:
        await self.send_text(messages.dumps(payload))

    async def send_text(self, text: str) -> None:
        """A prepared JSON text, straight to the ASGI server (Channels' two ``send`` layers add
        nothing for a text frame). The socket's own replies keep this path: written directly
        (core.ws_direct) a text round's routes answered later at p95 (49-83 ms against 37-48,
        bench/text_load.py, alternating runs); the room's broadcasts take the direct path."""
        await self.base_send({"type": "websocket.send", "text": text})

    async def join_group(self, session_id: int, key: str = "") -> None:
        self.group = groups.session_group(session_id)
        self.member = fanout.LocalSocket(
            self.send_text,
            self.audience,
            key,
            on_overflow=self.close,
            on_resync=self.resync,
            write_frame=self.direct,
        )
        await fanout.join(self.group, self.member)

    async def resync(self) -> None:
        """Send this socket its whole current state (core.fanout: after a lost message or link)."""
        with translation.override(self.language):
            await self.send_state()

    async def send_state(self) -> None:
        raise NotImplementedError

    def current_seq(self) -> int | None:
        """The stream's ``seq`` before a state is read: the state is current to it (or later).
        None while the counters' cache is down: the state is still sent (the client keeps its number)."""
        if not self.group:
            return None
        try:
            return fanout.current_seq(self.group, self.audience)
        except Exception:  # noqa: BLE001 - Redis down: the state matters more than its number
            logger.warning("quiz: no seq for a state (the cache is down)")
            return None

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.limiter is None:  # closed for flooding: what was still queued is not read
            return
        # The socket's language, switched on once for its task (frames are handled one by one in it)
        # rather than overridden per frame: the switch is a context-variable write each way, and
        # even reading it back a few microseconds of every answer of a class.
        if not self.language_on:
            translation.activate(self.language)
            self.language_on = True
        ref = None
        try:
            frame = self._frame(text_data, bytes_data)
            ref = frame.get("id") if isinstance(frame.get("id"), str | int) else None
            name = self.handlers.get(frame["type"])
            if frame["type"] == "ping":
                await self.send_json(message("pong", id=ref))
                return
            if name is None:
                raise ProtocolError("unknown_type", _("Unknown message type: %(type)s") % {"type": frame["type"][:40]})
            await getattr(self, name)(frame)
        except ProtocolError as exc:
            await self.send_json(error_message(exc.code, exc.message, ref=exc.ref if ref is None else ref))
            if exc.code == "rate_limited" and self.limiter is not None and self.limiter.refused():
                await self._close_flooding()
        except errors.QuizError as exc:
            await self.send_json(error_message(exc.code, exc.message, ref=ref))

    def _frame(self, text_data: str | None, bytes_data: bytes | None) -> dict[str, Any]:
        """The parsed frame, within its kind's budget (a refused frame costs no other work)."""
        try:
            frame = parse_frame(text_data, bytes_data)
        except ProtocolError:
            if self.limiter is not None and not self.limiter.allow(None):
                raise rate_limited() from None
            raise
        if self.limiter is not None and not self.limiter.allow(frame["type"]):
            raise rate_limited()
        return frame

    async def _close_flooding(self) -> None:
        exc = too_many_messages()
        await self.send_json(error_message(exc.code, exc.message))
        self.limiter = None
        await self.close(code=CLOSE_RATE_LIMITED)

    def lane_took(self, pending: asyncio.Future[Any], reply: Callable[[Any], str]) -> None:
        """A message the lane took (core.ws_server): once ``pending`` is done, ``reply(pending)``
        is written; until then the ASGI path holds back this socket's next message."""
        self.lane_replies += 1
        pending.add_done_callback(lambda done: self._lane_write(reply(done)))

    def _lane_write(self, text: str) -> None:
        if self.direct is not None and self.direct(text_frame(text)):
            self._lane_written()
            return
        # The phone is slow (its transport paused) or going: the ASGI path waits for it, or refuses.
        task = asyncio.get_running_loop().create_task(self._lane_send(text))
        _lane_sends.add(task)
        task.add_done_callback(_lane_sends.discard)

    async def _lane_send(self, text: str) -> None:
        try:
            await self.send_text(text)
        except Exception:  # the socket closed: its phone gets the state on reconnect
            logger.debug("quiz: a lane reply found its socket closed", exc_info=True)
        finally:
            self._lane_written()

    def _lane_written(self) -> None:
        self.lane_replies -= 1
        if not self.lane_replies and self.lane_waiter is not None and not self.lane_waiter.done():
            self.lane_waiter.set_result(None)

    async def _lane_drained(self) -> None:
        while self.lane_replies:
            self.lane_waiter = asyncio.get_running_loop().create_future()
            await self.lane_waiter
        self.lane_waiter = None


def _id_field(frame: dict[str, Any], name: str, error: type[errors.QuizError]) -> int:
    value = frame.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise error()
    return value


class StudentConsumer(QuizSocket):
    """``/ws/rooms/<code>/play/``: a student's phone. First frame: ``hello`` with the join token."""

    audience = groups.STUDENTS
    handlers = {
        "hello": "on_hello",
        "answer": "on_answer",
        "next": "on_next",
        "drawing": "on_drawing",
        "drawing_text": "on_drawing_text",
        "guess": "on_guess",
        "route": "on_route",
        "sync": "on_sync",
    }

    async def connect(self) -> None:
        self.participant_id: int | None = None
        self.session_id: int | None = None
        self.guess_throttle = guesses.GuessThrottle()
        #: Routes being answered (:meth:`on_route`), cancelled if the socket goes.
        self.routes: set[asyncio.Future[None]] = set()
        await super().connect()
        if self.direct is not None:  # the lane's replies are written directly
            open_lane(self.base_send, self.answer_at_once)

    def _require_joined(self) -> int:
        if self.participant_id is None:
            raise errors.BadToken()
        return self.participant_id

    async def on_hello(self, frame: dict[str, Any]) -> None:
        participant = await database_sync_to_async(self._resume)(frame.get("token"))
        if self.participant_id != participant.id:
            if self.group and self.member:
                await fanout.leave(self.group, self.member)
            self.participant_id, self.session_id = participant.id, participant.session_id
            await self.join_group(participant.session_id, groups.member_key(participant.id))
        await self.send_state()

    async def on_sync(self, frame: dict[str, Any]) -> None:
        """A client that saw a gap in ``seq`` asks for the whole state again."""
        self._require_joined()
        await self.send_state()

    async def send_state(self) -> None:
        if self.participant_id is None:
            return
        reply = await database_sync_to_async(self._state)()
        await self.send_json(reply)

    def _resume(self, token: Any) -> Participant:
        participant = join.participant_from_token(str(token or ""), ended_ok=True)
        if participant.session.room.code_key != room_codes.lookup_key(self.scope["url_route"]["kwargs"]["code"]):
            raise errors.BadToken()
        session = participant.session
        live_paced = session.mode == QuizSession.Mode.STUDENT_PACED and session.ended_at is None
        if live_paced and participant.question_opened_at is None:
            participant, _question = live.student_advance(participant_id=participant.id)
        return participant

    def _state(self) -> dict[str, Any]:
        seq = self.current_seq()
        participant = selectors.participant_with_session(self._require_joined())
        if participant is None:  # deleted with its session
            raise errors.BadToken()
        if participant.removed:
            return message("removed", banned=participant.banned, seq=seq)
        return message("state", **state.student_state(participant), seq=seq)

    async def on_answer(self, frame: dict[str, Any]) -> None:
        receipt = await answer_queue.submit(self._answer_request(frame))
        await self.send_json(self._answer_ack(frame, receipt))

    def _answer_request(self, frame: dict[str, Any]) -> answers.AnswerRequest:
        participant_id = self._require_joined()
        question_id = frame.get("question_id")
        if not isinstance(question_id, int) or isinstance(question_id, bool):
            raise errors.InvalidAnswer()
        return answers.AnswerRequest(
            participant_id=participant_id,
            question_id=question_id,
            choices=frame.get("choices"),
            text=frame.get("text"),
            confidence=frame.get("confidence"),
            value=frame.get("value"),
            ratings=frame.get("ratings"),
            order=frame.get("order"),
            words=frame.get("words"),
        )

    @staticmethod
    def _answer_ack(frame: dict[str, Any], receipt: answers.AnswerReceipt) -> dict[str, Any]:
        ack: dict[str, Any] = {"question_id": receipt.answer.question_id, "id": frame.get("id")}
        if receipt.answer.question.is_word_cloud:  # the words as stored (cleaned, each once)
            ack["words"] = word_cloud.split_stored(receipt.answer.text)
        if receipt.immediate_result is not None:
            ack["result"] = receipt.immediate_result
        return message("answer_received", **ack)

    def answer_at_once(self, text: str) -> bool:
        """The socket's lane (core.ws_server): an answer, while this socket has nothing in hand,
        goes to the batch queue from the protocol's read of it, and its acknowledgement (or refusal)
        is written once stored. Anything else, a frame the ASGI path would refuse before storing
        (unreadable, over its budget, not joined) or a busy socket: declined, the ASGI path has it."""
        if self.busy or self.lane_replies or self.participant_id is None or self.limiter is None:
            return False
        try:
            frame = parse_frame(text)
        except ProtocolError:
            return False
        question_id = frame.get("question_id")
        if frame["type"] != "answer" or not isinstance(question_id, int) or isinstance(question_id, bool):
            return False
        if not self.limiter.allow("answer"):
            return False
        self.lane_took(answer_queue.enqueue(self._answer_request(frame)), lambda done: self._answer_reply(frame, done))
        return True

    def _answer_reply(self, frame: dict[str, Any], stored: asyncio.Future[Any]) -> str:
        exc = stored.exception() if not stored.cancelled() else errors.NotStored()
        if exc is None:
            return messages.dumps(self._answer_ack(frame, stored.result()))
        if not isinstance(exc, errors.QuizError):  # the batch queue turns failures into NotStored
            logger.error("quiz: an answer from the lane failed", exc_info=exc)
            exc = errors.NotStored()
        with translation.override(self.language):  # not this socket's task: its language is not on here
            return messages.dumps(error_message(exc.code, exc.message, ref=frame_ref(frame)))

    async def on_next(self, frame: dict[str, Any]) -> None:
        participant_id = self._require_joined()
        await database_sync_to_async(live.student_advance)(participant_id=participant_id)
        await self.send_state()

    async def on_drawing(self, frame: dict[str, Any]) -> None:
        """A finished drawing: the assigned prompt (collecting), or any prompt in the guess round."""
        participant_id = self._require_joined()
        question_id = _id_field(frame, "question_id", errors.DrawingRejected)
        strokes = drawings.parse_drawing(frame.get("drawing"))
        label = frame.get("label")
        top: list[dict[str, Any]] = []
        if label is not None:
            if not isinstance(label, str):
                raise errors.UnknownPrompt()
            top, _ms = await guesses.labelled_guess(self._session_id(), question_id, strokes)
        receipt = await drawing_queue.submit(
            drawings.DrawingRequest(
                participant_id=participant_id,
                question_id=question_id,
                strokes=strokes.to_wire(),
                label=label,
                guesses=top,
            )
        )
        await self.send_json(
            message(
                "drawing_received",
                id=frame.get("id"),
                question_id=question_id,
                drawing_id=receipt.drawing.id,
                phase=receipt.phase,
                label=receipt.drawing.label,
                guesses=top,
            )
        )

    async def on_drawing_text(self, frame: dict[str, Any]) -> None:
        """Words: a text round's example sentence for the student's label (collecting), or a routed
        sentence with the label its writer meant (the guess round); in a drawing round, a
        description instead of a drawing (collect phase)."""
        participant_id = self._require_joined()
        question_id = _id_field(frame, "question_id", errors.NotDrawingRound)
        text = drawings.parse_description(frame.get("text"))
        label = frame.get("label")
        top: list[dict[str, Any]] = []
        if label is not None:
            if not isinstance(label, str):
                raise errors.UnknownPrompt()
            top, _words, _ms, _superseded = await guesses.labelled_route(self._session_id(), question_id, text)
        request = drawings.DrawingRequest(
            participant_id, question_id, strokes={}, description=text, label=label, guesses=top
        )
        receipt = await drawing_queue.submit(request)
        await self.send_json(
            message(
                "drawing_received",
                id=frame.get("id"),
                question_id=question_id,
                drawing_id=receipt.drawing.id,
                phase=receipt.phase,
                label=receipt.drawing.label,
                guesses=top,
                description=receipt.drawing.description,
            )
        )

    async def on_guess(self, frame: dict[str, Any]) -> None:
        """The model's top guesses for a drawing in progress (guess round only; nothing is stored)."""
        self._require_joined()
        self.guess_throttle.check()
        question_id = _id_field(frame, "question_id", errors.DrawingRejected)
        strokes = drawings.parse_drawing(frame.get("drawing"))
        top, ms = await guesses.labelled_guess(self._session_id(), question_id, strokes)
        await self.send_json(message("guesses", id=frame.get("id"), question_id=question_id, top=top, ms=ms))

    async def on_route(self, frame: dict[str, Any]) -> None:
        """A text round's guess phase: the desks the model routes a sentence being typed to, with the
        words that decided it (nothing is stored). Answered in a task of its own, so the socket reads
        on meanwhile: a newer route from this phone supersedes one still waiting for the model
        (:meth:`quizapp.drawing.guesses.GuessQueue.route`)."""
        self._require_joined()
        self.guess_throttle.check()
        question_id = _id_field(frame, "question_id", errors.NotTextRound)
        text = drawings.parse_description(frame.get("text"))
        ref = frame.get("id") if isinstance(frame.get("id"), str | int) else None
        task = asyncio.ensure_future(self._route(question_id, text, ref))
        self.routes.add(task)
        task.add_done_callback(self.routes.discard)

    async def _route(self, question_id: int, text: str, ref: Any) -> None:
        # The task runs in a copy of the socket task's context: its language is already on.
        try:
            top, words, ms, superseded = await guesses.labelled_route(self._session_id(), question_id, text, slot=self)
            reply = message("routed", id=ref, question_id=question_id, top=top, words=words, ms=ms)
            if superseded:
                reply["superseded"] = True
            await self.send_json(reply)
        except errors.QuizError as exc:
            await self.send_json(error_message(exc.code, exc.message, ref=ref))
        except Exception:  # the socket closed meanwhile, or a bug: logged, the socket lives on
            logger.exception("quiz: a route could not be answered")

    async def disconnect(self, code: int) -> None:
        for task in list(self.routes):
            task.cancel()
        await super().disconnect(code)

    def _session_id(self) -> int:
        self._require_joined()
        if self.session_id is None:  # set with participant_id
            raise errors.BadToken()
        return self.session_id


class HostConsumer(QuizSocket):
    """``/ws/rooms/<code>/host/``: the instructor's console and projector (owner only)."""

    audience = groups.HOSTS
    handlers = {
        "next": "on_next",
        "back": "on_back",
        "reveal": "on_reveal",
        "revote": "on_revote",
        "lock": "on_lock",
        "unlock": "on_unlock",
        "remove": "on_remove",
        "accommodate": "on_accommodate",
        "end": "on_end",
        "sync": "on_sync",
        "train": "on_train",
        "curve": "on_curve",
        "guess_round": "on_guess_round",
        "drawing_hide": "on_drawing_hide",
        "drawing_remove": "on_drawing_remove",
        "drawing_spotlight": "on_drawing_spotlight",
        "cloud_hide": "on_cloud_hide",
        "cloud_unhide": "on_cloud_unhide",
    }

    async def connect(self) -> None:
        user = self.scope.get("user")
        code = self.scope["url_route"]["kwargs"]["code"]
        room = None
        if user is not None and user.is_authenticated:
            room = await database_sync_to_async(selectors.room_get_for_host)(user=user, code=code)
        if room is None:
            # Accepted, then closed with 4403, so the browser (and any client) learns why.
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user, self.room = user, room
        await super().connect()
        session = await database_sync_to_async(selectors.live_session)(room)
        self.session_id = session.id if session else None
        if session is not None:
            await self.join_group(session.id)
        await self.on_sync({})
        await self._relay_running_jobs()

    async def _relay_running_jobs(self) -> None:
        """Relay the current drawing round's running jobs to the room from this process."""
        if self.session_id is None:
            return
        round_id, kinds = await database_sync_to_async(drawing_selectors.round_jobs_running)(self.session_id)
        for kind in kinds:
            relay.ensure_watch(round_id, kind)

    async def on_sync(self, frame: dict[str, Any]) -> None:
        await self.send_state()

    async def send_state(self) -> None:
        # Read and serialised in a worker thread of its own: at 10,000 students the console's state is
        # the whole results grid (megabytes), which must hold up neither the loop's sockets nor the
        # database thread that stores the class's answers.
        text = await database_sync_to_async(self._state_text, thread_sensitive=False)()
        await self.send_text(text)

    def _state_text(self) -> str:
        if self.session_id is None:
            return messages.dumps(message("host_state", session=None))
        seq = self.current_seq()
        session = QuizSession.objects.select_related("quiz", "room").get(id=self.session_id)
        return messages.dumps(message("host_state", **state.host_state(session), seq=seq))

    def _session_id(self) -> int:
        if self.session_id is None:
            raise errors.NoLiveSession()
        return self.session_id

    async def _call(self, service: Callable[..., Any], **kwargs: Any) -> None:
        await database_sync_to_async(service)(session_id=self._session_id(), user=self.user, **kwargs)

    async def on_next(self, frame: dict[str, Any]) -> None:
        await self._call(live.session_next)

    async def on_back(self, frame: dict[str, Any]) -> None:
        await self._call(live.session_back)

    async def on_reveal(self, frame: dict[str, Any]) -> None:
        await self._call(live.session_reveal)

    async def on_revote(self, frame: dict[str, Any]) -> None:
        await self._call(live.session_revote)

    async def on_lock(self, frame: dict[str, Any]) -> None:
        await self._call(live.session_set_locked, locked=True)

    async def on_unlock(self, frame: dict[str, Any]) -> None:
        await self._call(live.session_set_locked, locked=False)

    async def on_remove(self, frame: dict[str, Any]) -> None:
        participant_id = frame.get("participant_id")
        if not isinstance(participant_id, int) or isinstance(participant_id, bool):
            raise errors.InvalidState()
        await self._call(live.participant_remove, participant_id=participant_id, ban=bool(frame.get("ban")))

    async def on_accommodate(self, frame: dict[str, Any]) -> None:
        """``factor``: 2 or 10 times the time, ``null`` for no time limit, 1 to take it back."""
        participant_id = _id_field(frame, "participant_id", errors.InvalidState)
        if "factor" not in frame:
            raise live.accommodation_invalid()
        factor = frame["factor"]
        if factor is None:
            factor = scoring.NO_TIME_LIMIT
        elif not isinstance(factor, int) or isinstance(factor, bool) or factor == scoring.NO_TIME_LIMIT:
            raise live.accommodation_invalid()
        await self._call(live.participant_accommodate, participant_id=participant_id, factor=factor)

    async def on_end(self, frame: dict[str, Any]) -> None:
        await self._call(live.session_end)

    async def on_train(self, frame: dict[str, Any]) -> None:
        doodles = frame.get("doodles_per_class", 0)
        if not isinstance(doodles, int) or isinstance(doodles, bool):
            raise errors.InvalidState()
        await self._call(rounds.round_train, doodles_per_class=doodles)
        await self._relay_running_jobs()

    async def on_curve(self, frame: dict[str, Any]) -> None:
        await self._call(rounds.round_measure_curve)
        await self._relay_running_jobs()

    async def on_guess_round(self, frame: dict[str, Any]) -> None:
        await self._call(live.session_guess_round)

    async def on_drawing_hide(self, frame: dict[str, Any]) -> None:
        drawing_id = _id_field(frame, "drawing_id", errors.InvalidState)
        await self._call(rounds.drawing_set_hidden, drawing_id=drawing_id, hidden=frame.get("hidden", True) is True)

    async def on_drawing_remove(self, frame: dict[str, Any]) -> None:
        drawing_id = _id_field(frame, "drawing_id", errors.InvalidState)
        await self._call(rounds.drawing_remove, drawing_id=drawing_id)

    async def on_drawing_spotlight(self, frame: dict[str, Any]) -> None:
        drawing_id = None if frame.get("drawing_id") is None else _id_field(frame, "drawing_id", errors.InvalidState)
        await self._call(rounds.drawing_spotlight, drawing_id=drawing_id)

    async def on_cloud_hide(self, frame: dict[str, Any]) -> None:
        """Hide a word from the word cloud (every spelling of it); ``cloud_unhide`` shows it again."""
        question_id = _id_field(frame, "question_id", errors.NotWordCloud)
        await self._call(word_clouds.word_set_hidden, question_id=question_id, word=frame.get("word"), hidden=True)
        tally.refresh(self._session_id())

    async def on_cloud_unhide(self, frame: dict[str, Any]) -> None:
        question_id = _id_field(frame, "question_id", errors.NotWordCloud)
        await self._call(word_clouds.word_set_hidden, question_id=question_id, word=frame.get("word"), hidden=False)
        tally.refresh(self._session_id())
