from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Agreement, AgreementParty, NewsItem


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
class AgreementAdmin(SimpleHistoryAdmin):
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
class AgreementPartyAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "agreement", "role"]
    list_filter = ["role", "agreement__kind"]
    list_select_related = ["organization", "agreement"]
    search_fields = ["organization__name_ko", "organization__name_en", "agreement__title"]
    autocomplete_fields = ["agreement", "organization"]


@admin.register(NewsItem)
class NewsItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "outlet", "reporter", "published_on"]
    list_filter = ["outlet", "language"]
    search_fields = ["title", "outlet", "reporter", "body"]
    date_hierarchy = "published_on"

    def get_deleted_objects(self, objs, request):
        """Lists the agreements citing a news item as protected: they would lose their source."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        citing = Agreement.objects.filter(sources__in=objs).distinct().order_by("pk")
        protected = list(protected) + [
            format_html(
                '{}: <a href="{}">{}</a>',
                capfirst(Agreement._meta.verbose_name),
                reverse("admin:agreements_agreement_change", args=[agreement.pk]),
                agreement,
            )
            for agreement in citing
        ]
        return deleted, model_count, perms_needed, protected
