"""Public pages, exports and API answers served by the data's version.

The directory changes a few times a day and every write bumps one version row (see
network.models.NetworkVersion), so what an anonymous visitor is shown is a function of the
address, the language, the deployment and that version. This middleware makes that explicit:

- every public answer carries an ``ETag`` of (deployment, data version, language) and a
  ``Last-Modified`` of the last write; a request whose ``If-None-Match`` or
  ``If-Modified-Since`` still holds is answered 304 before any view runs;
- ``Cache-Control: public, max-age, stale-while-revalidate`` lets a shared cache or a CDN
  serve the directory; ``Vary`` names what else chooses the answer (the language cookie and
  Accept-Language at plain addresses, Accept-Encoding);
- rendered pages are kept in the ``pages`` cache under the version, as sent (compressed or
  not): any write changes the version, so nothing is purged by hand and a write is visible on
  the next request;
- a signed-in curator's requests bypass all of it and are marked ``private, no-store``: they
  may see drafts and links no one else sees.

A view opts out of caching for one answer by setting ``Cache-Control`` itself (pages showing
work in progress do), and answers other than 200 are never stored.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, URLPattern, URLResolver, resolve
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language_from_path, get_language_from_request

from bionet.middleware import DATABASE_UNAVAILABLE_ERRORS
from network.cache import DataVersion

from .release import release
from .watch import page_version

ACCEPTS_GZIP = re.compile(r"\bgzip\b")
PUBLIC = "served_by_data_version"


def public(*patterns):
    """Mark the views of ``patterns`` (and of everything they include) as public: their
    answers to anonymous GET and HEAD requests are served by the data's version."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            public(*pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            setattr(pattern.callback, PUBLIC, True)
    return list(patterns)


def is_public(view_func) -> bool:
    return getattr(view_func, PUBLIC, False)


class PublicPageCacheMiddleware:
    """See the module's docstring. Comes before GZipMiddleware, so that what it keeps is the
    answer as sent, compressed once.

    A request without a session cookie is anonymous for sure: its 304 or kept page is answered
    here, before sessions, languages, CSRF or authentication run. A request with one may be a
    curator's: it goes through the stack, and the decision is taken once the user is known
    (``process_view``).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.pages = caches[settings.PAGE_CACHE_ALIAS]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.anonymous_public_request(request):
            answered = self.answer_from_version(request, self.language_asked(request))
            if answered is not None:
                return answered
        response = self.get_response(request)
        state = getattr(request, "_public_page", None)
        if state is None or getattr(response, "_from_page_cache", False):
            return response
        if state == "private":
            add_never_cache_headers(response)
            return response
        if response.status_code != 200 or response.has_header("Cache-Control"):
            return response
        version = request._data_version
        self.add_headers(request, response, version)
        if self.storable(request, response):
            self.pages.set(
                self.key(request, version),
                (response.status_code, dict(response.headers), response.content),
                settings.PAGE_CACHE_SECONDS,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if hasattr(request, "_public_page"):  # decided before the stack ran
            return None
        if request.method not in ("GET", "HEAD") or not is_public(view_func):
            return None
        if request.user.is_authenticated:
            request._public_page = "private"
            return None
        return self.answer_from_version(request, request.LANGUAGE_CODE)

    def anonymous_public_request(self, request) -> bool:
        """A GET or HEAD of a public page, without a session cookie (and over HTTPS when
        plain HTTP is redirected)."""
        if request.method not in ("GET", "HEAD"):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return False
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return is_public(match.func)

    def language_asked(self, request) -> str:
        """The language the page will answer in, chosen as LocaleMiddleware chooses it."""
        return get_language_from_path(request.path_info) or get_language_from_request(
            request, check_path=False
        )

    def answer_from_version(self, request, language: str) -> HttpResponse | None:
        """A 304 or the kept page for the data's version, or None (and the request marked
        for its page to be kept)."""
        try:
            version = page_version()
        except DATABASE_UNAVAILABLE_ERRORS:
            # Left to the view, whose failure answers the site's 503 page.
            return None
        request._public_page = "public"
        request._data_version = version
        request._page_language = language
        validators = HttpResponse()
        self.add_headers(request, validators, version)
        not_modified = get_conditional_response(
            request,
            etag=validators["ETag"],
            last_modified=int(version.changed.timestamp()) if version.changed else None,
            response=validators,
        )
        if not_modified is not validators:
            not_modified._from_page_cache = True
            return not_modified
        kept = self.pages.get(self.key(request, version))
        if kept is None:
            return None
        status, headers, content = kept
        response = HttpResponse(content, status=status, headers=headers)
        response._from_page_cache = True
        return response

    def add_headers(self, request, response, version: DataVersion):
        response["ETag"] = etag(request, version)
        if version.changed:
            response["Last-Modified"] = http_date(version.changed.timestamp())
        response["Cache-Control"] = (
            f"public, max-age={settings.PAGE_MAX_AGE}, "
            f"stale-while-revalidate={settings.PAGE_STALE_WHILE_REVALIDATE}"
        )
        vary = ["Accept-Encoding"]
        if not get_language_from_path(request.path_info):
            # A plain address answers in English to the language cookie or Accept-Language.
            vary += ["Accept-Language", "Cookie"]
        patch_vary_headers(response, vary)

    def storable(self, request, response) -> bool:
        # Kept under the language it was asked in, which must be the one it was rendered in.
        rendered_in = getattr(request, "LANGUAGE_CODE", None)
        return (
            not response.streaming
            and not response.cookies
            and request._page_language == rendered_in
        )

    def key(self, request, version: DataVersion) -> str:
        """The page's key: deployment, data version, language, host and address, and whether
        it is sent compressed."""
        compressed = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
        parts = (
            release(),
            version.tag,
            request._page_language,
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            compressed,
        )
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()
        return f"bionet:page:{digest}"


def etag(request, version: DataVersion) -> str:
    digest = hashlib.sha256(f"{release()}:{version.tag}:{request._page_language}".encode())
    # Weak: the same page may be sent compressed or not.
    return f'W/"{digest.hexdigest()[:32]}"'
