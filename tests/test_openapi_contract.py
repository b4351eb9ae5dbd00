"""The OpenAPI schema tells the truth (issue 13, defect 11): schemathesis, every check, every operation.

The real ASGI app serves /api/schema/; schemathesis (its CLI, as a person would run it) fuzzes each
operation as the demo instructor, whose quizzes, room, data sets and workspace give the path
parameters something to act on. Bounded (examples per operation, a time budget) and seeded, so a run
is the same run in CI. A schema-valid request refused with a 400 whose error code the operation
documents for that status (a service's refusal the schema cannot express, e.g. `too_few_for_curve`)
is the documented refusal the check cannot see; every other failure fails the test.
"""

import base64
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from mlcore.models import Dataset
from projects.models import Idea, Membership, Workspace
from quizapp.models import Question, Quiz, Room

pytestmark = [pytest.mark.schema, pytest.mark.django_db(transaction=True), pytest.mark.timeout(480)]

ST = Path(sys.executable).with_name("st")
MAX_EXAMPLES = 20
# Not schemathesis's --max-time: with it, fuzzing and stateful testing repeat until the budget is spent.
# One pass of every phase takes about four minutes on 2 shared cores; the subprocess is killed past this.
MAX_TIME_S = 400
SEED = 13


def _pinned_parameters(config: Path) -> None:
    """Path parameters that name the demo's own objects, so operations get past 404."""
    workspace = Workspace.objects.latest("id")
    pins: dict[str, dict[str, int | str]] = {
        "/api/quizzes/{quiz_id}/": {"quiz_id": Quiz.objects.latest("id").id},
        "/api/questions/{question_id}/": {"question_id": Question.objects.latest("id").id},
        "/api/rooms/{code}/": {"code": Room.objects.latest("id").code},
        "/api/datasets/{dataset_id}/": {"dataset_id": Dataset.objects.latest("id").id},
        "/api/projects/workspaces/{workspace_id}/": {"workspace_id": workspace.id},
        "/api/projects/ideas/{idea_id}/": {"idea_id": Idea.objects.latest("id").id},
    }
    membership = Membership.objects.filter(workspace=workspace).exclude(role="owner").first()
    lines = []
    for prefix, params in pins.items():
        regex = "^" + re.escape(prefix)
        # not DELETE: deleting the pinned object would leave the other operations nothing to act on
        lines += ["[[operations]]", f"include-path-regex = {json.dumps(regex)}", 'exclude-method = "DELETE"']
        values = dict(params)
        if "{workspace_id}" in prefix and membership is not None:
            values["membership_id"] = membership.id
        lines += ["[operations.parameters]"] + [f'"path.{k}" = {json.dumps(v)}' for k, v in values.items()]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _failures(report: Path) -> list[dict]:
    """Each failed check of the run (deduplicated by check, operation and status), with its response."""
    seen: dict[tuple, dict] = {}
    for line in report.read_text(encoding="utf-8").splitlines():
        event = json.loads(line).get("ScenarioFinished")
        if not event:
            continue
        recorder = event["recorder"]
        for case_id, checks in (recorder.get("checks") or {}).items():
            for check in checks:
                if check.get("status") != "failure":
                    continue
                failure = check["failure_info"]["failure"]
                response = (recorder["interactions"].get(case_id) or {}).get("response") or {}
                content = response.get("content") or {}
                body = base64.b64decode(content["$base64"]).decode("utf-8", "replace") if "$base64" in content else ""
                status = response.get("status_code")
                operation = failure.get("operation") or recorder["label"]
                key = (failure["code"], operation, status)
                seen.setdefault(key, {**failure, "operation": operation, "status": status, "body": body})
    return list(seen.values())


def _pinned_artifact(config: Path, failure: dict) -> bool:
    """A "schema-violating request accepted" whose invalid part is a path parameter this test pinned.

    schemathesis draws a wrong-typed id, then the pin replaces it with the real one: the request it
    blames was in fact valid.
    """
    if failure.get("code") != "ST201":
        return False
    blamed = re.search(r"parameter `(\w+)` in path", failure.get("message", ""))
    if blamed is None:
        return False
    return f'"path.{blamed.group(1)}"' in config.read_text(encoding="utf-8")


def _documented_refusal(schema: dict, failure: dict) -> bool:
    """A schema-valid request refused by a rule the schema cannot say, with a code the operation documents.

    A refusal that names ``fields`` is about the request's shape: the schema must say it (minLength,
    enum, required...), so it stays a failure. One without, whose ``code`` the 400's description names
    (`csv_*` covers its prefix), is a service's rule (a true/false question has two options, a CSV is
    binary, the data set is too small for a curve) and is documented.
    """
    if failure.get("code") != "ST202" or failure.get("status") != 400:
        return False
    method, path = failure["operation"].split(" ", 1)
    response = schema["paths"].get(path, {}).get(method.lower(), {}).get("responses", {}).get("400", {})
    try:
        error = json.loads(failure["body"])["error"]
    except (ValueError, KeyError, TypeError):
        return False
    if "fields" in error:
        return False
    documented = re.findall(r"`([a-z_*]+)`", response.get("description", ""))
    return any(error["code"] == d or (d.endswith("*") and error["code"].startswith(d[:-1])) for d in documented)


def test_schemathesis_finds_no_disagreement(live_server_asgi, tmp_path, output_dir, capsys):
    call_command("loaddemo", stdout=io.StringIO())
    token = Token.objects.get_or_create(user=User.objects.get(username="demo"))[0].key
    config = tmp_path / "schemathesis.toml"
    _pinned_parameters(config)
    report = output_dir / "schemathesis.ndjson"  # every case and response, for a failure's post-mortem
    report.unlink(missing_ok=True)
    command = [
        str(ST),
        "--config-file",
        str(config),
        "run",
        f"{live_server_asgi.url}/api/schema/",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--generation-deterministic",
        "--workers",
        "1",
        "--no-color",
        "--header",
        f"Authorization: Token {token}",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
    ]
    run = subprocess.run(  # in tmp_path: the CLI keeps a cache folder where it runs
        command, capture_output=True, text=True, timeout=MAX_TIME_S, check=False, cwd=tmp_path
    )
    summary = run.stdout[run.stdout.rfind("SUMMARY") :] if "SUMMARY" in run.stdout else run.stdout[-4000:]
    assert run.returncode in (0, 1), run.stdout[-3000:] + run.stderr[-3000:]
    assert report.exists(), run.stdout[-3000:]
    failures = _failures(report)
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    real = [f for f in failures if not _documented_refusal(schema, f) and not _pinned_artifact(config, f)]
    with capsys.disabled():
        print(f"\nschemathesis: {len(failures)} failures, {len(failures) - len(real)} documented refusals or pins")
        for failure in real:
            print(f"  {failure['code']} {failure['operation']}: {failure['title']} [{failure.get('status')}]")
    assert not real, f"{len(real)} schema disagreements:\n{summary}"
