"""The columns of organizations.csv, and its rows fetched a chunk at a time."""

from collections import defaultdict
from collections.abc import Iterator
from operator import itemgetter

from django.db.models import Count
from django.urls import reverse

from agreements.models import AgreementParty, with_agreement_counts
from bionet.lib.csv import CHUNK_SIZE, Column, chunked, in_stable_order, join
from bionet.lib.exports import CsvExport
from clusters.models import Cluster, ClusterMembership

from .filters import OrganizationFilterSet
from .models import Organization, OrganizationName

ORGANIZATION_FIELDS = [
    "id",
    "slug",
    "name_ko",
    "name_en",
    "kind",
    "region",
    "parent__slug",
    "website",
    "ror_id",
    "wikidata_qid",
]

ORGANIZATION_COLUMNS = [
    Column("id", itemgetter("id")),
    Column("slug", itemgetter("slug")),
    Column("name_ko", itemgetter("name_ko")),
    Column("name_en", itemgetter("name_en")),
    Column("aliases", itemgetter("aliases")),
    Column("kind", itemgetter("kind")),
    Column("region", itemgetter("region")),
    Column("parent", itemgetter("parent__slug")),
    Column("website", itemgetter("website")),
    Column("ror_id", itemgetter("ror_id")),
    Column("wikidata_qid", itemgetter("wikidata_qid")),
    Column("clusters", itemgetter("clusters")),
    Column("partner_count", itemgetter("partner_count")),
    Column("agreement_count", itemgetter("agreement_count")),
    Column("url", itemgetter("url")),
]


def format_alias(name: str, kind: str, language: str) -> str:
    return f"{name} ({kind}, {language})"


def organization_rows(queryset, *, base_url: str = "") -> Iterator[dict]:
    """One dict per organization, in the queryset's order; four queries per chunk of rows."""
    rows = in_stable_order(queryset).values(*ORGANIZATION_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for chunk in chunked(rows, CHUNK_SIZE):
        ids = [row["id"] for row in chunk]
        aliases = defaultdict(list)
        for organization_id, name, kind, language in OrganizationName.objects.filter(
            organization__in=ids
        ).values_list("organization", "name", "kind", "language"):
            aliases[organization_id].append(format_alias(name, kind, language))
        clusters = _cluster_names(ids)
        counts = {
            row["organization"]: row
            for row in AgreementParty.objects.published()
            .filter(organization__in=ids)
            .values("organization")
            .annotate(
                agreements=Count("agreement", distinct=True),
                # Every organization counts itself among its agreements' parties.
                parties=Count("agreement__parties__organization", distinct=True),
            )
            .order_by()
        }
        for row in chunk:
            count = counts.get(row["id"])
            row["aliases"] = join(aliases[row["id"]])
            row["clusters"] = join(sorted(clusters[row["id"]]))
            row["agreement_count"] = count["agreements"] if count else 0
            row["partner_count"] = count["parties"] - 1 if count else 0
            row["url"] = base_url + reverse("orgs:organization_detail", args=[row["slug"]])
            yield row


def _cluster_names(ids: list[int]) -> dict[int, set[str]]:
    """Clusters each organization belongs to or runs."""
    names = defaultdict(set)
    memberships = ClusterMembership.objects.filter(organization__in=ids)
    for organization_id, name in memberships.values_list("organization", "cluster__name_ko"):
        names[organization_id].add(name)
    operated = Cluster.objects.filter(operator__in=ids)
    for organization_id, name in operated.values_list("operator", "name_ko"):
        names[organization_id].add(name)
    return names


def filtered_organizations(data) -> OrganizationFilterSet:
    """The published organizations the query string ``data`` selects, as the list filters
    them, with their agreement counts."""
    organizations = with_agreement_counts(Organization.objects.published().with_shown_name())
    return OrganizationFilterSet(data or None, queryset=organizations)


ORGANIZATIONS_EXPORT = CsvExport(
    name="organizations",
    columns=ORGANIZATION_COLUMNS,
    select=filtered_organizations,
    rows=lambda filterset, base_url: organization_rows(filterset.qs, base_url=base_url),
)
