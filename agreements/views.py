from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from bionet.lib.views import DirectoryListView

from .filters import AgreementFilterSet, NewsItemFilterSet
from .models import Agreement, NewsItem


class AgreementListView(DirectoryListView):
    """Agreements, filtered and ordered. Template: agreements/agreement_list.html."""

    page_title = _("Agreements")
    filterset_class = AgreementFilterSet
    template_name = "agreements/agreement_list.html"

    def get_queryset(self):
        return Agreement.objects.for_list().with_party_count()


class AgreementDetailView(DetailView):
    """One agreement: parties with roles, date at its precision, place, sources.

    Template: agreements/agreement_detail.html.
    """

    def get_queryset(self):
        return Agreement.objects.for_detail()


class NewsItemListView(DirectoryListView):
    """News items the directory is taken from. Template: agreements/newsitem_list.html."""

    page_title = _("News items")
    filterset_class = NewsItemFilterSet
    template_name = "agreements/newsitem_list.html"

    def get_queryset(self):
        return NewsItem.objects.for_list()


class NewsItemDetailView(DetailView):
    """One news item: metadata, main text, the agreements citing it.

    Template: agreements/newsitem_detail.html.
    """

    model = NewsItem

    def get_context_data(self, **kwargs):
        return super().get_context_data(agreements=self.object.agreements.for_list(), **kwargs)
