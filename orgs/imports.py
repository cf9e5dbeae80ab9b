"""Writes that span an organization and its other names: the curators' CSV import.

Rows are imported a chunk at a time (bionet.lib.csv.CsvImporter): the organizations a chunk's
rows name (by id, by a name to refuse as a duplicate, by a parent's name) are read in a few
queries for the whole chunk, each row is checked against them, and the chunk's new and
changed organizations, aliases and their history are written in bulk.
"""

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Lower
from django.dispatch import Signal
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

from .models import Organization, OrganizationName, OrganizationRedirect, ancestry_error

ORGANIZATION_FIELDS = [
    "slug",
    "name_ko",
    "name_en",
    "kind",
    "region",
    "website",
    "ror_id",
    "wikidata_qid",
]
# What the import neither reads nor validates, not being in the file: the search columns
# (computed afresh when the names change), the description, and the times of the record
# (the database's converting them cost as much as reading the rest).
UNREAD_FIELDS = ("search_names", "search_grams", "description", "created", "updated")
# Organizations of one value each: checked for the chunk at once, as full_clean would.
UNIQUE_FIELDS = ["slug", "ror_id", "wikidata_qid"]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Names looked up in one query, each taking four parameters: 2,000 of SQLite's 32,766, and
# 16,000 of PostgreSQL's 65,535. A file's names are then read on PostgreSQL in one sequential
# scan, each organization once: the parties of 5,000 agreements were read in 8 queries that
# made 8,114 organizations of 4,534.
NAMES_PER_QUERY = {"postgresql": 16000}


def names_per_query() -> int:
    return NAMES_PER_QUERY.get(connection.vendor, 2000)


# Choices' values, built once: TextChoices.values makes a new list each time it is read.
ALIAS_KINDS = frozenset(OrganizationName.Kind.values)

# Sent once an import has saved organizations whose names (Korean, English or aliases) are new
# or changed, with ``organizations``, all their ``names`` and the ids of those ``created``:
# written in bulk, they sent no post_save of their own. news refreshes the mentions those
# names may change (news.signals).
names_imported = Signal()

# Two imports at once could each find a name free and both create it (issue 17: same Korean
# name, two slugs). An import holds, until its transaction ends, a PostgreSQL advisory lock
# for every name its new rows bring (Korean and English names, slug, aliases), taken in one
# statement in ascending order before it looks any name up: a second import bringing one of
# those names waits for the first to commit, then finds its organization and refuses the row
# as a duplicate. Names are hashed into NAME_LOCKS locks (PostgreSQL's lock table holds 64 per
# connection by default, so a lock per name of a 20,000-row file would not fit); two names
# sharing a lock only make two imports wait for each other. The two-key form keeps these
# locks apart from any other use of advisory locks (NAME_LOCK_SPACE). Why not a unique
# constraint on the Korean name: the directory has no such rule (the admin saves two
# organizations of one name, and the import refuses a name matching any name of another,
# English names and aliases included). On SQLite, which lets one transaction write at a time,
# a second import cannot write until the first has ended.
NAME_LOCK_SPACE = 17
NAME_LOCKS = 1024


def lock_names(names: Iterable[str]) -> None:
    """Hold the advisory locks of ``names`` until the transaction ends (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    keys = sorted(
        {
            zlib.crc32(iexact_key(normalize(name).strip()).encode()) % NAME_LOCKS
            for name in names
            if name.strip()
        }
    )
    if keys:
        with connection.cursor() as cursor:
            # unnest() yields the keys in the array's order, so every import locks in one order.
            cursor.execute(
                "SELECT count(pg_advisory_xact_lock(%s, key)) FROM unnest(%s::integer[]) AS key",
                [NAME_LOCK_SPACE, keys],
            )


class OrganizationNames:
    """Organizations by every name they are known by, as ``Organization.objects.named`` finds
    them (slug, Korean name, English name or alias, the last two in any case), read for many
    names at once and kept up to date with what the import itself writes."""

    def __init__(self):
        self.by_key: dict[tuple[str, str], dict[int, Organization]] = defaultdict(dict)
        self.keys_of: dict[int, list[tuple[str, str]]] = {}
        self.aliases: dict[int, list[OrganizationName]] = {}
        self.by_pk: dict[int, Organization] = {}
        # Names whose organizations in the database have all been read.
        self.loaded: set[str] = set()

    def load(self, names: Iterable[str]) -> None:
        """Read the organizations known by any of ``names`` not read before: two queries for
        each names_per_query() of them."""
        wanted = {normalize(name).strip() for name in names} - self.loaded - {""}
        self.loaded |= wanted
        for batch in chunked(sorted(wanted), names_per_query()):
            folded = {iexact_key(name) for name in batch}
            aliases = OrganizationName.objects.annotate(key=Lower("name"))
            aliases = aliases.filter(key__any_of=folded)
            self._read(
                Organization.objects.annotate(key_en=Lower("name_en")).filter(
                    Q(slug__any_of=batch)
                    | Q(name_ko__any_of=batch)
                    | Q(key_en__any_of=folded)
                    | Q(pk__in=aliases.values("organization"))
                )
            )

    def load_ids(self, ids: Iterable[int]) -> dict[int, Organization]:
        """The organizations of ``ids`` that exist, read unless read before."""
        ids = set(ids)
        self._read(Organization.objects.filter(pk__any_of=ids - set(self.by_pk)))
        return {pk: self.by_pk[pk] for pk in ids if pk in self.by_pk}

    # The fields read, when lookups need only some: None for all but UNREAD_FIELDS.
    fields: tuple[str, ...] | None = None

    def _read(self, organizations: models.QuerySet) -> None:
        if self.fields:
            organizations = organizations.only(*self.fields)
        else:
            organizations = organizations.defer(*UNREAD_FIELDS)
        read = [organization for organization in organizations if organization.pk not in self.by_pk]
        aliases = self.read_aliases([organization.pk for organization in read])
        for organization in read:
            self.add(organization, aliases[organization.pk])

    def read_aliases(self, pks: list[int]) -> dict[int, list]:
        """The aliases of the organizations ``pks``, by organization (one query: not
        prefetch_related(), which builds a query set for each organization)."""
        aliases = defaultdict(list)
        for alias in OrganizationName.objects.filter(organization__any_of=pks):
            aliases[alias.organization_id].append(alias)
        return aliases

    def add(self, organization: Organization, aliases: list[OrganizationName]) -> None:
        """Index ``organization`` under its names and ``aliases`` (again, if it was)."""
        self.remove(organization)
        keys = [("slug", organization.slug), ("ko", organization.name_ko)]
        if organization.name_en:
            keys.append(("en", iexact_key(organization.name_en)))
        keys += [("alias", iexact_key(alias.name)) for alias in aliases]
        self.keys_of[id(organization)] = keys
        self.aliases[id(organization)] = aliases
        for key in keys:
            self.by_key[key][id(organization)] = organization
        if organization.pk is not None:
            self.by_pk[organization.pk] = organization

    def saved(self, organization: Organization) -> None:
        """Know ``organization`` by the id it was saved with (and by its names, unless
        added since these names were read)."""
        if id(organization) in self.keys_of:
            self.by_pk[organization.pk] = organization
        else:
            self.add(organization, self.aliases_of(organization))

    def remove(self, organization: Organization) -> None:
        for key in self.keys_of.pop(id(organization), []):
            self.by_key[key].pop(id(organization), None)
        self.aliases.pop(id(organization), None)

    def aliases_of(self, organization: Organization) -> list[OrganizationName]:
        return self.aliases.get(id(organization), [])

    def named(self, name: str) -> list[Organization]:
        """The organizations known exactly by ``name`` (read by ``load``), by slug."""
        name = normalize(name).strip()
        folded = iexact_key(name)
        found: dict[int, Organization] = {}
        for key in (("slug", name), ("ko", name), ("en", folded), ("alias", folded)):
            found.update(self.by_key.get(key, {}))
        return sorted(found.values(), key=lambda organization: organization.slug)

    def get(self, name: str, *, candidates: int = 3) -> Organization:
        """The one organization known by ``name``, else a row error naming the reason."""
        matches = self.named(name)
        if not matches:
            raise RowError(Reason.UNKNOWN_ORGANIZATION, name)
        if len(matches) > 1:
            slugs = [match.slug for match in matches[:candidates]]
            raise RowError(
                Reason.AMBIGUOUS_ORGANIZATION,
                _("%(name)s names %(slugs)s: use the slug")
                % {"name": name, "slugs": ", ".join(slugs)},
            )
        return matches[0]


def organization_by_name(name: str) -> Organization:
    """The one organization known by ``name`` (slug, Korean or English name, or alias)."""
    names = OrganizationNames()
    names.load([name])
    return names.get(name)


def parse_aliases(cell: str) -> set[tuple[str, str, str]]:
    """'KHIDI (acronym, en); 보산진' -> {(name, kind, language)}; kind and language optional."""
    aliases = set()
    for item in split(normalize(cell)):
        name, label = split_labelled(item)
        parts = [part.strip() for part in (label or "").split(",") if part.strip()]
        if label is not None and (not parts or parts[0] not in ALIAS_KINDS):
            name, parts = item, []  # brackets that are part of the name itself
        kind = parts[0] if parts else OrganizationName.Kind.OTHER
        guessed = "ko" if HANGUL.search(name) else "en"
        language = parts[1] if len(parts) > 1 else guessed
        aliases.add((name, kind, language))
    return aliases


def _constraint(model: type[models.Model], field: str) -> models.UniqueConstraint | None:
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field in constraint.fields:
            return constraint
    return None


class OrganizationImporter(CsvImporter):
    """Rows of organizations.csv: an id updates that organization, no id creates one.

    Counts, clusters and the page URL are read-only columns: the import ignores them.
    """

    model = Organization
    required_columns = ("name_ko", "slug", "kind")

    def __init__(self, *, publish: bool = True):
        super().__init__(publish=publish)
        self.names = OrganizationNames()
        self.pending_parents: list[tuple[int, Organization, str]] = []
        # Parent links the import has decided, by id() of the organization: the parent, or
        # None for none. What an ancestry check follows before the database's parent.
        self.links: dict[int, Organization | None] = {}
        # Parents of organizations the import has not read whole, from the database.
        self.parent_of: dict[int, int | None] = {}
        # (field, value) of UNIQUE_FIELDS -> its organization's id in the database when the
        # import started, for the file's values; and what rows have taken since (an
        # organization) or freed (None).
        self.taken: dict[tuple[str, str], int] = {}
        self.claimed: dict[tuple[str, str], Organization | None] = {}
        # Organizations whose names are new or changed, and the ids of those created.
        self.renamed: dict[int, Organization] = {}
        self.created: set[int] = set()

    # Reading a chunk ---------------------------------------------------------------------

    def start(self, rows):
        rows = [row.values for row in rows if not row.error]
        if connection.vendor == "postgresql":  # see lock_names
            names = []
            for values in rows:
                if not values.get("id"):
                    names += [values.get(name, "") for name in ("name_ko", "name_en", "slug")]
                    names += [name for name, _, _ in parse_aliases(values.get("aliases", ""))]
            lock_names(names)
        # What the chunks look up, read for the whole file: a few queries in all.
        self.names.load(self.names_looked_up(rows))
        for batch in chunked(rows, names_per_query()):
            self.load_taken(batch)

    def names_looked_up(self, rows: list[dict[str, str]]) -> list[str]:
        """New rows' names (refused if taken) and parents' names."""
        new = [values for values in rows if not values.get("id")]
        return [
            *(values.get("name_ko", "") for values in new),
            *(values.get("name_en", "") for values in new),
            *(values.get("parent", "") for values in rows),
        ]

    def load_taken(self, rows: list[dict[str, str]]) -> None:
        """Which organizations hold the slugs, ROR and Wikidata IDs the rows give."""
        values = {field: {row[field] for row in rows if row.get(field)} for field in UNIQUE_FIELDS}
        found = Organization.objects.filter(
            Q(slug__any_of=values["slug"])
            | Q(ror_id__any_of=values["ror_id"])
            | Q(wikidata_qid__any_of=values["wikidata_qid"])
        ).values_list("pk", *UNIQUE_FIELDS)
        for pk, *held in found:
            for field, value in zip(UNIQUE_FIELDS, held, strict=True):
                if value:
                    self.taken[(field, value)] = pk

    def load_records(self, ids):
        return self.names.load_ids(ids)

    def prepare(self, rows):
        super().prepare(rows)
        self.names.load(self.names_looked_up(rows))  # read already, unless forgotten
        self.load_ancestors()

    def load_ancestors(self) -> None:
        """Read the parents of every organization read so far, up to the top of each line:
        a query per generation, for all of them."""
        while missing := {
            parent
            for parent in [
                *(organization.parent_id for organization in self.names.by_pk.values()),
                *self.parent_of.values(),
            ]
            if parent is not None
            and parent not in self.names.by_pk
            and parent not in self.parent_of
        }:
            self.parent_of.update(
                Organization.objects.filter(pk__any_of=missing).values_list("pk", "parent_id")
            )
            self.parent_of.update({pk: None for pk in missing if pk not in self.parent_of})

    # Checking a row ----------------------------------------------------------------------

    def import_row(self, values):
        organization_id = parse_id(values.get("id", ""))
        if organization_id is None:
            organization = self.new_record()
            for name in (values["name_ko"], values.get("name_en", "")):
                existing = self.first_named(name) if name else None
                if existing is not None:
                    raise RowError(
                        Reason.DUPLICATE,
                        _("%(name)s is already in the directory (%(slug)s)")
                        % {"name": name, "slug": existing.slug},
                    )
        else:
            organization = self.record_to_update(organization_id)
        before = {name: getattr(organization, name) for name in ORGANIZATION_FIELDS}
        old_aliases = self.names.aliases_of(organization)
        try:
            for name in ORGANIZATION_FIELDS:
                if name in values:
                    setattr(organization, name, values[name])
            changed = organization.pk is None or before != {
                name: getattr(organization, name) for name in ORGANIZATION_FIELDS
            }
            if changed:
                self.validate(organization)
            aliases = old_aliases
            deleted, added = [], []
            if "aliases" in values:
                deleted, added = self.plan_aliases(organization, parse_aliases(values["aliases"]))
                aliases = [alias for alias in old_aliases if alias not in deleted] + added
            # Later rows, and this row's parent, find the organization by its new names.
            self.names.add(organization, aliases)
            parent = self.plan_parent(organization, values["parent"]) if "parent" in values else ()
        except (RowError, ValidationError):
            for name, value in before.items():
                setattr(organization, name, value)
            if organization.pk is None:
                self.names.remove(organization)
            else:
                self.names.add(organization, old_aliases)
            raise
        for field in UNIQUE_FIELDS:
            if before[field] != getattr(organization, field):
                if organization.pk is not None and before[field]:
                    self.claimed[(field, before[field])] = None
                self.claimed[(field, getattr(organization, field))] = organization
        fields = {
            name for name in ORGANIZATION_FIELDS if before[name] != getattr(organization, name)
        }
        if parent != ():
            self.links[id(organization)] = parent
            fields.add("parent")
        if organization.pk is None or fields or deleted or added:
            self.queue(
                organization=organization,
                fields=fields,
                deleted=deleted,
                added=added,
                # Its names (or slug) are new: search columns and mentions to refresh.
                reindex=bool(fields & {"name_ko", "name_en", "slug"} or deleted or added),
            )
        changed |= bool(deleted or added) or parent != ()
        outcome = "new" if organization_id is None else "updated"
        return (outcome if changed else "unchanged"), organization.name_ko

    def first_named(self, name: str) -> Organization | None:
        """What ``Organization.objects.named(name).first()`` gives: by Korean name."""
        named = self.names.named(name)
        return min(named, key=lambda org: (org.name_ko, org.pk or 0), default=None)

    def validate(self, organization: Organization) -> None:
        """``full_clean(exclude=["parent"])`` without a query per row: fields as they are,
        uniqueness from what the chunk read (the parent is checked by plan_parent)."""
        errors = {}
        try:
            organization.clean_fields(exclude={"parent", *UNREAD_FIELDS})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in UNIQUE_FIELDS:
            value = getattr(organization, field)
            if field in errors or not value or not self.held_by_another(organization, field):
                continue
            constraint = _constraint(Organization, field)
            if constraint is None:
                errors.setdefault(field, []).append(
                    organization.unique_error_message(Organization, (field,))
                )
            else:
                refused = ValidationError(
                    constraint.get_violation_error_message(), code=constraint.violation_error_code
                )
                errors = refused.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def held_by_another(self, organization: Organization, field: str) -> bool:
        key = (field, getattr(organization, field))
        if key in self.claimed:
            holder = self.claimed[key]
            return holder is not None and holder is not organization
        holder_pk = self.taken.get(key)
        return holder_pk is not None and holder_pk != organization.pk

    def plan_aliases(self, organization, aliases) -> tuple[list, list]:
        """The aliases to delete and to add so that the organization has ``aliases``."""
        current = {
            (alias.name, alias.kind, alias.language): alias
            for alias in self.names.aliases_of(organization)
        }
        if set(current) == aliases:
            return [], []
        deleted = [alias for key, alias in current.items() if key not in aliases]
        names = {alias.name for key, alias in current.items() if key in aliases}
        unique = _constraint(OrganizationName, "name")
        added = []
        for name, kind, language in sorted(aliases - set(current)):
            alias = OrganizationName(
                organization=organization, name=name, kind=kind, language=language
            )
            # alias.full_clean(), its one uniqueness rule checked against the other aliases.
            errors = {}
            try:
                alias.clean_fields(exclude={"organization"})
            except ValidationError as error:
                errors = error.update_error_dict(errors)
            if "name" not in errors and alias.name in names:
                refused = ValidationError(
                    unique.get_violation_error_message(), code=unique.violation_error_code
                )
                errors = refused.update_error_dict(errors)
            if errors:
                raise ValidationError(errors)
            names.add(alias.name)
            added.append(alias)
        return deleted, added

    def plan_parent(self, organization, name: str):
        """The parent the row gives (an organization, or None for none), or () when it is
        the same as now or waits for a later row."""
        if not name:
            return None if self.parent(organization) is not None else ()
        try:
            parent = self.names.get(name)
        except RowError as error:
            if error.reason != Reason.UNKNOWN_ORGANIZATION:
                raise
            # The parent may be on a later row: look again when every row is in.
            self.pending_parents.append((self.current_row, organization, name))
            return ()
        if parent is self.parent(organization):
            return ()
        self.check_ancestry(organization, parent)
        return parent

    def parent(self, organization: Organization) -> Organization | int | None:
        """The organization's parent as the import knows it: an organization it has read or
        created, or the id of one it has not read."""
        if id(organization) in self.links:
            return self.links[id(organization)]
        if organization.parent_id is None:
            return None
        return self.names.by_pk.get(organization.parent_id, organization.parent_id)

    def check_ancestry(self, organization: Organization, parent: Organization) -> None:
        """Organization.clean's rule, followed through what the import has read and linked."""
        ancestor: Organization | int | None = parent
        seen = set()
        while ancestor is not None and id(ancestor) not in seen:
            if ancestor is organization:
                raise ancestry_error()
            seen.add(id(ancestor))
            if isinstance(ancestor, int):
                above = self.parent_of.get(ancestor)
                ancestor = self.names.by_pk.get(above, above) if above is not None else None
            else:
                ancestor = self.parent(ancestor)

    # Writing a chunk ---------------------------------------------------------------------

    def write(self, rows: list[QueuedRow]) -> None:
        now = timezone.now()
        entries = [row.writes for row in rows]
        for entry in entries:
            organization = entry["organization"]
            entry["created"] = organization.pk is None
            if entry["created"] or entry["reindex"]:
                aliases = self.names.aliases_of(organization)
                organization.index_names([alias.name for alias in aliases])
        self.link_later_parents(entries, first_row=rows[0].number)
        # New organizations whose parent is new too come after it, so that each is created
        # with its parent (a generation of the chunk's families at a time).
        waiting = [entry for entry in entries if entry["created"]]
        while waiting:
            ready = [entry for entry in waiting if self.parent_is_saved(entry["organization"])]
            ready = ready or waiting  # never, as no organization is its own ancestor
            for entry in ready:
                self.link(entry["organization"])
            created = [entry["organization"] for entry in ready]
            bulk_create(created, history=True)
            waiting = [entry for entry in waiting if entry["organization"].pk is None]
        updated = [entry for entry in entries if not entry["created"] and entry["fields"]]
        if updated:
            for entry in updated:
                self.link(entry["organization"])
                entry["organization"].updated = now
            # The union of the rows' changed fields: the others are written as they are.
            fields = {"updated"}.union(*(entry["fields"] for entry in updated))
            if any(entry["reindex"] for entry in updated):
                fields |= {"search_names", "search_grams"}
            organizations = [entry["organization"] for entry in updated]
            bulk_update(organizations, sorted(fields))
            history_copy(organizations, "~")
            self.leave_redirects(organizations)
        # Only the aliases changed: the organization's history has nothing new to say.
        reindexed = [
            entry["organization"]
            for entry in entries
            if not entry["created"] and not entry["fields"] and entry["reindex"]
        ]
        for organization in reindexed:
            organization.updated = now
        if reindexed:
            bulk_update(reindexed, ["search_names", "search_grams", "updated"])
        # No signals: the search columns are written above, the mentions when committing.
        bulk_delete_with_history([alias for entry in entries for alias in entry["deleted"]])
        added = [alias for entry in entries for alias in entry["added"]]
        if added:
            bulk_create(added, history=True)
        for entry in entries:
            organization = entry["organization"]
            organization._loaded_slug = organization.slug
            self.names.saved(organization)
            self.links.pop(id(organization), None)
            if entry["reindex"] or entry["created"]:
                self.renamed[organization.pk] = organization
            if entry["created"]:
                self.created.add(organization.pk)

    def link_later_parents(self, entries: list[dict], *, first_row: int) -> None:
        """Give new organizations whose parent was on a later row of their chunk that parent,
        to be created with it: linked when every row is in, it took an UPDATE of each of them,
        which rewrites every index entry of the row (0.1 s for 500 organizations). A parent
        not found yet, or refused, is left to ``finish``, which also links those whose
        creation went without it (a chunk written again row by row)."""
        new = {id(entry["organization"]) for entry in entries if entry["created"]}
        for number, organization, name in reversed(self.pending_parents):
            if number < first_row:  # rows of earlier chunks: in finish
                break
            if id(organization) not in new or id(organization) in self.links:
                continue
            try:
                parent = self.names.get(name)
                self.check_ancestry(organization, parent)
            except (RowError, ValidationError):
                continue
            self.links[id(organization)] = parent

    def parent_is_saved(self, organization: Organization) -> bool:
        parent = self.links.get(id(organization))
        return parent is None or parent.pk is not None

    def link(self, organization: Organization) -> None:
        """Give the organization the parent the import decided on, if it decided one (but
        not a parent whose own row the database refused: nothing is saved then anyway)."""
        if id(organization) in self.links:
            parent = self.links[id(organization)]
            if parent is None or parent.pk is not None:
                organization.parent = parent

    def leave_redirects(self, organizations: list[Organization]) -> None:
        """What Organization.save does when the slug changes: the old address redirects."""
        redirects: dict[str, Organization | None] = {}
        for organization in organizations:
            old_slug = getattr(organization, "_loaded_slug", None)
            if old_slug and old_slug != organization.slug:
                redirects[old_slug] = organization
                redirects[organization.slug] = None
        if redirects:
            OrganizationRedirect.objects.filter(old_slug__in=list(redirects)).delete()
            OrganizationRedirect.objects.bulk_create(
                [
                    OrganizationRedirect(old_slug=old_slug, organization=organization)
                    for old_slug, organization in redirects.items()
                    if organization is not None
                ]
            )

    def unwrite(self, rows):
        for row in rows:
            organization = row.writes["organization"]
            if row.writes.get("created"):
                organization.pk = None
                organization._state.adding = True
            for alias in row.writes["added"]:
                alias.pk = None
                alias._state.adding = True

    def forget(self, row):
        # The organizations read are no longer what the database holds: read them again.
        self.names = OrganizationNames()
        self.parent_of = {}
        self.pending_parents = [
            pending for pending in self.pending_parents if pending[0] != row.number
        ]
        organization = row.writes["organization"]
        self.links.pop(id(organization), None)
        self.claimed = {key: held for key, held in self.claimed.items() if held is not organization}

    def finish(self):
        outcomes = {}
        self.names.load(name for _, _, name in self.pending_parents)
        self.load_ancestors()
        for number, organization, name in self.pending_parents:
            try:
                parent = self.names.get(name)
                self.check_ancestry(organization, parent)
            except RowError as error:
                outcomes[number] = error
            except ValidationError as error:
                outcomes[number] = RowError(*self.explain(error))
            else:
                if parent.pk is not None and organization.parent_id == parent.pk:
                    continue  # created with it (link_later_parents)
                self.links[id(organization)] = parent
                self.current_row = number
                self.queue(
                    organization=organization,
                    fields={"parent"},
                    deleted=[],
                    added=[],
                    reindex=False,
                )
                outcomes[number] = "updated"
        self.flush()
        for number in outcomes:
            if self.report_rows[number].outcome == "error":
                outcomes[number] = RowError(
                    self.report_rows[number].reason, self.report_rows[number].detail
                )
        return outcomes

    def committing(self):
        if self.renamed:
            organizations = list(self.renamed.values())
            names_imported.send(
                sender=Organization,
                organizations=organizations,
                names=[
                    name
                    for organization in organizations
                    for name in (
                        organization.name_ko,
                        organization.name_en,
                        *(alias.name for alias in self.names.aliases_of(organization)),
                    )
                    if name
                ],
                created=self.created,
            )


def organizations_import(
    *,
    data: bytes,
    commit: bool,
    ignore_ids: bool = False,
    publish: bool = True,
    progress=None,
) -> ImportReport:
    """Import organizations.csv; a dry run unless ``commit``, and all-or-nothing when it is.

    With ``ignore_ids`` every row creates a record: for another database's export. New
    organizations are drafts unless ``publish``. ``progress(rows_done, rows_total)`` is
    called before the first chunk of rows and after each.
    """
    importer = OrganizationImporter(publish=publish)
    return importer.run(data, commit=commit, ignore_ids=ignore_ids, progress=progress)
