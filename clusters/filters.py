import django_filters
from django.utils.translation import gettext_lazy as _

from bionet.lib.filters import OrderingFilter
from orgs.choices import Region

from .models import Cluster


class ClusterFilterSet(django_filters.FilterSet):
    """The cluster list's filters."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=Cluster.Kind.choices, label=_("Kind"), empty_label=_("Any kind")
    )
    region = django_filters.ChoiceFilter(
        choices=Region.choices, label=_("Region"), empty_label=_("Any region")
    )
    ordering = OrderingFilter(
        fields=[
            ("shown_name", "name"),
            ("member_count", "members"),
            ("agreement_count", "agreements"),
        ],
        field_labels={
            "name": _("Name"),
            "-name": _("Name (descending)"),
            "members": _("Fewest members"),
            "-members": _("Most members"),
            "agreements": _("Fewest agreements"),
            "-agreements": _("Most agreements"),
        },
        label=_("Order by"),
        tiebreak=("shown_name", "pk"),
        empty_label=_("Default order"),
    )

    class Meta:
        model = Cluster
        fields = ["q", "kind", "region"]

    def search(self, queryset, name, value):
        return queryset.search(value)
