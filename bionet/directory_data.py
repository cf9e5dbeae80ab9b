"""
Loading the curated directory data (``fixtures/directory.json``) into a database that may
already hold curated records.

The file lists organizations with their aliases, clusters with their operators and members,
news items ("sources") and agreements with their parties and sources, each named by a stable
natural key (a slug, a source or agreement key), never by a database id. Loading follows four
rules, so that it can be run on any database, any number of times:

- an empty database gets everything;
- a record loaded once is never touched again: a curator's edit stays, and a record a curator
  deleted is not brought back (nor its aliases, memberships, parties or citations);
- a record already in the database is adopted as it is, never overwritten: an organization or
  cluster with the same slug, a news item with the same URL or outlet and title, an alias,
  membership, party or citation that is already there, and an agreement of the same kind
  between the same parties in the same roles on the same date (or where either date is
  unknown), such as one loaded from ``tests/data/seed.json``;
- everything else is created, published, through the models (``full_clean``, ``save``) so that
  each record gets an audit-history entry saying which file it was loaded from.

What was loaded is remembered in :class:`bionet.models.LoadedRecord`, one row per key; loading
twice therefore changes nothing. Everything happens in one transaction.
"""

from __future__ import annotations

import datetime
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from agreements.models import Agreement, AgreementParty, AgreementSource
from bionet.lib.models import ReviewStatus
from bionet.models import LoadedRecord
from clusters.models import Cluster, ClusterMembership
from news.models import NewsItem
from orgs.models import Organization, OrganizationName

# The kinds of record the file holds, in the order they are loaded (each refers to earlier ones).
KINDS = [
    "organizations",
    "aliases",
    "clusters",
    "memberships",
    "sources",
    "agreements",
    "parties",
    "citations",
]
# The audit history's change reason holds at most this many characters.
CHANGE_REASON_LENGTH = 100


@dataclass
class KindCounts:
    """What loading did with the records of one kind."""

    created: int = 0
    # Already in the database, not loaded before: now remembered as loaded, left unchanged.
    adopted: int = 0
    # Loaded before and still there: left as the curators keep it.
    kept: int = 0
    # Not loaded: deleted by a curator since loaded, belonging to such a record, or refused.
    skipped: int = 0


@dataclass
class LoadReport:
    """Counts per kind of record, why records were skipped, and what was loaded with a
    caveat (without a parent it names, as a draft ...)."""

    path: str
    counts: dict[str, KindCounts] = field(
        default_factory=lambda: {kind: KindCounts() for kind in KINDS}
    )
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(counts.created for counts in self.counts.values())

    def kind_line(self, kind: str) -> str:
        counts = self.counts[kind]
        return (
            f"{kind}: {counts.created} created, {counts.adopted} adopted, {counts.kept} kept, "
            f"{counts.skipped} skipped"
        )

    def lines(self) -> list[str]:
        header = f"{'':<14}{'created':>8}{'adopted':>8}{'kept':>8}{'skipped':>8}"
        lines = [f"Loaded {self.path}:", header]
        for kind, counts in self.counts.items():
            lines.append(
                f"{kind:<14}{counts.created:>8}{counts.adopted:>8}{counts.kept:>8}"
                f"{counts.skipped:>8}"
            )
        if self.skipped:
            lines.append(f"Skipped ({len(self.skipped)}):")
            lines += [f"  {line}" for line in self.skipped]
        if self.notes:
            lines.append(f"Notes ({len(self.notes)}):")
            lines += [f"  {line}" for line in self.notes]
        return lines

    def __str__(self):
        return "\n".join(self.lines())


def directory_load(*, path: str | Path, stdout: TextIO | None = None) -> LoadReport:
    """Load the directory data file at ``path`` by the rules in this module's docstring, in one
    transaction, and report what was created, adopted, kept and skipped; ``stdout``, when
    given, receives a line per kind of record as it is done."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    shown = _shown_path(path)
    report = LoadReport(path=shown)
    with transaction.atomic():
        _DirectoryLoader(data, report=report, reason=_change_reason(shown), stdout=stdout).run()
    return report


def _shown_path(path: Path) -> str:
    """The path relative to the project, as the audit history shows it: fixtures/...json."""
    try:
        return str(path.resolve().relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)


def _change_reason(shown: str) -> str:
    reason = f"Loaded from {shown}"
    if len(reason) > CHANGE_REASON_LENGTH:
        reason = "Loaded from …" + shown[-(CHANGE_REASON_LENGTH - len("Loaded from …")) :]
    return reason


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _ids_by(queryset: models.QuerySet, *fields: str) -> dict[tuple, int]:
    """The ids of ``queryset``'s rows by the values of ``fields``, in one query."""
    rows = queryset.order_by().values_list(*fields, "pk")
    return {tuple(row[:-1]): row[-1] for row in rows}


def _parents_first(records: list[dict]) -> list[dict]:
    """The organization records in an order that creates each parent before its children
    (where the file's parents form a cycle, which the model refuses, in the file's order)."""
    in_file = {record["slug"] for record in records}
    ordered, placed, pending = [], set(), list(records)
    while pending:
        ready = [
            record
            for record in pending
            if record.get("parent") not in in_file
            or record["parent"] in placed
            or record["parent"] == record["slug"]
        ] or pending
        ordered += ready
        placed.update(record["slug"] for record in ready)
        ready_slugs = {record["slug"] for record in ready}
        pending = [record for record in pending if record["slug"] not in ready_slugs]
    return ordered


class _DirectoryLoader:
    """One load: the keys loaded before, the records the file's keys stand for, and the
    LoadedRecord rows to add. Reads what exists in a few queries per kind; saves each created
    record on its own so that it gets its history entry."""

    def __init__(self, data: dict, *, report: LoadReport, reason: str, stdout: TextIO | None):
        self.data = data
        self.report = report
        self.reason = reason
        self.stdout = stdout
        self.loaded: dict[str, int] = dict(LoadedRecord.objects.values_list("key", "object_id"))
        self.handled: set[str] = set()
        self.remembered: list[LoadedRecord] = []
        # The record each file key stands for now (None: not in the database), and the keys
        # whose record a curator deleted after it was loaded.
        self.organizations: dict[str, Organization | None] = {}
        self.clusters: dict[str, Cluster | None] = {}
        self.news_items: dict[str, NewsItem | None] = {}
        self.deleted: set[str] = set()
        # The organizations holding the slugs the file names (see organization()).
        self.organizations_by_slug: dict[str, Organization] = {}

    def run(self):
        for kind, load in [
            ("organizations", self.load_organizations),
            ("aliases", self.load_aliases),
            ("clusters", self.load_clusters),
            ("memberships", self.load_memberships),
            ("sources", self.load_sources),
            (("agreements", "parties", "citations"), self.load_agreements),
        ]:
            started = time.monotonic()
            load()
            if self.stdout is not None:
                for name in (kind,) if isinstance(kind, str) else kind:
                    seconds = time.monotonic() - started
                    self.stdout.write(f"{self.report.kind_line(name)} ({seconds:.1f} s)\n")
        LoadedRecord.objects.bulk_create(self.remembered, batch_size=500)

    # --- Bookkeeping ---------------------------------------------------------------------

    def remember(self, key: str, instance: models.Model, kind: str, outcome: str):
        self.remembered.append(
            LoadedRecord(
                key=key,
                content_type=ContentType.objects.get_for_model(type(instance)),
                object_id=instance.pk,
            )
        )
        self.count(kind, outcome)

    def count(self, kind: str, outcome: str, amount: int = 1):
        counts = self.report.counts[kind]
        setattr(counts, outcome, getattr(counts, outcome) + amount)

    def skip(self, kind: str, key: str, reason: str | None):
        """Count ``key`` as skipped; say why unless it just goes with a deleted record."""
        self.count(kind, "skipped")
        if reason:
            self.report.skipped.append(f"{key}: {reason}")

    def first_time(self, key: str) -> bool:
        """False for a key the file repeats (the same alias twice): it was handled already."""
        if key in self.handled:
            return False
        self.handled.add(key)
        return True

    def save(self, instance: models.Model):
        """Validate and save ``instance`` with the change reason for its history entry."""
        instance.full_clean()
        instance._change_reason = self.reason
        instance.save()

    def loaded_ids(self, prefix: str) -> list[int]:
        return [pk for key, pk in self.loaded.items() if key.startswith(prefix)]

    def still_there(self, model: type[models.Model], prefix: str) -> set[int]:
        """The ids of the records loaded under keys starting with ``prefix`` that are still in
        the database."""
        ids = self.loaded_ids(prefix)
        return set(model._base_manager.filter(pk__in=ids).order_by().values_list("pk", flat=True))

    def kept_or_deleted(self, kind: str, key: str, present: bool) -> None:
        """Count a key loaded before: kept if its record is still there, else skipped."""
        if present:
            self.count(kind, "kept")
        else:
            self.deleted.add(key)
            self.skip(kind, key, "deleted since it was loaded; not brought back")

    def organization(self, slug: str) -> Organization | None:
        """The organization the file's ``slug`` stands for: the one loaded under it, or else
        the one holding that slug now."""
        found = self.organizations.get(slug)
        return found if found is not None else self.organizations_by_slug.get(slug)

    # --- Organizations and their aliases -------------------------------------------------

    def load_organizations(self):
        records = self.data.get("organizations", [])
        referenced = {record["slug"] for record in records}
        referenced |= {record["parent"] for record in records if record.get("parent")}
        for cluster in self.data.get("clusters", []):
            referenced.update(cluster.get("operators", []))
            referenced.update(member["organization"] for member in cluster.get("members", []))
        for agreement in self.data.get("agreements", []):
            referenced.update(party["organization"] for party in agreement.get("parties", []))
        self.organizations_by_slug = {
            organization.slug: organization
            for organization in Organization.objects.filter(slug__in=referenced)
        }
        loaded = Organization.objects.in_bulk(self.loaded_ids("organization:"))

        for record in _parents_first(records):
            slug = record["slug"]
            key = f"organization:{slug}"
            if not self.first_time(key):
                continue
            if key in self.loaded:
                self.organizations[slug] = loaded.get(self.loaded[key])
                self.kept_or_deleted("organizations", key, self.organizations[slug] is not None)
            elif slug in self.organizations_by_slug:
                self.organizations[slug] = self.organizations_by_slug[slug]
                self.remember(key, self.organizations[slug], "organizations", "adopted")
            else:
                self.organizations[slug] = self.create_organization(key, record)

    def create_organization(self, key: str, record: dict) -> Organization | None:
        parent = None
        if record.get("parent"):
            parent = self.organization(record["parent"])
            if parent is None:
                self.report.notes.append(
                    f"{key}: created without its parent “{record['parent']}”, which is not in "
                    "the database"
                )
        organization = Organization(
            slug=record["slug"],
            name_ko=record["name_ko"],
            name_en=record.get("name_en") or "",
            kind=record["kind"],
            region=record.get("region") or "",
            parent=parent,
            website=record.get("website") or "",
            description=record.get("description") or "",
            review_status=ReviewStatus.PUBLISHED,
        )
        try:
            self.save(organization)
        except ValidationError as error:
            self.skip("organizations", key, _messages(error))
            return None
        self.organizations_by_slug[organization.slug] = organization
        self.remember(key, organization, "organizations", "created")
        return organization

    def load_aliases(self):
        present = self.still_there(OrganizationName, "alias:")
        organization_ids = [o.pk for o in self.organizations.values() if o is not None]
        existing = _ids_by(
            OrganizationName.objects.filter(organization__in=organization_ids),
            "organization_id",
            "name",
        )
        for record in self.data.get("organizations", []):
            slug = record["slug"]
            organization = self.organizations.get(slug)
            for alias in record.get("aliases", []):
                key = f"alias:{slug}:{alias['name']}"
                if not self.first_time(key):
                    continue
                if f"organization:{slug}" in self.deleted:
                    self.skip("aliases", key, None)  # They went with their organization.
                elif key in self.loaded:
                    self.kept_or_deleted("aliases", key, self.loaded[key] in present)
                elif organization is None:
                    self.skip("aliases", key, f"its organization “{slug}” was not loaded")
                elif (organization.pk, alias["name"]) in existing:
                    pk = existing[(organization.pk, alias["name"])]
                    self.remember(key, OrganizationName(pk=pk), "aliases", "adopted")
                else:
                    name = OrganizationName(
                        organization=organization,
                        name=alias["name"],
                        kind=alias["kind"],
                        language=alias.get("language") or OrganizationName.Language.KOREAN,
                    )
                    try:
                        self.save(name)
                    except ValidationError as error:
                        self.skip("aliases", key, _messages(error))
                        continue
                    existing[(organization.pk, name.name)] = name.pk
                    self.remember(key, name, "aliases", "created")

    # --- Clusters and their memberships ---------------------------------------------------

    def load_clusters(self):
        records = self.data.get("clusters", [])
        by_slug = {
            cluster.slug: cluster
            for cluster in Cluster.objects.filter(slug__in=[record["slug"] for record in records])
        }
        loaded = Cluster.objects.in_bulk(self.loaded_ids("cluster:"))
        for record in records:
            slug = record["slug"]
            key = f"cluster:{slug}"
            if not self.first_time(key):
                continue
            if key in self.loaded:
                cluster = loaded.get(self.loaded[key])
                self.kept_or_deleted("clusters", key, cluster is not None)
                # Agreements name the one loaded, or else the one holding the slug now (its
                # memberships go with the deleted one all the same).
                self.clusters[slug] = cluster or by_slug.get(slug)
            elif slug in by_slug:
                self.clusters[slug] = by_slug[slug]
                self.remember(key, by_slug[slug], "clusters", "adopted")
            else:
                self.clusters[slug] = self.create_cluster(key, record)
        # Agreements may name clusters the file does not list.
        named = {r["cluster"] for r in self.data.get("agreements", []) if r.get("cluster")}
        for cluster in Cluster.objects.filter(slug__in=named - set(self.clusters)):
            self.clusters[cluster.slug] = cluster

    def create_cluster(self, key: str, record: dict) -> Cluster | None:
        """A new cluster, run by the first of its operators that the database has."""
        operators = record.get("operators", [])
        operator = next(
            (found for slug in operators if (found := self.organization(slug)) is not None), None
        )
        if operators and operator is None:
            self.report.notes.append(
                f"{key}: created without an operator: none of {', '.join(operators)} is in the "
                "database"
            )

        def coordinate(value):
            return None if value is None else Decimal(str(value))

        cluster = Cluster(
            slug=record["slug"],
            name_ko=record["name_ko"],
            name_en=record.get("name_en") or "",
            kind=record["kind"],
            region=record["region"],
            city=record.get("city") or "",
            latitude=coordinate(record.get("latitude")),
            longitude=coordinate(record.get("longitude")),
            founded_year=record.get("founded_year"),
            founded_basis=record.get("founded_basis") or "",
            operator=operator,
            # The model has one description, in the site's main language; the English one in
            # the file has no field to go to.
            description=record.get("description_ko") or "",
            website=record.get("website") or "",
        )
        try:
            self.save(cluster)
        except ValidationError as error:
            self.skip("clusters", key, _messages(error))
            return None
        self.remember(key, cluster, "clusters", "created")
        return cluster

    def load_memberships(self):
        present = self.still_there(ClusterMembership, "membership:")
        cluster_ids = [cluster.pk for cluster in self.clusters.values() if cluster is not None]
        existing = _ids_by(
            ClusterMembership.objects.filter(cluster__in=cluster_ids),
            "cluster_id",
            "organization_id",
            "role",
        )
        for record in self.data.get("clusters", []):
            slug = record["slug"]
            cluster = self.clusters.get(slug)
            # Every operator is a member in the role "operator", besides the listed members.
            entries = [
                (operator, ClusterMembership.Role.OPERATOR, "")
                for operator in record.get("operators", [])
            ]
            entries += [
                (member["organization"], member["role"], member.get("note") or "")
                for member in record.get("members", [])
            ]
            for organization_slug, role, note in entries:
                key = f"membership:{slug}:{organization_slug}:{role}"
                if not self.first_time(key):
                    continue
                organization = self.organization(organization_slug)
                if f"cluster:{slug}" in self.deleted:
                    self.skip("memberships", key, None)  # They went with their cluster.
                elif key in self.loaded:
                    self.kept_or_deleted("memberships", key, self.loaded[key] in present)
                elif cluster is None:
                    self.skip("memberships", key, f"its cluster “{slug}” was not loaded")
                elif organization is None:
                    self.skip(
                        "memberships", key, f"the organization “{organization_slug}” is missing"
                    )
                elif (cluster.pk, organization.pk, role) in existing:
                    pk = existing[(cluster.pk, organization.pk, role)]
                    self.remember(key, ClusterMembership(pk=pk), "memberships", "adopted")
                else:
                    membership = ClusterMembership(
                        cluster=cluster, organization=organization, role=role, note=note
                    )
                    try:
                        self.save(membership)
                    except ValidationError as error:
                        self.skip("memberships", key, _messages(error))
                        continue
                    existing[(cluster.pk, organization.pk, role)] = membership.pk
                    self.remember(key, membership, "memberships", "created")

    # --- News items ----------------------------------------------------------------------

    def load_sources(self):
        records = self.data.get("sources", [])
        loaded = NewsItem.objects.in_bulk(self.loaded_ids("source:"))
        urls = [record["url"] for record in records if record.get("url")]
        by_url = {item.url: item for item in NewsItem.objects.filter(url__in=urls)}
        titles = [record["title"] for record in records]
        by_outlet_title = {
            (item.outlet, item.title): item for item in NewsItem.objects.filter(title__in=titles)
        }
        for record in records:
            key = f"source:{record['key']}"
            if not self.first_time(key):
                continue
            found = by_url.get(record.get("url") or None) or by_outlet_title.get(
                (record.get("outlet") or "", record["title"])
            )
            if key in self.loaded:
                item = loaded.get(self.loaded[key])
                self.kept_or_deleted("sources", key, item is not None)
                # Citations name the one loaded, or else the same article entered again.
                self.news_items[record["key"]] = item or found
            elif found is not None:
                self.news_items[record["key"]] = found
                self.remember(key, found, "sources", "adopted")
            else:
                item = self.create_news_item(key, record)
                self.news_items[record["key"]] = item
                if item is not None:
                    by_url[item.url] = by_outlet_title[(item.outlet, item.title)] = item

    def create_news_item(self, key: str, record: dict) -> NewsItem | None:
        """A news item known by its citation only: the file holds no article text."""
        try:
            published_on = record.get("published_on")
            item = NewsItem(
                title=record["title"],
                outlet=record.get("outlet") or "",
                reporter=record.get("reporter") or "",
                published_on=datetime.date.fromisoformat(published_on) if published_on else None,
                url=record.get("url") or "",
                body="",
            )
            self.save(item)
        except (ValidationError, ValueError) as error:
            reason = _messages(error) if isinstance(error, ValidationError) else str(error)
            self.skip("sources", key, reason)
            return None
        self.remember(key, item, "sources", "created")
        return item

    # --- Agreements, their parties and citations -----------------------------------------

    def load_agreements(self):
        records = self.data.get("agreements", [])
        loaded = Agreement.objects.in_bulk(self.loaded_ids("agreement:"))
        self.parties_present = self.still_there(AgreementParty, "party:")
        self.citations_present = self.still_there(AgreementSource, "citation:")
        self.candidates = None  # Read when the file has an agreement not loaded before.
        self.claimed = set(loaded)

        to_complete = []
        for record in records:
            key = f"agreement:{record['key']}"
            if not self.first_time(key):
                continue
            if key in self.loaded:
                agreement = loaded.get(self.loaded[key])
                self.kept_or_deleted("agreements", key, agreement is not None)
                to_complete.append((record, agreement))
            elif (agreement := self.adoptable(record)) is not None:
                self.remember(key, agreement, "agreements", "adopted")
                to_complete.append((record, agreement))
            else:
                self.create_agreement(key, record)

        # Parties and citations the file adds to agreements already in the database.
        agreement_ids = [agreement.pk for _record, agreement in to_complete if agreement]
        self.existing_parties = _ids_by(
            AgreementParty.objects.filter(agreement__in=agreement_ids),
            "agreement_id",
            "organization_id",
            "role",
        )
        self.existing_citations = _ids_by(
            AgreementSource.objects.filter(agreement__in=agreement_ids),
            "agreement_id",
            "newsitem_id",
        )
        for record, agreement in to_complete:
            self.complete_agreement(record, agreement)

    def party_key(self, record: dict, party: dict) -> str:
        return f"party:{record['key']}:{party['organization']}:{party['role']}"

    def citation_key(self, record: dict, source: str) -> str:
        return f"citation:{record['key']}:{source}"

    def agreements_to_adopt(self, *, claimed: set[int]) -> dict[tuple, list[Agreement]]:
        """The agreements not loaded before among those of the file's organizations, by kind
        and set of (organization, role): the ones an agreement of the file may be."""
        organization_ids = {o.pk for o in self.organizations.values() if o is not None}
        organization_ids |= {o.pk for o in self.organizations_by_slug.values()}
        involved = AgreementParty.objects.filter(organization__in=organization_ids)
        rows = (
            AgreementParty.objects.filter(agreement__in=involved.values("agreement"))
            .order_by()
            .values_list("agreement_id", "organization_id", "role")
        )
        parties = defaultdict(set)
        for agreement_id, organization_id, role in rows:
            parties[agreement_id].add((organization_id, role))
        candidates = defaultdict(list)
        for agreement in Agreement.objects.filter(pk__in=set(parties) - claimed).order_by("pk"):
            candidates[(agreement.kind, frozenset(parties[agreement.pk]))].append(agreement)
        return candidates

    def adoptable(self, record: dict) -> Agreement | None:
        """The agreement in the database that records the same event as ``record``, if any:
        same kind, same parties in the same roles, and the same date or one of the two
        unknown; of several, the one with the same title first. Each is adopted once."""
        if self.candidates is None:
            self.candidates = self.agreements_to_adopt(claimed=self.claimed)
        parties = set()
        for party in record.get("parties", []):
            organization = self.organization(party["organization"])
            if organization is not None:
                parties.add((organization.pk, party["role"]))
        same = self.candidates.get((record["kind"], frozenset(parties)), [])
        date = datetime.date.fromisoformat(record["date"]) if record.get("date") else None
        fitting = [a for a in same if a.date is None or date is None or a.date == date]
        if not fitting:
            return None
        fitting.sort(key=lambda a: (a.title != record["title_ko"], a.date != date))
        same.remove(fitting[0])
        return fitting[0]

    def create_agreement(self, key: str, record: dict):
        """A new agreement with its parties and sources: refused unless at least two of its
        parties' organizations and one of its sources are in the database."""
        parties, missing = {}, []
        for party in record.get("parties", []):
            organization = self.organization(party["organization"])
            if organization is None:
                missing.append(party)
            else:
                parties.setdefault(self.party_key(record, party), (organization, party))
        sources = {}
        for source in record.get("sources", []):
            if self.news_items.get(source) is not None:
                sources.setdefault(self.citation_key(record, source), self.news_items[source])
        organizations = {organization.pk for organization, _party in parties.values()}
        refusal = None
        if len(organizations) < 2:
            names = ", ".join(sorted({party["organization"] for party in missing})) or "none"
            refusal = (
                f"needs two parties' organizations in the database, has {len(organizations)} "
                f"(missing: {names})"
            )
        elif not sources:
            refusal = "none of its sources is in the database"
        if refusal:
            self.skip("agreements", key, refusal)
            self.count("parties", "skipped", len(record.get("parties", [])))
            self.count("citations", "skipped", len(record.get("sources", [])))
            return

        cluster = None
        if record.get("cluster"):
            cluster = self.clusters.get(record["cluster"])
            if cluster is None:
                self.report.notes.append(
                    f"{key}: created without its cluster “{record['cluster']}”, which is not "
                    "in the database"
                )
        # A published agreement shows its parties to visitors: with an organization a curator
        # keeps as a draft, the agreement waits as a draft too.
        drafts = sorted(o.slug for o, _party in parties.values() if not o.is_published)
        if drafts:
            self.report.notes.append(
                f"{key}: created as a draft: its parties {', '.join(drafts)} are not published"
            )
        date = record.get("date")
        agreement = Agreement(
            title=record["title_ko"],
            title_en=record.get("title_en") or "",
            kind=record["kind"],
            date=datetime.date.fromisoformat(date) if date else None,
            date_precision=record.get("date_precision") or Agreement.DatePrecision.UNKNOWN,
            date_stated=record.get("date_stated") or "",
            date_basis=record.get("date_basis") or "",
            place=record.get("place") or "",
            cluster=cluster,
            status=record.get("status") or Agreement.Status.CONCLUDED,
            summary=record.get("summary_ko") or "",
            summary_en=record.get("summary_en") or "",
            review_status=ReviewStatus.DRAFT if drafts else ReviewStatus.PUBLISHED,
        )
        created = []
        try:
            with transaction.atomic():
                self.save(agreement)
                for party_key, (organization, party) in parties.items():
                    row = AgreementParty(
                        agreement=agreement,
                        organization=organization,
                        role=party["role"],
                        note=party.get("note") or "",
                    )
                    self.save(row)
                    created.append((party_key, row))
                # One history entry for the agreement with all its sources.
                agreement.sources.add(*sources.values())
        except ValidationError as error:
            self.skip("agreements", key, _messages(error))
            self.count("parties", "skipped", len(record.get("parties", [])))
            self.count("citations", "skipped", len(record.get("sources", [])))
            return
        self.remember(key, agreement, "agreements", "created")
        for party_key, row in created:
            self.handled.add(party_key)
            self.remember(party_key, row, "parties", "created")
        for party in missing:
            party_key = self.party_key(record, party)
            if self.first_time(party_key):
                self.skip(
                    "parties", party_key, f"the organization “{party['organization']}” is missing"
                )
        citations = dict(
            AgreementSource.objects.filter(agreement=agreement).values_list("newsitem_id", "pk")
        )
        for citation_key, news_item in sources.items():
            self.handled.add(citation_key)
            self.remember(
                citation_key, AgreementSource(pk=citations[news_item.pk]), "citations", "created"
            )
        for source in record.get("sources", []):
            citation_key = self.citation_key(record, source)
            if self.first_time(citation_key):
                self.skip("citations", citation_key, f"the source “{source}” is missing")

    def complete_agreement(self, record: dict, agreement: Agreement | None):
        """Parties and citations of an agreement loaded or adopted before: the ones not loaded
        yet are adopted or created; none if a curator deleted the agreement."""
        for party in record.get("parties", []):
            party_key = self.party_key(record, party)
            if not self.first_time(party_key):
                continue
            organization = self.organization(party["organization"])
            if agreement is None:  # A curator deleted it: its parties went with it.
                self.skip("parties", party_key, None)
            elif party_key in self.loaded:
                self.kept_or_deleted(
                    "parties", party_key, self.loaded[party_key] in self.parties_present
                )
            elif organization is None:
                self.skip(
                    "parties", party_key, f"the organization “{party['organization']}” is missing"
                )
            elif (agreement.pk, organization.pk, party["role"]) in self.existing_parties:
                pk = self.existing_parties[(agreement.pk, organization.pk, party["role"])]
                self.remember(party_key, AgreementParty(pk=pk), "parties", "adopted")
            else:
                row = AgreementParty(
                    agreement=agreement,
                    organization=organization,
                    role=party["role"],
                    note=party.get("note") or "",
                )
                try:
                    self.save(row)
                except ValidationError as error:
                    self.skip("parties", party_key, _messages(error))
                    continue
                self.existing_parties[(agreement.pk, organization.pk, row.role)] = row.pk
                self.remember(party_key, row, "parties", "created")

        for source in record.get("sources", []):
            citation_key = self.citation_key(record, source)
            if not self.first_time(citation_key):
                continue
            news_item = self.news_items.get(source)
            if agreement is None:
                self.skip("citations", citation_key, None)
            elif citation_key in self.loaded:
                self.kept_or_deleted(
                    "citations", citation_key, self.loaded[citation_key] in self.citations_present
                )
            elif news_item is None:
                self.skip("citations", citation_key, f"the source “{source}” is missing")
            elif (agreement.pk, news_item.pk) in self.existing_citations:
                pk = self.existing_citations[(agreement.pk, news_item.pk)]
                self.remember(citation_key, AgreementSource(pk=pk), "citations", "adopted")
            else:
                agreement._change_reason = self.reason
                agreement.sources.add(news_item)
                citation = AgreementSource.objects.get(agreement=agreement, newsitem=news_item)
                self.existing_citations[(agreement.pk, news_item.pk)] = citation.pk
                self.remember(citation_key, citation, "citations", "created")
