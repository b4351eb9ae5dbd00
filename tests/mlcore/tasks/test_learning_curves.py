"""Learning-curve jobs through a real Celery worker process (no eager mode).

**The key test** (issue #8: "the predicted data needed lies within a factor of 2 of what is measured
by training on that much"): a learning-curve job on a sample of 2,000 examples of the teacher–student
perceptron (``tests/mlcore/curve_data.py`` says why its curve is known: Bayes error 0, a linear
baseline of the right family, error falling as a power of n / d) predicts how many training examples
97% accuracy takes. Its slices train on at most about 1,070 examples; the answer (about 1,700 by
measurement) is an extrapolation. The test then finds the real number by training the baseline's model
(``train(model="linear")``: imputer, scaler, logistic regression) on fresh samples of growing size,
scored on 40,000 held-out examples, and checks the prediction is within a factor of two of it.

How honest one seed is: ``bench/learning_curve_check.py`` repeats the prediction for 30 data sets of
the same generator (data seeds 1000..1029; this test uses the first, 1000, whose prediction is about
2,100: 1.25 times the measured 1,690). 27 of 30 fall within a factor of two and one more at 2.01; the
median ratio is 1.34 (the power law fitted on small slices overestimates a little, because the true
curve still steepens towards its 1/n asymptote). The two far misses (4.4x, 4.8x) are the data sets
where the fitted floor came out above zero; their 80% band has no top, which says so.

Also: a small job end to end in the embedded default (SQLite, filesystem broker) with its progress
seen while it runs.
"""

from __future__ import annotations

import time

import pytest

from mlcore.data_needed import examples_needed_for
from mlcore.services import datasets
from mlcore.services.learning_curves import learning_curve_job_create
from tests.mlcore.curve_data import smallest_n_reaching, table_csv, teacher_student
from tests.mlcore.workers import killable_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WORKER_SETTINGS = {"DJANGO_SETTINGS_MODULE": "tests.mlcore.worker_settings"}
DIMENSIONS, SAMPLE, DATA_SEED, ACCURACY = 100, 2000, 1000, 0.97


def upload(owner, n: int, d: int, seed: int):
    X, y = teacher_student(n, d, seed)
    return datasets.dataset_create_from_csv(
        owner=owner, name=f"teacher {d}", data=table_csv(X, y), target="y", task="classification"
    )


def wait_for(job, predicate, timeout: float, seen: list | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if seen is not None and (not seen or seen[-1] != (job.state, job.step)):
            seen.append((job.state, job.step))
        if predicate(job):
            return job
        time.sleep(0.05)
    pytest.fail(f"job {job.id} stuck in {job.state} (step {job.step}/{job.steps}, attempts {job.attempts})")


def test_predicted_examples_needed_match_training_on_that_many(teacher):
    dataset = upload(teacher, SAMPLE, DIMENSIONS, DATA_SEED)
    with killable_worker(name="mlcore-curve", **WORKER_SETTINGS) as worker:
        job = learning_curve_job_create(owner=teacher, dataset=dataset, target=ACCURACY)
        wait_for(job, lambda j: j.finished, 120)
        assert job.state == "succeeded", (job.error_code, job.error_detail, worker.log())
    result = job.result
    assert result["examples_on_hand"] == SAMPLE
    largest_slice = result["points"][-1]["n"]
    assert 1066 <= largest_slice <= 1067  # 0.8 of a fold's 1,333 or 1,334 training examples
    predicted = result["needed"]
    assert predicted == examples_needed_for(result, ACCURACY)
    assert predicted["reachable"] is True
    assert predicted["low"] <= predicted["estimate"]
    assert predicted["high"] is None or predicted["estimate"] <= predicted["high"]

    # By measurement: train the baseline on fresh samples of growing size (the error at 300 examples
    # is about 12%, at 12,000 under 1%: the target lies between) and find where 97% is reached.
    measured = smallest_n_reaching(1 - ACCURACY, DIMENSIONS, lo=300, hi=12_000, test_size=40_000, repeats=10)
    assert measured > largest_slice  # the answer is an extrapolation beyond what the job trained on
    ratio = predicted["estimate"] / measured
    assert 0.5 <= ratio <= 2.0, (predicted, measured, result["fit"]["b"], result["fit"]["c"])


@pytest.mark.embedded
def test_a_small_job_end_to_end(teacher):
    """Through whatever broker the settings name: the filesystem one in the embedded pass, Redis in
    the production pass; progress reaches the row while the job runs."""
    dataset = upload(teacher, 240, 4, seed=3)
    seen: list[tuple[str, int]] = []
    with killable_worker(name="mlcore-curve-small", **WORKER_SETTINGS) as worker:
        job = learning_curve_job_create(owner=teacher, dataset=dataset, target=0.9, fractions=[0.25, 0.5, 0.75, 1])
        wait_for(job, lambda j: j.finished, 60, seen)
        assert job.state == "succeeded", (job.error_code, job.error_detail, worker.log())
    assert any(state == "running" for state, _ in seen), seen  # watched while it ran
    assert job.attempts == 1
    assert (job.step, job.steps, job.progress) == (12, 12, 1.0)
    assert [p["fraction"] for p in job.result["points"]] == [0.25, 0.5, 0.75, 1.0]
    assert job.result["needed"]["target"] == 0.9
    assert job.result["fit"] is not None
