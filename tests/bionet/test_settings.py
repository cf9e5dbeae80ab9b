"""Settings are read from the environment and refuse to start on unsafe or malformed values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(show="settings.DEBUG, settings.DATABASES['default']['ENGINE']", **env):
    """Start Django in a fresh interpreter with exactly these variables and print ``show``;
    return the process."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    environ.update(env, DJANGO_SETTINGS_MODULE="bionet.settings")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print({show})",
        ],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )


def test_it_refuses_to_start_without_secret_key_when_debug_is_off():
    result = load_settings(DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="bionet.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_it_starts_with_secret_key_when_debug_is_off():
    result = load_settings(
        DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="bionet.example"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3"]


def test_it_rejects_a_debug_value_that_is_not_yes_or_no():
    result = load_settings(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a yes/no value" in result.stderr


def test_it_reads_the_database_from_database_url():
    result = load_settings(DATABASE_URL="postgres://u:p@db.example:5432/bionet")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.postgresql"]


def test_it_rejects_an_unusable_database_url():
    result = load_settings(DATABASE_URL="nosuchdb://x")
    assert result.returncode != 0
    assert "DATABASE_URL is not a usable database URL" in result.stderr


def cache_backend(**env):
    """The default cache's backend and location, as a fresh process reads them."""
    return load_settings(
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default'].get('LOCATION', '-')",
        **env,
    )


def test_it_keeps_the_cache_in_memory_by_default():
    result = cache_backend()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.cache.backends.locmem.LocMemCache", "bionet"]


def test_it_shares_a_file_cache_between_workers_when_asked(tmp_path):
    result = cache_backend(DJANGO_CACHE_URL=f"file://{tmp_path}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.filebased.FileBasedCache",
        str(tmp_path),
    ]


@pytest.mark.parametrize("url", ["redis://localhost", "file://relative/folder", "locmem"])
def test_it_rejects_a_cache_url_it_cannot_use(url):
    result = cache_backend(DJANGO_CACHE_URL=url)
    assert result.returncode != 0
    assert f"DJANGO_CACHE_URL={url!r} is not a cache URL" in result.stderr
