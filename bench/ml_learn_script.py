"""Benchmark mlcore.learn's CNN on the generated doodles (plain Python, no Django).

    .venv/bin/python bench/ml_learn_script.py [--per-class 500] [--threads 2] [--seed 0]

Prints seconds from calling train() to the first epoch with >= 90% held-out accuracy, the final held-out
accuracy, batched prediction throughput and single-image latency (p50/p95), then one JSON line.
Targets: >= 90% within 30 s and >= 1,000 images/s batched, with 2 threads.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import torch

from mlcore.learn import cnn, generate_doodles, predict, train


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=500)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=None, help="default: the library default")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    cnn.MAX_THREADS = args.threads

    started = time.perf_counter()
    images, labels = generate_doodles(per_class=args.per_class, seed=args.seed)
    generate_s = time.perf_counter() - started
    print(f"generated {len(images)} doodles in {generate_s:.2f} s")

    epochs: list[dict] = []
    first_90: list[float] = []
    t0 = time.perf_counter()

    def progress(event: dict) -> None:
        if event["stage"] != "epoch":
            return
        now = time.perf_counter() - t0
        epochs.append({**event, "wall": now})
        if event["val_accuracy"] >= 0.9 and not first_90:
            first_90.append(now)
        print(
            f"  epoch {event['epoch']:2d}/{event['epochs']}  {now:6.2f} s  "
            f"train loss {event['train_loss']:.3f} acc {event['train_accuracy']:.3f}  "
            f"held-out loss {event['val_loss']:.3f} acc {event['val_accuracy']:.3f}",
            flush=True,
        )

    params = {} if args.epochs is None else {"epochs": args.epochs}
    model = train(images, labels, task="image_classification", params=params, seed=args.seed, progress=progress)
    train_s = time.perf_counter() - t0

    batch_rates = []
    for _ in range(3):
        t = time.perf_counter()
        predict(model, images)
        batch_rates.append(len(images) / (time.perf_counter() - t))
    single = []
    for i in range(300):
        t = time.perf_counter()
        predict(model, images[i])
        single.append((time.perf_counter() - t) * 1000)
    single = single[20:]  # the first calls warm caches

    result = {
        "images": len(images),
        "threads": torch.get_num_threads(),
        "generate_seconds": round(generate_s, 2),
        "train_seconds": round(train_s, 2),
        "seconds_to_90": round(first_90[0], 2) if first_90 else None,
        "final_heldout_accuracy": round(model.metrics["accuracy"], 4),
        "n_validation": model.metrics["n_validation"],
        "epochs": len(epochs),
        "batched_images_per_second": round(statistics.median(batch_rates)),
        "single_image_ms_p50": round(float(np.percentile(single, 50)), 3),
        "single_image_ms_p95": round(float(np.percentile(single, 95)), 3),
    }
    print(f"seconds to >= 90% held-out accuracy: {result['seconds_to_90']}")
    print(f"final held-out accuracy: {result['final_heldout_accuracy']:.4f} on {result['n_validation']} images")
    print(f"training: {result['train_seconds']} s for {result['epochs']} epochs")
    print(f"batched prediction: {result['batched_images_per_second']} images/s")
    print(f"single image: p50 {result['single_image_ms_p50']} ms, p95 {result['single_image_ms_p95']} ms")
    print(json.dumps(result))
    ok = (result["seconds_to_90"] or 1e9) <= 30 and result["batched_images_per_second"] >= 1000
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
