"""What the benchmarks share: a server of the app in a fresh folder, percentiles and the table.

Each benchmark starts ``manage.py serve`` (the embedded default: uvicorn, SQLite, in-memory layer,
and unless told otherwise a Celery worker on the filesystem broker) in its own temporary folder, so
it never touches a running ``make run`` and measures the same process shape a user gets.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def now_ms() -> float:
    return time.perf_counter() * 1000


@contextmanager
def served(var_dir: str, *, worker: bool = True, env: dict[str, str] | None = None) -> Iterator[int]:
    """``manage.py serve`` on a free port with ``var_dir`` as its folder; yields the port once it
    accepts connections, and stops the server (and its worker) afterwards."""
    port = free_port()
    environment = {
        **os.environ,
        "A2B_VAR_DIR": var_dir,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    command = [sys.executable, "manage.py", "serve", "--port", str(port)]
    if not worker:
        command.append("--no-worker")
    with open(Path(var_dir) / "server.log", "wb") as server_log:
        server = subprocess.Popen(
            command, cwd=REPO, env=environment, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.3)
            yield port
        finally:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)


def print_table(rows: list[tuple[str, object]]) -> None:
    """``metric  value`` rows; a tuple prints as ``a / b / c``, floats rounded."""
    width = max(len(name) for name, _ in rows) + 2
    print(f"{'metric':{width}} value")
    for name, value in rows:
        if isinstance(value, tuple):
            value = " / ".join(f"{v:.0f}" if isinstance(v, float) else str(v) for v in value)
        elif isinstance(value, float):
            value = f"{value:.2f}"
        print(f"{name:{width}} {value}")


async def http_post_json(port: int, path: str, body: dict) -> tuple[int, dict]:
    """POST JSON over a bare socket (thousands at once: no client library's pool in the way)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    data = json.dumps(body).encode()
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\nContent-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
        + data
    )
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head.lower():
        chunks, rest = [], payload
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line, 16)
            if size == 0:
                break
            chunks.append(rest[:size])
            rest = rest[size + 2 :]
        payload = b"".join(chunks)
    return status, json.loads(payload or b"{}")
