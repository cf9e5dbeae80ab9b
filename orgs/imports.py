"""Writes that span an organization and its other names: the curators' CSV import."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bionet.lib.csv import (
    CsvImporter,
    ImportReport,
    Reason,
    RowError,
    parse_id,
    split,
    split_labelled,
)
from bionet.lib.text import normalize

from .models import AmbiguousName, Organization, OrganizationName

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
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def organization_by_name(name: str) -> Organization:
    """The one organization known by ``name`` (slug, Korean or English name, or alias)."""
    try:
        return Organization.objects.get_by_name(name, candidates=3)
    except Organization.DoesNotExist:
        raise RowError(Reason.UNKNOWN_ORGANIZATION, name) from None
    except AmbiguousName as error:
        raise RowError(
            Reason.AMBIGUOUS_ORGANIZATION,
            _("%(name)s names %(slugs)s: use the slug")
            % {"name": name, "slugs": ", ".join(error.slugs)},
        ) from None


def parse_aliases(cell: str) -> set[tuple[str, str, str]]:
    """'KHIDI (acronym, en); 보산진' -> {(name, kind, language)}; kind and language optional."""
    aliases = set()
    for item in split(normalize(cell)):
        name, label = split_labelled(item)
        parts = [part.strip() for part in (label or "").split(",") if part.strip()]
        if label is not None and (not parts or parts[0] not in OrganizationName.Kind.values):
            name, parts = item, []  # brackets that are part of the name itself
        kind = parts[0] if parts else OrganizationName.Kind.OTHER
        guessed = "ko" if HANGUL.search(name) else "en"
        language = parts[1] if len(parts) > 1 else guessed
        aliases.add((name, kind, language))
    return aliases


class OrganizationImporter(CsvImporter):
    """Rows of organizations.csv: an id updates that organization, no id creates one.

    Counts, clusters and the page URL are read-only columns: the import ignores them.
    """

    model = Organization
    required_columns = ("name_ko", "slug", "kind")

    def __init__(self, *, publish: bool = True):
        super().__init__(publish=publish)
        self.pending_parents: list[tuple[int, Organization, str]] = []

    def import_row(self, values):
        organization_id = parse_id(values.get("id", ""))
        if organization_id is None:
            organization = self.new_record()
            for name in (values["name_ko"], values.get("name_en", "")):
                existing = Organization.objects.named(name).first() if name else None
                if existing is not None:
                    raise RowError(
                        Reason.DUPLICATE,
                        _("%(name)s is already in the directory (%(slug)s)")
                        % {"name": name, "slug": existing.slug},
                    )
        else:
            organization = self.record_to_update(organization_id)
        before = {name: getattr(organization, name) for name in ORGANIZATION_FIELDS}
        for name in ORGANIZATION_FIELDS:
            if name in values:
                setattr(organization, name, values[name])
        changed = organization.pk is None or before != {
            name: getattr(organization, name) for name in ORGANIZATION_FIELDS
        }
        if changed:
            organization.full_clean(exclude=["parent"])
            organization.save()
        if "aliases" in values:
            changed |= self.set_aliases(organization, parse_aliases(values["aliases"]))
        if "parent" in values:
            changed |= self.set_parent(organization, values["parent"])
        outcome = "new" if organization_id is None else "updated"
        return (outcome if changed else "unchanged"), organization.name_ko

    def set_aliases(self, organization, aliases) -> bool:
        current = {
            (alias.name, alias.kind, alias.language): alias for alias in organization.names.all()
        }
        if set(current) == aliases:
            return False
        for key, alias in current.items():
            if key not in aliases:
                alias.delete()
        for name, kind, language in aliases - set(current):
            alias = OrganizationName(
                organization=organization, name=name, kind=kind, language=language
            )
            alias.full_clean()
            alias.save()
        return True

    def set_parent(self, organization, name: str) -> bool:
        if not name:
            changed = organization.parent_id is not None
            organization.parent = None
        else:
            try:
                parent = organization_by_name(name)
            except RowError as error:
                if error.reason != Reason.UNKNOWN_ORGANIZATION:
                    raise
                # The parent may be on a later row: look again when every row is in.
                self.pending_parents.append((self.current_row, organization, name))
                return False
            changed = organization.parent_id != parent.pk
            organization.parent = parent
        if changed:
            organization.full_clean()
            organization.save()
        return changed

    def finish(self):
        outcomes = {}
        for number, organization, name in self.pending_parents:
            try:
                organization.parent = organization_by_name(name)
                organization.full_clean()
                organization.save()
            except RowError as error:
                outcomes[number] = error
            except ValidationError as error:
                outcomes[number] = RowError(*self.explain(error))
            else:
                outcomes[number] = "updated"
        return outcomes


def organizations_import(
    *, data: bytes, commit: bool, ignore_ids: bool = False, publish: bool = True
) -> ImportReport:
    """Import organizations.csv; a dry run unless ``commit``, and all-or-nothing when it is.

    With ``ignore_ids`` every row creates a record: for another database's export. New
    organizations are drafts unless ``publish``.
    """
    importer = OrganizationImporter(publish=publish)
    return importer.run(data, commit=commit, ignore_ids=ignore_ids)
