from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from agreements import services as agreement_services
from agreements.models import with_agreement_counts
from bionet.lib.admin import CsvImportAdminMixin, ReviewAdminMixin, csv_export_action

from .exports import ORGANIZATION_COLUMNS, organization_rows
from .imports import organizations_import
from .models import Organization, OrganizationName
from .services import organization_merge
from .tasks import import_organizations_csv


class OrganizationNameInline(admin.TabularInline):
    model = OrganizationName
    extra = 1


class OrganizationMergeForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label=_("Keep"),
        help_text=_("The others are merged into it and deleted; their names become its aliases."),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = organizations


@admin.register(Organization)
class OrganizationAdmin(ReviewAdminMixin, CsvImportAdminMixin, SimpleHistoryAdmin):
    csv_import = organizations_import
    csv_import_task = import_organizations_csv
    list_display = ["name_ko", "name_en", "kind", "region", "parent"]
    list_filter = ["kind", "region"]
    list_select_related = ["parent"]
    search_fields = ["name_ko", "name_en", "slug", "names__name"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["parent"]
    inlines = [OrganizationNameInline]
    actions = [
        csv_export_action(ORGANIZATION_COLUMNS, organization_rows, name="organizations"),
        "merge_organizations",
        "publish_selected",
        "withdraw_selected",
    ]
    fieldsets = [
        (None, {"fields": ["name_ko", "name_en", "slug", "kind", "parent", "region"]}),
        (_("About"), {"fields": ["description", "website"]}),
        (_("Identifiers"), {"fields": ["ror_id", "wikidata_qid"], "classes": ["collapse"]}),
        ReviewAdminMixin.review_fieldset,
    ]

    def publish_record(self, organization, user):
        agreement_services.organization_publish(organization=organization, user=user)

    def withdraw_record(self, organization, user):
        agreement_services.review_withdraw(record=organization, user=user)

    # Merging moves every record to the survivor and keeps the other names as aliases, so
    # nothing is lost: curators, who may not delete organizations, may merge them.
    @admin.action(description=_("Merge selected organizations"), permissions=["change"])
    def merge_organizations(self, request, queryset):
        """Asks which organization to keep, then merges the others into it."""
        organizations = with_agreement_counts(queryset.select_related("parent")).order_by("name_ko")
        if len(organizations) < 2:
            self.message_user(
                request, _("Select at least two organizations to merge."), messages.WARNING
            )
            return None
        form = OrganizationMergeForm(
            request.POST if "confirm" in request.POST else None, organizations=organizations
        )
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/orgs/organization/merge_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Merge organizations"),
                    "opts": self.model._meta,
                    "form": form,
                    "organizations": organizations,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        survivor = form.cleaned_data["survivor"]
        duplicates = [organization for organization in organizations if organization != survivor]
        moved = dropped = 0
        try:
            with transaction.atomic():
                for duplicate in duplicates:
                    result = organization_merge(
                        survivor=survivor, duplicate=duplicate, user=request.user
                    )
                    moved += result.moved
                    dropped += len(result.dropped)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        self.message_user(
            request,
            ngettext(
                "Merged %(count)d organization into “%(survivor)s”: %(moved)d records moved, "
                "%(dropped)d repeated records dropped.",
                "Merged %(count)d organizations into “%(survivor)s”: %(moved)d records moved, "
                "%(dropped)d repeated records dropped.",
                len(duplicates),
            )
            % {
                "count": len(duplicates),
                "survivor": survivor,
                "moved": moved,
                "dropped": dropped,
            },
            messages.SUCCESS,
        )
        return None


@admin.register(OrganizationName)
class OrganizationNameAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organization", "kind", "language"]
    list_filter = ["kind", "language"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name_ko", "organization__name_en"]
    autocomplete_fields = ["organization"]
