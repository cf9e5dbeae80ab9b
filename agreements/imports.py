"""The curators' CSV import of agreements: their parties and sources, matched by name."""

import datetime
import re

from django.db.models import Q
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
from clusters.models import Cluster
from orgs.imports import organization_by_name

from .exports import AGREEMENT_FIELDS as EXPORTED_FIELDS
from .models import Agreement, AgreementParty, NewsItem

# The export's fields that a row sets, the cluster by name rather than through its join.
AGREEMENT_FIELDS = [
    "cluster" if name == "cluster__name_ko" else name for name in EXPORTED_FIELDS if name != "id"
]
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


def cluster_by_name(name: str) -> Cluster | None:
    name = normalize(name)
    if not name:
        return None
    matches = list(
        Cluster.objects.filter(Q(slug=name) | Q(name_ko=name) | Q(name_en__iexact=name))[:2]
    )
    if len(matches) != 1:
        raise RowError(Reason.UNKNOWN_CLUSTER, name)
    return matches[0]


def parse_parties(cell: str) -> set[tuple[int, str]]:
    """'서울특별시 (signatory); KHIDI (signatory)' -> {(organization id, role)}."""
    parties = set()
    for item in split(cell):
        name, role = split_labelled(item)
        if not role:
            raise RowError(
                Reason.MISSING_VALUE, _("the role of %(name)s, e.g. (signatory)") % {"name": name}
            )
        if role not in AgreementParty.Role.values:
            raise RowError(Reason.INVALID_VALUE, _("role %(role)s") % {"role": role})
        parties.add((organization_by_name(name).pk, role))
    if len({organization for organization, role in parties}) < 2:
        raise RowError(Reason.MISSING_VALUE, _("an agreement needs at least two parties"))
    return parties


def news_item_by_reference(reference: str) -> NewsItem:
    """Find the news item 'outlet | date | title | url' cites: by URL, else by outlet and title."""
    parts = [part.strip() for part in reference.split("|")]
    if len(parts) < 4:
        raise RowError(
            Reason.INVALID_VALUE,
            _("source %(source)s is not “outlet | date | title | url”") % {"source": reference},
        )
    outlet, title, url = parts[0], " | ".join(parts[2:-1]), parts[-1]
    found = (
        NewsItem.objects.filter(url=url)
        if url
        else NewsItem.objects.filter(outlet=outlet, title=title)
    )
    news_item = found.first()
    if news_item is None:
        raise RowError(Reason.UNKNOWN_NEWS_ITEM, reference)
    return news_item


class AgreementImporter(CsvImporter):
    """Rows of agreements.csv: an id updates that agreement, no id creates one.

    Parties are matched by slug, name or alias; sources by URL or by outlet and title.
    Party count and page URL are read-only columns: the import ignores them.
    """

    model = Agreement
    required_columns = ("title", "kind", "date", "parties", "sources")

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
            fields["cluster"] = cluster_by_name(values["cluster"])
        parties = parse_parties(values["parties"])
        sources = {
            news_item_by_reference(item).pk
            for item in values["sources"].splitlines()
            if item.strip()
        }
        if not sources:
            raise RowError(Reason.MISSING_VALUE, _("sources: cite at least one news item"))

        before = {name: getattr(agreement, name) for name in fields}
        for name, value in fields.items():
            setattr(agreement, name, value)
        agreement.full_clean()
        if agreement_id is None:
            same = Agreement.objects.filter(title=agreement.title, date=agreement.date)
            if same.exists():
                raise RowError(
                    Reason.DUPLICATE,
                    _("the directory already has an agreement with this title and date (id %(id)d)")
                    % {"id": same.first().pk},
                )
        changed = agreement.pk is None or before != {
            name: getattr(agreement, name) for name in fields
        }
        if changed:
            agreement.save()
        changed |= self.set_parties(agreement, parties)
        current_sources = set(agreement.sources.values_list("pk", flat=True))
        if current_sources != sources:
            agreement.sources.set(sources)
            changed = True
        outcome = "new" if agreement_id is None else "updated"
        return (outcome if changed else "unchanged"), agreement.title

    def set_parties(self, agreement, parties) -> bool:
        current = {(party.organization_id, party.role): party for party in agreement.parties.all()}
        if set(current) == parties:
            return False
        for key, party in current.items():
            if key not in parties:
                party.delete()
        for organization_id, role in parties - set(current):
            party = AgreementParty(agreement=agreement, organization_id=organization_id, role=role)
            party.full_clean()
            party.save()
        return True


def agreements_import(
    *, data: bytes, commit: bool, ignore_ids: bool = False, publish: bool = True
) -> ImportReport:
    """Import agreements.csv; a dry run unless ``commit``, and all-or-nothing when it is.

    With ``ignore_ids`` every row creates a record: for another database's export. New
    agreements are drafts unless ``publish``.
    """
    importer = AgreementImporter(publish=publish)
    return importer.run(data, commit=commit, ignore_ids=ignore_ids)
