import sys

from django.http import HttpRequest, HttpResponse

from .lib.error_pages import error_page
from .middleware import DATABASE_UNAVAILABLE_ERRORS, service_unavailable_response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 handler: templates/400.html, e.g. for a request to an unknown host name."""
    return error_page("400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """
    The 500 handler: templates/500.html, or templates/503.html when the error is a lost
    database connection raised outside a view (e.g. while loading the session).
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE_ERRORS):
        return service_unavailable_response()
    return error_page("500.html", status=500)
