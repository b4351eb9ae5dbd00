"""Test settings: the base shape with its own ``var/test`` folder, a fast password
hasher and a file-backed SQLite test database (so a worker process can share it)."""

import os
from pathlib import Path

# Before base is read: tests must never share the broker folders or SQLite file of a
# running ``make run``.
os.environ.setdefault("A2B_VAR_DIR", str(Path(__file__).resolve().parents[2] / "var" / "test"))

from .base import *  # noqa: F403
from .base import DATABASES, POSTGRES_PREPARED_STATEMENTS, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-a2blab.sqlite3")}
else:  # as production's pooled connections bind and prepare them
    DATABASES["default"].setdefault("OPTIONS", {}).update(POSTGRES_PREPARED_STATEMENTS)
