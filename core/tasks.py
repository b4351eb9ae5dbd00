from celery import shared_task


@shared_task(name="core.echo")
def echo(value: str) -> str:
    """Round trip through broker, worker and result store; used by health tests."""
    return value
