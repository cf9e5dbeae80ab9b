from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from agreements.models import Agreement
from clusters.models import Cluster
from news.models import NewsItem
from orgs.models import Organization


class BilingualSitemap(Sitemap):
    """Each address in Korean and in English, each listing the other as its alternate."""

    i18n = True
    alternates = True
    x_default = True


class ListPageSitemap(BilingualSitemap):
    """The home page and the list pages."""

    changefreq = "daily"
    priority = 0.8

    def items(self):
        return [
            "home",
            "clusters:cluster_list",
            "orgs:organization_list",
            "agreements:agreement_list",
            "news:newsitem_list",
            "network:network",
        ]

    def location(self, item):
        return reverse(item)


class RecordSitemap(BilingualSitemap):
    """Every record of one model, dated by its last change, in pages of ``limit`` URLs."""

    changefreq = "weekly"
    # Well under the protocol's 50,000: a page stays quick to build and to download.
    limit = 5000
    model = None
    # The fields get_absolute_url() reads besides the primary key.
    url_fields = ()

    def records(self):
        """The records visitors may see: published ones, where the model is reviewed."""
        return self.model.objects.all()

    def items(self):
        return self.records().only("pk", "updated", *self.url_fields).order_by("pk")

    def lastmod(self, item):
        return item.updated

    def get_latest_lastmod(self):
        # The index dates each section: one aggregate, not a walk over every record.
        return self.records().aggregate(latest=Max("updated"))["latest"]


class OrganizationSitemap(RecordSitemap):
    model = Organization
    url_fields = ("slug",)

    def records(self):
        return Organization.objects.published()


class ClusterSitemap(RecordSitemap):
    model = Cluster
    url_fields = ("slug",)


class AgreementSitemap(RecordSitemap):
    model = Agreement

    def records(self):
        return Agreement.objects.published()


class NewsItemSitemap(RecordSitemap):
    model = NewsItem


sitemaps = {
    "pages": ListPageSitemap,
    "organizations": OrganizationSitemap,
    "clusters": ClusterSitemap,
    "agreements": AgreementSitemap,
    "news": NewsItemSitemap,
}


class SectionConverter:
    """The name of a sitemap section in its URL, e.g. sitemap-organizations.xml."""

    regex = "|".join(sitemaps)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
