import datetime

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F


class OrderingFilter(django_filters.OrderingFilter):
    """Ordering choices with records lacking the value last, and a stable tie-break.

    Databases disagree on where NULLs sort (SQLite first, PostgreSQL last when ascending);
    undated records belong at the end either way. Ties are broken by ``tiebreak`` so that
    pages never repeat or skip a row.
    """

    def __init__(self, *args, tiebreak=("pk",), **kwargs):
        self.tiebreak = list(tiebreak)
        super().__init__(*args, **kwargs)

    def get_ordering_value(self, param, model=None):
        descending = param.startswith("-")
        name = self.param_map[param.lstrip("-")]
        if model is not None and not is_nullable(model, name):
            # A plain ORDER BY lets PostgreSQL read a NOT NULL column's order from its index;
            # NULLS LAST on it would force a sort of every row.
            return f"-{name}" if descending else name
        field = F(name)
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)

    def filter(self, qs, value):
        # "?ordering=," is a list of empty choices, which the form accepts: order by nothing.
        value = [param for param in value or () if param]
        if not value:
            return qs
        ordering = [self.get_ordering_value(param, qs.model) for param in value]
        return qs.order_by(*ordering, *self.tiebreak)


def is_nullable(model, path: str) -> bool:
    """Whether the field at ``path`` (e.g. "date", "cluster__name_ko") may hold NULL.

    Names that are not fields are annotations such as counts, which are never NULL.
    """
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if field.null:
            return True
        model = field.related_model
        if model is None:
            return False
    return False


class AsciiIntegerField(forms.IntegerField):
    """A whole number written with ASCII characters: Django's IntegerField reads it with
    ``int()``, which also takes "٢٠٢٢" and "２０２２" for 2022; these are refused as any other
    text that is not a number is (see bionet.lib.text.ascii_int)."""

    def to_python(self, value):
        if isinstance(value, str) and not value.isascii():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class YearFilter(django_filters.NumberFilter):
    """A calendar year: a whole number within the years a date can hold (1 to 9999), written
    in ASCII digits.

    A year lookup turns the number into the first and last day of that year; anything outside
    Python's date range (0, -5, 10**30) or not whole (2020.5) would fail there, so the form
    refuses it first and the page shows the error instead of failing.
    """

    field_class = AsciiIntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", datetime.MINYEAR)
        kwargs.setdefault("max_value", datetime.MAXYEAR)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"min": 1900, "max": 2100}))
        super().__init__(*args, **kwargs)


def bind_filters(filterset_class, request, queryset):
    """``filterset_class`` over ``queryset``, bound to the request's query string, or unbound
    (filtering nothing) when it has none: how every page and export that is not a list view
    reads its filters. Check :func:`refused` before using its ``qs``."""
    return filterset_class(request.GET or None, queryset=queryset)


def refused(filterset) -> bool:
    """Whether the request asked for filter values the filter set cannot apply."""
    return filterset.is_bound and not filterset.is_valid()
