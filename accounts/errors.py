"""Refusals of the instructor accounts, in the project's one error shape."""

from django.utils.translation import gettext_lazy as _

from core.errors import error_type

InvalidCredentials = error_type("invalid_credentials", _("That username and password do not match an account."))
