"""Both shapes load from the environment alone; production passes ``check --deploy``."""

import os
import secrets
import subprocess
import sys

import pytest

from tests.support import REPO

SHOW = (
    "from django.conf import settings as s;"
    "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'],"
    " s.CELERY_BROKER_URL.split(':')[0], s.CACHES['default']['BACKEND'], s.DEBUG)"
)


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


@pytest.mark.embedded
def test_embedded_default_needs_no_environment(tmp_path):
    env = {"A2B_VAR_DIR": str(tmp_path)}
    assert manage("check", env=env).returncode == 0
    shown = manage("shell", "-v", "0", "-c", SHOW, env=env)
    assert shown.stdout.split() == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "filesystem",
        "django.core.cache.backends.locmem.LocMemCache",
        "False",
    ], shown.stderr
    assert (tmp_path / "secret_key").exists(), "the embedded default keeps its generated key in var/"


def production_env(tmp_path, **extra: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "a2b.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://a2b.example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/a2blab",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "A2B_VAR_DIR": str(tmp_path),
        **extra,
    }


@pytest.mark.embedded
def test_production_settings_pass_check_deploy(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.embedded
def test_production_shape_comes_from_the_environment(tmp_path):
    shown = manage("shell", "-v", "0", "-c", SHOW, env=production_env(tmp_path))
    assert shown.stdout.split() == [
        "django.db.backends.postgresql",
        "channels_redis.pubsub.RedisPubSubChannelLayer",
        "redis",
        "django.core.cache.backends.redis.RedisCache",
        "False",
    ], shown.stderr
    rabbit = manage(
        "shell",
        "-v",
        "0",
        "-c",
        SHOW,
        env=production_env(tmp_path, CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:5672//"),
    )
    assert rabbit.stdout.split()[2] == "amqp", rabbit.stderr


@pytest.mark.embedded
@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    env = production_env(tmp_path)
    del env[missing]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"Set {missing} in the environment" in result.stderr
