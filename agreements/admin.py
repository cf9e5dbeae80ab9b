from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bionet.lib.admin import CsvImportAdminMixin, csv_export_action

from .exports import AGREEMENT_COLUMNS, agreement_rows
from .models import Agreement, AgreementParty, NewsItem
from .services import agreements_import


class AgreementPartyInlineFormSet(forms.BaseInlineFormSet):
    """Refuses an agreement with fewer than two distinct parties."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        organizations = {
            form.cleaned_data["organization"].pk
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("organization")
        }
        if len(organizations) < 2:
            raise ValidationError(
                _("An agreement links at least two organizations: add another party."),
                code="too_few_parties",
            )


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    formset = AgreementPartyInlineFormSet
    extra = 2
    autocomplete_fields = ["organization"]


class AgreementAdminForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "title",
            "title_en",
            "kind",
            "status",
            "cluster",
            "date",
            "date_precision",
            "date_stated",
            "date_basis",
            "place",
            "summary",
            "sources",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].error_messages["required"] = _(
            "Cite at least one news item this agreement is taken from."
        )


@admin.register(Agreement)
class AgreementAdmin(CsvImportAdminMixin, admin.ModelAdmin):
    csv_import = agreements_import
    actions = [csv_export_action(AGREEMENT_COLUMNS, agreement_rows, name="agreements")]
    form = AgreementAdminForm
    list_display = ["title", "kind", "date_display", "cluster", "status"]
    list_filter = ["kind", "status", "date_precision", "cluster"]
    list_select_related = ["cluster"]
    search_fields = [
        "title",
        "title_en",
        "summary",
        "place",
        "parties__organization__name_ko",
        "parties__organization__name_en",
        "parties__organization__names__name",
    ]
    date_hierarchy = "date"
    autocomplete_fields = ["cluster", "sources"]
    inlines = [AgreementPartyInline]
    fieldsets = [
        (None, {"fields": ["title", "title_en", "kind", "status", "cluster"]}),
        (
            _("When and where"),
            {"fields": ["date", "date_precision", "date_stated", "date_basis", "place"]},
        ),
        (_("Content"), {"fields": ["summary", "sources"]}),
    ]

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, agreement):
        return agreement.date_display()


@admin.register(AgreementParty)
class AgreementPartyAdmin(admin.ModelAdmin):
    list_display = ["organization", "agreement", "role"]
    list_filter = ["role", "agreement__kind"]
    list_select_related = ["organization", "agreement"]
    search_fields = ["organization__name_ko", "organization__name_en", "agreement__title"]
    autocomplete_fields = ["agreement", "organization"]


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "reporter", "published_on"]
    list_filter = ["outlet", "language"]
    search_fields = ["title", "outlet", "reporter", "body"]
    date_hierarchy = "published_on"
