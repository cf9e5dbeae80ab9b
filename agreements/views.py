from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from bionet.lib.views import DirectoryListView, ReadOnlyMixin, read_only
from jobs.downloads import export_response

from .exports import AGREEMENTS_EXPORT, PARTNERSHIPS_EXPORT
from .filters import AgreementFilterSet
from .models import Agreement
from .tasks import write_agreements_export, write_partnerships_export


class AgreementListView(DirectoryListView):
    """Agreements, filtered and ordered. Template: agreements/agreement_list.html."""

    page_title = _("Agreements")
    filterset_class = AgreementFilterSet
    template_name = "agreements/agreement_list.html"

    def get_queryset(self):
        return Agreement.objects.published().for_list().with_party_count()


class AgreementDetailView(ReadOnlyMixin, DetailView):
    """One agreement: parties with roles, date at its precision, place, sources.

    Template: agreements/agreement_detail.html.
    """

    def get_queryset(self):
        return Agreement.objects.published().for_detail()


@read_only
def agreement_export(request: HttpRequest) -> HttpResponse:
    """agreements.csv: the agreements the list shows for the same filters (see
    jobs.downloads: streamed, or written by a task when large)."""
    return export_response(request, AGREEMENTS_EXPORT, task=write_agreements_export)


@read_only
def partnership_export(request: HttpRequest) -> HttpResponse:
    """partnerships.csv: one row per pair of parties of each agreement the filters select."""
    return export_response(request, PARTNERSHIPS_EXPORT, task=write_partnerships_export)
