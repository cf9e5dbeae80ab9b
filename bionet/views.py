import sys

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string

from .middleware import DATABASE_UNAVAILABLE_ERRORS, service_unavailable_response


def server_error(request: HttpRequest) -> HttpResponse:
    """
    The 500 handler: templates/500.html, or templates/503.html when the error is a lost
    database connection raised outside a view (e.g. while loading the session).

    Rendered without the request: context processors could query the database that failed.
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE_ERRORS):
        return service_unavailable_response()
    return HttpResponseServerError(render_to_string("500.html"))
