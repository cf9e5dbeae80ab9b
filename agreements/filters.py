import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from bionet.lib.filters import OrderingFilter, YearFilter
from clusters.forms import ClusterFilter
from orgs.forms import OrganizationFilter
from orgs.models import Organization

from .models import Agreement, AgreementParty


class AgreementFilterSet(django_filters.FilterSet):
    """The agreement list's filters; the list page, its exports and the network page share it."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=Agreement.Kind.choices, label=_("Kind"), empty_label=_("Any kind")
    )
    year_from = YearFilter(
        field_name="date__year",
        lookup_expr="gte",
        label=_("From year"),
    )
    year_to = YearFilter(
        field_name="date__year",
        lookup_expr="lte",
        label=_("To year"),
    )
    cluster = ClusterFilter(
        label=_("Cluster"),
        empty_label=_("Any cluster"),
    )
    organization = OrganizationFilter(method="with_party", label=_("Organization"))
    organization_kind = django_filters.ChoiceFilter(
        choices=Organization.Kind.choices,
        method="with_party_kind",
        label=_("Organization kind"),
        empty_label=_("Any kind"),
    )
    ordering = OrderingFilter(
        fields=[("date", "date"), ("title", "title"), ("party_count", "parties")],
        field_labels={
            "date": _("Oldest first"),
            "-date": _("Newest first"),
            "title": _("Title"),
            "-title": _("Title (descending)"),
            "parties": _("Fewest parties"),
            "-parties": _("Most parties"),
        },
        label=_("Order by"),
        tiebreak=("title", "pk"),
        empty_label=_("Default order"),
    )

    class Meta:
        model = Agreement
        fields = ["q", "kind", "year_from", "year_to", "cluster", "organization"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def with_party(self, queryset, name, organization):
        parties = AgreementParty.objects.filter(agreement=OuterRef("pk"), organization=organization)
        return queryset.filter(Exists(parties))

    def with_party_kind(self, queryset, name, kind):
        parties = AgreementParty.objects.filter(agreement=OuterRef("pk"), organization__kind=kind)
        return queryset.filter(Exists(parties))

    def filter_queryset(self, queryset):
        year_from, year_to = (
            self.form.cleaned_data.get("year_from"),
            self.form.cleaned_data.get("year_to"),
        )
        if year_from is not None and year_to is not None and year_from > year_to:
            # Treat a reversed range as the range the user meant.
            self.form.cleaned_data["year_from"], self.form.cleaned_data["year_to"] = (
                year_to,
                year_from,
            )
        return super().filter_queryset(queryset)
