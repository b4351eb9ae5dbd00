"""The production shape in miniature, owned by the fault suite: its own Redis and PostgreSQL on spare
ports (never the machine's shared 6379/5432), two uvicorn web processes and one Celery worker.

Every process logs to ``test-output/faults-<name>.log``. Each piece can be killed and started again
(``Redis.restart``, ``Postgres.restart``, ``Web.kill``/``start``, ``Worker.kill``/``start``) so the
scenarios in ``test_faults.py`` can break it the way production breaks.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from core.ws_server import PROTOCOL_PATH
from tests.support import OUTPUT_DIR, REPO, free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SETTINGS = "tests.faults.settings"


class FaultSetupError(RuntimeError):
    """The cluster could not be brought up (a missing binary, a process that would not start)."""


def _wait(predicate, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise FaultSetupError(f"{what} not ready in {timeout:.0f} s\n{tail}")


def _stop(process: subprocess.Popen | None, *, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _log(name: str) -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR / f"faults-{name}.log"


def _spawn(command: list[str], *, name: str, env: dict[str, str] | None = None, **kwargs: Any) -> subprocess.Popen:
    with _log(name).open("ab") as log:
        return subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True, **kwargs
        )


class Redis:
    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.dir = root / "redis"
        self.dir.mkdir()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True, timeout=5, check=False
        )
        return result.stdout.strip() == "PONG"

    def start(self) -> None:
        self.process = _spawn(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            name="redis",
        )
        _wait(self._ping, 20, "redis-server", _log("redis"))

    def kill(self) -> None:
        _stop(self.process, sig=signal.SIGKILL)

    def restart(self, down_s: float) -> None:
        """SIGKILL (no clean shutdown: what a crash or an OOM kill does), ``down_s`` down, start again."""
        self.kill()
        time.sleep(down_s)
        self.start()


class Postgres:
    """A throw-away cluster in a temporary folder, run as the ``postgres`` OS user (initdb refuses root)."""

    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.data = root / "pgdata"
        self.sockets = root / "pgsock"
        self.process: subprocess.Popen | None = None

    def _as_postgres(self, command: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/a2blab_faults"

    def init(self) -> None:
        for path in (self.data, self.sockets):
            path.mkdir()
            if os.geteuid() == 0:
                shutil.chown(path, "postgres", "postgres")
        subprocess.run(
            self._as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                               "-E", "UTF8", "--locale=C.UTF-8"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def _ready(self) -> bool:
        result = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"], check=False, timeout=5
        )
        return result.returncode == 0

    def start(self) -> None:
        self.process = _spawn(
            self._as_postgres([str(PG_BIN / "postgres"), "-D", str(self.data), "-p", str(self.port),
                               "-k", str(self.sockets), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                               "-c", "full_page_writes=off",
                               "-c", "max_connections=300"]),
            name="postgres",
        )  # fmt: skip
        _wait(self._ready, 30, "postgres", _log("postgres"))

    def create_database(self) -> None:
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "a2blab_faults"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        if self.process is None or self.process.poll() is not None:
            return
        subprocess.run(
            self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop"]),
            check=False, capture_output=True, timeout=60,
        )  # fmt: skip
        self.process.wait(timeout=30)

    def restart(self, down_s: float) -> None:
        """``pg_ctl stop -m immediate`` (every connection dropped, as a crash does), then start again."""
        self.stop("immediate")
        time.sleep(down_s)
        self.start()


class Web:
    """One uvicorn process serving ``config.asgi:application`` (as ``manage.py serve`` runs it)."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.port = free_port()
        self.env = env
        self.process: subprocess.Popen | None = None

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as response:
                return json.loads(response.read())["checks"]["database"] == "ok"
        except (OSError, ValueError, KeyError):
            return False

    def start(self) -> None:
        self.process = _spawn(
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--ws", PROTOCOL_PATH, "--lifespan", "off", "--no-server-header",
             "--ws-per-message-deflate", "false", "--log-level", "warning"],
            name=self.name, env=self.env, cwd=REPO,
        )  # fmt: skip
        _wait(self._healthy, 60, f"web process {self.name}", _log(self.name))

    def kill(self) -> None:
        _stop(self.process, sig=signal.SIGKILL)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return _log(self.name).read_text(errors="replace")


class Worker:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        offset = _log("worker").stat().st_size
        self.process = _spawn(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO", "--pool=prefork",
             "--concurrency=1", "--without-gossip", "--without-mingle", "--hostname", f"faults{self.starts}@%h"],
            name="worker", env=self.env, cwd=REPO,
        )  # fmt: skip
        _wait(lambda: b" ready." in _log("worker").read_bytes()[offset:], 60, "celery worker", _log("worker"))

    def kill(self) -> None:
        """SIGKILL to the worker's whole process group: the main process and its pool child."""
        _stop(self.process, sig=signal.SIGKILL)


class Cluster:
    def __init__(self) -> None:
        for binary in ("redis-server", "redis-cli", "runuser"):
            if shutil.which(binary) is None:
                raise FaultSetupError(f"{binary} is not installed")
        if not (PG_BIN / "initdb").exists():
            raise FaultSetupError(f"PostgreSQL 15 binaries are not in {PG_BIN}")
        self.root = Path(tempfile.mkdtemp(prefix="a2b-faults-"))
        os.chmod(self.root, 0o755)  # noqa: S103 - the postgres user must reach its data folder inside
        self.redis = Redis(self.root)
        self.postgres = Postgres(self.root)
        self.var = self.root / "var"
        self.var.mkdir()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_", "CELERY_"))}
        self.env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS,
            A2B_VAR_DIR=str(self.var),
            DATABASE_URL=self.postgres.url,
            REDIS_URL=self.redis.url,
            SECRET_KEY="faults-" + "x" * 50,
            QUIZ_JOIN_RATE_PER_ADDRESS="100000/m",
            QUIZ_JOIN_RATE_PER_ROOM="100000/m",
            PYTHONUNBUFFERED="1",
            LOG_LEVEL="WARNING",
        )
        self.webs = [Web("web1", self.env), Web("web2", self.env)]
        self.worker = Worker(self.env)
        for name in ("redis", "postgres", "web1", "web2", "worker"):
            _log(name).write_text(f"--- start {time.strftime('%H:%M:%S')}\n")

    def start(self) -> None:
        self.postgres.init()
        self.postgres.start()
        self.postgres.create_database()
        self.redis.start()
        self.manage("migrate", "--no-input", "-v", "0", timeout=300)
        for web in self.webs:
            web.start()
        self.worker.start()

    def manage(self, *args: str, timeout: float = 120) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=REPO, env=self.env, capture_output=True, text=True,
            timeout=timeout, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise FaultSetupError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
        return result.stdout

    def ops(self, *args: str, timeout: float = 120) -> Any:
        """Run ``tests/faults/ops.py`` against the cluster's database; its last line is JSON."""
        result = subprocess.run(
            [sys.executable, "-m", "tests.faults.ops", *args], cwd=REPO, env=self.env, capture_output=True,
            text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise FaultSetupError(f"ops {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def heal(self) -> None:
        """Whatever a scenario broke is running again before the next one."""
        if self.redis.process is None or self.redis.process.poll() is not None:
            self.redis.start()
        if self.postgres.process is None or self.postgres.process.poll() is not None:
            self.postgres.start()
        for web in self.webs:
            if not web.alive:
                web.start()
        if self.worker.process is None or self.worker.process.poll() is not None:
            self.worker.start()

    def stop(self) -> None:
        _stop(self.worker.process)
        for web in self.webs:
            _stop(web.process)
        self.redis.kill()
        self.postgres.stop("fast")
        shutil.rmtree(self.root, ignore_errors=True)
