import django_filters
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from bionet.lib.filters import OrderingFilter, YearFilter
from clusters.forms import ClusterFilter
from orgs.forms import OrganizationFilter

from .models import NewsItem


class NewsItemFilterSet(django_filters.FilterSet):
    """The news item list's filters."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    year = YearFilter(
        field_name="published_on__year",
        label=_("Year published"),
    )
    cluster = ClusterFilter(
        method="citing_cluster",
        label=_("Cited by agreements in cluster"),
        empty_label=_("Any cluster"),
    )
    organization = OrganizationFilter(
        method="citing_organization", label=_("Cited by agreements of organization")
    )
    ordering = OrderingFilter(
        fields=[("published_on", "published"), ("title", "title")],
        field_labels={
            "published": _("Oldest first"),
            "-published": _("Newest first"),
            "title": _("Title"),
            "-title": _("Title (descending)"),
        },
        label=_("Order by"),
        tiebreak=("title", "pk"),
        empty_label=_("Default order"),
    )

    class Meta:
        model = NewsItem
        fields = ["q", "year", "cluster", "organization"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def citing_cluster(self, queryset, name, cluster):
        return Agreement.objects.published().filter(cluster=cluster).cited_news_items(queryset)

    def citing_organization(self, queryset, name, organization):
        return Agreement.objects.published().involving(organization).cited_news_items(queryset)
