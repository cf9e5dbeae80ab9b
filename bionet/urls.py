from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _

from httpcache.middleware import public

from . import views
from .forms import AdminLoginForm
from .lib.languages import language_patterns
from .lib.views import read_only
from .sitemaps import SectionConverter, sitemaps

register_converter(SectionConverter, "sitemap_section")

admin.site.site_header = _("Bionet curation")
admin.site.site_title = _("Bionet curation")
admin.site.index_title = _("Directory records")
# Refuses a username longer than any account's before sign-in lockouts record it.
admin.site.login_form = AdminLoginForm

# Addresses for people come in both languages: Korean plain ("/organizations/"), English
# under "/en/" (see bionet.middleware.LocaleMiddleware). Machines' addresses (sitemaps, the
# API, health) and the curators' admin have one address each.
# Everything but the admin and the language switch is public: served to anonymous visitors by
# the data's version, with ETags, 304s and a server-side cache (httpcache).
urlpatterns = [
    *public(
        # An index of sections, each paginated: no response lists every record of a large
        # directory.
        path(
            "sitemap.xml",
            read_only(sitemap_views.index),
            {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
            name="sitemap",
        ),
        path(
            "sitemap-<sitemap_section:section>.xml",
            read_only(sitemap_views.sitemap),
            {"sitemaps": sitemaps},
            name="sitemap_section",
        ),
        path("api/", include("api.urls")),
        language_patterns(
            path("", views.home, name="home"),
            path("search/", views.search, name="search"),
            path("sitemap/", views.site_map, name="site_map"),
            path("organizations/", include("orgs.urls")),
            path("clusters/", include("clusters.urls")),
            path("network/", include("network.urls")),
            path("", include("agreements.urls")),
            path("", include("news.urls")),
        ),
    ),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", views.set_language, name="set_language"),
]

handler400 = "bionet.views.bad_request"
handler500 = "bionet.views.server_error"
