from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Cluster, ClusterMembership


class ClusterMembershipInline(admin.TabularInline):
    model = ClusterMembership
    extra = 1
    autocomplete_fields = ["organization"]


@admin.register(Cluster)
class ClusterAdmin(SimpleHistoryAdmin):
    list_display = ["name_ko", "name_en", "kind", "region", "city", "operator"]
    list_filter = ["kind", "region"]
    list_select_related = ["operator"]
    search_fields = ["name_ko", "name_en", "slug", "city", "operator__name_ko"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["operator"]
    inlines = [ClusterMembershipInline]
    fieldsets = [
        (None, {"fields": ["name_ko", "name_en", "slug", "kind", "operator"]}),
        (_("Location"), {"fields": ["region", "city", "latitude", "longitude"]}),
        (_("About"), {"fields": ["description", "website"]}),
    ]


@admin.register(ClusterMembership)
class ClusterMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "cluster", "role", "since"]
    list_filter = ["role", "cluster"]
    list_select_related = ["organization", "cluster"]
    search_fields = ["organization__name_ko", "organization__name_en", "cluster__name_ko"]
    autocomplete_fields = ["cluster", "organization"]
