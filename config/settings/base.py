"""Settings for every shape of A2B Lab, read from the environment (12-factor).

With no environment at all this is the *embedded default*: a SQLite file, Channels'
in-memory layer and a Celery broker on the filesystem, all under ``var/``.
``DATABASE_URL``, ``REDIS_URL`` and ``CELERY_BROKER_URL`` switch to the production
shape; ``config.settings.production`` adds the hardening that needs HTTPS.
"""

import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

#: Everything the embedded default writes: the SQLite file, the broker's folders,
#: uploaded media, the generated secret key.
VAR_DIR = Path(env("A2B_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    """A key kept in ``var/`` so that sessions survive a restart of ``make run``."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="") or _local_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_results",
    "channels",
    "core",
    "accounts",
    "quizapp",
    "projects",
    "mlcore",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.static_files.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
#: The views served whole in a worker thread (core/pooled_http.py: joining a room) are anonymous JSON
#: endpoints, exempt from CSRF: they skip the middleware of signed-in pages (session, CSRF cookie,
#: user, messages), a tenth of a join's CPU there; security, locale and the rest still run.
POOLED_HTTP_MIDDLEWARE = [
    m
    for m in MIDDLEWARE
    if m
    not in (
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    )
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'a2blab.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the worker share the file: WAL lets readers run beside a
    # writer, IMMEDIATE transactions queue writers instead of failing with "locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
#: PostgreSQL with parameters bound by the server and a statement run twice on a connection prepared
#: there (parsed and planned once): for pooled connections (config/settings/production.py), and in
#: the PostgreSQL test pass so that a query this binding breaks fails there first.
POSTGRES_PREPARED_STATEMENTS = {"server_side_binding": True, "prepare_threshold": 2}

# --- Redis: channel layer, cache, broker ------------------------------------------
REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "a2blab"},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "a2blab",
        }
    }
else:
    # One process: the fan-out hub takes room broadcasts off one channel, so give it room for
    # bursts (the default capacity of 100 drops messages silently when exceeded).
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 10000}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------
CELERY_QUEUE_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or REDIS_URL or "filesystem://localhost//"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _folder in ("queue", "control"):
        (CELERY_QUEUE_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Training jobs are long: a worker takes one at a time instead of holding others back.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
if CELERY_BROKER_URL.startswith("redis"):
    # Redis redelivers unacknowledged (acks_late) jobs after this; keep it above the job time limit.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

# --- Auth -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("TIME_ZONE", default="Asia/Seoul")
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
#: Media served under MEDIA_URL by ``core.media.serve_media`` (signed URLs, in every shape): question
#: images, which every phone and projector of a live session shows. Drawings, data sets and models
#: have owner-only views of their own and are never served there.
MEDIA_SHARED_PREFIXES = ["questions/"]
STORAGES = {
    "default": {"BACKEND": "core.media.SignedMediaStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app and project folders, so ``make run`` needs no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- REST API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call then gets 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.apis.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": "10/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "A2B Lab API",
    "DESCRIPTION": "Rooms and live quizzes, the AI project canvas, data sets and training jobs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security that holds in every shape -------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the small JS modules read it for API calls
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Logging ----------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

#: The demo instructor that ``loaddemo`` creates (and ``make run`` prints).
DEMO_INSTRUCTOR_USERNAME = env("DEMO_INSTRUCTOR_USERNAME", default="demo")
DEMO_INSTRUCTOR_PASSWORD = env("DEMO_INSTRUCTOR_PASSWORD", default="modulabs-demo")

# --- Live rooms -----------------------------------------------------------------
#: Joins from one address (a classroom behind NAT shares one) and into one room.
QUIZ_JOIN_RATE_PER_ADDRESS = env("QUIZ_JOIN_RATE_PER_ADDRESS", default="300/m")
QUIZ_JOIN_RATE_PER_ROOM = env("QUIZ_JOIN_RATE_PER_ROOM", default="3000/m")
# Joins run without the session's row lock while more places than this are left (quizapp/live/join.py):
# keep it at least PostgreSQL's max_connections (100 by default), so a room never overfills.
QUIZ_JOIN_UNLOCKED_MARGIN = env.int("QUIZ_JOIN_UNLOCKED_MARGIN", default=200)
#: Wrong room codes from one address: guessing is throttled (and logged).
QUIZ_CODE_GUESS_RATE = env("QUIZ_CODE_GUESS_RATE", default="20/m")
#: Network slack after a question's deadline, in milliseconds.
QUIZ_ANSWER_GRACE_MS = env.int("QUIZ_ANSWER_GRACE_MS", default=500)
#: How often the instructor's tally is refreshed while answers arrive.
QUIZ_TALLY_INTERVAL_S = env.float("QUIZ_TALLY_INTERVAL_S", default=0.25)
# Answer batches a web process stores at once (quizapp.live.batching): on PostgreSQL each has a
# thread and a pooled connection, so one batch's round trips no longer hold up the next (ack p50 at
# 10,000 students: docs/operations.md). SQLite takes one writer at a time: one.
QUIZ_ANSWER_STORE_THREADS = env.int(
    "QUIZ_ANSWER_STORE_THREADS", default=1 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 3
)
#: The least time between two answer batches of a web process, in ms (core.batching): a busy room's
#: answers go a few dozen to a batch instead of one or two, each batch costing a fixed few ms of CPU
#: (1,000 students: web and PostgreSQL CPU per question halved, docs/operations.md); a lone answer
#: in a quiet room is stored at once. 0: no interval.
QUIZ_ANSWER_BATCH_INTERVAL_MS = env.float("QUIZ_ANSWER_BATCH_INTERVAL_MS", default=30.0)
#: A text round's live routing in a child process of each web process (mlcore.services.text_serving)
#: instead of the web process's guess thread. Off by default: batched explanations are cheap, and a
#: child spawned on a busy machine kept a class's first routes waiting for seconds (bench/text_load.py).
MLCORE_TEXT_CHILD_PROCESS = env.bool("MLCORE_TEXT_CHILD_PROCESS", default=False)

# --- the project canvas -------------------------------------------------------------------------
# Students of a linked room send ideas without an account: limits per address, room and nickname.
PROJECTS_STUDENT_IDEA_RATE_PER_ADDRESS = env("PROJECTS_STUDENT_IDEA_RATE_PER_ADDRESS", default="30/m")
PROJECTS_STUDENT_IDEA_RATE_PER_ROOM = env("PROJECTS_STUDENT_IDEA_RATE_PER_ROOM", default="300/m")
PROJECTS_STUDENT_IDEA_RATE_PER_NICKNAME = env("PROJECTS_STUDENT_IDEA_RATE_PER_NICKNAME", default="5/m")
