"""What the curated directory data file holds, and the checks it must pass before loading.

Reads the file only (no database), in the format ``manage.py load_directory`` loads::

    .venv/bin/python scripts/content_report.py [fixtures/directory.json]

It prints the counts of organizations, clusters, sources and agreements; agreements by kind,
by year (of their date, or "unknown") and by cluster; how many agreements cite one source and
how many several; the organizations no agreement names as a party; and the organizations that
are parties but have no alias (news reports name them by their full name only, so mentions of
a short name will be missed).

Then the checks, each of which must list nothing: agreements with fewer than two distinct
parties, agreements citing a source without URL or publication date, references that do not
resolve (a party, member, operator, parent, cluster or source key the file does not define),
and keys the file defines twice. The exit status is 1 when a check lists something.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "fixtures" / "directory.json"


def table(title: str, counts: Counter, *, order=None) -> list[str]:
    """A heading and one row per value, largest count first unless ``order`` is given."""
    rows = order(counts) if order else counts.most_common()
    width = max((len(str(value)) for value, _count in rows), default=0)
    return [f"{title}:"] + [f"  {str(value):<{width}}  {count:>4}" for value, count in rows]


def listing(title: str, items: list[str]) -> list[str]:
    """A heading with the count, then the items wrapped into lines."""
    wrapped = textwrap.wrap(", ".join(items), width=96, break_on_hyphens=False)
    return [f"{title}: {len(items)}"] + [f"  {line}" for line in wrapped]


def report(data: dict) -> tuple[list[str], int]:
    """The report's lines, and how many problems the checks found."""
    organizations = data.get("organizations", [])
    clusters = data.get("clusters", [])
    sources = data.get("sources", [])
    agreements = data.get("agreements", [])
    organization_slugs = {record["slug"] for record in organizations}
    cluster_slugs = {record["slug"] for record in clusters}
    sources_by_key = {record["key"]: record for record in sources}

    lines = [
        f"organizations  {len(organizations)}",
        f"clusters       {len(clusters)}",
        f"sources        {len(sources)}",
        f"agreements     {len(agreements)}",
        "",
    ]
    lines += table("Agreements by kind", Counter(record["kind"] for record in agreements))
    years = Counter(
        record["date"][:4] if record.get("date") else "unknown" for record in agreements
    )
    lines += table(
        "Agreements by year",
        years,
        order=lambda counts: sorted(counts.items(), key=lambda row: (row[0] == "unknown", row[0])),
    )
    lines += table(
        "Agreements by cluster",
        Counter(record.get("cluster") or "(none)" for record in agreements),
        order=lambda counts: sorted(counts.items(), key=lambda row: (-row[1], row[0])),
    )
    cited = Counter(
        "one source" if len(set(record.get("sources", []))) == 1 else "several sources"
        for record in agreements
        if record.get("sources")
    )
    lines += table("Agreements citing", cited)

    parties = {
        party["organization"] for record in agreements for party in record.get("parties", [])
    }
    lines += listing(
        "Organizations with no agreement",
        sorted(record["slug"] for record in organizations if record["slug"] not in parties),
    )
    lines += listing(
        "Organizations (parties) with no alias",
        sorted(
            record["slug"]
            for record in organizations
            if record["slug"] in parties and not record.get("aliases")
        ),
    )

    few_parties = [
        f"{record['key']} ({len({p['organization'] for p in record.get('parties', [])})})"
        for record in agreements
        if len({party["organization"] for party in record.get("parties", [])}) < 2
    ]
    undated_or_unlinked = [
        f"{record['key']}: {key} has no {' and no '.join(missing)}"
        for record in agreements
        for key in record.get("sources", [])
        if key in sources_by_key
        and (
            missing := [
                name
                for name, field in (("URL", "url"), ("publication date", "published_on"))
                if not sources_by_key[key].get(field)
            ]
        )
    ]
    unresolved = unresolved_references(data, organization_slugs, cluster_slugs, sources_by_key)
    duplicates = [
        f"{kind} {key}"
        for kind, records, field in (
            ("organization", organizations, "slug"),
            ("cluster", clusters, "slug"),
            ("source", sources, "key"),
            ("agreement", agreements, "key"),
        )
        for key, count in sorted(Counter(record[field] for record in records).items())
        if count > 1
    ]
    checks = [
        ("Agreements with fewer than two distinct parties", few_parties),
        ("Agreements whose source lacks a URL or a publication date", undated_or_unlinked),
        ("References that do not resolve", unresolved),
        ("Keys defined twice", duplicates),
    ]
    lines += ["", "Checks (each must list none):"]
    for title, found in checks:
        lines.append(f"{title}: {len(found) or 'none'}")
        lines += [f"  {item}" for item in found]
    return lines, sum(len(found) for _title, found in checks)


def unresolved_references(data, organization_slugs, cluster_slugs, sources_by_key) -> list[str]:
    """Every reference to an organization, cluster or source the file does not define."""
    found = []
    for record in data.get("organizations", []):
        if record.get("parent") and record["parent"] not in organization_slugs:
            found.append(f"organization {record['slug']}: parent {record['parent']}")
    for record in data.get("clusters", []):
        where = f"cluster {record['slug']}"
        found += [
            f"{where}: operator {slug}"
            for slug in record.get("operators", [])
            if slug not in organization_slugs
        ]
        found += [
            f"{where}: member {member['organization']}"
            for member in record.get("members", [])
            if member["organization"] not in organization_slugs
        ]
        found += [
            f"{where}: source {key}"
            for key in record.get("sources", [])
            if key not in sources_by_key
        ]
    for record in data.get("agreements", []):
        where = f"agreement {record['key']}"
        found += [
            f"{where}: party {party['organization']}"
            for party in record.get("parties", [])
            if party["organization"] not in organization_slugs
        ]
        if record.get("cluster") and record["cluster"] not in cluster_slugs:
            found.append(f"{where}: cluster {record['cluster']}")
        found += [
            f"{where}: source {key}"
            for key in record.get("sources", [])
            if key not in sources_by_key
        ]
    return found


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    data = json.loads(path.read_text(encoding="utf-8"))
    lines, problems = report(data)
    print(f"{path}\n")
    print("\n".join(lines))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
