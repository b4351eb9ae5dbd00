"""Checks behind ``/healthz``: each returns ``"ok"`` or the error text a person can act on.

The broker and worker checks use Celery's current app (the project's, set when ``config`` loads),
so core does not import the configuration."""

import asyncio
import logging

from asgiref.sync import async_to_sync
from celery import current_app as celery_app
from channels.layers import get_channel_layer
from django.db import connection

logger = logging.getLogger(__name__)

OK = "ok"
TIMEOUT_S = 2.0


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        logger.warning("health: database check failed: %s", exc)
        return _describe(exc)
    return OK


async def _layer_round_trip() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    received = await asyncio.wait_for(layer.receive(channel), TIMEOUT_S)
    if received.get("type") != "healthz.ping":
        raise RuntimeError("the channel layer returned another message")


def check_channel_layer() -> str:
    try:
        async_to_sync(_layer_round_trip)()
    except Exception as exc:  # noqa: BLE001
        logger.warning("health: channel layer check failed: %s", exc)
        return _describe(exc) if not isinstance(exc, TimeoutError) else "TimeoutError: no reply in 2 s"
    return OK


def check_broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001
        logger.warning("health: broker check failed: %s", exc)
        return _describe(exc)
    return OK


def check_worker() -> str:
    try:
        replies = celery_app.control.ping(timeout=TIMEOUT_S / 2)
    except Exception as exc:  # noqa: BLE001
        return _describe(exc)
    if not replies:
        return "no Celery worker replied within 1 s"
    return OK


def health_report() -> tuple[dict, bool]:
    """The report and whether the site can serve (it can while the database is up)."""
    checks = {
        "database": check_database(),
        "channel_layer": check_channel_layer(),
        "broker": check_broker(),
    }
    checks["worker"] = check_worker() if checks["broker"] == OK else "broker unreachable"
    serving = checks["database"] == OK
    status = "ok" if all(v == OK for v in checks.values()) else ("degraded" if serving else "down")
    return {"status": status, "checks": checks}, serving
