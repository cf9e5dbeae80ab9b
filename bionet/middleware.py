"""
Middleware that keeps the site answering sensibly when things go wrong, and sets the
Content-Security-Policy header.

- HealthCheckMiddleware answers /healthz for load balancers and monitors.
- DatabaseUnavailableMiddleware turns a lost database connection into a friendly 503 page.
- ContentSecurityPolicyMiddleware sends settings.SECURE_CSP on every response.
- NullCharacterMiddleware answers 400 to a query string holding a NUL character.
"""

import json
import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

from bionet.lib.error_pages import error_page

HEALTH_CHECK_PATHS = {"/healthz", "/healthz/"}

# The errors a database raises when it cannot be reached (down, restarting, refusing
# connections, out of connection slots), as opposed to a query that is wrong.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)

RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)


def database_is_available() -> bool:
    """Whether the default database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def service_unavailable_response() -> HttpResponse:
    """The 503 page, rendered without the request so that nothing touches the database."""
    response = error_page("503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class HealthCheckMiddleware:
    """
    Answers GET /healthz with the database's state as JSON: 200 {"database": "ok"} or
    503 {"database": "unavailable"}.

    It comes first in MIDDLEWARE so a probe needs no session, CSRF token, sign-in, HTTPS or
    allowed host name (probes address an instance by its IP), and costs one SELECT 1.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path not in HEALTH_CHECK_PATHS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        available = database_is_available()
        response = HttpResponse(
            json.dumps({"database": "ok" if available else "unavailable"}),
            content_type="application/json",
            status=200 if available else 503,
        )
        response["Cache-Control"] = "no-store"
        return response


class DatabaseUnavailableMiddleware:
    """
    Answers 503 with a friendly page and a Retry-After header when a view or its template
    cannot reach the database. Errors raised outside views (in other middleware) reach
    bionet.views.server_error, which answers the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DATABASE_UNAVAILABLE_ERRORS):
            logger.error(
                "Database unavailable: %s %s answered 503",
                request.method,
                request.path,
                exc_info=exception,
            )
            return service_unavailable_response()
        return None


class ContentSecurityPolicyMiddleware:
    """
    Sends the Content-Security-Policy built from settings.SECURE_CSP, a mapping of directive
    to sources in the shape Django 6 reads, e.g. {"default-src": ["'self'"]}.

    Django 5.2 has no CSP support of its own; this is the whole of what the site needs (one
    fixed policy, no nonces), so a dependency would add more than it saves. On Django 6,
    django.middleware.csp.ContentSecurityPolicyMiddleware replaces it unchanged.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}".strip()
            for directive, sources in getattr(settings, "SECURE_CSP", {}).items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = self.policy
        return response


class NullCharacterMiddleware:
    """
    Answers 400 to a request whose query string holds a NUL character (``%00``), in a
    parameter's name or value.

    No address of the site has a use for one, and PostgreSQL refuses NUL in text: a value
    that reaches a query unvalidated (the admin's list filters and autocomplete, for
    instance) would fail there as a 500. Forms refuse NUL on their own (Django's CharField
    does); this covers everything that reads GET parameters without a form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_null_character(request.GET):
            return error_page("400.html", status=400)
        return self.get_response(request)


def has_null_character(parameters) -> bool:
    return any(
        "\x00" in name or any("\x00" in value for value in values)
        for name, values in parameters.lists()
    )


def client_ip_address(request: HttpRequest) -> str | None:
    """
    The address a request came from, for sign-in lockouts.

    With settings.PROXY_HOPS proxies in front, each appending the address it saw to
    X-Forwarded-For, the client is that many entries from the right; anything further left
    was written by the client and cannot be trusted.
    """
    hops = getattr(settings, "PROXY_HOPS", 0)
    if hops:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Korean at the plain addresses, English under /en/, so either can be linked and
    indexed; a plain address asked for in English (the language cookie set by the
    switcher, or Accept-Language) still answers in English, as before there were prefixes.

    Django's own middleware answers every plain address in the default language once URL
    prefixes are used.
    """

    def process_request(self, request):
        if translation.get_language_from_path(request.path_info):
            return super().process_request(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None
