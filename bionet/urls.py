from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _

from . import views
from .sitemaps import SectionConverter, sitemaps

register_converter(SectionConverter, "sitemap_section")

admin.site.site_header = _("Bionet curation")
admin.site.site_title = _("Bionet curation")
admin.site.index_title = _("Directory records")

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("sitemap/", views.site_map, name="site_map"),
    # An index of sections, each paginated: no response lists every record of a large directory.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<sitemap_section:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organizations/", include("orgs.urls")),
    path("clusters/", include("clusters.urls")),
    path("network/", include("network.urls")),
    path("api/", include("api.urls")),
    path("", include("agreements.urls")),
    path("", include("news.urls")),
]

handler400 = "bionet.views.bad_request"
handler500 = "bionet.views.server_error"
