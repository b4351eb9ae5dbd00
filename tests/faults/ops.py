"""What the fault suite asks of the cluster's own database, run as ``python -m tests.faults.ops ...``
with the cluster's environment (the test process itself stays on pytest's database). Prints one JSON
line.

    setup QUESTIONS       a room, a quiz of QUESTIONS true/false questions, a live instructor-paced
                          session and a signed-in instructor's session cookie
    inspect SESSION_ID    the session's questions, rules, participants and every stored answer
    train                 a doodles data set and a long training job on it
    job JOB_ID            the job's state, attempts, epoch and registered models
    flood SESSION_ID PARTICIPANT_ID COUNT
                          COUNT room messages of about 2 KB (the size of a question) published through
                          the channel layer to one participant's sockets, as fast as Redis takes them
"""

from __future__ import annotations

import json
import sys
from typing import Any

import django


def setup(questions: int) -> dict[str, Any]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from quizapp.authoring.services import quiz_create
    from quizapp.live import session as live
    from quizapp.live.rooms import room_create

    instructor = User.objects.filter(username="faults").first() or User.objects.create_user(
        "faults", password="a-long-password-1"
    )
    room = room_create(owner=instructor)
    quiz = quiz_create(
        owner=instructor,
        title="faults",
        questions=[
            {
                "kind": "true_false",
                "prompt": f"Fault question {i + 1}",
                "options": [{"text": "가능", "correct": True}, {"text": "불가능", "correct": False}],
                "time_limit_s": 120,
            }
            for i in range(questions)
        ],
    )
    session = live.session_start(room=room, quiz=quiz, mode="instructor_paced", user=instructor)
    store = SessionStore()
    store[SESSION_KEY] = str(instructor.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = instructor.get_session_auth_hash()
    store.create()
    return {
        "code": room.code,
        "session_id": session.id,
        "cookie": store.session_key,
        "question_ids": list(quiz.questions.order_by("position", "id").values_list("id", flat=True)),
    }


def inspect(session_id: int) -> dict[str, Any]:
    from quizapp.models import Answer, Participant, QuizSession

    session = QuizSession.objects.select_related("quiz").get(id=session_id)
    return {
        "rules": {"speed_points": session.quiz.speed_points, "streaks": session.quiz.streaks},
        "questions": list(
            session.quiz.questions.order_by("position", "id").values("id", "kind", "points", "time_limit_s")
        ),
        "participants": list(Participant.objects.filter(session=session).values("id", "nickname", "score")),
        "answers": list(
            Answer.objects.filter(session=session).values(
                "participant_id", "question_id", "vote", "choices", "correct", "response_ms", "points", "streak_bonus"
            )
        ),
    }


def train() -> dict[str, Any]:
    from django.contrib.auth.models import User

    from mlcore.services.datasets import dataset_create_builtin
    from mlcore.services.training import training_job_create

    owner = User.objects.filter(username="faults").first() or User.objects.create_user(
        "faults", password="a-long-password-1"
    )
    # Long enough (a few seconds on a quiet machine) that the kill lands while it runs.
    dataset = dataset_create_builtin(owner=owner, which="doodles", per_class=20)
    job = training_job_create(owner=owner, dataset=dataset, params={"epochs": 40, "batch_size": 8})
    return {"job_id": job.id}


def job(job_id: int) -> dict[str, Any]:
    from mlcore.models import TrainedModel, TrainingJob

    found = TrainingJob.objects.get(id=job_id)
    return {
        "state": found.state,
        "attempts": found.attempts,
        "epoch": found.epoch,
        "error": found.error_code,
        "models": TrainedModel.objects.filter(job=found).count(),
    }


def flood(session_id: int, participant_id: int, count: int) -> dict[str, Any]:
    import asyncio
    import time

    from core import fanout
    from core.ws_protocol import message
    from quizapp import groups, messages

    group = groups.session_group(session_id)
    audience = f"member:{groups.member_key(participant_id)}"
    text = messages.dumps(message("locked", locked=False, note="x" * 2000))

    async def send_all() -> None:
        for _ in range(count):
            await fanout.publish(group, text, audience=audience)

    start = time.monotonic()
    asyncio.run(send_all())
    return {"published": count, "seconds": round(time.monotonic() - start, 2)}


def main(argv: list[str]) -> None:
    django.setup()
    command, *args = argv
    if command == "setup":
        result = setup(int(args[0]))
    elif command == "inspect":
        result = inspect(int(args[0]))
    elif command == "train":
        result = train()
    elif command == "job":
        result = job(int(args[0]))
    elif command == "flood":
        result = flood(int(args[0]), int(args[1]), int(args[2]))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
