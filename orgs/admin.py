from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bionet.lib.admin import CsvImportAdminMixin, csv_export_action

from .exports import ORGANIZATION_COLUMNS, organization_rows
from .imports import organizations_import
from .models import Organization, OrganizationName


class OrganizationNameInline(admin.TabularInline):
    model = OrganizationName
    extra = 1


@admin.register(Organization)
class OrganizationAdmin(CsvImportAdminMixin, admin.ModelAdmin):
    csv_import = organizations_import
    actions = [csv_export_action(ORGANIZATION_COLUMNS, organization_rows, name="organizations")]
    list_display = ["name_ko", "name_en", "kind", "region", "parent"]
    list_filter = ["kind", "region"]
    list_select_related = ["parent"]
    search_fields = ["name_ko", "name_en", "slug", "names__name"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["parent"]
    inlines = [OrganizationNameInline]
    fieldsets = [
        (None, {"fields": ["name_ko", "name_en", "slug", "kind", "parent", "region"]}),
        (_("About"), {"fields": ["description", "website"]}),
        (_("Identifiers"), {"fields": ["ror_id", "wikidata_qid"], "classes": ["collapse"]}),
    ]


@admin.register(OrganizationName)
class OrganizationNameAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "kind", "language"]
    list_filter = ["kind", "language"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name_ko", "organization__name_en"]
    autocomplete_fields = ["organization"]
