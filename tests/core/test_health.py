import json
import os
import subprocess
import sys

import pytest

from tests.support import REPO

pytestmark = pytest.mark.embedded


@pytest.mark.django_db
def test_healthz_reports_each_part(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert set(body["checks"]) == {"database", "channel_layer", "broker", "worker"}
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["channel_layer"] == "ok"
    assert body["checks"]["broker"] == "ok"
    # No worker runs in this test: the report says so in words.
    assert body["checks"]["worker"] != "ok"
    assert body["status"] == "degraded"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    script = (
        "from django.test import Client; import json;"
        "r = Client().get('/healthz', HTTP_HOST='localhost');"
        "print(r.status_code); print(r.content.decode())"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",  # nothing listens on port 1
        "A2B_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, body = result.stdout.strip().split("\n", 1)
    assert status == "503", result.stderr
    report = json.loads(body)
    assert report["status"] == "down"
    assert report["checks"]["database"].startswith("OperationalError")
