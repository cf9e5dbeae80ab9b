from django.http import HttpRequest, HttpResponse
from django.views.generic import DetailView, ListView

from bionet.lib.csv import csv_response, invalid_filters_response

from .exports import AGREEMENT_COLUMNS, PARTNERSHIP_COLUMNS, agreement_rows, partnership_rows
from .filters import AgreementFilterSet
from .models import Agreement, NewsItem


class AgreementListView(ListView):
    model = Agreement
    paginate_by = 25


class AgreementDetailView(DetailView):
    model = Agreement


class NewsItemListView(ListView):
    model = NewsItem
    paginate_by = 25


class NewsItemDetailView(DetailView):
    model = NewsItem


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
