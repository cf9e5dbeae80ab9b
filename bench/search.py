"""Organization search on PostgreSQL: indexed against unindexed, at 100,000 organizations.

    DATABASE_URL=postgres://... python bench/search.py [--orgs 100000] [--repeat 40]

Fills the database with synthetic organizations (unless it already holds exactly that many),
then times what the organization list runs for a search (the count and the first page of 50)
for two- and four-character Korean words and a Latin acronym, three ways:

- indexed: ``Organization.objects.search()`` with every index in place;
- trigram only: the plain ``icontains`` match over names and aliases, trigram indexes in place;
- unindexed: that plain match with the search indexes dropped (in a transaction rolled back).

Prints a Markdown table and writes it under "## Search" in bench/README.md, and the figures
to bench/results/search.json.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bionet.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from orgs.models import Organization, OrganizationName  # noqa: E402

SEARCH_INDEXES = [
    "orgs_org_search_grams_gin",
    "orgs_org_name_ko_trgm",
    "orgs_org_name_en_trgm",
    "orgs_orgname_name_trgm",
]
PAGE_SIZE = 50
GOAL = 10


def list_page(queryset):
    """What the organization list runs: the count, then the first page in name order."""
    queryset.count()
    list(queryset.order_by("name_ko")[:PAGE_SIZE])


def timings(run, repeat: int) -> dict[str, float]:
    for _ in range(2):
        run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 2),
    }


def prepare(organizations: int):
    if Organization.objects.filter(is_synthetic=True).count() != organizations:
        call_command("remove_synthetic", stdout=StringIO())
        print(f"Generating {organizations} organizations ...", file=sys.stderr)
        call_command(
            "generate_synthetic", orgs=organizations, agreements=0, seed=1, stdout=sys.stderr
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def queries() -> list[tuple[str, str]]:
    acronym = (
        OrganizationName.objects.filter(kind="acronym", organization__kind="research_institute")
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
    )
    return [
        ("Korean, 2 characters", "진흥"),
        ("Korean, 2 characters", "병원"),
        ("Korean, 4 characters", "의료기기"),
        ("Korean, 4 characters", "줄기세포"),
        ("Latin acronym", acronym),
    ]


def measure(repeat: int) -> list[dict]:
    rows = []
    for label, query in queries():
        search = Organization.objects.search(query)
        plain = Organization.objects.names_contain(query)
        assert set(search.values_list("pk", flat=True)) == set(plain.values_list("pk", flat=True))
        rows.append(
            {
                "query": query,
                "kind": label,
                "matches": search.count(),
                "indexed": timings(lambda search=search: list_page(search), repeat),
                "trigram_only": timings(lambda plain=plain: list_page(plain), repeat),
            }
        )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX {', '.join(SEARCH_INDEXES)}")
        for row in rows:
            plain = Organization.objects.names_contain(row["query"])
            row["unindexed"] = timings(lambda plain=plain: list_page(plain), repeat)
        transaction.set_rollback(True)
    for row in rows:
        row["speedup"] = round(row["unindexed"]["median_ms"] / row["indexed"]["median_ms"], 1)
    return rows


def table(rows: list[dict], organizations: int, repeat: int) -> str:
    lines = [
        "`.ci/with-postgres .venv/bin/python bench/search.py` (a throwaway PostgreSQL; it "
        "generates the organizations first, about two minutes). Indexed: "
        "`Organization.objects.search()`; trigram only: the plain `icontains` over names and "
        "aliases with the trigram indexes in place; unindexed: the same without the search "
        "indexes.",
        "",
        f"{organizations:,} organizations on PostgreSQL "
        f"{connection.cursor().connection.server_version // 10000}; each figure is the "
        f"count plus the first page of {PAGE_SIZE}, as the list page runs them, over {repeat} "
        "runs (median / p95, ms). Load average at the start: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the machine is shared).",
        "",
        "| query | kind | matches | indexed | trigram only | unindexed | speed-up (median) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        cells = [
            f"{row[mode]['median_ms']} / {row[mode]['p95_ms']}"
            for mode in ("indexed", "trigram_only", "unindexed")
        ]
        mark = "" if row["speedup"] >= GOAL else f" (goal {GOAL}× missed)"
        lines.append(
            f"| `{row['query']}` | {row['kind']} | {row['matches']} | {' | '.join(cells)} | "
            f"{row['speedup']}×{mark} |"
        )
    return "\n".join(lines) + "\n"


def write_readme(section: str):
    readme = ROOT / "bench" / "README.md"
    text = readme.read_text() if readme.exists() else "# Benchmarks\n"
    block = f"## Search\n\n{section}"
    if "## Search\n" in text:
        text = re.sub(r"## Search\n.*?(?=\n## |\Z)", block.rstrip("\n") + "\n", text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    readme.write_text(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/search.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    prepare(args.orgs)
    rows = measure(args.repeat)
    section = table(rows, args.orgs, args.repeat)
    print(section)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "search.json").write_text(
        json.dumps({"organizations": args.orgs, "repeat": args.repeat, "rows": rows}, indent=2)
    )
    write_readme(section)
    missed = [row["query"] for row in rows if row["speedup"] < GOAL]
    if missed:
        print(f"Goal missed (indexed at least {GOAL}× faster) for: {', '.join(missed)}")


if __name__ == "__main__":
    main()
