"""The curators' CSV import of agreements: their parties and sources, matched by name.

Rows are imported a chunk at a time (bionet.lib.csv.CsvImporter): the agreements, parties,
clusters and news items a chunk's rows name are read in a few queries for the whole chunk, and
its agreements, parties, citations and their history are written in bulk.
"""

import datetime
import re
from collections import defaultdict
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bionet.lib.bulk import bulk_create, bulk_delete_with_history, bulk_update, history_copy
from bionet.lib.csv import (
    CsvImporter,
    ImportReport,
    QueuedRow,
    Reason,
    RowError,
    chunked,
    iexact_key,
    parse_id,
    split,
    split_labelled,
)
from bionet.lib.text import normalize
from clusters.models import Cluster
from orgs.imports import OrganizationNames
from orgs.models import Organization, OrganizationName

from .exports import AGREEMENT_FIELDS as EXPORTED_FIELDS
from .models import Agreement, AgreementParty, AgreementSource, NewsItem

# The export's fields that a row sets, the cluster by name rather than through its join.
AGREEMENT_FIELDS = [
    "cluster" if name == "cluster__name_ko" else name for name in EXPORTED_FIELDS if name != "id"
]
# TextChoices.values makes a new list each time it is read.
ROLES = frozenset(AgreementParty.Role.values)
# What writing a changed agreement saves (a column left out of the file keeps its value).
WRITTEN_FIELDS = list(dict.fromkeys([*AGREEMENT_FIELDS, "date", "date_precision"]))
# Titles looked up in one query (a parameter each, of SQLite's 32,766).
TITLES_PER_QUERY = 10000
DATE_FORMATS = {
    re.compile(r"^\d{4}-\d{2}-\d{2}$"): Agreement.DatePrecision.DAY,
    re.compile(r"^\d{4}-\d{2}$"): Agreement.DatePrecision.MONTH,
    re.compile(r"^\d{4}$"): Agreement.DatePrecision.YEAR,
}


def parse_date(value: str, precision: str) -> tuple[datetime.date | None, str]:
    """'2024-01-01' with 'month', or '2024-01' alone -> (date, precision); empty is unknown."""
    if not value:
        return None, precision or Agreement.DatePrecision.UNKNOWN
    for pattern, implied in DATE_FORMATS.items():
        if pattern.match(value):
            padded = value + "-01" * (2 - value.count("-"))
            try:
                date = datetime.date.fromisoformat(padded)
            except ValueError:
                break
            return date, precision or implied
    raise RowError(Reason.BAD_DATE, _("%(value)s is not a date like 2024-03-11") % {"value": value})


def parse_parties(cell: str, organizations: "PartyNames") -> set[tuple[int, str]]:
    """'서울특별시 (signatory); KHIDI (signatory)' -> {(organization id, role)}."""
    parties = set()
    for item in split(cell):
        name, role = split_labelled(item)
        if not role:
            raise RowError(
                Reason.MISSING_VALUE, _("the role of %(name)s, e.g. (signatory)") % {"name": name}
            )
        if role not in ROLES:
            raise RowError(Reason.INVALID_VALUE, _("role %(role)s") % {"role": role})
        parties.add((organizations.get(name).pk, role))
    if len({organization for organization, role in parties}) < 2:
        raise RowError(Reason.MISSING_VALUE, _("an agreement needs at least two parties"))
    return parties


def parse_reference(reference: str) -> tuple[str, str, str]:
    """'outlet | date | title | url' -> (outlet, title, url)."""
    parts = [part.strip() for part in reference.split("|")]
    if len(parts) < 4:
        raise RowError(
            Reason.INVALID_VALUE,
            _("source %(source)s is not “outlet | date | title | url”") % {"source": reference},
        )
    return parts[0], " | ".join(parts[2:-1]), parts[-1]


def party_names(cell: str) -> list[str]:
    return [split_labelled(item)[0] for item in split(cell)]


class PartyNames(OrganizationNames):
    """The organizations parties are named by, each name looked up once: an agreement
    import changes no organization, and a few organizations are named on many rows."""

    # What naming and checking a party reads (AgreementParty.clean: review and synthetic).
    fields = ("slug", "name_ko", "name_en", "review_status", "is_synthetic")

    def __init__(self):
        super().__init__()
        self.found: dict[str, Organization | RowError] = {}

    def read_aliases(self, pks):
        # Their names are all a lookup needs.
        aliases = defaultdict(list)
        for organization_id, name in OrganizationName.objects.filter(
            organization__any_of=pks
        ).values_list("organization", "name"):
            aliases[organization_id].append(SimpleNamespace(name=name))
        return aliases

    def get(self, name: str, **options) -> Organization:
        if name not in self.found:
            try:
                self.found[name] = super().get(name, **options)
            except RowError as error:
                self.found[name] = error
        found = self.found[name]
        if isinstance(found, RowError):
            raise RowError(found.reason, found.detail)
        return found


class AgreementImporter(CsvImporter):
    """Rows of agreements.csv: an id updates that agreement, no id creates one.

    Parties are matched by slug, name or alias; sources by URL or by outlet and title.
    Party count and page URL are read-only columns: the import ignores them.
    """

    model = Agreement
    required_columns = ("title", "kind", "date", "parties", "sources")

    def __init__(self, *, publish: bool = True):
        super().__init__(publish=publish)
        self.organizations = PartyNames()
        self.clusters: dict[str, list[Cluster]] = {}
        # News items by URL and by (outlet, title): the first in the news list's order.
        self.news_by_url: dict[str, int | None] = {}
        self.news_by_title: dict[tuple[str, str], int | None] = {}
        # The parties and citations of the chunk's agreements to update, by agreement.
        self.parties_of: dict[int, list[AgreementParty]] = defaultdict(list)
        self.citations_of: dict[int, list[AgreementSource]] = defaultdict(list)
        # (title, date) -> the agreements that have them, for the file's new rows: read once
        # and kept up to date with what the import writes, or read again (``stale``) after
        # the database refused a row.
        self.same: dict[tuple[str, datetime.date | None], list[Agreement]] = {}
        self.new_titles: set[str] = set()
        self.same_stale = False

    # Reading a chunk ---------------------------------------------------------------------

    def load_records(self, ids):
        """The agreements ``ids`` name, with their parties and citations: three queries (not
        prefetch_related(), which builds a query set for each agreement)."""
        self.parties_of, self.citations_of = defaultdict(list), defaultdict(list)
        for party in AgreementParty.objects.filter(agreement__any_of=ids):
            self.parties_of[party.agreement_id].append(party)
        for citation in AgreementSource.objects.filter(agreement__any_of=ids):
            self.citations_of[citation.agreement_id].append(citation)
        return Agreement.objects.in_bulk(ids)

    def start(self, rows):
        # What the chunks look up, read for the whole file: a few queries in all.
        rows = [row.values for row in rows if not row.error]
        self.load_names(rows)
        self.new_titles = {row["title"] for row in rows if not row.get("id")}
        self.load_same()

    def load_names(self, rows: list[dict[str, str]]) -> None:
        """The organizations, clusters and news items the rows name, unless read before."""
        self.organizations.load(name for row in rows for name in party_names(row["parties"]))
        self.load_clusters({normalize(row.get("cluster", "")) for row in rows} - {""})
        references = []
        for row in rows:
            for item in row["sources"].splitlines():
                try:
                    references.append(parse_reference(item))
                except RowError:
                    continue
        for batch in chunked(references, 2000):
            self.load_news_items(batch)

    def prepare(self, rows):
        super().prepare(rows)
        if self.same_stale:
            self.load_same()

    def load_same(self) -> None:
        """The agreements holding the titles of the file's new rows, by title and date (a
        query for all: one a chunk took 0.17 s of the 5,000 rows' import on PostgreSQL)."""
        self.same, self.same_stale = defaultdict(list), False
        for batch in chunked(sorted(self.new_titles), TITLES_PER_QUERY):
            found = Agreement.objects.filter(title__any_of=batch).only("title", "date")
            for agreement in found.order_by("pk"):
                self.same[(agreement.title, agreement.date)].append(agreement)

    def load_clusters(self, names: set[str]) -> None:
        for batch in chunked(sorted(names - set(self.clusters)), 2000):
            folded = {iexact_key(name) for name in batch}
            found = list(
                Cluster.objects.annotate(key_en=Lower("name_en")).filter(
                    Q(slug__any_of=batch) | Q(name_ko__any_of=batch) | Q(key_en__any_of=folded)
                )
            )
            for name in batch:
                self.clusters[name] = [
                    cluster
                    for cluster in found
                    if name in (cluster.slug, cluster.name_ko)
                    or (cluster.name_en and iexact_key(cluster.name_en) == iexact_key(name))
                ]

    def load_news_items(self, references: list[tuple[str, str, str]]) -> None:
        urls = {url for _, _, url in references if url} - set(self.news_by_url)
        titled = {(outlet, title) for outlet, title, url in references if not url}
        titled -= set(self.news_by_title)
        in_list_order = NewsItem.objects.order_by(*NewsItem._meta.ordering, "pk")
        if urls:
            self.news_by_url.update(dict.fromkeys(urls))
            for pk, url in in_list_order.filter(url__any_of=urls).values_list("pk", "url"):
                self.news_by_url[url] = self.news_by_url[url] or pk
        if titled:
            self.news_by_title.update(dict.fromkeys(titled))
            found = in_list_order.filter(title__any_of={title for _, title in titled})
            for pk, outlet, title in found.values_list("pk", "outlet", "title"):
                if (outlet, title) in titled:
                    self.news_by_title[(outlet, title)] = self.news_by_title[(outlet, title)] or pk

    def cluster_by_name(self, name: str) -> Cluster | None:
        name = normalize(name)
        if not name:
            return None
        matches = self.clusters.get(name, [])
        if len(matches) != 1:
            raise RowError(Reason.UNKNOWN_CLUSTER, name)
        return matches[0]

    def news_item_by_reference(self, reference: str) -> int:
        """The id of the news item 'outlet | date | title | url' cites: by URL, else by outlet
        and title."""
        outlet, title, url = parse_reference(reference)
        found = self.news_by_url.get(url) if url else self.news_by_title.get((outlet, title))
        if found is None:
            raise RowError(Reason.UNKNOWN_NEWS_ITEM, reference)
        return found

    # Checking a row ----------------------------------------------------------------------

    def import_row(self, values):
        agreement_id = parse_id(values.get("id", ""))
        if agreement_id is None:
            agreement = self.new_record()
        else:
            agreement = self.record_to_update(agreement_id)
        if not values["title"]:
            raise RowError(Reason.MISSING_VALUE, _("title"))
        fields = {name: values[name] for name in AGREEMENT_FIELDS if name in values}
        fields["date"], fields["date_precision"] = parse_date(
            values["date"], values.get("date_precision", "")
        )
        if "cluster" in values:
            # By its id: the Agreement.cluster descriptor costs more than the whole check.
            cluster = self.cluster_by_name(fields.pop("cluster"))
            fields["cluster_id"] = cluster.pk if cluster is not None else None
        parties = parse_parties(values["parties"], self.organizations)
        sources = {
            self.news_item_by_reference(item)
            for item in values["sources"].splitlines()
            if item.strip()
        }
        if not sources:
            raise RowError(Reason.MISSING_VALUE, _("sources: cite at least one news item"))

        before = {name: getattr(agreement, name) for name in fields}
        try:
            for name, value in fields.items():
                setattr(agreement, name, value)
            # full_clean() without its queries: the cluster is one the import found, and the
            # model's constraints repeat what its fields and clean() check.
            agreement.full_clean(
                exclude=["cluster"], validate_unique=False, validate_constraints=False
            )
            if agreement_id is None:
                self.refuse_a_duplicate(agreement)
            deleted, added = self.plan_parties(agreement, parties)
        except (RowError, ValidationError):
            for name, value in before.items():
                setattr(agreement, name, value)
            raise
        changed = agreement.pk is None or before != {
            name: getattr(agreement, name) for name in fields
        }
        key = (before.get("title", agreement.title), before.get("date", agreement.date))
        if agreement in self.same.get(key, []):
            self.same[key].remove(agreement)
        self.same[(agreement.title, agreement.date)].append(agreement)
        current_sources = {citation.newsitem_id: citation for citation in self.citations(agreement)}
        sources_changed = set(current_sources) != sources
        if changed or sources_changed or deleted or added:
            self.queue(
                agreement=agreement,
                saved=changed,
                parties_deleted=deleted,
                parties_added=added,
                citations_deleted=[c for pk, c in current_sources.items() if pk not in sources],
                cited=sorted(sources - set(current_sources)),  # news items' ids
            )
        changed |= sources_changed or bool(deleted or added)
        outcome = "new" if agreement_id is None else "updated"
        return (outcome if changed else "unchanged"), agreement.title

    def refuse_a_duplicate(self, agreement: Agreement) -> None:
        same = self.same.get((agreement.title, agreement.date))
        if not same:
            return
        if any(other.pk is None for other in same):
            self.flush()  # a row of this chunk created it: its id is given when it is written
        raise RowError(
            Reason.DUPLICATE,
            _("the directory already has an agreement with this title and date (id %(id)d)")
            % {"id": min(other.pk for other in same)},
        )

    def citations(self, agreement: Agreement) -> list[AgreementSource]:
        return self.citations_of[agreement.pk] if agreement.pk is not None else []

    def plan_parties(self, agreement, parties) -> tuple[list, list]:
        """The parties to delete and to add so that the agreement has ``parties``."""
        current = {}
        if agreement.pk is not None:
            current = {
                (party.organization_id, party.role): party
                for party in self.parties_of[agreement.pk]
            }
        if set(current) == parties:
            return [], []
        deleted = [party for key, party in current.items() if key not in parties]
        added = []
        for organization_id, role in sorted(parties - set(current)):
            party = AgreementParty(
                agreement=agreement,
                organization=self.organizations.by_pk[organization_id],
                role=role,
            )
            # What full_clean() would check besides clean(): agreement and organization are
            # in hand, parse_parties took a role of the choices, the note is empty, and a set of
            # (organization, role) repeats none.
            party.clean()
            added.append(party)
        return deleted, added

    # Writing a chunk ---------------------------------------------------------------------

    def write(self, rows: list[QueuedRow]) -> None:
        now = timezone.now()
        entries = [row.writes for row in rows]
        for entry in entries:
            entry["created"] = entry["agreement"].pk is None
        created = [entry["agreement"] for entry in entries if entry["created"]]
        if created:
            bulk_create(created)
        updated = [e["agreement"] for e in entries if e["saved"] and not e["created"]]
        for agreement in updated:
            agreement.updated = now
        if updated:
            bulk_update(updated, [*WRITTEN_FIELDS, "updated"])
        bulk_delete_with_history([p for entry in entries for p in entry["parties_deleted"]])
        added = [party for entry in entries for party in entry["parties_added"]]
        if added:
            bulk_create(added, history=True)
        citations = [citation for entry in entries for citation in entry["citations_deleted"]]
        if citations:
            AgreementSource.objects.filter(pk__in=[c.pk for c in citations]).delete()
        citations = [
            AgreementSource(agreement_id=entry["agreement"].pk, newsitem_id=pk)
            for entry in entries
            for pk in entry["cited"]
        ]
        if citations:
            bulk_create(citations)
        # A history record for each agreement created, or changed or citing other news items,
        # with the news items it cites (as saving it and setting its sources would write).
        history_copy(created, "+")
        history_copy(
            [
                entry["agreement"]
                for entry in entries
                if not entry["created"]
                and (entry["saved"] or entry["citations_deleted"] or entry["cited"])
            ],
            "~",
        )

    def unwrite(self, rows):
        for row in rows:
            writes = row.writes
            if writes.get("created"):
                writes["agreement"].pk = None
                writes["agreement"]._state.adding = True
            for record in writes["parties_added"]:
                record.pk = None
                record._state.adding = True

    def forget(self, row):
        agreement = row.writes["agreement"]
        for same in self.same.values():
            if agreement in same:
                same.remove(agreement)
        # An agreement the row would have changed keeps its title and date: read them again.
        self.same_stale = True


def agreements_import(
    *,
    data: bytes,
    commit: bool,
    ignore_ids: bool = False,
    publish: bool = True,
    progress=None,
) -> ImportReport:
    """Import agreements.csv; a dry run unless ``commit``, and all-or-nothing when it is.

    With ``ignore_ids`` every row creates a record: for another database's export. New
    agreements are drafts unless ``publish``. ``progress(rows_done, rows_total)`` is called
    before the first chunk of rows and after each.
    """
    importer = AgreementImporter(publish=publish)
    return importer.run(data, commit=commit, ignore_ids=ignore_ids, progress=progress)
