"""ML jobs benchmark: the doodle CNN as a Celery job against the same training as a plain script.

Starts ``manage.py serve`` (web + one worker, embedded default) in a fresh folder and, through the
REST API with a token: adds the built-in doodles (10 classes x 500, 28x28), trains (8 epochs),
classifies 1,000 new doodles as a job, and times single-image predictions over HTTP. In the same
run it trains the same CNN in this process with ``mlcore.learn`` (the plain-script reference).

Prints a table, then one JSON object as the last line. Loopback only; bounded in time.

    python bench/ml_jobs.py
"""

import argparse
import io
import json
import os
import sys
import tempfile
import time
import urllib.request
import uuid
import zipfile
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.harness import log, pct, print_table, served  # noqa: E402

PARAMS = {"epochs": 8}


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, *, body: bytes | None = None, content_type: str = "") -> dict:
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Authorization", f"Token {self.token}")
        request.add_header("Accept", "application/json")
        if content_type:
            request.add_header("Content-Type", content_type)
        with urllib.request.urlopen(request, timeout=600) as response:
            return json.loads(response.read() or b"{}")

    def post_json(self, path: str, payload: dict) -> dict:
        return self.call("POST", path, body=json.dumps(payload).encode(), content_type="application/json")

    def post_files(self, path: str, fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> dict:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, data in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n".encode()
                + data
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.call("POST", path, body=b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}")

    def wait(self, path: str, timeout_s: float = 600) -> dict:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            job = self.call("GET", path)
            if job["state"] in {"succeeded", "failed", "cancelled"}:
                return job
            time.sleep(0.2)
        raise TimeoutError(f"{path} did not finish in {timeout_s} s")


def png(image) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def parse_time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def seconds_to(history: list[dict], accuracy: float) -> float | None:
    return next((h["seconds"] for h in history if (h.get("val_accuracy") or 0) >= accuracy), None)


def script_reference() -> dict:
    """The same training as a plain script, in this process (the reference)."""
    from mlcore.learn import generate_doodles, train

    images, labels = generate_doodles(per_class=500, seed=0)
    history: list[dict] = []
    start = time.perf_counter()
    model = train(images, labels, task="image_classification", params=PARAMS, seed=0, progress=history.append)
    wall = time.perf_counter() - start
    epochs = [e for e in history if e.get("val_accuracy") is not None]
    return {"wall_s": wall, "to_90_s": seconds_to(epochs, 0.9), "accuracy": model.metrics["accuracy"]}


def prepare(var_dir: str) -> str:
    os.environ["A2B_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench", password=uuid.uuid4().hex)
    return Token.objects.create(user=user).key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--predictions", type=int, default=200)
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="a2b-mlbench-")
    token = prepare(var_dir)
    log("plain-script reference: training the doodle CNN in this process ...")
    script = script_reference()
    log(f"  {script['wall_s']:.1f} s, held-out accuracy {script['accuracy']:.3f}")

    with served(var_dir) as port:
        api = Api(f"http://127.0.0.1:{port}/api", token)
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    if json.loads(response.read())["checks"]["worker"] == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the server and worker did not come up in 90 s")
            time.sleep(0.5)

        log("adding the built-in doodles (10 x 500) ...")
        dataset = api.post_json("/datasets/builtin/", {"which": "doodles", "per_class": 500})
        log("training as a Celery job ...")
        requested = time.time()
        job = api.post_json("/training-jobs/", {"dataset": dataset["id"], "params": PARAMS, "seed": 0})
        job = api.wait(f"/training-jobs/{job['id']}/")
        done = time.time()
        if job["state"] != "succeeded":
            raise RuntimeError(f"training job ended {job['state']}: {job['error']}")
        queued_s = parse_time(job["started_at"]) - parse_time(job["created_at"])
        run_s = parse_time(job["finished_at"]) - parse_time(job["started_at"])
        job_to_90 = seconds_to(job["history"], 0.9)
        model_id = job["model"]
        model = api.call("GET", f"/models/{model_id}/")
        heldout = model["metrics"].get("accuracy")

        log("classifying 1,000 new doodles as a job ...")
        from mlcore.learn import generate_doodles

        fresh, _ = generate_doodles(per_class=100, seed=1)
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as bundle:
            for i, image in enumerate(fresh):
                bundle.writestr(f"new/{i:04d}.png", png(image))
        classification = api.post_files(
            "/classification-jobs/", {"model": str(model_id)}, [("file", "new.zip", archive.getvalue())]
        )
        classification = api.wait(f"/classification-jobs/{classification['id']}/")
        classify_s = parse_time(classification["finished_at"]) - parse_time(classification["started_at"])
        classified = classification["done"]

        log(f"{args.predictions} single-image predictions over HTTP ...")
        one = png(fresh[0])
        latencies = []
        for _ in range(args.predictions):
            start = time.perf_counter()
            api.post_files(f"/models/{model_id}/predict/", {}, [("file", "one.png", one)])
            latencies.append((time.perf_counter() - start) * 1000)

    end_to_end = done - requested
    train_seconds = queued_s + (job_to_90 if job_to_90 is not None else run_s)
    rows = [
        ("plain script: training wall s", f"{script['wall_s']:.1f}"),
        ("plain script: s to >= 90 % held-out", f"{script['to_90_s']:.1f}" if script["to_90_s"] else "never"),
        ("plain script: held-out accuracy", f"{script['accuracy']:.3f}"),
        ("job: queued s (request -> worker start)", f"{queued_s:.2f}"),
        ("job: running s (load, train, save, register)", f"{run_s:.1f}"),
        ("job: request -> succeeded s", f"{end_to_end:.1f}"),
        ("job: s to >= 90 % held-out (incl. queue)", f"{train_seconds:.1f}"),
        ("job: held-out accuracy", f"{heldout:.3f}"),
        ("celery job / plain script (wall)", f"{end_to_end / script['wall_s']:.2f}"),
        ("classification job: images / s", f"{classified / classify_s:.0f} ({classified} in {classify_s:.2f} s)"),
        ("predict over HTTP p50 / p95 ms", f"{pct(latencies, 50):.1f} / {pct(latencies, 95):.1f}"),
    ]
    print_table(rows)
    print(
        json.dumps(
            {
                "train_seconds": round(train_seconds, 2),
                "heldout_accuracy": round(heldout, 4),
                "celery_vs_script_ratio": round(end_to_end / script["wall_s"], 3),
                "script_train_seconds": round(script["wall_s"], 2),
                "job_end_to_end_seconds": round(end_to_end, 2),
                "classify_images_per_s": round(classified / classify_s, 1),
                "predict_p50_ms": round(pct(latencies, 50), 2),
                "predict_p95_ms": round(pct(latencies, 95), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
