"""The OpenAPI schema tells the truth (issue 13, defect 11): schemathesis, every check, every operation.

The real ASGI app serves /api/schema/; schemathesis (its CLI, as a person would run it) fuzzes each
operation as the demo instructor, whose quizzes, room, data sets and workspace give the path
parameters something to act on. Bounded (examples per operation, a time budget) and seeded, so a run
is the same run in CI. schemathesis must report no failure at all.

A schema-valid request that a rule the schema cannot express refuses (a CSV that is binary, a data
set too small for a curve) is a documented 422 (docs/adr/0009-400-for-the-schema-422-for-a-rule.md),
so `positive_data_acceptance` expects 422 beside its defaults; a 400 is for a request the schema
itself calls invalid, and a schema-valid one refused with a 400 fails.
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


#: schemathesis's defaults for `positive_data_acceptance`, and 422: the documented refusal of a rule.
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
#: Operations whose only input besides the pinned id is a filter query: a negative case there that
#: breaks the id is undone by the pin (the request sent is valid), so they are fuzzed with valid data
#: only; their filters' refusals are tested in tests/projects/apis/test_ranking.py.
POSITIVE_ONLY = r"/ranking(/|\.csv)$"


def _config(config: Path) -> None:
    """The run's configuration: what a valid request may answer, and the pinned path parameters."""
    lines = [
        # Every text field refuses NUL with a 400. A JSON body's schema says so (a pattern); a form
        # field's cannot, because schemathesis negates a pattern in multipart with valid text
        # (core.apis.AppAutoSchema): so no NUL is generated, rather than one the schema does not forbid.
        "[generation]",
        "allow-x00 = false",
        "[checks.positive_data_acceptance]",
        f"expected-statuses = {json.dumps(POSITIVE_STATUSES)}",
        "[[operations]]",
        f"include-path-regex = {json.dumps(POSITIVE_ONLY)}",
        "[operations.generation]",
        'mode = "positive"',
    ]
    config.write_text("\n".join(lines + _pinned_parameters()) + "\n", encoding="utf-8")


def _pinned_parameters() -> list[str]:
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
    return lines


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


def test_schemathesis_finds_no_disagreement(live_server_asgi, tmp_path, output_dir, capsys):
    call_command("loaddemo", stdout=io.StringIO())
    token = Token.objects.get_or_create(user=User.objects.get(username="demo"))[0].key
    config = tmp_path / "schemathesis.toml"
    _config(config)
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
    with capsys.disabled():
        print(f"\nschemathesis: {len(failures)} failures")
        for failure in failures:
            print(f"  {failure['code']} {failure['operation']}: {failure['title']} [{failure.get('status')}]")
    assert not failures, f"{len(failures)} schema disagreements:\n{summary}"
    assert run.returncode == 0, summary
