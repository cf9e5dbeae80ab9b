from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Bionet curation")
admin.site.site_title = _("Bionet curation")
admin.site.index_title = _("Directory records")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organizations/", include("orgs.urls")),
    path("clusters/", include("clusters.urls")),
    path("", include("agreements.urls")),
]

handler400 = "bionet.views.bad_request"
handler500 = "bionet.views.server_error"
