"""Form fields that take an organization by any of its names."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from bionet.lib.text import NormalizedCharField

from .models import AmbiguousName, Organization


class OrganizationField(NormalizedCharField):
    """A published organization given by slug, Korean or English name, or any alias, in
    any Unicode form (decomposed Hangul, full-width letters)."""

    default_error_messages = {
        "unknown": _("No organization is known as “%(name)s”."),
        "ambiguous": _(
            "Several organizations are known as “%(name)s”: %(slugs)s. Enter one of these."
        ),
    }

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            return Organization.objects.published().get_by_name(value)
        except Organization.DoesNotExist:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"name": value}
            ) from None
        except AmbiguousName as error:
            raise forms.ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"name": value, "slugs": ", ".join(error.slugs)},
            ) from None


class OrganizationFilter(django_filters.Filter):
    """A list filter taking an organization by any of its names: "보산진", "KHIDI", "khidi"."""

    field_class = OrganizationField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"placeholder": _("a name, e.g. 보산진 or KHIDI")})
        )
        super().__init__(*args, **kwargs)
