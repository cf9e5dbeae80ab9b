from django_filters.views import FilterView


class DirectoryListView(FilterView):
    """A filtered, ordered, paginated list page: 25 rows by default, ``?per_page=`` up to 100.

    An invalid filter value leaves the page empty and the form shows the error; a page number
    past the end is a 404 (Django's paginator).
    """

    page_title = ""
    paginate_by = 25
    max_paginate_by = 100
    per_page_choices = (25, 50, 100)

    def get_paginate_by(self, queryset):
        try:
            per_page = int(self.request.GET.get("per_page", ""))
        except ValueError:
            return self.paginate_by
        return min(max(per_page, 1), self.max_paginate_by)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.page_title
        per_page = self.get_paginate_by(None)
        context["per_page"] = per_page
        # The menu shows the size in use, even one typed into the address (?per_page=10).
        context["per_page_choices"] = sorted({*self.per_page_choices, per_page})
        return context
