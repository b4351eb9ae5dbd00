"""Writes on instructor accounts."""

from django.contrib.auth.models import User
from django.db import transaction


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
