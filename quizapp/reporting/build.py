"""The instructor's report of one session, built from rows already loaded.

:func:`report_build` is pure: it takes plain rows (questions, participants, answers) and returns a
:class:`SessionReport` for the report page and the CSV/XLSX exports (:mod:`quizapp.reporting.exports`).
:func:`quizapp.reporting.load.session_report` loads those rows for a session in a fixed number of queries.

What counts
-----------
* Class numbers (summary, per-question statistics, calibration) count the students **still in
  the session**, as the leaderboard does; a removed student stays in the grid, struck through.
* The grid, the scores and the calibration use each student's **first vote**. A peer-instruction
  re-vote (``vote=2``) only feeds the per-question *shift*: first vote against second vote.
* "% correct" is out of the answers that have a right or wrong verdict (a poll has none), so
  students who did not answer are not counted as wrong; ``answered`` says how many answered.
* Calibration pairs an answer's confidence with whether it was right, using the pure rules of
  :mod:`quizapp.rules.calibration`; answers without a confidence, and poll answers, do not count.
* A scale (rating) question has no verdict either: its statistics are each statement's mean,
  standard deviation and ratings per point (:mod:`quizapp.rules.scale`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from quizapp.models import Question
from quizapp.rules import answer_matching, calibration, ordering, scale, word_cloud
from quizapp.rules.scale import ScaleSettings

__all__ = [
    "AnswerRow",
    "ClassCalibration",
    "ClassSummary",
    "DistributionEntry",
    "GridCell",
    "GridRow",
    "ParticipantRow",
    "QuestionRow",
    "QuestionStats",
    "ScaleEntry",
    "SessionInfo",
    "SessionReport",
    "Shift",
    "StudentCalibration",
    "VoteStats",
    "report_build",
]

#: How many different short answers a distribution lists (the most frequent first).
SHORT_ANSWER_TOP = 10

TIME_LABELS = {2: _("×2 time"), 10: _("×10 time"), 0: _("No time limit")}
VERDICT_LABELS = {
    calibration.Verdict.OVERCONFIDENT: _("Over-confident"),
    calibration.Verdict.UNDERCONFIDENT: _("Under-confident"),
    calibration.Verdict.CALIBRATED: _("Calibrated"),
    calibration.Verdict.NOT_ENOUGH_DATA: _("Not enough data"),
}


# --- rows in ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SessionInfo:
    id: int
    quiz_title: str
    room_code: str
    mode_label: str
    started_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class QuestionRow:
    id: int
    number: int  # 1-based, in the quiz's order
    kind: str
    prompt: str
    options: tuple[str, ...] = ()
    correct_options: frozenset[int] = frozenset()
    accepted_answers: tuple[str, ...] = ()
    points: int = 1000
    kind_label: str = ""
    #: A scale's settings (``quizapp.rules.scale``); ``None`` for the other kinds.
    scale: ScaleSettings | None = None
    #: A word cloud's words the instructor hid in this session (``word_cloud.word_key`` keys).
    hidden_words: frozenset[str] = frozenset()

    @property
    def is_word_cloud(self) -> bool:
        return self.kind == Question.Kind.WORD_CLOUD

    @property
    def is_short_answer(self) -> bool:
        """Answers are typed text (short answers, and open answers with no right one)."""
        return self.kind in (Question.Kind.SHORT_ANSWER, Question.Kind.OPEN)

    @property
    def is_ordering(self) -> bool:
        """The options are items in their right order; an answer's choices are a student's order."""
        return self.kind == Question.Kind.ORDERING

    @property
    def has_correct_answer(self) -> bool:
        if self.is_ordering:
            return bool(self.options)
        if self.is_short_answer:
            return bool(self.accepted_answers)
        return self.kind != Question.Kind.POLL and bool(self.correct_options)

    @classmethod
    def from_model(cls, question: Question, *, number: int, hidden_words: Iterable[str] = ()) -> QuestionRow:
        return cls(
            hidden_words=frozenset(hidden_words),
            id=question.id,
            number=number,
            kind=question.kind,
            kind_label=str(question.get_kind_display()),
            prompt=question.prompt,
            options=tuple(str(o.get("text", "")) for o in question.options),
            correct_options=frozenset(i for i, o in enumerate(question.options) if o.get("correct")),
            accepted_answers=tuple(question.accepted_answers),
            points=question.points,
            scale=scale.settings_of(question.numeric) if question.kind == Question.Kind.SCALE else None,
        )


@dataclass(frozen=True, kw_only=True)
class ParticipantRow:
    id: int
    nickname: str
    score: int = 0
    removed: bool = False
    #: The time accommodation (``quizapp.rules.scoring.TIME_FACTORS``: 1 standard, 0 no limit).
    time_factor: int = 1
    #: They asked for more time when joining.
    time_requested: bool = False

    @property
    def accommodated(self) -> bool:
        return self.time_factor != 1

    @property
    def time_label(self) -> str:
        """How much time they had, for the report ("" for the standard time)."""
        return str(TIME_LABELS.get(self.time_factor, ""))


@dataclass(frozen=True, kw_only=True)
class AnswerRow:
    participant_id: int
    question_id: int
    vote: int = 1
    choices: tuple[int, ...] = ()
    text: str = ""
    correct: bool | None = None
    response_ms: int = 0
    points: int = 0  # speed points plus streak bonus
    confidence: float | None = None
    #: A scale's ratings, one per statement.
    ratings: tuple[int, ...] = ()


# --- the report out -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class GridCell:
    display: str
    correct: bool | None
    seconds: float
    confidence: float | None
    points: int

    @property
    def status(self) -> str:
        """A CSS class: ok, bad or poll."""
        if self.correct is None:
            return "poll"
        return "ok" if self.correct else "bad"

    @property
    def confidence_percent(self) -> int | None:
        return None if self.confidence is None else round(self.confidence * 100)


@dataclass(frozen=True, kw_only=True)
class GridRow:
    participant: ParticipantRow
    cells: list[GridCell | None]

    @property
    def answered(self) -> int:
        return sum(cell is not None for cell in self.cells)

    @property
    def correct_count(self) -> int:
        return sum(cell is not None and cell.correct is True for cell in self.cells)


@dataclass(frozen=True, kw_only=True)
class DistributionEntry:
    label: str
    count: int
    #: True for a right option or accepted answer, False for a wrong one, None in a poll.
    correct: bool | None
    #: A word cloud's word the instructor hid from the projector (still counted here).
    hidden: bool = False


class _ShareCorrect:
    """% correct among the answers that have a right/wrong verdict (polls and blanks do not count)."""

    graded: int
    correct_count: int

    @property
    def fraction_correct(self) -> float | None:
        return self.correct_count / self.graded if self.graded else None

    @property
    def percent_correct(self) -> float | None:
        return None if self.fraction_correct is None else 100 * self.fraction_correct


@dataclass(frozen=True, kw_only=True)
class ScaleEntry:
    """One statement of a scale: the class's mean, spread and ratings per point of the scale."""

    statement: str
    n: int
    mean: float | None
    sd: float | None
    #: (point, how many rated it), lowest point first.
    counts: list[tuple[int, int]]


@dataclass(frozen=True, kw_only=True)
class VoteStats(_ShareCorrect):
    answered: int
    graded: int  # answers with a right/wrong verdict
    correct_count: int
    distribution: list[DistributionEntry]
    mean_seconds: float | None
    #: A scale's statements (empty for the other kinds).
    scale: list[ScaleEntry] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Shift:
    """First vote against second vote on a re-opened question."""

    first: VoteStats
    second: VoteStats
    #: Students who voted twice, and how their verdict moved.
    both: int = 0
    changed_answer: int = 0
    wrong_to_right: int = 0
    right_to_wrong: int = 0
    stayed_right: int = 0
    stayed_wrong: int = 0

    @property
    def change_points(self) -> float | None:
        """Percentage points gained in % correct from the first to the second vote."""
        if self.first.percent_correct is None or self.second.percent_correct is None:
            return None
        return self.second.percent_correct - self.first.percent_correct

    @property
    def change_signed(self) -> str:
        """The change in whole percentage points with its sign: "+25", "-10", "0"."""
        if self.change_points is None:
            return ""
        value = round(self.change_points)
        return f"{value:+d}" if value else "0"


@dataclass(frozen=True, kw_only=True)
class QuestionStats:
    question: QuestionRow
    participants: int
    first: VoteStats
    shift: Shift | None = None

    @property
    def chart_id(self) -> str:
        return f"q{self.question.number}"


@dataclass(frozen=True, kw_only=True)
class ClassSummary(_ShareCorrect):
    participants: int
    questions: int
    answers: int
    mean_score: float | None
    graded: int
    correct_count: int
    mean_seconds: float | None
    #: Students (not removed) who had a time accommodation.
    accommodated: int = 0


@dataclass(frozen=True, kw_only=True)
class StudentCalibration:
    participant: ParticipantRow
    answers: int
    mean_confidence: float | None
    accuracy: float | None
    brier: float | None
    verdict: calibration.Verdict

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict])

    @property
    def gap(self) -> float | None:
        if self.mean_confidence is None or self.accuracy is None:
            return None
        return self.mean_confidence - self.accuracy


@dataclass(frozen=True, kw_only=True)
class ClassCalibration:
    answers: int
    brier: float
    overconfidence: float
    mean_confidence: float
    accuracy: float
    verdict: calibration.Verdict
    bins: list[calibration.Bin]
    students: list[StudentCalibration] = field(default_factory=list)

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict])


@dataclass(frozen=True, kw_only=True)
class SessionReport:
    session: SessionInfo
    questions: list[QuestionRow]
    participants: list[ParticipantRow]
    grid: list[GridRow]
    question_stats: list[QuestionStats]
    summary: ClassSummary
    calibration: ClassCalibration | None

    @property
    def has_confidence(self) -> bool:
        return self.calibration is not None

    @property
    def has_scales(self) -> bool:
        return any(q.scale is not None for q in self.questions)

    @property
    def has_shift(self) -> bool:
        return any(stats.shift is not None for stats in self.question_stats)


# --- building -----------------------------------------------------------------------------


def answer_display(question: QuestionRow, answer: AnswerRow) -> str:
    """An answer as text: what was typed (a word cloud's words, comma-separated), the chosen options'
    texts, or a scale's ratings by statement."""
    if question.scale is not None:
        return "; ".join(f"{text}: {rating}" for text, rating in zip(question.options, answer.ratings, strict=False))
    if question.is_word_cloud:
        return ", ".join(word_cloud.split_stored(answer.text))
    if question.is_short_answer or answer.text:
        return answer.text
    if question.is_ordering:  # the student's order, first to last
        return " → ".join(question.options[i] for i in answer.choices if 0 <= i < len(question.options))
    return ", ".join(question.options[i] for i in answer.choices if 0 <= i < len(question.options))


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _distribution(question: QuestionRow, answers: Sequence[AnswerRow]) -> list[DistributionEntry]:
    if question.is_word_cloud:  # every word with its count, the shown ones first, then the hidden
        words = [w for a in answers for w in word_cloud.split_stored(a.text)]
        cloud = word_cloud.build_cloud(words, question.hidden_words, top=len(words) or 1)
        return [DistributionEntry(label=w.word, count=w.count, correct=None) for w in cloud.words] + [
            DistributionEntry(label=w.word, count=w.count, correct=None, hidden=True) for w in cloud.hidden
        ]
    if question.is_short_answer:
        counts = Counter(answer_matching.normalise_answer(a.text) for a in answers)
        accepted = question.accepted_answers if question.has_correct_answer else None
        return [
            DistributionEntry(
                label=text, count=count, correct=None if accepted is None else answer_matching.matches(text, accepted)
            )
            for text, count in counts.most_common(SHORT_ANSWER_TOP)
        ]
    if question.is_ordering:  # per position: how many put the right item there
        right = ordering.position_counts(((a.choices, 1) for a in answers), len(question.options))
        return [
            DistributionEntry(label=f"{i + 1}. {text}", count=right[i], correct=True)
            for i, text in enumerate(question.options)
        ]
    option_counts = [0] * len(question.options)
    for answer in answers:
        for index in answer.choices:
            if 0 <= index < len(option_counts):
                option_counts[index] += 1
    graded = question.has_correct_answer
    return [
        DistributionEntry(
            label=text, count=option_counts[i], correct=(i in question.correct_options) if graded else None
        )
        for i, text in enumerate(question.options)
    ]


def _scale_entries(question: QuestionRow, answers: Sequence[AnswerRow]) -> list[ScaleEntry]:
    settings = question.scale
    if settings is None:
        return []
    stats = scale.aggregate(settings, len(question.options), [list(a.ratings) for a in answers])
    return [
        ScaleEntry(
            statement=text,
            n=one.n,
            mean=one.mean,
            sd=one.sd,
            counts=list(zip(settings.points, one.distribution, strict=True)),
        )
        for text, one in zip(question.options, stats, strict=True)
    ]


def _vote_stats(question: QuestionRow, answers: Sequence[AnswerRow]) -> VoteStats:
    graded = [a for a in answers if a.correct is not None]
    entries = _scale_entries(question, answers)
    if entries:  # a scale's "answer counts": how many gave each statement each rating
        distribution = [
            DistributionEntry(label=f"{entry.statement}: {point}", count=count, correct=None)
            for entry in entries
            for point, count in entry.counts
        ]
        return VoteStats(
            answered=len(answers),
            graded=0,
            correct_count=0,
            distribution=distribution,
            mean_seconds=_mean([a.response_ms / 1000 for a in answers]),
            scale=entries,
        )
    return VoteStats(
        answered=len(answers),
        graded=len(graded),
        correct_count=sum(1 for a in graded if a.correct),
        distribution=_distribution(question, answers),
        mean_seconds=_mean([a.response_ms / 1000 for a in answers]),
    )


def _shift(question: QuestionRow, first: Sequence[AnswerRow], second: Sequence[AnswerRow]) -> Shift:
    firsts = {a.participant_id: a for a in first}
    moves: Counter[str] = Counter()
    for again in second:
        before = firsts.get(again.participant_id)
        if before is None:
            continue
        moves["both"] += 1
        if answer_display(question, before) != answer_display(question, again):
            moves["changed"] += 1
        if before.correct is not None and again.correct is not None:
            key = ("right" if before.correct else "wrong") + "_to_" + ("right" if again.correct else "wrong")
            moves[key] += 1
    return Shift(
        first=_vote_stats(question, first),
        second=_vote_stats(question, second),
        both=moves["both"],
        changed_answer=moves["changed"],
        wrong_to_right=moves["wrong_to_right"],
        right_to_wrong=moves["right_to_wrong"],
        stayed_right=moves["right_to_right"],
        stayed_wrong=moves["wrong_to_wrong"],
    )


def _pairs(answers: Iterable[AnswerRow]) -> list[calibration.Pair]:
    """(confidence, right) for answers that have both; nonsense confidences are left out."""
    return [
        (a.confidence, bool(a.correct))
        for a in answers
        if a.confidence is not None and a.correct is not None and 0.0 <= a.confidence <= 1.0
    ]


def _bin_edges(pairs: Sequence[calibration.Pair]) -> tuple[float, ...]:
    """The default bins, with one more below 50 % only if some confidence is that low."""
    if any(confidence < calibration.DEFAULT_EDGES[0] for confidence, _ok in pairs):
        return (0.0, *calibration.DEFAULT_EDGES)
    return calibration.DEFAULT_EDGES


def _student_calibration(participant: ParticipantRow, pairs: Sequence[calibration.Pair]) -> StudentCalibration:
    if not pairs:
        return StudentCalibration(
            participant=participant,
            answers=0,
            mean_confidence=None,
            accuracy=None,
            brier=None,
            verdict=calibration.Verdict.NOT_ENOUGH_DATA,
        )
    return StudentCalibration(
        participant=participant,
        answers=len(pairs),
        mean_confidence=math.fsum(c for c, _ok in pairs) / len(pairs),
        accuracy=sum(1 for _c, ok in pairs if ok) / len(pairs),
        brier=calibration.brier_score(pairs),
        verdict=calibration.verdict(pairs),
    )


def _class_calibration(
    participants: Sequence[ParticipantRow], first_votes: Sequence[AnswerRow]
) -> ClassCalibration | None:
    by_participant: dict[int, list[AnswerRow]] = {}
    for answer in first_votes:
        by_participant.setdefault(answer.participant_id, []).append(answer)
    everyone = _pairs(first_votes)
    if not everyone:
        return None
    students = [_student_calibration(p, _pairs(by_participant.get(p.id, []))) for p in participants]
    return ClassCalibration(
        answers=len(everyone),
        brier=calibration.brier_score(everyone),
        overconfidence=calibration.overconfidence(everyone),
        mean_confidence=math.fsum(c for c, _ok in everyone) / len(everyone),
        accuracy=sum(1 for _c, ok in everyone if ok) / len(everyone),
        verdict=calibration.verdict(everyone),
        bins=calibration.calibration_bins(everyone, _bin_edges(everyone)),
        students=students,
    )


def report_build(
    *,
    session: SessionInfo,
    questions: Sequence[QuestionRow],
    participants: Sequence[ParticipantRow],
    answers: Iterable[AnswerRow],
) -> SessionReport:
    """Everything the report page and the exports show, from plain rows (no database)."""
    questions = list(questions)
    participants = list(participants)
    by_id = {q.id: q for q in questions}
    present = {p.id for p in participants if not p.removed}
    first: dict[tuple[int, int], AnswerRow] = {}
    second: dict[int, list[AnswerRow]] = {}
    for answer in answers:
        if answer.question_id not in by_id:
            continue
        if answer.vote == 1:
            first[(answer.participant_id, answer.question_id)] = answer
        elif answer.vote == 2 and answer.participant_id in present:
            second.setdefault(answer.question_id, []).append(answer)

    grid = []
    for p in participants:
        cells: list[GridCell | None] = []
        for q in questions:
            a = first.get((p.id, q.id))
            cells.append(
                None
                if a is None
                else GridCell(
                    display=answer_display(q, a),
                    correct=a.correct,
                    seconds=a.response_ms / 1000,
                    confidence=a.confidence,
                    points=a.points,
                )
            )
        grid.append(GridRow(participant=p, cells=cells))

    counted = [a for (pid, _qid), a in first.items() if pid in present]
    per_question: dict[int, list[AnswerRow]] = {}
    for answer in counted:
        per_question.setdefault(answer.question_id, []).append(answer)
    question_stats = []
    for q in questions:
        mine = per_question.get(q.id, [])
        again = second.get(q.id, [])
        question_stats.append(
            QuestionStats(
                question=q,
                participants=len(present),
                first=_vote_stats(q, mine),
                shift=_shift(q, mine, again) if again else None,
            )
        )

    graded = [a for a in counted if a.correct is not None]
    scores = [p.score for p in participants if not p.removed]
    summary = ClassSummary(
        participants=len(present),
        questions=len(questions),
        answers=len(counted),
        mean_score=_mean(scores),
        graded=len(graded),
        correct_count=sum(1 for a in graded if a.correct),
        mean_seconds=_mean([a.response_ms / 1000 for a in counted]),
        accommodated=sum(1 for p in participants if not p.removed and p.accommodated),
    )
    return SessionReport(
        session=session,
        questions=questions,
        participants=participants,
        grid=grid,
        question_stats=question_stats,
        summary=summary,
        calibration=_class_calibration([p for p in participants if not p.removed], counted),
    )
