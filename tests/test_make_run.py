"""What ``make run`` does, end to end on the embedded default: migrate, demo data,
web server + worker together, /healthz all ok, Ctrl-C stops both."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.support import REPO, free_port

pytestmark = pytest.mark.embedded_only


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )


def test_serve_starts_web_and_worker_and_stops_on_ctrl_c(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}},
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "A2B_VAR_DIR": str(tmp_path),
    }
    env = {k: v for k, v in env.items() if not k.startswith("PYTEST_")}
    assert manage(env, "migrate", "--no-input").returncode == 0
    first = manage(env, "loaddemo")
    assert "instructor demo" in first.stdout
    assert "MODULABS" in first.stdout
    assert "nothing changed" in manage(env, "loaddemo").stdout, "loading the demo twice changes nothing"

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        report = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    report = json.loads(response.read())
                if report["status"] == "ok":
                    break
            except OSError:
                pass
            time.sleep(1)
        assert report is not None
        assert report["status"] == "ok", report
        # Ctrl-C in a terminal reaches the whole process group.
        os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 0
    assert f"http://localhost:{port}/" in output
    assert "Demo instructor: demo / modulabs-demo" in output
    assert "Stopped." in output
