"""Every refusal of the live quiz, with a stable code and a message a person can act on."""

from django.utils.translation import gettext_lazy as _


class QuizError(Exception):
    """A refused request: ``code`` is stable (clients switch on it), ``message`` translated."""

    code = "quiz_error"
    default_message = _("That cannot be done right now.")

    def __init__(self, message: str | None = None, **params: object) -> None:
        self.params = params
        self._message = message
        super().__init__(self.code)

    @property
    def message(self) -> str:
        """Rendered when read, so it comes out in the language active *there* (the socket's)."""
        text = str(self._message if self._message is not None else self.default_message)
        return text % self.params if self.params else text


def _error(code: str, message) -> type[QuizError]:
    return type(
        "".join(part.title() for part in code.split("_")), (QuizError,), {"code": code, "default_message": message}
    )


RoomNotFound = _error("room_not_found", _("No room has that code. Check the code on the screen."))
NoLiveSession = _error("no_live_session", _("This room has no quiz running right now. Wait for your instructor."))
RoomLocked = _error("room_locked", _("The room is locked: the instructor is not letting anyone new in."))
RoomFull = _error("room_full", _("The room is full."))
NicknameTaken = _error("nickname_taken", _("Someone in the room already uses that nickname. Choose another."))
NicknameInvalid = _error("nickname_invalid", _("That nickname cannot be used."))
Banned = _error("banned", _("You were removed from this session and cannot rejoin it."))
RateLimited = _error("rate_limited", _("Too many attempts. Wait a minute and try again."))
BadToken = _error("bad_token", _("Your place in this room could not be restored. Join again with a nickname."))
Removed = _error("removed", _("You were removed from this session."))
SessionEnded = _error("session_ended", _("This session has ended."))
QuestionNotOpen = _error("question_not_open", _("That question is not open for answers."))
AlreadyAnswered = _error("already_answered", _("You already answered this question."))
TooLate = _error("too_late", _("Time is up: the answer came after the time limit."))
InvalidAnswer = _error("invalid_answer", _("That answer does not fit the question."))
NotAllowed = _error("not_allowed", _("Only the room's instructor can do that."))
InvalidState = _error("invalid_state", _("That cannot be done at this point of the session."))
NotFinished = _error("not_finished", _("Answer the current question first."))
NotStored = _error("not_stored", _("Your answer could not be stored. Please send it again."))
DrawingRejected = _error("drawing_rejected", _("That drawing cannot be used. Draw again."))
DrawingAlreadySent = _error("drawing_already_sent", _("You already sent a drawing in this round."))
DrawingLimit = _error("drawing_limit", _("You sent the most drawings this round allows (%(maximum)d)."))
NotDrawingRound = _error("not_drawing_round", _("The open question is not a drawing round."))
UnknownPrompt = _error("unknown_prompt", _("Choose one of the round's prompts for what you drew."))
NoModelYet = _error("no_model_yet", _("There is no trained model for this round yet. Train it first."))
TrainingRunning = _error("training_running", _("A training of this round is already running."))
TooFewDrawings = _error(
    "too_few_drawings", _("Training needs drawings of at least two prompts, with at least two drawings each.")
)
GuessBusy = _error("guess_busy", _("Too many guesses at once: wait a moment and draw on."))
DrawingNotStored = _error("drawing_not_stored", _("Your drawing could not be stored. Please send it again."))
