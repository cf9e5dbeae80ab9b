from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from agreements.models import Agreement, NewsItem
from clusters.models import Cluster
from orgs.models import Organization


class ListPageSitemap(Sitemap):
    """The home page and the list pages."""

    changefreq = "daily"
    priority = 0.8

    def items(self):
        return [
            "home",
            "clusters:cluster_list",
            "orgs:organization_list",
            "agreements:agreement_list",
            "agreements:newsitem_list",
            "network:network",
        ]

    def location(self, item):
        return reverse(item)


class RecordSitemap(Sitemap):
    """Every record of one model, dated by its last change."""

    changefreq = "weekly"
    model = None

    def items(self):
        return self.model.objects.order_by("pk")

    def lastmod(self, item):
        return item.updated


class OrganizationSitemap(RecordSitemap):
    model = Organization


class ClusterSitemap(RecordSitemap):
    model = Cluster


class AgreementSitemap(RecordSitemap):
    model = Agreement


class NewsItemSitemap(RecordSitemap):
    model = NewsItem


sitemaps = {
    "pages": ListPageSitemap,
    "organizations": OrganizationSitemap,
    "clusters": ClusterSitemap,
    "agreements": AgreementSitemap,
    "news": NewsItemSitemap,
}
