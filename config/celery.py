"""The Celery application; its settings come from Django's (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("a2blab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
