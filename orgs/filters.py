import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from agreements.models import AgreementParty
from bionet.lib.filters import OrderingFilter
from clusters.forms import ClusterFilter
from clusters.models import Cluster, ClusterMembership

from .choices import Region
from .models import Organization


class OrganizationFilterSet(django_filters.FilterSet):
    """The organization list's filters; the list page and its CSV export share it."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=Organization.Kind.choices, label=_("Kind"), empty_label=_("Any kind")
    )
    region = django_filters.ChoiceFilter(
        choices=Region.choices, label=_("Region"), empty_label=_("Any region")
    )
    cluster = ClusterFilter(
        method="in_cluster",
        label=_("Cluster"),
        empty_label=_("Any cluster"),
    )
    has_agreements = django_filters.BooleanFilter(
        method="with_agreements",
        label=_("Has agreements"),
        widget=forms.Select(choices=[("", _("Either")), ("true", _("Yes")), ("false", _("No"))]),
    )
    ordering = OrderingFilter(
        fields=[("shown_name", "name"), ("agreement_count", "agreements"), ("updated", "updated")],
        field_labels={
            "name": _("Name"),
            "-name": _("Name (descending)"),
            "agreements": _("Fewest agreements"),
            "-agreements": _("Most agreements"),
            "updated": _("Least recently updated"),
            "-updated": _("Recently updated"),
        },
        label=_("Order by"),
        tiebreak=("shown_name", "pk"),
        empty_label=_("Default order"),
    )

    class Meta:
        model = Organization
        fields = ["q", "kind", "region", "cluster", "has_agreements"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def in_cluster(self, queryset, name, cluster):
        memberships = ClusterMembership.objects.filter(organization=OuterRef("pk"), cluster=cluster)
        operated = Cluster.objects.filter(operator=OuterRef("pk"), pk=cluster.pk)
        return queryset.filter(Exists(memberships) | Exists(operated))

    def with_agreements(self, queryset, name, value):
        parties = AgreementParty.objects.published().filter(organization=OuterRef("pk"))
        return queryset.filter(Exists(parties)) if value else queryset.exclude(Exists(parties))
