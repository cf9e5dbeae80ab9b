from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from bionet.lib.admin import CsvImportAdminMixin, ReviewAdminMixin, csv_export_action
from bionet.lib.dates import format_partial_date
from clusters.models import Cluster
from news.models import NewsItem, NewsMention
from news.text import best_event_date, find_dates
from orgs.models import Organization

from . import services
from .exports import AGREEMENT_COLUMNS, agreement_rows
from .imports import agreements_import
from .models import Agreement, AgreementParty, AgreementSource


class AtLeastInlineFormSet(forms.BaseInlineFormSet):
    """Refuses fewer than ``minimum`` distinct values of ``field`` among the rows kept."""

    field = ""
    minimum = 1
    message = ""
    code = ""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        chosen = {
            form.cleaned_data[self.field].pk
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get(self.field)
        }
        if len(chosen) < self.minimum:
            raise ValidationError(self.message, code=self.code)


class AgreementPartyInlineFormSet(AtLeastInlineFormSet):
    field, minimum, code = "organization", 2, "too_few_parties"
    message = _("An agreement links at least two organizations: add another party.")


class AgreementSourceInlineFormSet(AtLeastInlineFormSet):
    field, minimum, code = "newsitem", 1, "no_source"
    message = _("Cite at least one news item this agreement is taken from.")


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    formset = AgreementPartyInlineFormSet
    extra = 2
    autocomplete_fields = ["organization"]


class AgreementSourceInline(admin.TabularInline):
    model = AgreementSource
    formset = AgreementSourceInlineFormSet
    extra = 1
    autocomplete_fields = ["newsitem"]


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
        ]


@admin.register(Agreement)
class AgreementAdmin(ReviewAdminMixin, CsvImportAdminMixin, SimpleHistoryAdmin):
    csv_import = agreements_import
    actions = [
        csv_export_action(AGREEMENT_COLUMNS, agreement_rows, name="agreements"),
        "publish_selected",
        "withdraw_selected",
    ]
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
    autocomplete_fields = ["cluster"]
    inlines = [AgreementPartyInline, AgreementSourceInline]
    fieldsets = [
        (None, {"fields": ["title", "title_en", "kind", "status", "cluster"]}),
        (
            _("When and where"),
            {"fields": ["date", "date_precision", "date_stated", "date_basis", "place"]},
        ),
        (_("Content"), {"fields": ["summary"]}),
        ReviewAdminMixin.review_fieldset,
    ]

    def publish_record(self, agreement, user):
        services.agreement_publish(agreement=agreement, user=user)

    def withdraw_record(self, agreement, user):
        services.review_withdraw(record=agreement, user=user)

    def get_urls(self):
        return [
            path(
                "from-news/<int:news_item_id>/",
                self.admin_site.admin_view(self.agreement_from_news_view),
                name="agreements_agreement_from_news",
            ),
        ] + super().get_urls()

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, agreement):
        return agreement.date_display()

    def agreement_from_news_view(self, request, news_item_id):
        """Draft an agreement citing a news item, from the organizations and dates it states.

        Template: admin/news/newsitem/action_form.html, the news item's own action page.
        """
        if not self.has_add_permission(request):
            raise PermissionDenied
        news_item = NewsItem.objects.filter(pk=news_item_id).first()
        if news_item is None:
            return self._get_obj_does_not_exist_redirect(request, NewsItem._meta, str(news_item_id))
        dates = find_dates(news_item.body, news_item.published_on)
        best = best_event_date(dates)
        mentioned = news_item.mentions.exclude(organization=None).values_list(
            "organization", flat=True
        )
        form = AgreementFromNewsForm(
            request.POST or None,
            news_item=news_item,
            dates=dates,
            initial={
                "title": news_item.title,
                "organizations": list(dict.fromkeys(mentioned)),
                "stated_date": str(dates.index(best)) if best else "",
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                agreement = services.agreement_create_from_news_item(
                    news_item=news_item,
                    title=form.cleaned_data["title"],
                    kind=form.cleaned_data["kind"],
                    status=form.cleaned_data["status"],
                    organizations=list(form.cleaned_data["organizations"]),
                    role=form.cleaned_data["role"],
                    stated_date=form.chosen_date(),
                    cluster=form.cleaned_data["cluster"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("Agreement drafted from the news item: check its parties and date."),
                    messages.SUCCESS,
                )
                return redirect("admin:agreements_agreement_change", agreement.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": NewsItem._meta,
            "title": _("Create agreement from this news item"),
            "form": form,
            "submit_label": _("Create agreement"),
            "news_item": news_item,
        }
        return TemplateResponse(request, "admin/news/newsitem/action_form.html", context)


@admin.register(AgreementParty)
class AgreementPartyAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "agreement", "role"]
    list_filter = ["role", "agreement__kind"]
    list_select_related = ["organization", "agreement"]
    search_fields = ["organization__name_ko", "organization__name_en", "agreement__title"]
    autocomplete_fields = ["agreement", "organization"]


class AgreementFromNewsForm(forms.Form):
    NO_DATE = ""

    title = forms.CharField(label=_("title"), max_length=300)
    kind = forms.ChoiceField(label=_("kind"), choices=Agreement.Kind.choices)
    status = forms.ChoiceField(
        label=_("status"), choices=Agreement.Status.choices, initial=Agreement.Status.CONCLUDED
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("parties"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The organizations the article names. Tick at least two."),
    )
    role = forms.ChoiceField(
        label=_("role of the parties"),
        choices=AgreementParty.Role.choices,
        initial=AgreementParty.Role.SIGNATORY,
        help_text=_("Refine each party's role on the agreement page afterwards."),
    )
    stated_date = forms.ChoiceField(label=_("date"), required=False)
    cluster = forms.ModelChoiceField(
        label=_("cluster"), queryset=Cluster.objects.none(), required=False
    )

    def __init__(self, *args, news_item, dates, **kwargs):
        super().__init__(*args, **kwargs)
        self.dates = dates
        mentioned = NewsMention.objects.filter(news_item=news_item)
        self.fields["organizations"].queryset = Organization.objects.filter(
            pk__in=mentioned.values("organization")
        )
        self.fields["cluster"].queryset = Cluster.objects.filter(pk__in=mentioned.values("cluster"))
        self.fields["stated_date"].choices = [(self.NO_DATE, _("No date"))] + [
            (str(index), f"{date.stated} → {date_label(date)}") for index, date in enumerate(dates)
        ]

    def clean_organizations(self):
        organizations = self.cleaned_data["organizations"]
        if len(organizations) < 2:
            raise ValidationError(
                _("An agreement links at least two organizations: tick another party.")
            )
        return organizations

    def chosen_date(self):
        choice = self.cleaned_data.get("stated_date")
        return self.dates[int(choice)] if choice not in (None, self.NO_DATE) else None


def date_label(stated_date) -> str:
    return format_partial_date(stated_date.date, stated_date.precision)
