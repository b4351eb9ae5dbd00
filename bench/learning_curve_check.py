"""How often is a learning curve's "examples needed" within a factor of two of the truth?

    .venv/bin/python bench/learning_curve_check.py [--seeds 30] [--dimensions 100] [--sample 2000] [--accuracy 0.97]

The data is the teacher–student perceptron of ``tests/mlcore/curve_data.py`` (its curve is known: Bayes
error 0, a linear baseline of the right family). The truth is measured once: the smallest training-set
size at which the baseline's model reaches the accuracy on 40,000 held-out examples. Then, for every data
seed, ``mlcore.learn.learning_curve`` runs on a sample (default fractions and folds, seed 0, the data
passed as CSV text cells, as the learning-curve job reads an uploaded table) and predicts the size.
Prints one row per seed, then one JSON line: ``seeds``, ``within_2x``, ``median_ratio``, ``min_ratio``,
``max_ratio``, ``band_covers_truth`` (how often the 80% band holds the measured size), ``truth``.
The worker test in tests/mlcore/tasks/test_learning_curves.py is seed 1000.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mlcore.learn import examples_needed, learning_curve
from tests.mlcore.curve_data import smallest_n_reaching, teacher_student


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--dimensions", type=int, default=100)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--accuracy", type=float, default=0.97)
    args = parser.parse_args()
    started = time.perf_counter()
    truth = smallest_n_reaching(1 - args.accuracy, args.dimensions, lo=300, hi=12_000)
    print(f"measured: {truth} training examples reach {args.accuracy:.1%} ({time.perf_counter() - started:.1f} s)")
    print(f"{'seed':>6} {'estimate':>9} {'low':>7} {'high':>7} {'ratio':>6}")
    ratios, covered = [], 0
    for seed in range(1000, 1000 + args.seeds):
        X, y = teacher_student(args.sample, args.dimensions, seed)
        rows = [{f"x{j + 1}": f"{v:.6g}" for j, v in enumerate(row)} for row in X]
        curve = learning_curve(rows, [str(v) for v in y], task="classification", seed=0)
        estimate, low, high = examples_needed(curve["fit"], 1 - args.accuracy, measured_max=max(curve["sizes"]))
        ratio = estimate / truth
        ratios.append(ratio)
        covered += low <= truth <= high
        print(f"{seed:>6} {estimate:>9.0f} {low:>7.0f} {high:>7.0f} {ratio:>6.2f}")
    finite = [r for r in ratios if math.isfinite(r)]
    summary = {
        "seeds": args.seeds,
        "within_2x": sum(1 for r in ratios if 0.5 <= r <= 2),
        "median_ratio": round(statistics.median(ratios), 3),
        "min_ratio": round(min(finite), 3) if finite else None,
        "max_ratio": round(max(finite), 3) if finite else None,
        "unreachable": len(ratios) - len(finite),
        "band_covers_truth": covered,
        "truth": truth,
        "dimensions": args.dimensions,
        "sample": args.sample,
        "accuracy": args.accuracy,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
