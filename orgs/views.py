from django.http import HttpRequest, HttpResponse
from django.views.generic import DetailView, ListView

from bionet.lib.csv import csv_response, invalid_filters_response

from .exports import ORGANIZATION_COLUMNS, organization_rows
from .filters import OrganizationFilterSet
from .models import Organization


class OrganizationListView(ListView):
    model = Organization
    paginate_by = 25


class OrganizationDetailView(DetailView):
    model = Organization


def organization_export(request: HttpRequest) -> HttpResponse:
    """organizations.csv: the organizations the list shows for the same filters, streamed."""
    filterset = OrganizationFilterSet(request.GET, queryset=Organization.objects.with_counts())
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    rows = organization_rows(filterset.qs, base_url=request.build_absolute_uri("/")[:-1])
    return csv_response(ORGANIZATION_COLUMNS, rows, name="organizations")
