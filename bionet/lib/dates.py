"""Dates known to a precision: a day, a month, a year, or not at all, as sources state them."""

import datetime

from django.db import models
from django.utils import formats
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    UNKNOWN = "unknown", _("Unknown")


def truncate_date(value: datetime.date | None, precision: str) -> datetime.date | None:
    """Drop the parts of a date finer than its precision: a month is stored as its first day."""
    if value is None:
        return None
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    return value


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """The date at its precision, in the active language: '2024년 1월', 'March 11, 2022'."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return gettext("Date unknown")
    if precision == DatePrecision.DAY:
        return formats.date_format(value, "DATE_FORMAT")
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    # Translators: a date format (Django's date syntax) for a year alone, e.g. "Y년" in Korean.
    return formats.date_format(value, pgettext("year-only date format", "Y"))
