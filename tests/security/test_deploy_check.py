"""`manage.py check --deploy` with the production settings reports nothing."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Warning
from django.test import override_settings

from home.checks import check_public_base_url, check_shared_cache

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "ALLOWED_HOSTS": "example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "PUBLIC_BASE_URL": "https://example.org",
    "TRUSTED_PROXY_COUNT": "1",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    environment.update(env)
    return subprocess.run(  # noqa: S603 (fixed argv, our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_shared_cache():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "Set the REDIS_URL environment variable." in result.stderr


@pytest.mark.parametrize("name", ["PUBLIC_BASE_URL", "TRUSTED_PROXY_COUNT"])
def test_production_refuses_to_start_without_the_proxy_settings(name):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != name}
    result = manage("check", "--deploy", **env)
    assert result.returncode != 0
    assert f"Set the {name} environment variable." in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PUBLIC_BASE_URL", "http://example.org", "must be the site's https address"),
        ("PUBLIC_BASE_URL", "https://example.org/footsteps", "must be the site's https address"),
        ("TRUSTED_PROXY_COUNT", "0", "at least 1"),
        ("TRUSTED_PROXY_COUNT", "one", "must be a whole number"),
    ],
)
def test_production_refuses_proxy_settings_that_cannot_work(name, value, message):
    result = manage("check", **{**PRODUCTION_ENV, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_emails_link_to_the_public_address():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.PUBLIC_BASE_URL, "
        "settings.WAGTAILADMIN_BASE_URL, settings.ALLAUTH_TRUSTED_PROXY_COUNT)",
        **{**PRODUCTION_ENV, "PUBLIC_BASE_URL": "https://footsteps.example.nhs.uk/"},
    )
    assert result.stdout.split() == [
        "https://footsteps.example.nhs.uk",
        "https://footsteps.example.nhs.uk",
        "1",
    ]


LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "x"}}


@override_settings(DEBUG=False, CACHES=LOCMEM)
def test_per_process_cache_warns_outside_debug():
    [warning] = check_shared_cache(None)
    assert isinstance(warning, Warning) and warning.id == "home.W001"
    assert "REDIS_URL" in warning.hint


@override_settings(DEBUG=True, CACHES=LOCMEM)
def test_per_process_cache_is_fine_in_debug():
    assert check_shared_cache(None) == []


@override_settings(DEBUG=False, CACHES=REDIS)
def test_shared_cache_passes():
    assert check_shared_cache(None) == []


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000", "https://localhost", "http://footsteps.example.nhs.uk"]
)
def test_deploy_check_fails_when_emails_would_link_to_a_development_address(url):
    with override_settings(PUBLIC_BASE_URL=url):
        [error] = check_public_base_url(None)
    assert error.id == "home.E001"


@override_settings(PUBLIC_BASE_URL="https://footsteps.example.nhs.uk")
def test_deploy_check_accepts_the_public_https_address():
    assert check_public_base_url(None) == []
