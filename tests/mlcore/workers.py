"""A real Celery worker whose process group a test can kill (``tests.support.celery_worker`` keeps
its process to itself; this is the same few lines with the process exposed)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from config.celery import app
from tests.support import OUTPUT_DIR, REPO, WORKER_COMMAND, WorkerHandle, child_env


@dataclass
class Worker:
    handle: WorkerHandle
    process: subprocess.Popen
    log_path: object

    def kill(self) -> None:
        """SIGKILL to the whole process group: the main process and its pool children, no clean-up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


@contextmanager
def killable_worker(*, name: str, broker_url: str | None = None, **env: str) -> Iterator[Worker]:
    broker_url = broker_url or app.conf.broker_url
    log_path = OUTPUT_DIR / f"worker-{name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    hostname = f"{name}-{os.getpid()}@{socket.gethostname()}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*WORKER_COMMAND, "--hostname", hostname],
            cwd=REPO,
            env=child_env(CELERY_BROKER_URL=broker_url, **env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so kill() reaches the pool children too
        )
    worker = Worker(WorkerHandle(broker_url, hostname), process, log_path)
    try:
        deadline = time.monotonic() + 60
        while not worker.handle.ping():
            if process.poll() is not None:
                pytest.fail(f"celery worker exited with {process.returncode}: {worker.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"celery worker did not answer ping in 60 s: {worker.log()}")
        yield worker
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        worker.handle.close()
