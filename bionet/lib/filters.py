import datetime

import django_filters
from django import forms
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

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = F(self.param_map[param.lstrip("-")])
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], *self.tiebreak)


class YearFilter(django_filters.NumberFilter):
    """A calendar year: a whole number within the years a date can hold (1 to 9999).

    A year lookup turns the number into the first and last day of that year; anything outside
    Python's date range (0, -5, 10**30) or not whole (2020.5) would fail there, so the form
    refuses it first and the page shows the error instead of failing.
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", datetime.MINYEAR)
        kwargs.setdefault("max_value", datetime.MAXYEAR)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"min": 1900, "max": 2100}))
        super().__init__(*args, **kwargs)
