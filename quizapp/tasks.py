"""Celery tasks of the live quiz: thin interfaces that take ids and call one service."""

from celery import shared_task

from quizapp.drawing.services import drawings_render


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def render_drawings(drawing_ids: list[int]) -> int:
    """Render stored drawings (a picture and the data set's 28 x 28 copy); idempotent."""
    return drawings_render(drawing_ids=[int(i) for i in drawing_ids][:1000])
