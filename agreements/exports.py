"""The columns of agreements.csv and partnerships.csv, and their rows a chunk at a time."""

from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations
from operator import itemgetter

from django.urls import reverse

from bionet.lib.csv import CHUNK_SIZE, Column, chunked, in_stable_order, join
from bionet.lib.exports import CsvExport

from .filters import AgreementFilterSet
from .models import Agreement, AgreementParty

AGREEMENT_FIELDS = [
    "id",
    "title",
    "title_en",
    "kind",
    "status",
    "date",
    "date_precision",
    "date_stated",
    "date_basis",
    "place",
    "cluster__name_ko",
    "summary",
]

AGREEMENT_COLUMNS = [
    Column("id", itemgetter("id")),
    Column("title", itemgetter("title")),
    Column("title_en", itemgetter("title_en")),
    Column("kind", itemgetter("kind")),
    Column("status", itemgetter("status")),
    Column("date", itemgetter("date")),
    Column("date_precision", itemgetter("date_precision")),
    Column("date_stated", itemgetter("date_stated")),
    Column("date_basis", itemgetter("date_basis")),
    Column("place", itemgetter("place")),
    Column("cluster", itemgetter("cluster__name_ko")),
    Column("parties", lambda row: join(f"{name} ({role})" for name, role in row["parties"])),
    Column("party_count", lambda row: len(row["parties"])),
    Column("sources", itemgetter("sources")),
    Column("summary", itemgetter("summary")),
    Column("url", itemgetter("url")),
]

PARTNERSHIP_COLUMNS = [
    Column("a_name_ko", lambda pair: pair[0]["name_ko"]),
    Column("a_name_en", lambda pair: pair[0]["name_en"]),
    Column("a_kind", lambda pair: pair[0]["kind"]),
    Column("a_slug", lambda pair: pair[0]["slug"]),
    Column("b_name_ko", lambda pair: pair[1]["name_ko"]),
    Column("b_name_en", lambda pair: pair[1]["name_en"]),
    Column("b_kind", lambda pair: pair[1]["kind"]),
    Column("b_slug", lambda pair: pair[1]["slug"]),
    Column("agreement_id", lambda pair: pair[2]["id"]),
    Column("agreement_title", lambda pair: pair[2]["title"]),
    Column("agreement_kind", lambda pair: pair[2]["kind"]),
    Column("agreement_date", lambda pair: pair[2]["date"]),
    Column("cluster", lambda pair: pair[2]["cluster__name_ko"]),
    Column("sources", lambda pair: pair[2]["sources"]),
]


def format_source(title: str, outlet: str, published_on, url: str) -> str:
    """'헬스코리아뉴스 | 2019-07-04 | 기사 제목 | https://…': enough to find the news item again."""
    date = published_on.isoformat() if published_on else ""
    return " | ".join([outlet, date, title, url])


def _sources(ids: list[int]) -> dict[int, str]:
    through = Agreement.sources.through.objects.filter(agreement__in=ids).order_by(
        "agreement", "newsitem__published_on", "newsitem__title"
    )
    sources = defaultdict(list)
    for agreement_id, *news in through.values_list(
        "agreement",
        "newsitem__title",
        "newsitem__outlet",
        "newsitem__published_on",
        "newsitem__url",
    ):
        sources[agreement_id].append(format_source(*news))
    # A newline between sources: Excel shows one per line in the cell.
    return {agreement_id: "\n".join(items) for agreement_id, items in sources.items()}


def agreement_rows(queryset, *, base_url: str = "") -> Iterator[dict]:
    """One dict per agreement, in the queryset's order; three queries per chunk of rows."""
    rows = in_stable_order(queryset).values(*AGREEMENT_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for chunk in chunked(rows, CHUNK_SIZE):
        ids = [row["id"] for row in chunk]
        parties = defaultdict(list)
        for agreement_id, name, role in (
            AgreementParty.objects.filter(agreement__in=ids)
            .order_by("agreement", "role", "organization__name_ko")
            .values_list("agreement", "organization__name_ko", "role")
        ):
            parties[agreement_id].append((name, role))
        sources = _sources(ids)
        for row in chunk:
            row["parties"] = parties[row["id"]]
            row["sources"] = sources.get(row["id"], "")
            row["url"] = base_url + reverse("agreements:agreement_detail", args=[row["id"]])
            yield row


PARTNER_FIELDS = ["id", "name_ko", "name_en", "kind", "slug"]


def partnership_rows(queryset, *, involving=None) -> Iterator[tuple[dict, dict, dict]]:
    """(organization A, organization B, agreement) for each pair of parties of an agreement;
    with ``involving`` (an organization), only the pairs it is one of.

    A pair appears once per agreement, A's slug before B's; an organization with two roles in
    the same agreement is one party.
    """
    rows = (
        in_stable_order(queryset)
        .values("id", "title", "kind", "date", "cluster__name_ko")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for chunk in chunked(rows, CHUNK_SIZE):
        ids = [row["id"] for row in chunk]
        parties = defaultdict(dict)
        for agreement_id, *organization in (
            AgreementParty.objects.filter(agreement__in=ids)
            .order_by("agreement", "organization__slug")
            .values_list("agreement", *(f"organization__{name}" for name in PARTNER_FIELDS))
        ):
            parties[agreement_id][organization[0]] = dict(
                zip(PARTNER_FIELDS, organization, strict=True)
            )
        sources = _sources(ids)
        for agreement in chunk:
            agreement["sources"] = sources.get(agreement["id"], "")
            for a, b in combinations(parties[agreement["id"]].values(), 2):
                if involving is None or involving.slug in (a["slug"], b["slug"]):
                    yield a, b, agreement


def filtered_agreements(data) -> AgreementFilterSet:
    """The published agreements the query string ``data`` selects, as the list filters them."""
    agreements = Agreement.objects.published().with_party_count()
    return AgreementFilterSet(data or None, queryset=agreements)


def _partnerships(filterset, base_url: str):
    # Filtered by an organization, the file holds its partnerships, not its partners' others.
    chosen = getattr(filterset.form, "cleaned_data", {}).get("organization")
    return partnership_rows(filterset.qs, involving=chosen)


AGREEMENTS_EXPORT = CsvExport(
    name="agreements",
    columns=AGREEMENT_COLUMNS,
    select=filtered_agreements,
    rows=lambda filterset, base_url: agreement_rows(filterset.qs, base_url=base_url),
)
PARTNERSHIPS_EXPORT = CsvExport(
    name="partnerships",
    columns=PARTNERSHIP_COLUMNS,
    select=filtered_agreements,
    rows=_partnerships,
)
