"""The list pages' filter sets, as the API applies them.

Each is the page's own FilterSet with every filter it has (``q``, ``kind``, ``region``,
``cluster``, ``year_from`` ...), so that a query string selects exactly the records the page
lists, but without ``ordering``: the API's cursor pagination orders by a key that never
changes (see api.pagination), and would silently override any other order.
"""

import copy

from drf_spectacular.utils import extend_schema_field

from agreements.filters import AgreementFilterSet
from clusters.filters import ClusterFilterSet
from news.filters import NewsItemFilterSet
from orgs.filters import OrganizationFilterSet


def documented(filter_, description: str, *, type: str = "string"):
    """A copy of a page's filter, filtering as it does, whose parameter the schema describes.

    drf-spectacular reads a filter's type from the model field it filters; a filter that takes
    a record by slug through a method of its own names no such field, and a year filter names
    a date's year, which it reads as any number.
    """
    return extend_schema_field({"type": type, "description": description})(copy.deepcopy(filter_))


CLUSTER = "A cluster, by its slug (e.g. osong-medical-complex)."
ORGANIZATION = "An organization, by its slug (e.g. khidi)."
YEAR = "A year, e.g. 2020."


class OrganizationFilter(OrganizationFilterSet):
    cluster = documented(
        OrganizationFilterSet.base_filters["cluster"],
        f"{CLUSTER} Its operator and members, in whatever role.",
    )
    ordering = None


class ClusterFilter(ClusterFilterSet):
    ordering = None


class AgreementFilter(AgreementFilterSet):
    year_from = documented(
        AgreementFilterSet.base_filters["year_from"],
        f"{YEAR} Agreements of that year or later.",
        type="integer",
    )
    year_to = documented(
        AgreementFilterSet.base_filters["year_to"],
        f"{YEAR} Agreements of that year or earlier; a reversed range is read in order.",
        type="integer",
    )
    organization = documented(
        AgreementFilterSet.base_filters["organization"], f"{ORGANIZATION} Its agreements."
    )
    ordering = None


class NewsItemFilter(NewsItemFilterSet):
    year = documented(
        NewsItemFilterSet.base_filters["year"],
        f"{YEAR} News items published that year.",
        type="integer",
    )
    cluster = documented(
        NewsItemFilterSet.base_filters["cluster"],
        f"{CLUSTER} The news items its published agreements cite.",
    )
    organization = documented(
        NewsItemFilterSet.base_filters["organization"],
        f"{ORGANIZATION} The news items its published agreements cite.",
    )
    ordering = None
