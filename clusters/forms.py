"""A list filter choosing a cluster by its name in the visitor's language."""

import django_filters
from django import forms

from .models import Cluster


class ClusterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, cluster):
        return cluster.display_name


def clusters_by_shown_name(request=None):
    """Every cluster, in the order of the names shown in the active language (evaluated per
    request, not when the filter is defined)."""
    return Cluster.objects.with_shown_name().order_by("shown_name", "pk")


class ClusterFilter(django_filters.ModelChoiceFilter):
    """Filter by a cluster, given by its slug; the menu names each in the active language."""

    field_class = ClusterChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", clusters_by_shown_name)
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)
