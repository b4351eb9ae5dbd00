"""Writes on instructor accounts."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from core.demo import demo_load_apps


@transaction.atomic
def instructor_create(*, username: str, password: str, email: str = "") -> User:
    return User.objects.create_user(username=username, password=password, email=email)


@transaction.atomic
def demo_instructor_ensure(*, username: str, password: str) -> tuple[User, bool]:
    """Create the demo instructor once; later calls leave it (and its password) alone."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(username=username, password=password, first_name="Demo")
    return user, True


@transaction.atomic
def demo_load_all() -> tuple[User, list[str]]:
    """The demo instructor (from settings) and every app's demo data for them; idempotent."""
    instructor, created = demo_instructor_ensure(
        username=settings.DEMO_INSTRUCTOR_USERNAME, password=settings.DEMO_INSTRUCTOR_PASSWORD
    )
    created_items = [f"instructor {instructor.username}"] if created else []
    return instructor, created_items + demo_load_apps(instructor=instructor)
