"""The live room survives faults: a 100-student class on two web processes, one worker, its own Redis
and PostgreSQL, with one fault per scenario mid-quiz. At the database, after each: every answer a student
sent is acknowledged and stored exactly once, every score is what ``docs/scoring.md`` says
(``quizapp.rules.scoring`` over the stored answers), and every student received every question.
Each scenario prints a row (``test-output/faults-table.md``)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest

from quizapp.rules.scoring import AnswerOutcome, ScoringRules, score_sequence
from tests.faults.classroom import Host, SlowReader, Student
from tests.faults.cluster import Cluster
from tests.faults.conftest import ROWS

pytestmark = [pytest.mark.faults, pytest.mark.timeout(240)]

STUDENTS = 100
QUESTIONS = 3
#: The fault strikes while this question is open; the next one is timed.
FAULT_AT = 1
#: How long every student may take to have a question (or to have every answer acknowledged).
WAIT_S = 25.0

Fault = Callable[["Lesson"], Awaitable[None]]


@dataclass
class Outcome:
    name: str
    students: list[Student]
    question_ids: list[int]
    data: dict[str, Any]
    next_question_s: float | None

    @property
    def sent(self) -> set[tuple[int, int]]:
        return {(s.participant_id, q) for s in self.students for q in s.sent}

    @property
    def acked(self) -> set[tuple[int, int]]:
        return {(s.participant_id, q) for s in self.students for q in s.acked}

    @property
    def stored(self) -> Counter:
        return Counter((a["participant_id"], a["question_id"]) for a in self.data["answers"])

    def row(self) -> str:
        stored = self.stored
        double = sum(1 for n in stored.values() if n > 1)
        lost = len(self.sent - set(stored))
        timed = "never" if self.next_question_s is None else f"{self.next_question_s:.2f}"
        return (
            f"| {self.name} | {len(self.students)} | {len(self.sent)} | {len(self.acked)} | {sum(stored.values())} "
            f"| {double} | {lost} | {timed} |"
        )

    def check(self) -> None:
        stored = self.stored
        everything = {(s.participant_id, q) for s in self.students for q in self.question_ids}
        missing = {s.index: [q for q in self.question_ids if q not in s.received] for s in self.students}
        missing = {k: v for k, v in missing.items() if v}
        assert not missing, f"{len(missing)} students never received some questions: {list(missing.items())[:5]}"
        assert self.sent == everything, f"{len(everything - self.sent)} answers never sent"
        assert self.acked == self.sent, f"{len(self.sent - self.acked)} answers sent but never acknowledged"
        how = {s.participant_id: s.acked for s in self.students}
        lost = [(p, q, how[p].get(q)) for p, q in sorted(self.sent - set(stored))]
        assert set(stored) == self.sent, f"lost {len(lost)} (participant, question, acked by): {lost[:5]}"
        assert max(stored.values()) == 1, "an answer stored twice"
        check_scores(self.data)


def check_scores(data: dict[str, Any]) -> None:
    """Every stored answer's points and every participant's score as docs/scoring.md computes them."""
    rules = ScoringRules(**data["rules"])
    answers = {(a["participant_id"], a["question_id"]): a for a in data["answers"] if a["vote"] == 1}
    wrong = []
    for participant in data["participants"]:
        outcomes = []
        for question in data["questions"]:
            answer = answers.get((participant["id"], question["id"]))
            outcomes.append(
                AnswerOutcome(
                    points=question["points"],
                    time_limit_ms=question["time_limit_s"] * 1000,
                    answered=answer is not None,
                    correct=bool(answer and answer["correct"]),
                    response_ms=answer["response_ms"] if answer else 0,
                    poll=question["kind"] == "poll",
                )
            )
        scored = score_sequence(outcomes, rules)
        for question, result in zip(data["questions"], scored, strict=True):
            answer = answers.get((participant["id"], question["id"]))
            if answer and (answer["points"], answer["streak_bonus"]) != (result.base, result.streak_bonus):
                wrong.append((participant["nickname"], question["id"], answer["points"], result.base))
        expected = scored[-1].running_total if scored else 0
        if participant["score"] != expected:
            wrong.append((participant["nickname"], "total", participant["score"], expected))
    assert not wrong, f"{len(wrong)} scores differ from the rules: {wrong[:5]}"


class Lesson:
    """One scenario's class: setup, join, connect, play QUESTIONS questions with a fault in FAULT_AT."""

    def __init__(self, cluster: Cluster, name: str) -> None:
        self.cluster = cluster
        self.name = name
        self.info: dict[str, Any] = {}
        self.students: list[Student] = []
        self.host: Host | None = None

    @property
    def ports(self) -> list[int]:
        return [web.port for web in self.cluster.webs]

    async def setup(self, students: int = STUDENTS) -> None:
        self.info = await asyncio.to_thread(self.cluster.ops, "setup", str(QUESTIONS))
        ports = self.ports
        self.students = [
            Student(i, self.info["code"], [ports[i % 2], ports[(i + 1) % 2]]) for i in range(students)
        ]  # fmt: skip
        semaphore = asyncio.Semaphore(20)

        async def join(student: Student) -> None:
            async with semaphore:
                await student.join()

        await asyncio.gather(*(join(s) for s in self.students))
        for student in self.students:
            student.start()
        await self.until(lambda: all(s.identities for s in self.students), "every student has its state")
        self.host = Host(self.info["code"], self.info["cookie"], ports)
        await self.host.connect()

    def everyone_has(self, what: str, question_id: int) -> bool:
        return all(question_id in getattr(s, what) for s in self.students)

    async def until(self, predicate: Callable[[], bool], what: str, timeout: float = WAIT_S) -> float | None:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if predicate():
                return time.monotonic() - start
            await asyncio.sleep(0.05)
        return None

    async def play(self, fault: Fault | None = None, *, fault_delay_s: float = 0.4) -> Outcome:
        assert self.host is not None
        next_question_s: float | None = None
        question_ids = self.info["question_ids"]
        for index, question_id in enumerate(question_ids):
            sent_at = time.monotonic()
            await self.host.send({"type": "next"})
            took = await self.until(partial(self.everyone_has, "received", question_id), f"question {index + 1}")
            if took is not None:
                took = max(s.received[question_id] for s in self.students) - sent_at
            if index == FAULT_AT + 1:
                next_question_s = took
            if index == FAULT_AT and fault is not None:
                await asyncio.sleep(fault_delay_s)  # answers are in flight
                await fault(self)
            await self.until(partial(self.everyone_has, "acked", question_id), "acks")
            await self.host.send({"type": "reveal"})
            await asyncio.sleep(0.3)
        await self.host.send({"type": "end"})
        await self.until(lambda: all(s.ended for s in self.students), "session_ended", timeout=10)
        for student in self.students:
            await student.stop()
        await self.host.close()
        data = await asyncio.to_thread(self.cluster.ops, "inspect", str(self.info["session_id"]))
        outcome = Outcome(self.name, self.students, question_ids, data, next_question_s)
        ROWS.append(outcome.row())
        print(outcome.row())
        return outcome


async def test_redis_restart_mid_question(healthy):
    lesson = Lesson(healthy, "Redis restart (3 s down) mid-question")
    await lesson.setup()

    async def fault(lesson: Lesson) -> None:
        await asyncio.to_thread(lesson.cluster.redis.restart, 3.0)  # then the instructor goes on at once

    outcome = await lesson.play(fault)
    outcome.check()
    assert outcome.next_question_s is not None, "the next question never reached every student"
    assert outcome.next_question_s < 10


async def test_a_web_process_sigkilled_mid_question(healthy):
    lesson = Lesson(healthy, "web process SIGKILL mid-question")
    await lesson.setup()
    victims = [s for s in lesson.students if s.ports[0] == healthy.webs[0].port]

    async def fault(lesson: Lesson) -> None:
        await asyncio.to_thread(lesson.cluster.webs[0].kill)

    outcome = await lesson.play(fault)
    outcome.check()
    assert all(s.connects >= 2 for s in victims), "the killed process's students reconnected"
    assert all(len(s.identities) == 1 for s in lesson.students), "a reconnect kept the participant"
    assert all(s.scores_seen == sorted(s.scores_seen) for s in victims), "no score went backwards"


async def test_postgres_restart_mid_question(healthy):
    lesson = Lesson(healthy, "PostgreSQL restart (2 s down) mid-question")
    await lesson.setup()

    async def fault(lesson: Lesson) -> None:
        await asyncio.to_thread(lesson.cluster.postgres.restart, 2.0)

    outcome = await lesson.play(fault, fault_delay_s=0.1)
    outcome.check()
    refusals = Counter(code for s in lesson.students for code in s.refusals)
    assert set(refusals) <= {"not_stored", "already_answered"}, refusals  # the documented ones only


async def test_worker_sigkilled_mid_training(healthy):
    lesson = Lesson(healthy, "worker SIGKILL mid-training")
    await lesson.setup()
    started: dict[str, int] = {}

    async def fault(lesson: Lesson) -> None:
        # Queued now, mid-question: the class's joining time does not decide whether it is still running.
        started["job"] = job = (await asyncio.to_thread(lesson.cluster.ops, "train"))["job_id"]
        deadline = time.monotonic() + 60
        state: dict = {}
        while time.monotonic() < deadline:
            state = await asyncio.to_thread(lesson.cluster.ops, "job", str(job))
            if state["state"] == "running" and state["epoch"] >= 1:
                break
            await asyncio.sleep(0.2)
        else:
            pytest.fail(f"the training job was not running when the worker was to be killed: {state}")
        await asyncio.to_thread(lesson.cluster.worker.kill)
        await asyncio.to_thread(lesson.cluster.worker.start)

    outcome = await lesson.play(fault)
    outcome.check()
    job = started["job"]
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        state = await asyncio.to_thread(healthy.ops, "job", str(job))
        if state["state"] in ("succeeded", "failed", "cancelled"):
            break
        await asyncio.sleep(1)
    assert state["state"] == "succeeded", state
    assert state["attempts"] == 2, state  # run again after the kill
    assert state["models"] == 1, state


async def test_all_sockets_dropped_at_once(healthy):
    lesson = Lesson(healthy, "all sockets dropped at once")
    await lesson.setup()

    async def fault(lesson: Lesson) -> None:
        await asyncio.gather(*(s.drop() for s in lesson.students))

    outcome = await lesson.play(fault, fault_delay_s=0.3)
    outcome.check()
    assert all(s.connects >= 2 for s in lesson.students)
    assert all(len(s.identities) == 1 for s in lesson.students)


async def test_one_client_that_stops_reading(healthy):
    lesson = Lesson(healthy, "one client stops reading")
    await lesson.setup()
    slow_student = Student(STUDENTS, lesson.info["code"], lesson.ports)
    await slow_student.join()
    slow = SlowReader(healthy.webs[0].port, lesson.info["code"], slow_student.token)
    await asyncio.to_thread(slow.open)
    log_before = len(healthy.webs[0].log())

    async def fault(lesson: Lesson) -> None:
        # Messages for the slow phone far past its outbox bound (256) and the socket buffers (5,000 of
        # about 2 KB, through Redis and the fan-out like any room message); the room goes on meanwhile.
        flooded = await asyncio.to_thread(
            healthy.ops, "flood", str(lesson.info["session_id"]), str(slow_student.participant_id), "5000"
        )
        assert flooded["published"] == 5000

    try:
        outcome = await lesson.play(fault, fault_delay_s=0.1)
        outcome.check()
        assert outcome.next_question_s is not None, "the room was held up"
        assert outcome.next_question_s < 5, "the room was held up"
        assert await asyncio.to_thread(slow.closed_by_server, 20), "the server kept a socket that stopped reading"
        assert "messages behind; closing it" in healthy.webs[0].log()[log_before:]
    finally:
        slow.close()
