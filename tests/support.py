"""Real processes and services for the tests: a Celery worker, an ASGI server, Redis."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from celery import Celery
from django.db import connection

from core.ws_server import PROTOCOL_PATH

REPO = Path(__file__).resolve().parent.parent
OUTPUT_DIR = REPO / "test-output"
REQUIRE_SERVICES = os.environ.get("A2B_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    """Skip, loudly, when a local service is missing; fail instead where CI requires it."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_database_url() -> str:
    """The URL of the database the test run created, for processes we start."""
    s = connection.settings_dict
    if s["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def child_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=test_database_url(),
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


WORKER_COMMAND = [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO", "--pool=prefork"]
WORKER_COMMAND += ["--concurrency=1", "--without-gossip", "--without-mingle"]


class WorkerHandle:
    """Talks to one worker through its broker (which may differ from the app's default)."""

    def __init__(self, broker_url: str, hostname: str) -> None:
        # A client app of its own: Celery's control and producer pools are per app.
        self.app = Celery("a2blab-test-client", set_as_current=False)
        self.app.config_from_object("django.conf:settings", namespace="CELERY")
        self.app.conf.broker_url = broker_url
        self.hostname = hostname

    def send(self, task_name: str, *args, **kwargs):
        return self.app.send_task(task_name, args=args, kwargs=kwargs)

    def ping(self, timeout: float = 0.5) -> list:
        """The worker's replies; none while a reply read was torn. On the filesystem broker a worker
        killed while writing leaves an empty message file; reading it consumes it and raises."""
        try:
            return self.app.control.ping(timeout=timeout, destination=[self.hostname])
        except ValueError:  # json.JSONDecodeError: that torn message, gone now; the caller asks again
            return []

    def close(self) -> None:
        self.app.close()


@contextmanager
def celery_worker(*, broker_url: str | None = None, name: str = "test") -> Iterator[WorkerHandle]:
    """A real ``celery worker`` process on the test database."""
    from config.celery import app

    broker_url = broker_url or app.conf.broker_url
    log_path = OUTPUT_DIR / f"worker-{name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    hostname = f"{name}-{os.getpid()}@{socket.gethostname()}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*WORKER_COMMAND, "--hostname", hostname],
            cwd=REPO,
            env=child_env(CELERY_BROKER_URL=broker_url),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    handle = WorkerHandle(broker_url, hostname)
    try:
        deadline = time.monotonic() + 60
        while not handle.ping():
            if process.poll() is not None:
                pytest.fail(f"celery worker exited with {process.returncode}: {log_path.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"celery worker did not answer ping in 60 s: {log_path.read_text()[-2000:]}")
        yield handle
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        handle.close()


class ThreadedServer:
    """The real ASGI application under uvicorn, in a thread of the test process
    (so it sees the test database and settings)."""

    def __init__(self, app, port: int | None = None) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            lifespan="off",
            log_level="warning",
            # As core/management/commands/serve.py runs it (sockets take core.ws_direct's path and
            # core.ws_server's lane).
            ws=PROTOCOL_PATH,
            ws_per_message_deflate=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ThreadedServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the ASGI test server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
