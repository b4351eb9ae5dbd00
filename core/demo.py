"""Demo data for every app: each app may have a ``demo`` module with ``load(instructor=...)``.

Loading is idempotent: every ``load`` creates only what is missing and returns
a short description of what it created.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from accounts.services import demo_instructor_ensure


@transaction.atomic
def demo_load_all() -> tuple[User, list[str]]:
    instructor, created = demo_instructor_ensure(
        username=settings.DEMO_INSTRUCTOR_USERNAME, password=settings.DEMO_INSTRUCTOR_PASSWORD
    )
    created_items = [f"instructor {instructor.username}"] if created else []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.demo"
        if app_config.name == "core" or find_spec(module_name) is None:
            continue
        created_items += import_module(module_name).load(instructor=instructor)
    return instructor, created_items
