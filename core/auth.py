"""Who is asking: the signed-in account behind a page or an API call, typed as the account it is."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied


def signed_in_user(request: Any) -> User:
    """The instructor of a request that ``login_required`` (pages) or ``IsAuthenticated`` (the API)
    already let through; an anonymous request that got this far is refused, never served."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
