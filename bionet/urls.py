from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .sitemaps import sitemaps

admin.site.site_header = _("Bionet curation")
admin.site.site_title = _("Bionet curation")
admin.site.index_title = _("Directory records")

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organizations/", include("orgs.urls")),
    path("clusters/", include("clusters.urls")),
    path("network/", include("agreements.network_urls")),
    path("", include("agreements.urls")),
]

handler400 = "bionet.views.bad_request"
handler500 = "bionet.views.server_error"
