from importlib import import_module

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from bionet.lib.csv import csv_response, invalid_filters_response
from bionet.lib.views import DirectoryListView

from .exports import ORGANIZATION_COLUMNS, organization_rows
from .filters import OrganizationFilterSet
from .models import Organization

# An organization's page shows the newest of its agreements and sources and its most frequent
# partners, and links to the full lists, so that it stays as fast for a national agency with
# thousands of agreements as for a small company.
AGREEMENTS_SHOWN = 50
PARTNERS_SHOWN = 50
SOURCES_SHOWN = 20
# The newest news items naming the organization that its page lists.
MENTIONING_NEWS_SHOWN = 20


class OrganizationListView(DirectoryListView):
    """Organizations, filtered and ordered by GET parameters.

    Template: orgs/organization_list.html.
    """

    page_title = _("Organizations")
    filterset_class = OrganizationFilterSet
    template_name = "orgs/organization_list.html"

    def get_queryset(self):
        return Organization.objects.for_list()


class OrganizationDetailView(DetailView):
    """One organization: names, place in the hierarchy, clusters, agreements, partners, sources.

    Template: orgs/organization_detail.html.
    """

    def get_queryset(self):
        return Organization.objects.for_detail()

    def get_context_data(self, **kwargs):
        # Agreements live in an app that depends on this one: look the models up by name.
        agreement_model = apps.get_model("agreements", "Agreement")
        news_item_model = apps.get_model("agreements", "NewsItem")
        agreements = agreement_model.objects.involving(self.object)
        news_items = news_item_model.objects.citing(agreements)
        # The collaboration network is drawn by the agreements app, which depends on this one.
        network = import_module("agreements.network")
        return super().get_context_data(
            **network.ego_context(self.object, steps=self.request.GET.get("steps")),
            agreements=agreements.for_list()[:AGREEMENTS_SHOWN],
            agreement_count=agreements.count(),
            partners=self.object.top_partners(PARTNERS_SHOWN),
            partner_count=self.object.partner_count(),
            news_items=news_items[:SOURCES_SHOWN],
            news_item_count=news_items.count(),
            mentioning_news=news_item_model.objects.mentioning_organization(self.object)[
                :MENTIONING_NEWS_SHOWN
            ],
            **kwargs,
        )


def organization_export(request: HttpRequest) -> HttpResponse:
    """organizations.csv: the organizations the list shows for the same filters, streamed."""
    filterset = OrganizationFilterSet(request.GET, queryset=Organization.objects.with_counts())
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    rows = organization_rows(filterset.qs, base_url=request.build_absolute_uri("/")[:-1])
    return csv_response(ORGANIZATION_COLUMNS, rows, name="organizations")
