"""Production shape: everything from the environment, nothing guessed.

``SECRET_KEY`` and ``ALLOWED_HOSTS`` must be set; HTTPS is assumed (behind a proxy
that sets ``X-Forwarded-Proto``), so cookies are secure and HSTS is on.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import POSTGRES_PREPARED_STATEMENTS, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment for production.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS in the environment for production.")

# PostgreSQL connections from a pool per web process (``DATABASE_POOL=true``, as docker-compose's web
# sets it). Without one, every database call of a socket opens and closes a connection of its own
# (CONN_MAX_AGE must stay 0 under ASGI): a fifth of the web process's time when 1,000 phones connect
# (docs/operations.md, "Sizing"). Off by default because the pool is not fork-safe: the Celery
# worker's prefork pool keeps plain connections. processes x max_size must stay under PostgreSQL's
# max_connections (or pgbouncer's pool).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool("DATABASE_POOL", default=False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        "timeout": env.float("DATABASE_POOL_TIMEOUT_S", default=10.0),
    }
    # A pooled connection lives long enough to keep its statements: parameters bound by the server and
    # a statement run twice prepared (parsed and planned once per connection). A join's four
    # statements cost PostgreSQL 0.9 ms of CPU each time as text with the values inlined, 0.5 ms
    # prepared (docs/operations.md). Off for a pgbouncer in transaction mode older than 1.21 (or one
    # without ``max_prepared_statements``): ``DATABASE_PREPARED_STATEMENTS=false``.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"].update(POSTGRES_PREPARED_STATEMENTS)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# /healthz is probed by load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
WHITENOISE_USE_FINDERS = False  # collectstatic runs at build time
WHITENOISE_AUTOREFRESH = False
STORAGES = {
    "default": {"BACKEND": "core.media.SignedMediaStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
