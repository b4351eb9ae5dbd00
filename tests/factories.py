"""Test data shared by every app's tests, built the way the app builds it (Zulip: real services,
mocks only for the outside world)."""

from typing import Any

import factory
from django.contrib.auth.models import User

DEFAULT_PASSWORD = "a-long-password-1"


class InstructorFactory(factory.django.DjangoModelFactory[User]):
    """An instructor account (``password`` is hashed as sign-up does)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"instructor{n}")
    password = DEFAULT_PASSWORD

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return model_class.objects.create_user(*args, **kwargs)
