from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from bionet.lib.csv import csv_response, invalid_filters_response, site_url
from bionet.lib.filters import bind_filters, refused
from bionet.lib.views import DirectoryListView

from .exports import AGREEMENT_COLUMNS, PARTNERSHIP_COLUMNS, agreement_rows, partnership_rows
from .filters import AgreementFilterSet
from .models import Agreement


class AgreementListView(DirectoryListView):
    """Agreements, filtered and ordered. Template: agreements/agreement_list.html."""

    page_title = _("Agreements")
    filterset_class = AgreementFilterSet
    template_name = "agreements/agreement_list.html"

    def get_queryset(self):
        return Agreement.objects.published().for_list().with_party_count()


class AgreementDetailView(DetailView):
    """One agreement: parties with roles, date at its precision, place, sources.

    Template: agreements/agreement_detail.html.
    """

    http_method_names = ["get", "head"]

    def get_queryset(self):
        return Agreement.objects.published().for_detail()


def _filtered_agreements(request: HttpRequest) -> AgreementFilterSet:
    agreements = Agreement.objects.published().with_party_count()
    return bind_filters(AgreementFilterSet, request, agreements)


@require_safe
def agreement_export(request: HttpRequest) -> HttpResponse:
    """agreements.csv: the agreements the list shows for the same filters, streamed."""
    filterset = _filtered_agreements(request)
    if refused(filterset):
        return invalid_filters_response(filterset)
    rows = agreement_rows(filterset.qs, base_url=site_url(request))
    return csv_response(AGREEMENT_COLUMNS, rows, name="agreements")


@require_safe
def partnership_export(request: HttpRequest) -> HttpResponse:
    """partnerships.csv: one row per pair of parties of each agreement the filters select."""
    filterset = _filtered_agreements(request)
    if refused(filterset):
        return invalid_filters_response(filterset)
    # Filtered by an organization, the file holds its partnerships, not its partners' others.
    chosen = getattr(filterset.form, "cleaned_data", {}).get("organization")
    rows = partnership_rows(filterset.qs, involving=chosen)
    return csv_response(PARTNERSHIP_COLUMNS, rows, name="partnerships")
