from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from agreements.models import Agreement, with_agreement_counts
from bionet.lib.views import DirectoryListView, ReadOnlyMixin
from network.partials import cluster_context
from news.models import NewsItem

from .filters import ClusterFilterSet
from .maps import cached_korea_map_svg, korea_map_svg
from .models import Cluster

# A cluster's page shows the newest of its agreements and sources and links to the full
# lists, so that it stays as fast for a cluster with thousands of them as for a small one.
AGREEMENTS_SHOWN = 50
MEMBERSHIPS_SHOWN = 200
SOURCES_SHOWN = 20
# The newest news items naming the cluster that its page lists.
MENTIONING_NEWS_SHOWN = 20


class ClusterListView(DirectoryListView):
    """Clusters, filtered and ordered, with all matching ones placed on a map of Korea.

    Template: clusters/cluster_list.html.
    """

    page_title = gettext_lazy("Clusters")
    filterset_class = ClusterFilterSet
    template_name = "clusters/cluster_list.html"

    def get_queryset(self):
        return with_agreement_counts(Cluster.objects.for_list())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The map shows every matching cluster, not only this page's; it needs no counts.
        filters = self.request.GET.copy()
        filters.pop("ordering", None)  # the map has no order, and orders by counts need them
        matching = self.filterset_class(filters or None, queryset=Cluster.objects.all())
        mapped = []
        if not matching.is_bound or matching.is_valid():  # invalid filters list nothing
            mapped = list(matching.qs.exclude(latitude=None).order_by())
        context["mapped_clusters"] = mapped
        points = [cluster.map_point() for cluster in mapped]
        context["map_svg"] = cached_korea_map_svg(
            points,
            title=_("Map of South Korea's bio clusters"),
            link_label=_("{name}: cluster page"),
        )
        return context


class ClusterDetailView(ReadOnlyMixin, DetailView):
    """One cluster: operator, members by kind, its agreements as a timeline, sources.

    Template: clusters/cluster_detail.html.
    """

    def get_queryset(self):
        return Cluster.objects.for_detail(members=MEMBERSHIPS_SHOWN)

    def get_context_data(self, **kwargs):
        agreements = Agreement.objects.published().filter(cluster=self.object)
        news_items = agreements.cited_news_items()
        members_by_kind = self.object.members_by_kind()
        context = super().get_context_data(
            **cluster_context(self.object),
            agreements=agreements.for_list()[:AGREEMENTS_SHOWN],
            agreement_count=agreements.count(),
            members_by_kind=members_by_kind,
            members_shown=sum(len(members) for _kind, members in members_by_kind),
            member_count=self.object.member_count(),
            news_items=news_items[:SOURCES_SHOWN],
            news_item_count=news_items.count(),
            # The news naming it that no agreement of its cites: the others are listed above.
            mentioning_news=NewsItem.objects.mentioning_cluster(self.object).exclude(
                pk__in=news_items.values("pk")
            )[:MENTIONING_NEWS_SHOWN],
            **kwargs,
        )
        if self.object.has_coordinates:
            context["map_svg"] = korea_map_svg(
                [self.object.map_point()],
                title=_("Location of %(name)s") % {"name": self.object.display_name},
                id_prefix="cluster-map",
            )
        return context
