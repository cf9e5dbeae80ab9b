from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from bionet.lib.csv import csv_response, invalid_filters_response
from bionet.lib.views import DirectoryListView

from .exports import AGREEMENT_COLUMNS, PARTNERSHIP_COLUMNS, agreement_rows, partnership_rows
from .filters import AgreementFilterSet, NewsItemFilterSet
from .models import Agreement, NewsItem

# A news item's page lists the newest of the records citing it.
CITING_AGREEMENTS_SHOWN = 50


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
        agreements = self.object.agreements.all()
        return super().get_context_data(
            agreements=agreements.for_list()[:CITING_AGREEMENTS_SHOWN],
            agreement_count=agreements.count(),
            **kwargs,
        )


def _filtered_agreements(request: HttpRequest) -> AgreementFilterSet:
    return AgreementFilterSet(request.GET, queryset=Agreement.objects.with_party_count())


def agreement_export(request: HttpRequest) -> HttpResponse:
    """agreements.csv: the agreements the list shows for the same filters, streamed."""
    filterset = _filtered_agreements(request)
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    rows = agreement_rows(filterset.qs, base_url=request.build_absolute_uri("/")[:-1])
    return csv_response(AGREEMENT_COLUMNS, rows, name="agreements")


def partnership_export(request: HttpRequest) -> HttpResponse:
    """partnerships.csv: one row per pair of parties of each agreement the filters select."""
    filterset = _filtered_agreements(request)
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    return csv_response(PARTNERSHIP_COLUMNS, partnership_rows(filterset.qs), name="partnerships")
