from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organizations/", include("orgs.urls")),
    path("clusters/", include("clusters.urls")),
    path("network/", include("agreements.network_urls")),
    path("", include("agreements.urls")),
]
