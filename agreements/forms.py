"""The curators' forms: drafting an agreement from a news item, one row per named party; a
party on its own."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bionet.lib.dates import DatePrecision, format_partial_date
from clusters.models import Cluster
from news.parties import PartyProposal
from news.text import StatedDate
from orgs.models import Organization

from . import services
from .models import Agreement, AgreementParty

# The kind an article's words suggest; the curator can change it.
KIND_WORDS = [
    (re.compile(r"공동의향서|의향서|LOI", re.IGNORECASE), Agreement.Kind.LETTER_OF_INTENT),
    (re.compile(r"업무\s*협약|협약|MOU|양해각서", re.IGNORECASE), Agreement.Kind.MOU),
    (re.compile(r"협의체|협의회|위원회|얼라이언스"), Agreement.Kind.COUNCIL),
    (re.compile(r"지정(?:했|됐|받|되|돼)|선정(?:했|됐|되|돼)|로 지정"), Agreement.Kind.DESIGNATION),
    (re.compile(r"개최|포럼|행사|나이트|컨퍼런스|간담회"), Agreement.Kind.EVENT),
]


def guess_kind(*texts: str) -> str:
    """The kind whose word comes first in the first text naming any (the headline, then the
    lead); "other" when none does."""
    for text in texts:
        found = [
            (match.start(), kind) for pattern, kind in KIND_WORDS if (match := pattern.search(text))
        ]
        if found:
            return min(found)[1]
    return Agreement.Kind.OTHER


def date_label(stated_date: StatedDate) -> str:
    return format_partial_date(stated_date.date, stated_date.precision)


class AgreementFromNewsForm(forms.Form):
    """What the agreement is: its title, kind, status, date and place in a cluster."""

    NO_DATE = ""

    title = forms.CharField(
        label=_("title"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "vLargeTextField", "size": 80}),
        help_text=_("The agreement's own name, e.g. “오송재단-생명연 업무협약”, not the headline."),
    )
    title_en = forms.CharField(
        label=_("English title"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "vLargeTextField", "size": 80}),
    )
    kind = forms.ChoiceField(label=_("kind"), choices=Agreement.Kind.choices)
    status = forms.ChoiceField(
        label=_("status"), choices=Agreement.Status.choices, initial=Agreement.Status.CONCLUDED
    )
    stated_date = forms.ChoiceField(label=_("date"), required=False, widget=forms.RadioSelect)
    year = forms.IntegerField(
        label=_("year"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("Only for a date the article gives without its year, if you know the year."),
    )
    year_basis = forms.CharField(
        label=_("basis of the year"),
        max_length=200,
        required=False,
        help_text=_(
            "What the year rests on, e.g. “다른 매체가 같은 보도자료를 2024-05-29에 보도”."
        ),
    )
    cluster = forms.ModelChoiceField(
        label=_("cluster"), queryset=Cluster.objects.none(), required=False
    )
    summary = forms.CharField(
        label=_("summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("Who agreed to do what, in your own words: never copied from the article."),
    )

    def __init__(self, *args, dates: list[StatedDate], clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.dates = dates
        self.fields["cluster"].queryset = clusters
        self.fields["stated_date"].choices = [(self.NO_DATE, _("No date"))] + [
            (str(index), f"{date.stated} → {date_label(date)}") for index, date in enumerate(dates)
        ]

    def chosen_date(self) -> StatedDate | None:
        choice = self.cleaned_data.get("stated_date")
        return self.dates[int(choice)] if choice not in (None, self.NO_DATE) else None

    def clean(self):
        cleaned_data = super().clean()
        year, basis = cleaned_data.get("year"), cleaned_data.get("year_basis", "").strip()
        chosen = self.chosen_date() if "stated_date" in cleaned_data else None
        if year is not None:
            if chosen is None or chosen.precision != DatePrecision.MONTH_DAY:
                self.add_error("year", _("Only a date given without its year takes a year."))
            elif not basis:
                self.add_error("year_basis", _("Say what the year rests on."))
        return cleaned_data


class PartyProposalForm(forms.Form):
    """One organization the article names: whether it is a party, and in what role."""

    include = forms.BooleanField(label=_("party"), required=False)
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(), widget=forms.HiddenInput
    )
    role = forms.ChoiceField(
        label=_("role"), choices=AgreementParty.Role.choices, initial=AgreementParty.Role.SIGNATORY
    )

    def __init__(self, *args, proposal: PartyProposal, named: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.named = named


class BasePartyProposalFormSet(forms.BaseFormSet):
    def __init__(self, *args, proposals: list[PartyProposal], organizations, **kwargs):
        self.proposals = proposals
        self.organizations = organizations
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        proposal = self.proposals[index]
        return {"proposal": proposal, "named": self.organizations[proposal.pk]}

    def total_form_count(self):
        # One row per proposal, whatever a tampered management form says.
        return len(self.proposals)

    def clean(self):
        if any(self.errors):
            return
        if len({organization for organization, _role in self.parties()}) < 2:
            raise ValidationError(
                _("An agreement links at least two organizations: tick another party."),
                code="too_few_parties",
            )

    def parties(self) -> list[tuple[Organization, str]]:
        """The (organization, role) pairs ticked."""
        return [
            (form.cleaned_data["organization"], form.cleaned_data["role"])
            for form in self.forms
            if form.cleaned_data.get("include")
        ]


PartyProposalFormSet = forms.formset_factory(
    PartyProposalForm, formset=BasePartyProposalFormSet, extra=0
)


def party_formset(data, *, proposals: list[PartyProposal]):
    """The party rows for ``proposals``: parties ticked with their proposed role, the others
    (venues, attendees, names only mentioned) unticked with the sentence they come from."""
    organizations = Organization.objects.in_bulk([proposal.pk for proposal in proposals])
    proposals = [proposal for proposal in proposals if proposal.pk in organizations]
    initial = [
        {
            "include": proposal.is_party,
            "organization": proposal.pk,
            "role": proposal.role or AgreementParty.Role.SIGNATORY,
        }
        for proposal in proposals
    ]
    return PartyProposalFormSet(
        data, initial=initial, prefix="parties", proposals=proposals, organizations=organizations
    )


class AgreementPartyForm(forms.ModelForm):
    """One party, in the parties' admin: moving it to another agreement, or giving it another
    organization, must not leave its agreement short (see services.agreement_parties_check)."""

    class Meta:
        model = AgreementParty
        fields = ["agreement", "organization", "role", "note"]

    def clean(self):
        cleaned_data = super().clean()
        agreement, organization = cleaned_data.get("agreement"), cleaned_data.get("organization")
        if self.instance.pk is not None and agreement and organization:
            # The agreement it is on now, as stored: the form's instance may be an earlier
            # version of it being restored (the history's "revert").
            stored = AgreementParty.objects.filter(pk=self.instance.pk).values("agreement")
            services.agreement_parties_check(
                agreement_ids=stored,
                without=[self.instance.pk],
                adding=[(agreement.pk, organization.pk)],
            )
        return cleaned_data
