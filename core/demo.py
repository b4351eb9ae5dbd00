"""Demo data for every app: each app may have a ``demo`` module with ``load(instructor=...)``.

Loading is idempotent: every ``load`` creates only what is missing and returns
a short description of what it created. Core knows no app: it finds the ``demo`` modules through
the app registry; the demo instructor they are loaded for is ``accounts``' (``accounts.services.demo_load_all``).
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.contrib.auth.models import User


def demo_load_apps(*, instructor: User) -> list[str]:
    """Every installed app's demo data for ``instructor``, in ``INSTALLED_APPS`` order."""
    created_items: list[str] = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.demo"
        if app_config.name == "core" or find_spec(module_name) is None:
            continue
        created_items += import_module(module_name).load(instructor=instructor)
    return created_items
