from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from agreements.models import Agreement, AgreementParty, with_agreement_counts
from bionet.lib.views import DirectoryListView, ReadOnlyMixin, read_only
from jobs.downloads import export_response
from network.partials import ego_context
from news.models import NewsItem

from .exports import ORGANIZATIONS_EXPORT
from .filters import OrganizationFilterSet
from .models import Organization, OrganizationRedirect
from .tasks import write_organizations_export

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
        return with_agreement_counts(Organization.objects.published().for_list())


class OrganizationDetailView(ReadOnlyMixin, DetailView):
    """One organization: names, place in the hierarchy, clusters, agreements, partners, sources.

    Template: orgs/organization_detail.html.
    """

    def get_queryset(self):
        return Organization.objects.published().for_detail()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = OrganizationRedirect.objects.destination(kwargs["slug"])
            if moved is None:
                raise
            return redirect(moved, permanent=True)

    def get_context_data(self, **kwargs):
        agreements = Agreement.objects.published().involving(self.object)
        news_items = agreements.cited_news_items()
        parties = AgreementParty.objects.published()
        return super().get_context_data(
            **ego_context(self.object, steps=self.request.GET.get("steps")),
            agreements=agreements.for_list()[:AGREEMENTS_SHOWN],
            agreement_count=agreements.count(),
            partners=parties.top_partners_of(self.object, PARTNERS_SHOWN),
            partner_count=parties.partner_count_of(self.object),
            news_items=news_items[:SOURCES_SHOWN],
            news_item_count=news_items.count(),
            # The news naming it that no agreement of its cites: the others are listed above.
            mentioning_news=NewsItem.objects.mentioning_organization(self.object).exclude(
                pk__in=news_items.values("pk")
            )[:MENTIONING_NEWS_SHOWN],
            **kwargs,
        )


@read_only
def organization_export(request: HttpRequest) -> HttpResponse:
    """organizations.csv: the organizations the list shows for the same filters (see
    jobs.downloads: streamed, or written by a task when large)."""
    return export_response(request, ORGANIZATIONS_EXPORT, task=write_organizations_export)
