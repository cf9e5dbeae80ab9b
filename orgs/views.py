from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from bionet.lib.views import DirectoryListView

from .filters import OrganizationFilterSet
from .models import Organization


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
        return super().get_context_data(
            agreements=agreements.for_list(),
            partners=self.object.partners(),
            news_items=news_item_model.objects.citing(agreements),
            **kwargs,
        )
