"""Run the web server (uvicorn, HTTP + WebSockets) and a Celery worker together.

``make run`` ends here. Ctrl-C stops both: each child gets the signal, is given time
to finish, then is terminated.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping

from django.conf import settings
from django.core.management.base import BaseCommand

from core.ws_server import PROTOCOL_PATH

STOP_GRACE_S = 10


def _lan_addresses() -> list[str]:
    """This machine's addresses that phones on the same network can reach."""
    addresses = set()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET address: no packet is sent for UDP connect
            addresses.add(probe.getsockname()[0])
    except OSError:
        pass
    return sorted(a for a in addresses if not a.startswith("127."))


def uvicorn_command(host: str, port: int, env: Mapping[str, str] | None = None) -> list[str]:
    """The web process as ``make run`` starts it (bench/room_load.py starts several of these), for
    the environment it will run in (``env``; this process's by default)."""
    env = os.environ if env is None else env
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "config.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--ws",
        PROTOCOL_PATH,
        "--lifespan",
        "off",
        "--no-server-header",
        # Quiz messages are small: compressing each one for each of thousands of
        # phones costs more CPU than it saves bytes.
        "--ws-per-message-deflate",
        "false",
        # The server's own lines (one per request and per socket opened) follow LOG_LEVEL as the
        # app's do: at WARNING a class of 10,000 joining writes no 20,000 access lines.
        "--log-level",
        env.get("LOG_LEVEL", "INFO").lower(),
        # Above INFO no access line is written, but uvicorn still builds each line's arguments (the
        # client's address, the quoted path) for every request: a class joining pays for nothing.
        *(["--no-access-log"] if env.get("LOG_LEVEL", "INFO").upper() not in ("DEBUG", "INFO") else []),
    ]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Start the ASGI web server and a Celery worker; Ctrl-C stops both."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-worker", action="store_true", help="Start the web server only.")

    def handle(self, *args, host: str, port: int, no_worker: bool, **options) -> None:
        env = os.environ.copy()
        urls = [f"http://{'localhost' if host in ('127.0.0.1', 'localhost') else host}:{port}/"]
        if host in ("0.0.0.0", "::"):  # noqa: S104 - a comparison: list the LAN URLs
            lan = _lan_addresses()
            urls = [f"http://localhost:{port}/"] + [f"http://{a}:{port}/" for a in lan]
            if "ALLOWED_HOSTS" not in env:
                env["ALLOWED_HOSTS"] = ",".join(["localhost", "127.0.0.1", "[::1]", socket.gethostname(), *lan])
        children = {
            "web": subprocess.Popen(
                uvicorn_command(host, port),
                env=env,
            )
        }
        if not no_worker:
            children["worker"] = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    env.get("WORKER_CONCURRENCY", "1"),
                    # A worker child that grew past this (KiB) is replaced after its job.
                    "--max-memory-per-child",
                    env.get("WORKER_MAX_MEMORY_KB", "2000000"),
                    "--hostname",
                    "embedded@%h",
                ],
                env=env,
            )
        self._banner(urls)
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            while all(child.poll() is None for child in children.values()):
                time.sleep(0.5)
            failed = [name for name, child in children.items() if child.poll() is not None]
            self.stderr.write(
                f"{', '.join(failed)} stopped (exit {children[failed[0]].returncode}); stopping the rest."
            )
        except KeyboardInterrupt:
            self.stdout.write("\nStopping web server and worker ...")
        self._stop(children)

    def _banner(self, urls: list[str]) -> None:
        line = "-" * 64
        self.stdout.write(line)
        self.stdout.write("A2B Lab is starting (web server + Celery worker, embedded default).")
        for url in urls:
            self.stdout.write(f"  Home:         {url}")
        self.stdout.write(f"  Students:     {urls[-1]}join  (the demo room: {urls[-1]}r/MODULABS/)")
        self.stdout.write(f"  Instructors:  {urls[0]}rooms/  (console, projector, quizzes)")
        self.stdout.write(f"  Health:       {urls[0]}healthz")
        self.stdout.write(f"  API docs:     {urls[0]}api/docs/")
        self.stdout.write(
            f"  Demo instructor: {settings.DEMO_INSTRUCTOR_USERNAME} / {settings.DEMO_INSTRUCTOR_PASSWORD}"
            f"  (log in at {urls[0]}accounts/login/)"
        )
        self.stdout.write("  Press Ctrl-C to stop.")
        self.stdout.write(line)

    def _stop(self, children: dict[str, subprocess.Popen]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGINT if os.name != "nt" else signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.terminate()
                try:
                    child.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    child.kill()
        self.stdout.write("Stopped.")
