"""A real worker process runs a task end to end (no eager mode), on each kind of broker."""

import os

import pytest
from django_celery_results.models import TaskResult

from core.tasks import echo
from tests.support import celery_worker, unavailable

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RABBITMQ_URL = os.environ.get("A2B_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


def run_echo_through(worker) -> None:
    result = worker.send(echo.name, "안녕 A2B")
    assert result.get(timeout=60) == "안녕 A2B"
    stored = TaskResult.objects.get(task_id=result.id)
    assert stored.status == "SUCCESS"
    assert stored.task_name == "core.echo"


def test_worker_on_redis_runs_a_task(redis_url):
    with celery_worker(broker_url=redis_url, name="redis") as worker:
        run_echo_through(worker)


def test_worker_on_rabbitmq_runs_a_task():
    import kombu

    try:
        with kombu.Connection(RABBITMQ_URL, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001
        unavailable(f"RabbitMQ at {RABBITMQ_URL}: {exc}")
    with celery_worker(broker_url=RABBITMQ_URL, name="rabbitmq") as worker:
        run_echo_through(worker)


@pytest.mark.embedded
def test_worker_on_the_configured_broker_makes_healthz_all_ok(client):
    """In the embedded pass this is the filesystem broker; in the production pass, Redis."""
    with celery_worker(name="configured") as worker:
        run_echo_through(worker)
        report = client.get("/healthz").json()
        assert report == {
            "status": "ok",
            "checks": {"database": "ok", "channel_layer": "ok", "broker": "ok", "worker": "ok"},
        }
