import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quizapp.rules import room_codes


class Room(models.Model):
    """A place students join with a code; an instructor owns it and runs sessions in it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("owner")
    )
    code = models.CharField(_("code"), max_length=room_codes.MAX_LENGTH)
    code_key = models.CharField(max_length=room_codes.MAX_LENGTH, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=120, blank=True)
    max_participants = models.PositiveIntegerField(_("maximum participants"), default=5000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Quiz(models.Model):
    class Language(models.TextChoices):
        KOREAN = "ko", _("Korean")
        ENGLISH = "en", _("English")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quizzes", verbose_name=_("owner")
    )
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.KOREAN)
    speed_points = models.BooleanField(_("speed points"), default=True)
    streaks = models.BooleanField(_("streak bonus"), default=True)
    ask_confidence = models.BooleanField(_("ask for confidence"), default=False)
    #: A quiz made on the fly for a quick question; hidden from the quiz list.
    is_adhoc = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """One item of a lesson (a quiz is a lesson without slides). True/false, multiple choice and
    polls keep their options in ``options`` (``[{"text": ..., "correct": bool}]``); short answers keep
    ``accepted_answers``; an ordering question keeps its items in ``options`` in their right order
    (``quizapp.rules.ordering``); a slide (``Kind.SLIDE``) is its title (``prompt``), a Markdown
    ``body``, an optional image and a ``layout``: no answers, no points."""

    class Kind(models.TextChoices):
        TRUE_FALSE = "true_false", _("True / false")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        SHORT_ANSWER = "short_answer", _("Short answer")
        POLL = "poll", _("Poll")
        OPEN = "open", _("Open answer (no right answer)")
        DRAWING = "drawing", _("Drawing round (the class's drawings train a model)")
        TEXT_ROUND = "text_round", _("Text round (the class's sentences train a router)")
        SLIDER = "slider", _("Slider (a number, right within a margin)")
        SCALE = "scale", _("Scale (rate statements, no right answer)")
        ORDERING = "ordering", _("Ordering (put the items in the right order)")
        WORD_CLOUD = "word_cloud", _("Word cloud (short words, shown live as a cloud)")
        SLIDE = "slide", _("Slide (title, text, image: no answers)")
        CANVAS = "canvas", _("Canvas activity (students send AI project ideas to the room's canvas)")

    class Layout(models.TextChoices):
        """How the projector lays a slide out."""

        TITLE = "title", _("Title only (a section's first slide)")
        TITLE_BODY = "title_body", _("Title and text")
        BODY_IMAGE = "body_image", _("Text and image side by side")
        BIG_IMAGE = "big_image", _("Big image")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions", verbose_name=_("quiz"))
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TRUE_FALSE)
    prompt = models.TextField(_("question"), max_length=1000)
    options = models.JSONField(_("options"), default=list, blank=True)
    accepted_answers = models.JSONField(_("accepted answers"), default=list, blank=True)
    #: A slider's settings (``quizapp.rules.slider``): min, max, step, answer, margin, unit; a
    #: scale's (``quizapp.rules.scale``): min, max, low_label, high_label (its statements: options).
    numeric = models.JSONField(_("slider settings"), default=dict, blank=True)
    #: A word cloud's words per student, 1 to 3 (``quizapp.rules.word_cloud``); 1 for other kinds.
    words_per_student = models.PositiveSmallIntegerField(_("words per student"), default=1)
    image = models.ImageField(_("image"), upload_to="questions/%Y/%m/", blank=True)
    #: What the image shows, for students who cannot see it (WCAG 1.1.1); empty only when decorative.
    image_alt = models.CharField(_("image description"), max_length=300, blank=True)
    image_decorative = models.BooleanField(_("the image is decorative"), default=False)
    time_limit_s = models.PositiveIntegerField(_("time limit (seconds)"), default=20)
    points = models.PositiveIntegerField(_("points"), default=1000)
    explanation = models.TextField(_("explanation"), blank=True, max_length=2000)
    #: A slide's text in Markdown (``quizapp.rules.slide_markdown`` renders it safely).
    body = models.TextField(_("slide text (Markdown)"), blank=True, max_length=5000)
    layout = models.CharField(_("slide layout"), max_length=12, choices=Layout.choices, default=Layout.TITLE_BODY)
    #: The instructor's notes on any item: shown on the console only, never sent to phones or the projector.
    notes = models.TextField(_("instructor notes"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["quiz", "position", "id"]

    def __str__(self) -> str:
        return self.prompt[:60]

    @property
    def has_correct_answer(self) -> bool:
        if self.is_slide:
            return False
        if self.kind == self.Kind.ORDERING:
            return bool(self.options)  # the order of its items is the answer
        if self.kind == self.Kind.SHORT_ANSWER:
            return bool(self.accepted_answers)
        if self.kind in (self.Kind.POLL, self.Kind.OPEN, self.Kind.SCALE):
            return False
        return any(o.get("correct") for o in self.options)

    @property
    def takes_text(self) -> bool:
        return self.kind in (self.Kind.SHORT_ANSWER, self.Kind.OPEN)

    @property
    def is_drawing(self) -> bool:
        return self.kind == self.Kind.DRAWING

    @property
    def slider_numeric(self) -> dict[str, Any] | None:
        """A slider's settings (for the API), ``None`` for the other kinds."""
        return self.numeric if self.kind == self.Kind.SLIDER else None

    @property
    def scale_settings(self) -> dict[str, Any] | None:
        """A scale's settings (for the API), ``None`` for the other kinds."""
        return self.numeric if self.kind == self.Kind.SCALE else None

    @property
    def is_ordering(self) -> bool:
        """The items (``options``) are stored in their right order; phones get them shuffled."""
        return self.kind == self.Kind.ORDERING

    @property
    def is_word_cloud(self) -> bool:
        return self.kind == self.Kind.WORD_CLOUD

    @property
    def cloud_words_per_student(self) -> int | None:
        """A word cloud's words per student (for the API), ``None`` for the other kinds."""
        return self.words_per_student if self.is_word_cloud else None

    @property
    def is_slide(self) -> bool:
        """A slide or a canvas activity (a slide whose phones offer the room's idea form): shown,
        never answered, never scored or counted as a question."""
        return self.kind in (self.Kind.SLIDE, self.Kind.CANVAS)

    @property
    def is_text_round(self) -> bool:
        return self.kind == self.Kind.TEXT_ROUND

    @property
    def is_round(self) -> bool:
        """The class makes a data set and trains on it (a drawing or a text round: ``DrawingRound``)."""
        return self.kind in (self.Kind.DRAWING, self.Kind.TEXT_ROUND)


class QuizSession(models.Model):
    """One run of a quiz (or a quick question) in a room."""

    class Mode(models.TextChoices):
        INSTRUCTOR_PACED = "instructor_paced", _("Instructor-paced")
        STUDENT_PACED = "student_paced", _("Student-paced")
        QUICK_QUESTION = "quick_question", _("Quick question")

    class State(models.TextChoices):
        LOBBY = "lobby", _("Lobby")
        QUESTION = "question", _("Question open")
        SLIDE = "slide", _("Slide shown")
        REVEAL = "reveal", _("Answer revealed")
        RUNNING = "running", _("Running (student-paced)")
        ENDED = "ended", _("Ended")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("room"))
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("quiz"))
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.INSTRUCTOR_PACED)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.LOBBY)
    locked = models.BooleanField(_("locked"), default=False)
    #: Index into the lesson's items, slides included (instructor-paced); -1 before the first.
    current_index = models.IntegerField(default=-1)
    #: 1 for the first vote on the open question; 2 once reopened for a peer-instruction re-vote.
    current_vote = models.PositiveSmallIntegerField(default=1)
    #: Students get a generated friendly nickname instead of typing one (young classes).
    friendly_nicknames = models.BooleanField(_("friendly nicknames"), default=False)
    #: 0: everyone for themselves; 2-6: team mode, students balanced into that many teams.
    team_count = models.PositiveSmallIntegerField(_("teams"), default=0)
    #: Joins that reached the room's limit check, never fewer than the participants the session has
    #: had: while it stays far under the limit a join needs no count (quizapp/live/join.py).
    seats_claimed = models.PositiveIntegerField(default=0, editable=False)
    #: Whether anyone was ever banned from the session: a join asks about bans only then (one
    #: statement fewer for each of a class of 10,000). Set with the ban, never cleared.
    has_bans = models.BooleanField(default=False, editable=False)
    question_opened_at = models.DateTimeField(null=True, blank=True)
    question_deadline = models.DateTimeField(null=True, blank=True)
    #: Word clouds: the words the instructor hid, ``{"<question id>": [word keys]}``
    #: (``quizapp.rules.word_cloud.word_key``); kept for reconnects and the report.
    hidden_words = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["room"], condition=Q(ended_at__isnull=True), name="one_live_session_per_room"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room.code} · {self.quiz.title}"

    @property
    def is_live(self) -> bool:
        return self.ended_at is None


class Participant(models.Model):
    """A student in one session: a nickname, no account."""

    session = models.ForeignKey(
        QuizSession, on_delete=models.CASCADE, related_name="participants", verbose_name=_("session")
    )
    nickname = models.CharField(_("nickname"), max_length=64)
    nickname_key = models.CharField(max_length=64, editable=False)
    #: A random id from the student's browser; bans follow it as well as the nickname.
    device_id = models.CharField(max_length=64, blank=True, db_index=True)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    removed = models.BooleanField(_("removed"), default=False)
    banned = models.BooleanField(_("banned"), default=False)
    #: Student-paced mode: where this student is and when they saw it.
    current_index = models.IntegerField(default=0)
    question_opened_at = models.DateTimeField(null=True, blank=True)
    score = models.IntegerField(_("score"), default=0)
    streak = models.PositiveIntegerField(default=0)
    team = models.PositiveSmallIntegerField(_("team"), null=True, blank=True)
    #: Time accommodation (WCAG 2.2.1): 1 standard, 2 or 10 times the time, 0 no time limit
    #: (``quizapp.rules.scoring.TIME_FACTORS``).
    time_factor = models.PositiveSmallIntegerField(
        _("time accommodation"),
        default=1,
        choices=[
            (1, _("Standard time")),
            (2, _("Double time")),
            (10, _("Ten times the time")),
            (0, _("No time limit")),
        ],
    )
    #: The student asked for more time when joining.
    time_requested = models.BooleanField(_("asked for more time"), default=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "nickname_key"], name="unique_nickname_per_session"),
        ]
        # Every join asks whether its nickname or browser was banned: read from the session's few
        # banned rows, not from all of its participants (O(class) per join before).
        indexes = [models.Index(fields=["session"], condition=models.Q(banned=True), name="banned_in_session")]

    def __str__(self) -> str:
        return self.nickname


class Answer(models.Model):
    """One answer; the unique constraint makes a second answer to the same question impossible."""

    # No index of their own for session and participant: the (session, question) index and the
    # unique (participant, question, vote) one begin with them, and every index more is written
    # again for each of a class's answers.
    session = models.ForeignKey(QuizSession, on_delete=models.CASCADE, related_name="answers", db_index=False)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers", db_index=False)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    #: 1 for the first vote; 2 for a peer-instruction re-vote.
    vote = models.PositiveSmallIntegerField(default=1)
    choices = models.JSONField(default=list, blank=True)
    text = models.CharField(max_length=200, blank=True)
    #: A scale question's ratings, one whole number per statement (``quizapp.rules.scale``).
    ratings = models.JSONField(default=list, blank=True)
    correct = models.BooleanField(null=True)
    response_ms = models.PositiveIntegerField()
    points = models.IntegerField(default=0)
    streak_bonus = models.IntegerField(default=0)
    confidence = models.FloatField(null=True, blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["participant", "question", "vote"], name="one_answer_per_question"),
        ]
        indexes = [models.Index(fields=["session", "question"])]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.question_id} (vote {self.vote})"


def _drawing_image_path(instance: "Drawing", filename: str) -> str:
    return f"drawings/{instance.round_id}/{instance.id or 'new'}-{uuid.uuid4().hex[:8]}.png"


class DrawingRound(models.Model):
    """A drawing question as run in one session: its data set, training and guess phase."""

    class Phase(models.TextChoices):
        COLLECT = "collect", _("Collecting drawings")
        GUESS = "guess", _("Guess round")

    session = models.ForeignKey(QuizSession, on_delete=models.CASCADE, related_name="drawing_rounds")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="drawing_rounds")
    #: The class's drawings as an mlcore image data set (28 x 28 copies), owned by the instructor.
    dataset = models.ForeignKey(
        "mlcore.Dataset", on_delete=models.SET_NULL, null=True, blank=True, related_name="drawing_rounds"
    )
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.COLLECT)
    #: The latest training on the round's drawings; its model guesses in the guess phase.
    training_job = models.ForeignKey(
        "mlcore.TrainingJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="drawing_rounds"
    )
    #: The virtuous cycle: accuracy against the number of drawings (a learning curve on the data set).
    curve_job = models.ForeignKey(
        "mlcore.LearningCurveJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="drawing_rounds"
    )
    #: Generated doodles per class that joined the data set (0: the class's drawings only).
    doodles_per_class = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "question"], name="one_round_per_question")]

    def __str__(self) -> str:
        return f"drawing round {self.question_id} in session {self.session_id}"


class Drawing(models.Model):
    """One student's drawing: its strokes as sent, a picture for people, a 28 x 28 training copy."""

    round = models.ForeignKey(DrawingRound, on_delete=models.CASCADE, related_name="drawings")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="drawings")
    phase = models.CharField(max_length=10, choices=DrawingRound.Phase.choices)
    #: The prompt key (the data-set label): the one assigned, or in a guess round the one drawn.
    label = models.CharField(max_length=100)
    #: ``{}`` for a description (a student who cannot draw describes the prompt in words).
    strokes = models.JSONField()
    #: Words instead of a drawing (collect phase only): never rendered, never in the data set.
    description = models.TextField(blank=True, default="")
    #: The model's top guesses (guess round), ``[{"label", "probability"}]``.
    guesses = models.JSONField(default=list, blank=True)
    image = models.ImageField(upload_to=_drawing_image_path, max_length=300, blank=True)
    dataset_image = models.OneToOneField(
        "mlcore.DatasetImage", on_delete=models.SET_NULL, null=True, blank=True, related_name="drawing"
    )
    #: Hidden from the projector wall (still in the data set).
    hidden = models.BooleanField(default=False)
    #: Removed by the instructor: out of the data set and off the wall; still blocks a second one.
    removed = models.BooleanField(default=False)
    response_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "participant"], condition=Q(phase="collect"), name="one_drawing_per_student_per_round"
            )
        ]
        indexes = [models.Index(fields=["round", "phase"])]

    def __str__(self) -> str:
        return f"{self.label} by {self.participant_id}"

    @property
    def rendered(self) -> bool:
        return bool(self.image) and self.dataset_image_id is not None
