"""
Settings for Bionet, read from the environment.

Every setting that differs between a laptop and production comes from an environment
variable, parsed by the strict helpers below: a malformed value stops start-up with a message
naming the variable, instead of quietly falling back to a default.

    DATABASE_URL          database, e.g. postgres://user:pass@host:5432/bionet
                          (default: SQLite file db.sqlite3 beside manage.py)
    DJANGO_DEBUG          true/false (default: true, for a newcomer's machine)
    DJANGO_SECRET_KEY     required when DJANGO_DEBUG is false
    DJANGO_ALLOWED_HOSTS  comma-separated host names; required when DJANGO_DEBUG is false
                          (default when debugging: local names)

Production (the defaults follow DJANGO_DEBUG: safe when it is false):
    DJANGO_CSRF_TRUSTED_ORIGINS      extra origins allowed to post forms, e.g. https://bionet.kr
    DJANGO_SECURE_PROXY_SSL_HEADER   true when a proxy terminates HTTPS and sets
                                     X-Forwarded-Proto (default: false)
    DJANGO_PROXY_HOPS                proxies in front that append to X-Forwarded-For; the
                                     client address for sign-in lockouts is read from it (default 0)
    DJANGO_SECURE_SSL_REDIRECT       redirect http to https (default: on without debug)
    DJANGO_HSTS_SECONDS              Strict-Transport-Security max-age (default: a year without
                                     debug, 0 with it)
    DJANGO_HSTS_INCLUDE_SUBDOMAINS   (default: true)
    DJANGO_HSTS_PRELOAD              (default: true)
    DJANGO_STATIC_ROOT               where collectstatic gathers static files (default:
                                     staticfiles/ beside manage.py)
    DATABASE_CONN_MAX_AGE            seconds a database connection is reused (default 60)
    AXES_FAILURE_LIMIT               failed sign-ins before a lockout (default 5)
    AXES_COOLOFF_MINUTES             how long a lockout lasts (default 30)

Cache (the network pages keep what they computed of the whole network there, keyed by the
data's version, so a stale entry is never shown):
    DJANGO_CACHE_URL                 locmem:// (default: each process keeps its own copy,
                                     fine for one process), file:///var/cache/bionet (shared
                                     by every gunicorn worker on the machine: use this in
                                     production), or dummy:// (nothing is kept)
    NETWORK_CACHE_SECONDS            how long a computed network is kept (default a day)
    NETWORK_DRAWING_NODES            the most organizations a network drawing shows (default
                                     150): a larger network is cut to its most connected ones
    NETWORK_PARTIES_PER_REQUEST      the largest network (in agreement parties) a page
                                     analyses while the visitor waits (default 5000, about
                                     0.5 s); larger ones are analysed by the task worker
    NETWORK_ANALYSES_PER_PROCESS     how many of those one process's requests analyse at once
                                     (default 1); past it, the task worker analyses them
    NETWORK_ANALYSIS_DELAY           seconds the whole network's analysis waits after a write
                                     (default 30), so a burst of writes is analysed once
    UNCACHED_WORK_PER_CLIENT         new analyses, files and path searches a client address
                                     may start per period (default 30/minute); past it, 429

Pages (httpcache/, see docs/serving.md):
    PAGE_MAX_AGE                     Cache-Control max-age of public pages (default 60)
    PAGE_STALE_WHILE_REVALIDATE      ... and stale-while-revalidate (default 600)
    PAGE_CACHE_ENTRIES               pages each process keeps rendered (default 5000)
    PAGE_CACHE_SECONDS               how long a rendered page is kept (default a day)
    BIONET_RELEASE                   names the deployment in ETags (default: a digest of the
                                     page sources)
    PAGE_VERSION_NOTIFICATIONS       on PostgreSQL, keep the data's version in memory, told of
                                     changes by LISTEN/NOTIFY (default true); false: read it
                                     for every request

Background tasks (jobs/, run by `manage.py db_worker`):
    PREPARED_FILES_DIR               where tasks write files for download (default var/files)
    EXPORT_ROWS_PER_REQUEST          the most records a CSV export streams while the visitor
                                     waits (default 20000); larger ones are written by a task
    IMPORT_ROWS_PER_REQUEST          the most rows an admin CSV upload imports while the curator
                                     waits (default 2000); larger ones are imported by a task

JSON API (/api/, see docs/api.md):
    API_RATE_LIMIT                   requests a client (by address) may make, e.g. 120/minute
                                     (the default), 20/second, 5000/day; counted in the cache
                                     above, so with several gunicorn workers use file://
"""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable; anything but a recognised spelling is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a yes/no value: use one of {sorted(_TRUE | _FALSE - {''})}."
    )


def env_str(name: str, default: str | None = None) -> str | None:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip()


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Read a whole number no smaller than ``minimum``; anything else is an error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but names no value.")
    return items


def env_rate(name: str, default: str) -> str:
    """Read a rate: requests/period, with a period of second, minute, hour or day."""
    raw = env_str(name, default)
    if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", raw):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate: write requests/period, e.g. "
            "120/minute, with a period of second, minute, hour or day."
        )
    return raw


def env_cache(name: str, default: str) -> dict:
    """Read a cache URL: locmem://[name], file:///absolute/folder or dummy://."""
    raw = env_str(name, default)
    scheme, separator, location = raw.partition("://")
    if separator and scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": location or "bionet",
        }
    if separator and scheme == "file" and location.startswith("/"):
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": location,
        }
    if separator and scheme == "dummy" and not location:
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a cache URL: use locmem://, file:///absolute/folder or dummy://."
    )


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false. Generate one with: "
            'python -c "from django.core.management.utils import get_random_secret_key; '
            'print(get_random_secret_key())"'
        )
    # Only ever used on a developer's machine: debug mode never leaves it.
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must name the site's host names when DJANGO_DEBUG is false."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# HTTPS. Behind a proxy that terminates TLS, Django learns that a request was secure from the
# proxy's X-Forwarded-Proto header: only trust it when a proxy is known to set it.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
PROXY_HOPS = env_int("DJANGO_PROXY_HOPS", 0)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe the health check over plain HTTP on the instance itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# The language switcher's choice (django_language): sent over HTTPS only, and not with
# requests other sites start, as the session and CSRF cookies (Django's default: Lax).
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A form refused for its CSRF token gets the site's own 403 page: Django's has an inline
# style, which the policy below blocks.
CSRF_FAILURE_VIEW = "bionet.views.csrf_failure"
# Content-Security-Policy, in the shape of Django 6's setting of the same name so that its
# built-in middleware can take over from bionet.middleware.ContentSecurityPolicyMiddleware.
# Pages and the admin load scripts, styles and images from this site only; nothing inline.
SECURE_CSP = {
    "default-src": ["'self'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "object-src": ["'none'"],
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    # Django REST framework itself is not listed: its templates and static files serve the
    # browsable API, and the API answers JSON only.
    "drf_spectacular",
    # Swagger UI and Redoc served from static/: the API docs load nothing from a CDN.
    "drf_spectacular_sidecar",
    "simple_history",
    "bionet.apps.AxesConfig",  # django-axes, named for the admin
    "bionet",
    "orgs",
    "clusters",
    "news",
    "agreements",
    "network",
    "devdata",
    "api",
    "httpcache",
    # Django's task framework (the django-tasks backport) with its database backend: long work
    # runs in `manage.py db_worker`, on SQLite and PostgreSQL alike, with no other service.
    "django_tasks",
    "django_tasks_db",
    "jobs",
]

MIDDLEWARE = [
    # First: answers /healthz before host checks, sessions, CSRF or authentication.
    "bionet.middleware.HealthCheckMiddleware",
    # Before compression: keeps public pages as sent and answers 304s (httpcache).
    "httpcache.middleware.PublicPageCacheMiddleware",
    # Compresses pages and exports for every deployment, with Django's BREACH mitigation
    # (random bytes in each gzip header); before everything that writes the body.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "bionet.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bionet.middleware.LocaleMiddleware",  # Korean at plain addresses, English under /en/
    # Before anything reads GET parameters (PostgreSQL refuses NUL characters in text), after
    # the language is chosen so that the 400 page speaks the visitor's language.
    "bionet.middleware.NullCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "bionet.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses sign-in while a username is locked out from an address, then hands over.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
# A username is locked out from the address that failed, so a stranger guessing a curator's
# password cannot lock the curator out everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "bionet.middleware.client_ip_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

ROOT_URLCONF = "bionet.urls"

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

WSGI_APPLICATION = "bionet.wsgi.application"

try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from exc

# Uploads (the admin's CSV and news imports). A file over 2.5 MB is spooled to a temporary file
# instead of memory, and each import refuses files over its own limit (5 MB for CSV, 1 MB per
# article) before reading them whole. Other form data is capped at 2.5 MB and 1,000 fields,
# uploads at 100 files per request; beyond that Django answers 400.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 100

PAGE_CACHE_ALIAS = "pages"
CACHES = {
    "default": env_cache("DJANGO_CACHE_URL", "locmem://"),
    # Rendered public pages (httpcache), under the data's version: each process keeps its own,
    # read in microseconds; a write changes the version, so no process serves an old page.
    PAGE_CACHE_ALIAS: {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "bionet-pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 5000, minimum=1)},
    },
}
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 24 * 60 * 60, minimum=1)
# What a browser, a shared cache or a CDN may do with a public page: use it for PAGE_MAX_AGE
# seconds, then while asking again (a 304 when nothing changed) for up to
# PAGE_STALE_WHILE_REVALIDATE seconds more.
PAGE_MAX_AGE = env_int("PAGE_MAX_AGE", 60, minimum=0)
PAGE_STALE_WHILE_REVALIDATE = env_int("PAGE_STALE_WHILE_REVALIDATE", 600, minimum=0)
# On PostgreSQL each process keeps the pages' version in memory, told of every write by the
# database (httpcache.watch), instead of reading it for every request.
PAGE_VERSION_NOTIFICATIONS = env_bool("PAGE_VERSION_NOTIFICATIONS", True)
# Long work off the request (jobs/): queued in the database, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A CSV upload of more rows is imported by a task, its page following the import (jobs.uploads).
IMPORT_ROWS_PER_REQUEST = env_int("IMPORT_ROWS_PER_REQUEST", 2_000, minimum=1)
# A CSV export of more records is written once by a task and served as a file (jobs.downloads).
EXPORT_ROWS_PER_REQUEST = env_int("EXPORT_ROWS_PER_REQUEST", 20_000, minimum=1)
# Where tasks leave the files they prepare for download (network files, large exports).
PREPARED_FILES_DIR = Path(env_str("PREPARED_FILES_DIR", str(BASE_DIR / "var" / "files")))

# Names the deployment in ETags and page keys; by default a digest of the page sources.
RELEASE = env_str("BIONET_RELEASE", "")
NETWORK_CACHE_SECONDS = env_int("NETWORK_CACHE_SECONDS", 24 * 60 * 60, minimum=1)
NETWORK_DRAWING_NODES = env_int("NETWORK_DRAWING_NODES", 150, minimum=2)

# Fetching an article refuses private, loopback and link-local addresses (news/fetch.py).
# Tests serve saved pages on 127.0.0.1 and set this; it is never read from the environment.
NEWS_FETCH_ALLOW_PRIVATE_ADDRESSES = False
# A network with more parties is analysed by a task, never while a visitor waits (about
# 0.5 s of work in a request at 5,000 parties).
NETWORK_PARTIES_PER_REQUEST = env_int("NETWORK_PARTIES_PER_REQUEST", 5_000, minimum=1)
# How many of those a process's requests analyse at once; more are left to the task worker,
# so a burst of uncached selections leaves the process's other threads to other pages.
NETWORK_ANALYSES_PER_PROCESS = env_int("NETWORK_ANALYSES_PER_PROCESS", 1, minimum=1)
# Seconds the whole network's analysis waits after a write, so a burst is analysed once.
NETWORK_ANALYSIS_DELAY = env_int("NETWORK_ANALYSIS_DELAY", 30, minimum=0)
# New networks, network files and paths one client may have computed per period (jobs.budget).
UNCACHED_WORK_PER_CLIENT = env_rate("UNCACHED_WORK_PER_CLIENT", "30/minute")

# The read-only JSON API (api/): public records only, so it signs nobody in and every client is
# rate limited by its address (read as sign-in lockouts read it: see DJANGO_PROXY_HOPS).
API_RATE_LIMIT = env_rate("API_RATE_LIMIT", "120/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.EntryOrderCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": API_RATE_LIMIT},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bionet API",
    "DESCRIPTION": (
        "Read-only JSON for Korea's bio-industry collaboration network: published "
        "organizations, clusters, agreements with their parties and sources, and news items "
        "as citations. The list pages' filters, cursor pagination, a rate limit per client."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Fields named "kind" (and "region", "role") mean different lists in different records.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "orgs.models.OrganizationKind",
        "ClusterKindEnum": "clusters.models.ClusterKind",
        "AgreementKindEnum": "agreements.models.AgreementKind",
        "RegionEnum": "orgs.choices.Region",
        "PartyRoleEnum": "agreements.models.PartyRole",
        "MembershipRoleEnum": "clusters.models.MembershipRole",
        "NameKindEnum": "orgs.models.NameKind",
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Adopt Django 6's default now: a scheme-less URL typed into a form means https.
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["bionet.formats"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
