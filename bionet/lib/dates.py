"""Dates known to a precision: a day, a month, a year, or not at all, as sources state them."""

import datetime

from django.db import models
from django.utils import formats
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH_DAY = "month_day", _("Month and day, year unknown")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    UNKNOWN = "unknown", _("Unknown")


# A month and day whose year no source gives ("5월 29일") is stored in this year, a leap year
# so that 29 February fits; shown and exported as a month and day with "year unknown".
YEARLESS = 4


def truncate_date(value: datetime.date | None, precision: str) -> datetime.date | None:
    """Drop the parts of a date finer than its precision: a month is stored as its first day."""
    if value is None:
        return None
    if precision == DatePrecision.MONTH_DAY:
        return value.replace(year=YEARLESS)
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
    if precision == DatePrecision.MONTH_DAY:
        # Translators: a month and day whose year is unknown, e.g. "5월 29일 (연도 미상)".
        return gettext("%(month_day)s (year unknown)") % {
            "month_day": formats.date_format(value, "MONTH_DAY_FORMAT")
        }
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    # Translators: a date format (Django's date syntax) for a year alone, e.g. "Y년" in Korean.
    return formats.date_format(value, pgettext("year-only date format", "Y"))


def partial_date_iso(value: datetime.date | None, precision: str) -> str:
    """The date at its precision for ``<time datetime>``: '2022-03-11', '2024-01', '2024', or
    '05-29' (HTML's yearless date) for a month and day; '' when unknown."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return ""
    if precision == DatePrecision.MONTH_DAY:
        return value.isoformat()[5:]
    return value.isoformat()[: {DatePrecision.DAY: 10, DatePrecision.MONTH: 7}.get(precision, 4)]
