"""Every refusal of the live quiz, with a stable code and a message a person can act on."""

from typing import Any, cast

from django.utils.translation import gettext_lazy as _

from core.errors import AppError, error_type


class QuizError(AppError):
    """A refused request of the live quiz (on a socket or over the API)."""

    code = "quiz_error"
    default_message = _("That cannot be done right now.")


def _error(code: str, message: Any, status: int = 422) -> type[QuizError]:
    return cast(type[QuizError], error_type(code, message, status=status, base=QuizError))


RoomNotFound = _error("room_not_found", _("No room has that code. Check the code on the screen."), status=404)
NoLiveSession = _error(
    "no_live_session", _("This room has no quiz running right now. Wait for your instructor."), status=404
)
RoomLocked = _error("room_locked", _("The room is locked: the instructor is not letting anyone new in."), status=403)
RoomFull = _error("room_full", _("The room is full."), status=403)
NicknameTaken = _error(
    "nickname_taken", _("Someone in the room already uses that nickname. Choose another."), status=409
)
NicknameInvalid = _error("nickname_invalid", _("That nickname cannot be used."))
Banned = _error("banned", _("You were removed from this session and cannot rejoin it."), status=403)
RateLimited = _error("rate_limited", _("Too many attempts. Wait a minute and try again."), status=429)
BadToken = _error(
    "bad_token", _("Your place in this room could not be restored. Join again with a nickname."), status=403
)
Removed = _error("removed", _("You were removed from this session."), status=403)
SessionEnded = _error("session_ended", _("This session has ended."), status=409)
QuestionNotOpen = _error("question_not_open", _("That question is not open for answers."))
AlreadyAnswered = _error("already_answered", _("You already answered this question."))
TooLate = _error("too_late", _("Time is up: the answer came after the time limit."))
InvalidAnswer = _error("invalid_answer", _("That answer does not fit the question."))
NotAllowed = _error("not_allowed", _("Only the room's instructor can do that."), status=403)
InvalidState = _error("invalid_state", _("That cannot be done at this point of the session."), status=409)
NotFinished = _error("not_finished", _("Answer the current question first."))
NotStored = _error("not_stored", _("Your answer could not be stored. Please send it again."))
DrawingRejected = _error("drawing_rejected", _("That drawing cannot be used. Draw again."))
DrawingAlreadySent = _error("drawing_already_sent", _("You already sent a drawing in this round."))
DescriptionRejected = _error(
    "description_rejected", _("Describe it in words: some text, at most %(maximum)d characters.")
)
DescriptionNotHere = _error(
    "description_not_here", _("A description can be sent only while the class collects drawings.")
)
DrawingLimit = _error("drawing_limit", _("You sent the most drawings this round allows (%(maximum)d)."))
NotTextRound = _error("not_text_round", _("The open question is not a text round."))
NotDrawingRound = _error("not_drawing_round", _("The open question is not a drawing round."))
UnknownPrompt = _error("unknown_prompt", _("Choose one of the round's prompts for what you drew."))
NoModelYet = _error("no_model_yet", _("There is no trained model for this round yet. Train it first."))
TrainingRunning = _error("training_running", _("A training of this round is already running."))
TooFewSentences = _error(
    "too_few_sentences", _("Training needs sentences for at least two labels, with at least two sentences each.")
)
TooFewDrawings = _error(
    "too_few_drawings", _("Training needs drawings of at least two prompts, with at least two drawings each.")
)
GuessBusy = _error("guess_busy", _("Too many guesses at once: wait a moment and draw on."))
DrawingNotStored = _error("drawing_not_stored", _("Your drawing could not be stored. Please send it again."))
QuizInUse = _error(
    "quiz_in_use", _("This quiz has been played: its results keep it. Duplicate it instead."), status=409
)
WordEmpty = _error("word_empty", _("Type a word or a short phrase first."))
WordTooLong = _error("word_too_long", _("A word or phrase has at most %(maximum)d characters."))
WordInvalid = _error("word_invalid", _("A word needs at least one letter or digit, and no invisible characters."))
WordMarkup = _error("word_markup", _("Words cannot contain “<” or “>”."))
TooManyWords = _error("too_many_words", _("This question takes at most %(maximum)d words from each student."))
NotWordCloud = _error("not_word_cloud", _("The open question is not a word cloud."))
BackNotHere = _error(
    "back_not_here", _("Back goes to the previous slide only: a question is never opened again."), status=409
)
