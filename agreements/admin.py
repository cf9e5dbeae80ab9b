import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as delete_selected_confirmed
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from bionet.lib.admin import CsvImportAdminMixin, ReviewAdminMixin, csv_export_action
from bionet.lib.models import ReviewRefused
from clusters.models import Cluster
from news.models import NewsItem
from news.parties import propose_parties
from news.text import best_event_date, find_dates

from . import services
from .exports import AGREEMENT_COLUMNS, agreement_rows
from .forms import AgreementFromNewsForm, AgreementPartyForm, guess_kind, party_formset
from .imports import agreements_import
from .models import MINIMUM_ORGANIZATIONS, Agreement, AgreementParty, AgreementSource
from .tasks import import_agreements_csv


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
    """At least two parties' organizations, drafts included (the page writes the agreement
    whole: see services.agreement_parties_check), and a warning when the agreement looks like
    one the directory already has (same parties about the same time, or the same source),
    until the curator confirms it is another event."""

    field, minimum, code = "organization", MINIMUM_ORGANIZATIONS, "too_few_parties"
    message = _("An agreement links at least two organizations: add another party.")

    def clean(self):
        super().clean()
        if any(self.errors) or self.data.get("confirm_same_event"):
            return
        kept = [form.cleaned_data for form in self.forms if form.cleaned_data]
        organizations = [row["organization"].pk for row in kept if not row.get("DELETE")]
        agreement = self.instance
        same_event = Agreement.objects.likely_same_event(
            organization_ids=organizations,
            date=agreement.date if agreement.date_precision == "day" else None,
            news_items=cited_news_items(self.data),
            exclude=agreement.pk,
        )
        if same_event:
            raise ValidationError(
                format_html(
                    "{} {}",
                    _("This looks like an event the directory already has:"),
                    format_html_join(
                        ", ",
                        '<a href="{}">{}</a> ({})',
                        (
                            (
                                reverse("admin:agreements_agreement_change", args=[other.pk]),
                                other.title,
                                other.date_display(),
                            )
                            for other in same_event
                        ),
                    ),
                )
                + " "
                + _("If it is another event, tick “Save as another event” and save again."),
                code="same_event",
            )


def cited_news_items(data) -> list[int]:
    """The news items an agreement's form cites (the citation rows not deleted)."""
    cited = []
    for key, value in data.items():
        match = re.fullmatch(r"citations-([0-9]+)-newsitem", key)
        # ASCII digits only: "²" passes isdigit() and fails int(); "٣" is no news item's key.
        digits = value.isascii() and value.isdigit()
        if match and digits and not data.get(f"citations-{match[1]}-DELETE"):
            cited.append(int(value))
    return cited


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
    confirm_same_event = forms.BooleanField(
        label=_("Save as another event"),
        required=False,
        help_text=_("Tick when the directory warns of a likely duplicate that is not one."),
    )

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
            "summary_en",
            "review_status",
        ]


@admin.register(Agreement)
class AgreementAdmin(ReviewAdminMixin, CsvImportAdminMixin, SimpleHistoryAdmin):
    csv_import = agreements_import
    csv_import_task = import_agreements_csv
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
        (_("Content"), {"fields": ["summary", "summary_en"]}),
        ReviewAdminMixin.review_fieldset,
        (_("Likely duplicates"), {"fields": ["confirm_same_event"]}),
    ]

    def publish_record(self, agreement, user):
        services.agreement_publish(agreement=agreement, user=user)

    def withdraw_record(self, agreement, user):
        services.review_withdraw(record=agreement, user=user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting to an earlier version restores its fields but not its parties: refused
        (as a message) when that publishes an agreement whose parties now link fewer than
        two organizations."""
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        try:
            with transaction.atomic():
                response = super().history_form_view(request, object_id, version_id, extra_context)
                services.agreement_parties_check(agreement_ids=[unquote(object_id)])
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(request.get_full_path())
        return response

    def get_urls(self):
        return [
            path(
                "from-news/<int:news_item_id>/",
                self.admin_site.admin_view(self.agreement_from_news_view),
                name="agreements_agreement_from_news",
            ),
            path(
                "<path:object_id>/cite/<int:news_item_id>/",
                self.admin_site.admin_view(self.cite_view),
                name="agreements_agreement_cite",
            ),
        ] + super().get_urls()

    @admin.display(description=_("date"), ordering="date")
    def date_display(self, agreement):
        return agreement.date_display()

    def agreement_from_news_view(self, request, news_item_id):
        """Draft an agreement citing a news item: first the agreements that are likely the
        same event (each citable in one click), then the parties the article states, each
        with its role, and the dates it gives.

        Template: admin/agreements/agreement/from_news.html.
        """
        if not self.has_add_permission(request):
            raise PermissionDenied
        news_item = NewsItem.objects.filter(pk=news_item_id).first()
        if news_item is None:
            return self._get_obj_does_not_exist_redirect(request, NewsItem._meta, str(news_item_id))
        mentions = list(news_item.mentions.exclude(organization=None))
        proposals = propose_parties(news_item.body, mentions)
        dates = find_dates(news_item.body, news_item.published_on)
        best = best_event_date(dates)
        data = request.POST if request.method == "POST" else None
        form = AgreementFromNewsForm(
            data,
            dates=dates,
            clusters=Cluster.objects.filter(pk__in=news_item.mentions.values("cluster")),
            initial={
                "title": news_item.title,
                "kind": guess_kind(news_item.title, news_item.body[:400]),
                "stated_date": str(dates.index(best)) if best else "",
            },
        )
        parties = party_formset(data, proposals=proposals)
        if data is not None and form.is_valid() and parties.is_valid():
            try:
                agreement = services.agreement_create_from_news_item(
                    news_item=news_item,
                    parties=parties.parties(),
                    stated_date=form.chosen_date(),
                    **{
                        field: form.cleaned_data[field]
                        for field in (
                            "title",
                            "title_en",
                            "kind",
                            "status",
                            "year",
                            "year_basis",
                            "cluster",
                            "summary",
                        )
                    },
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    format_html(
                        _('Draft agreement <a href="{}">{}</a> created: a curator publishes it.'),
                        reverse("admin:agreements_agreement_change", args=[agreement.pk]),
                        agreement,
                    ),
                    messages.SUCCESS,
                )
                return redirect("admin:news_newsitem_change", news_item.pk)
        chosen = [proposal.pk for proposal in proposals if proposal.is_party]
        same_event = Agreement.objects.likely_same_event(
            organization_ids=chosen or [proposal.pk for proposal in proposals],
            date=best.date if best and best.precision == "day" else None,
            news_items=[news_item],
        ).prefetch_related("parties__organization")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Create agreement from this news item"),
            "form": form,
            "parties": parties,
            "same_event": same_event,
            "news_item": news_item,
            "news_item_opts": NewsItem._meta,
        }
        return TemplateResponse(request, "admin/agreements/agreement/from_news.html", context)

    def cite_view(self, request, object_id, news_item_id):
        """POST: the news item reports an event the agreement already records; cite it there
        and go back to the news item."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        agreement = self.get_object(request, object_id)
        news_item = NewsItem.objects.filter(pk=news_item_id).first()
        if agreement is None or news_item is None:
            raise Http404
        if not self.has_change_permission(request, agreement):
            raise PermissionDenied
        try:
            added = services.agreement_cite(
                agreement=agreement, news_item=news_item, user=request.user
            )
        except ReviewRefused as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            message = (
                _("“%(news_item)s” is now a source of “%(agreement)s”.")
                if added
                else _("“%(agreement)s” already cites “%(news_item)s”.")
            )
            self.message_user(
                request,
                message % {"news_item": news_item, "agreement": agreement},
                messages.SUCCESS,
            )
        return redirect("admin:news_newsitem_change", news_item.pk)


@admin.register(AgreementParty)
class AgreementPartyAdmin(SimpleHistoryAdmin):
    """Parties one by one. Every delete and move goes through services.agreement_parties_check,
    so none leaves a published agreement linking fewer than two organizations: the form says
    why it refuses a change, a message why it refuses a delete."""

    form = AgreementPartyForm
    actions = ["delete_selected"]
    list_display = ["organization", "agreement", "role"]
    list_filter = ["role", "agreement__kind"]
    list_select_related = ["organization", "agreement"]
    search_fields = ["organization__name_ko", "organization__name_en", "agreement__title"]
    autocomplete_fields = ["agreement", "organization"]

    @admin.action(permissions=["delete"], description=_("Delete selected %(verbose_name_plural)s"))
    def delete_selected(self, request, queryset):
        """Django's delete action, refused before its confirmation page when it would leave
        an agreement short."""
        try:
            services.agreement_parties_check(
                agreement_ids=queryset.values("agreement"), without=queryset.values("pk")
            )
            return delete_selected_confirmed(self, request, queryset)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None

    def delete_view(self, request, object_id, extra_context=None):
        """Refused, back on the party's page, when deleting it would leave its agreement
        short."""
        party = self.get_object(request, unquote(object_id))
        try:
            if party is not None and self.has_delete_permission(request, party):
                services.agreement_parties_check(
                    agreement_ids=[party.agreement_id], without=[party.pk]
                )
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect("admin:agreements_agreementparty_change", party.pk)

    def delete_model(self, request, party):
        services.agreement_parties_delete(parties=AgreementParty.objects.filter(pk=party.pk))

    def delete_queryset(self, request, queryset):
        services.agreement_parties_delete(parties=queryset)
