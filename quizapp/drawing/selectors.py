"""Reads of drawing rounds: prompts and who draws what, the wall, counts and training state.

The rules live in :mod:`quizapp.rules.drawing_prompts`; the writes in :mod:`quizapp.drawing.services`
and :mod:`quizapp.drawing.rounds`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from core.ws_protocol import message
from mlcore.charts import learning_curve_svg
from mlcore.errors import message_for
from mlcore.models import FINISHED_STATES, JobState, TrainedModel
from quizapp import errors, groups, messages
from quizapp.models import Answer, Drawing, DrawingRound, Participant, Question, QuizSession
from quizapp.rules import drawing_prompts
from quizapp.selectors import session_questions

#: Drawings a student may add in one guess round (each joins the data set).
MAX_GUESS_DRAWINGS = 20
#: Drawings a (re)connecting host gets with its state; the page keeps the same number.
WALL_SIZE = 400


def question_prompts(question: Question) -> list[dict[str, str]]:
    """``[{"key", "text"}]`` in the order the instructor wrote them."""
    return [{"key": drawing_prompts.prompt_key(o["text"]), "text": o["text"]} for o in question.options]


def prompt_for_join_index(question: Question, join_index: int) -> dict[str, str]:
    prompts = question_prompts(question)
    return prompts[drawing_prompts.assigned_prompt(join_index, question.position, len(prompts))]


def participant_prompt(participant: Participant, question: Question) -> dict[str, str]:
    """The prompt this student draws in this round (the same after a reconnect)."""
    join_index = Participant.objects.filter(session_id=participant.session_id, id__lt=participant.id).count()
    return prompt_for_join_index(question, join_index)


def prompts_by_member(session: QuizSession, question: Question) -> dict[str, str]:
    """Each student's prompt as a personal part of the question broadcast (``core.fanout``)."""
    ids = session.participants.order_by("id").values_list("id", flat=True)
    return {
        groups.member_key(pid): messages.dumps({"prompt": prompt_for_join_index(question, i)})
        for i, pid in enumerate(ids)
    }


def round_of(session: QuizSession, question: Question) -> DrawingRound | None:
    return (
        DrawingRound.objects.select_related("question", "training_job", "curve_job", "dataset")
        .filter(session=session, question=question)
        .first()
    )


def current_round(session: QuizSession) -> DrawingRound | None:
    """The round of the instructor-paced session's current question, if it is a drawing."""
    questions = session_questions(session)
    if not 0 <= session.current_index < len(questions) or not questions[session.current_index].is_round:
        return None
    return round_of(session, questions[session.current_index])


def drawing_public(drawing: Drawing, prompts: dict[str, str]) -> dict[str, Any]:
    """A drawing as the wall shows it: who, which prompt, the strokes (or the description in words
    a student sent instead), the model's guesses."""
    return {
        "id": drawing.id,
        "participant_id": drawing.participant_id,
        "nickname": drawing.participant.nickname,
        "label": drawing.label,
        "prompt": prompts.get(drawing.label, drawing.label),
        "phase": drawing.phase,
        "strokes": drawing.strokes,
        "description": drawing.description,
        "guesses": drawing.guesses,
        "hidden": drawing.hidden,
    }


def round_counts(round_: DrawingRound) -> dict[str, int]:
    """Drawings per prompt (not removed), every prompt present, in prompt order."""
    counts = dict(
        Drawing.objects.filter(round=round_, removed=False)
        .values_list("label")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("label", "n")
    )
    return drawing_prompts.class_balance(counts, [p["key"] for p in question_prompts(round_.question)])


def round_model(round_: DrawingRound) -> Any:
    """The model the round's latest successful training registered, or ``None``."""
    job = round_.training_job
    if job is None or job.state != JobState.SUCCEEDED:
        return None
    return TrainedModel.objects.filter(job=job).first()


def round_is_text(round_id: int) -> bool:
    """Whether the round is a text round (its model is a text classifier)."""
    kind = DrawingRound.objects.filter(id=round_id).values_list("question__kind", flat=True).first()
    return kind == Question.Kind.TEXT_ROUND


def model_of_round(round_id: int) -> Any:
    """The model of a round's latest successful training, by the round's id (``None``: none yet)."""
    round_ = DrawingRound.objects.select_related("training_job").filter(id=round_id).first()
    return round_model(round_) if round_ is not None else None


def _job_public(job: Any) -> dict[str, Any]:
    """What every screen shows of a round's mlcore job: its state, progress, revision and error."""
    return {
        "job_id": job.id,
        "state": job.state,
        "progress": round(float(job.progress), 4),
        "revision": job.revision,
        "error": message_for(job.error_code, job.error_params) if job.error_code else None,
    }


def training_public(round_: DrawingRound) -> dict[str, Any] | None:
    """The round's training as the room sees it: progress while it runs, results once done."""
    job = round_.training_job
    if job is None:
        return None
    state: dict[str, Any] = {
        **_job_public(job),
        "kind": round_.question.kind,  # the screens' words: drawings or sentences
        "epoch": job.epoch,
        "epochs": job.epochs,
        "eta_seconds": job.eta_seconds,
        "result": None,
    }
    model = round_model(round_)
    if model is not None:
        metrics = model.metrics or {}
        state["result"] = {
            "model_id": model.id,
            "version": model.version,
            "accuracy": metrics.get("accuracy"),
            "baseline_accuracy": metrics.get("baseline_accuracy"),
            "heldout": metrics.get("heldout"),
            "n_train": metrics.get("n_train"),
            "n_validation": metrics.get("n_validation"),
            "labels": metrics.get("labels") or model.labels,
            "confusion_matrix": metrics.get("confusion_matrix"),
            "per_class": metrics.get("per_class"),
            "settle": round_settle(round_, metrics.get("accuracy")),
        }
    return state


#: Kinds of question whose vote a round right after it settles ("possible or impossible?").
SETTLED_KINDS = (Question.Kind.TRUE_FALSE, Question.Kind.POLL, Question.Kind.MULTIPLE_CHOICE)


def round_settle(round_: DrawingRound, accuracy: Any) -> dict[str, Any] | None:
    """ "Possible or impossible?" settled by experiment: the class's first vote on the question just
    before the round (true/false, poll or multiple choice) beside the held-out accuracy of the model
    the class then built ("62 % said possible; the model routes 87 % correctly"). ``None`` when the
    round does not follow such a question, nobody voted, or nothing is measured yet."""
    if not isinstance(accuracy, int | float):
        return None
    questions = session_questions(round_.session)
    index = next((i for i, q in enumerate(questions) if q.id == round_.question_id), 0)
    if index == 0 or questions[index - 1].kind not in SETTLED_KINDS:
        return None
    before = questions[index - 1]
    chosen = Answer.objects.filter(session_id=round_.session_id, question=before, vote=1).values_list(
        "choices", flat=True
    )
    counts = [0] * len(before.options)
    voters = 0
    for choices in chosen:
        picked = [c for c in choices or [] if isinstance(c, int) and 0 <= c < len(counts)]
        voters += bool(picked)
        for c in picked:
            counts[c] += 1
    if not voters:
        return None
    return {
        "question_id": before.id,
        "prompt": before.prompt,
        "voters": voters,
        "options": [
            {"text": o.get("text", ""), "share": round(n / voters, 4)}
            for o, n in zip(before.options, counts, strict=True)
        ],
        "accuracy": round(float(accuracy), 4),
    }


def round_public(round_: DrawingRound) -> dict[str, Any]:
    """What every screen needs to show the round: phase, prompts, counts, training."""
    return {
        "question_id": round_.question_id,
        "round_id": round_.id,
        "kind": round_.question.kind,
        "phase": round_.phase,
        "prompts": question_prompts(round_.question),
        "counts": round_counts(round_),
        "doodles_per_class": round_.doodles_per_class,
        "dataset_id": round_.dataset_id,
        "training": training_public(round_),
    }


def curve_public(round_: DrawingRound) -> dict[str, Any] | None:
    """The round's learning curve for the hosts: progress while it runs, then the chart (SVG made
    here, so the console and the projector show the same picture) and the numbers behind it."""
    job = round_.curve_job
    if job is None:
        return None
    state: dict[str, Any] = {**_job_public(job), "svg": None, "points": None}
    if job.state == JobState.SUCCEEDED and job.result:
        state["points"] = [
            {"drawings": round(p["n"]), "accuracy": round(1 - p["error_mean"], 4)} for p in job.result["points"]
        ]
        text_round = round_.question.is_text_round
        state["svg"] = learning_curve_svg(
            job.result,
            accuracy=True,
            x_label=_("Sentences the model learnt from") if text_round else _("Drawings the model learnt from"),
            title=_("More sentences, better model") if text_round else _("More drawings, better model"),
            chart_id=f"round-{round_.id}-curve",
        )
    return state


def curve_message(round_: DrawingRound) -> dict[str, Any]:
    return message("curve", question_id=round_.question_id, curve=curve_public(round_))


def training_message(round_: DrawingRound) -> dict[str, Any]:
    return message("training", question_id=round_.question_id, training=training_public(round_))


def round_wall(round_: DrawingRound) -> list[dict[str, Any]]:
    """The newest drawings still on the wall, oldest first (for a console or projector that
    reconnects); the counts cover them all."""
    prompts = {p["key"]: p["text"] for p in question_prompts(round_.question)}
    drawings = Drawing.objects.filter(round=round_, removed=False).select_related("participant").order_by("-id")
    return [drawing_public(d, prompts) for d in reversed(drawings[:WALL_SIZE])]


def student_round(participant: Participant, round_: DrawingRound) -> dict[str, Any]:
    """The round as one student sees it: their prompt and what they already sent."""
    mine = Drawing.objects.filter(round=round_, participant=participant).order_by("id")
    collected = next((d for d in mine if d.phase == DrawingRound.Phase.COLLECT), None)
    return {
        **round_public(round_),
        "prompt": participant_prompt(participant, round_.question),
        "sent": (
            {"strokes": collected.strokes, "description": collected.description, "removed": collected.removed}
            if collected
            else None
        ),
        "guess_drawings": sum(1 for d in mine if d.phase == DrawingRound.Phase.GUESS),
        "max_guess_drawings": MAX_GUESS_DRAWINGS,
    }


def labelled_top(top: list[dict[str, Any]], prompts: dict[str, str]) -> list[dict[str, Any]]:
    """The model's guesses with each label's prompt text (``{"label", "prompt", "probability"}``)."""
    return [{**t, "prompt": prompts.get(t["label"], t["label"])} for t in top]


def guess_target(*, session_id: int, question_id: int) -> tuple[Any, dict[str, str]]:
    """The model a guess in this session goes to and the prompt texts, or the error that says why not.

    The same for every student of the session, so sockets share it (``quizapp.live.consumers``): a
    student's own standing was checked when they said ``hello``, and a guess stores nothing."""
    session = QuizSession.objects.filter(id=session_id).first()
    if session is None or session.ended_at is not None:
        raise errors.SessionEnded()
    round_ = (
        DrawingRound.objects.select_related("question", "training_job")
        .filter(session_id=session_id, question_id=question_id)
        .first()
    )
    if round_ is None:
        raise errors.NotDrawingRound()
    current = current_round(session)
    if current is None or current.id != round_.id or round_.phase != DrawingRound.Phase.GUESS:
        raise errors.QuestionNotOpen()
    model = round_model(round_)
    if model is None:
        raise errors.NoModelYet()
    return model, {p["key"]: p["text"] for p in question_prompts(round_.question)}


def round_jobs_running(session_id: int) -> tuple[int | None, list[str]]:
    """The session's current drawing round and which of its jobs (``training``, ``curve``) are
    queued or running: someone must relay them to the room."""
    session = QuizSession.objects.filter(id=session_id).first()
    round_ = current_round(session) if session is not None else None
    if round_ is None:
        return None, []
    jobs = {"training": round_.training_job, "curve": round_.curve_job}
    return round_.id, [kind for kind, job in jobs.items() if job is not None and job.state not in FINISHED_STATES]


def host_round(round_: DrawingRound) -> dict[str, Any]:
    """The round for the console and projector: everything the students see, the wall and the curve."""
    return {**round_public(round_), "wall": round_wall(round_), "curve": curve_public(round_)}


def report_rounds(session: QuizSession) -> list[dict[str, Any]]:
    """The session's drawing rounds for its report: prompts with their counts, every drawing kept
    (with who drew it and, in a guess round, what the model said), the training's result and the
    learning curve."""
    rounds = (
        DrawingRound.objects.filter(session=session)
        .select_related("question", "training_job", "curve_job")
        .order_by("question__position", "question_id")
    )
    report = []
    for round_ in rounds:
        prompts = {p["key"]: p["text"] for p in question_prompts(round_.question)}
        drawings = Drawing.objects.filter(round=round_, removed=False).select_related("participant").order_by("id")
        report.append(
            {
                "round": round_,
                "prompts": [{"text": text, "count": n} for (key, text), n in _counted(prompts, round_)],
                "drawings": [
                    {
                        "id": d.id,
                        "nickname": d.participant.nickname,
                        "prompt": prompts.get(d.label, d.label),
                        "phase": d.phase,
                        "hidden": d.hidden,
                        "description": d.description,
                        "guess": prompts.get(d.guesses[0]["label"], d.guesses[0]["label"]) if d.guesses else "",
                        "guess_right": bool(d.guesses) and d.guesses[0]["label"] == d.label,
                    }
                    for d in drawings
                ],
                "training": training_public(round_),
                "curve": curve_public(round_),
            }
        )
    return report


def _counted(prompts: dict[str, str], round_: DrawingRound) -> list[tuple[tuple[str, str], int]]:
    counts = round_counts(round_)
    return [((key, text), counts.get(key, 0)) for key, text in prompts.items()]


def drawing_for_owner(*, user: Any, session_id: int, drawing_id: int) -> Drawing | None:
    """A drawing of a session the user's room holds (reports show them to the instructor only); a
    description in words has no picture."""
    return (
        Drawing.objects.select_related("round")
        .filter(
            id=drawing_id, round__session_id=session_id, round__session__room__owner=user, removed=False, description=""
        )
        .first()
    )
