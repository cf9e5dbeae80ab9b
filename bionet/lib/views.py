from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django_filters.views import FilterView

from .text import ascii_int


def read_only(view):
    """``require_safe(view)``: GET and HEAD, and 405 with ``Allow`` for any other method.

    Exempt from the CSRF check, which would otherwise refuse a POST, PUT or DELETE without a
    token with a 403 before the view could say which methods it takes. A view that answers
    only GET and HEAD changes nothing a forged request could abuse."""
    return csrf_exempt(require_safe(view))


class ReadOnlyMixin:
    """``read_only`` for a class-based view: GET and HEAD, 405 for anything else."""

    http_method_names = ["get", "head"]

    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


class DirectoryListView(ReadOnlyMixin, FilterView):
    """A filtered, ordered, paginated list page: 25 rows by default, ``?per_page=`` up to 100.

    An invalid filter value leaves the page empty and the form shows the error; a page number
    past the end, or not written in ASCII digits, is a 404. A ``per_page`` that is not a
    number in ASCII digits is ignored. Read only: GET and HEAD, 405 for anything else.
    """

    page_title = ""
    paginate_by = 25
    max_paginate_by = 100
    per_page_choices = (25, 50, 100)

    def get_paginate_by(self, queryset):
        per_page = ascii_int(self.request.GET.get("per_page", ""))
        if per_page is None:
            return self.paginate_by
        return min(max(per_page, 1), self.max_paginate_by)

    def paginate_queryset(self, queryset, page_size):
        # Django's paginator reads the page with int(), which takes "٢" and "２" for 2.
        page = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or "1"
        if page != "last" and ascii_int(str(page)) is None:
            raise Http404("The page is not “last” nor a number written with 0 to 9.")
        return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.page_title
        per_page = self.get_paginate_by(None)
        context["per_page"] = per_page
        # The menu shows the size in use, even one typed into the address (?per_page=10).
        context["per_page_choices"] = sorted({*self.per_page_choices, per_page})
        return context
