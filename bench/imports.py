"""Benchmark of the curators' CSV imports: organizations.csv and agreements.csv, rows per second.

    python bench/imports.py [--organizations 5000] [--agreements 5000] [--label after]
    .ci/with-postgres python bench/imports.py ...      # the same on a throwaway PostgreSQL 15

Migrates a database of its own (a temporary SQLite file, or the one in DATABASE_URL, which
must be empty: never the project's db.sqlite3) and fills it as issue 17 probed the site:
``generate_synthetic --orgs 2000 --agreements 20000 --seed 7`` (about 14,000 news items,
which every new name is looked for in). Then it times, each a committed import:

- ``organizations, new``: N rows without ids, each with an English name and one or two
  aliases; every tenth names a parent, half of them on a later row of the file;
- ``organizations, update``: the same N rows with their ids, one in ten with a new English
  name (the others unchanged);
- ``agreements, new``: N rows with two or three parties named by Korean name, slug or alias,
  one source cited by URL (one in five by outlet and title) and one in four a cluster.

The three imports are run ``--runs`` times (3 by default), each time with rows of their own
(other names, slugs and titles) in the same database, and the best and median rate of each are
kept: the best is the run least disturbed by other work on a shared machine. The figures are
added to bench/results/imports.json under ``--label`` and the database's vendor, and
bench/results/imports.md is written again from every run recorded there.
"""

import argparse
import datetime
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from databases import migrated_database  # noqa: E402

from tests.csv_helpers import AGREEMENT_COLUMNS, ORGANIZATION_COLUMNS, csv_bytes  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SEED = 7

KINDS = ["university", "hospital", "research_institute", "public_agency", "company"]
REGIONS = ["seoul", "gyeonggi", "incheon", "daejeon", "busan"]


def setup_database():
    workdir = migrated_database()
    from django.core.management import call_command

    from orgs.models import Organization

    if Organization.objects.exists():
        sys.exit("The database already holds organizations: give the benchmark an empty one.")
    started = time.perf_counter()
    call_command("generate_synthetic", orgs=2000, agreements=20000, seed=SEED, stdout=io.StringIO())
    print(f"generate_synthetic: {time.perf_counter() - started:.1f} s")
    return workdir


def organization_rows(count: int, run: int = 0) -> list[list[str]]:
    """New organizations, named apart from those of the other runs (``run``, 0 to 9)."""
    rows = []
    for i in range(count):
        aliases = f"BBI{run}{i:05d} (acronym, en)"
        if i % 3 == 0:
            aliases += f"; 가상연{run}{i:05d} (short, ko)"
        parent = ""
        if i % 10 == 5:
            parent = f"가상바이오연구원{run}{i - 1:05d}"  # an earlier row
        elif i % 10 == 0 and i + 1 < count:
            parent = f"bench{run}-{i + 1:05d}"  # a later row: linked when every row is in
        rows.append(
            [
                "",
                f"bench{run}-{i:05d}",
                f"가상바이오연구원{run}{i:05d}",
                f"Bench Bio Institute {run}{i:05d}",
                aliases,
                KINDS[i % len(KINDS)],
                REGIONS[i % len(REGIONS)],
                parent,
            ]
        )
    return rows


def updated_organization_rows(rows) -> list[list[str]]:
    from orgs.models import Organization

    slugs = [row[1] for row in rows]
    ids = dict(Organization.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    updated = []
    for i, row in enumerate(rows):
        row = [str(ids[row[1]]), *row[1:]]
        if i % 10 == 3:
            row[3] = f"Bench Biomedical Institute {i:05d}"
        updated.append(row)
    return updated


def agreement_rows(count: int, organizations: int, run: int = 0) -> list[list[str]]:
    from clusters.models import Cluster
    from news.models import NewsItem

    rng = random.Random(SEED)
    news = list(NewsItem.objects.order_by("pk").values_list("outlet", "title", "url")[:2000])
    clusters = list(Cluster.objects.order_by("pk").values_list("name_ko", flat=True))
    rows = []
    for i in range(count):
        chosen = rng.sample(range(organizations), rng.choice((2, 2, 3)))
        names = []
        for n, index in enumerate(chosen):
            name = [
                f"가상바이오연구원{run}{index:05d}",
                f"bench{run}-{index:05d}",
                f"BBI{run}{index:05d}",
            ][(i + n) % 3]
            names.append(f"{name} (signatory)")
        outlet, title, url = news[i % len(news)]
        source = f"{outlet} |  | {title} | {'' if i % 5 == 0 else url}"
        day = datetime.date(2015, 1, 1) + datetime.timedelta(days=i % 3000)
        cluster = clusters[i % len(clusters)] if i % 4 == 0 and clusters else ""
        rows.append(
            [
                "",
                f"가상 협약 {run}-{i:05d}",
                "mou",
                day.isoformat(),
                "day",
                cluster,
                "; ".join(names),
                source,
            ]
        )
    return rows


def timed(label: str, run, data: bytes, rows: int) -> dict:
    started, cpu = time.perf_counter(), time.process_time()
    report = run(data=data, commit=True)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    counts = report.summary()
    if counts["error"] or not report.committed:
        errors = [(row.number, row.message) for row in report.errors[:5]]
        sys.exit(f"{label}: the import refused rows: {counts} {errors}")
    print(
        f"{label}: {rows} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s "
        f"({rows / cpu:,.0f} per CPU second)  {counts}"
    )
    return {
        "rows": rows,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(rows / elapsed, 1),
        # The process's own CPU time: near what a machine without other work would take.
        "cpu_seconds": round(cpu, 2),
        "rows_per_cpu_s": round(rows / cpu, 1),
    }


def run(organizations: int, agreements: int, run: int) -> dict:
    from agreements.imports import agreements_import
    from orgs.imports import organizations_import

    figures = {}
    rows = organization_rows(organizations, run)
    figures["organizations, new"] = timed(
        "organizations, new",
        organizations_import,
        csv_bytes(ORGANIZATION_COLUMNS, *rows),
        organizations,
    )
    data = csv_bytes(ORGANIZATION_COLUMNS, *updated_organization_rows(rows))
    figures["organizations, update"] = timed(
        "organizations, update", organizations_import, data, organizations
    )
    data = csv_bytes(AGREEMENT_COLUMNS, *agreement_rows(agreements, organizations, run))
    figures["agreements, new"] = timed("agreements, new", agreements_import, data, agreements)
    return figures


def summary(runs: list[dict]) -> dict:
    """Each step's runs, its best (the run least disturbed by other work) and its median."""
    figures = {}
    for step in STEPS:
        timings = [figures_of_run[step] for figures_of_run in runs]
        best = max(timings, key=lambda timing: timing["rows_per_s"])
        rates = sorted(timing["rows_per_s"] for timing in timings)
        figures[step] = {**best, "median_rows_per_s": rates[len(rates) // 2], "runs": timings}
    return figures


STEPS = ("organizations, new", "organizations, update", "agreements, new")


def write_markdown(results: dict, folder: Path) -> None:
    lines = [
        "# CSV imports",
        "",
        "`python bench/imports.py` (SQLite, a temporary file) and "
        "`.ci/with-postgres python bench/imports.py` (PostgreSQL 15, `fsync=off`). Each run "
        "fills a fresh database with `generate_synthetic --orgs 2000 --agreements 20000 "
        "--seed 7` (about 14,000 news items) and times committed imports of generated files "
        "(see bench/README.md), one process on the shared 2-core machine.",
        "",
        "Each cell: rows per second of wall-clock time (seconds in brackets) of the best of the "
        "runs (`--runs`, each importing rows of its own), their median, then rows per second "
        "of the best run's CPU time in the process. The machine was shared with other work, so "
        "wall-clock rates vary with its load; the CPU rate is near what an idle machine gives "
        "on SQLite (which runs in the process), and leaves out the server's own work on "
        "PostgreSQL.",
        "",
        "| run | database | rows | " + " | ".join(STEPS) + " |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for key, result in results.items():
        label, vendor = key.split("/")
        cells = [_cell(result["figures"].get(step)) for step in STEPS]
        rows = result["figures"]["organizations, new"]["rows"]
        lines.append(f"| {label} | {vendor} | {rows:,} | " + " | ".join(cells) + " |")
    lines.append("")
    for key, result in results.items():
        lines.append(f"- {key}: {result['when']}, commit {result['commit']}, {result['note']}")
    (folder / "imports.md").write_text("\n".join(lines) + "\n")


def _cell(figure: dict | None) -> str:
    if not figure:
        return "–"
    cell = f"{figure['rows_per_s']:,.0f} ({figure['seconds']} s)"
    if "median_rows_per_s" in figure:
        cell += f", median {figure['median_rows_per_s']:,.0f}"
    if figure.get("rows_per_cpu_s"):
        cell += f"; {figure['rows_per_cpu_s']:,.0f} CPU"
    return cell


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organizations", type=int, default=5000)
    parser.add_argument("--agreements", type=int, default=5000)
    parser.add_argument("--label", default="after", help="the run's name in the results")
    parser.add_argument("--note", default="", help="said beside the run in imports.md")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the figures")
    parser.add_argument("--runs", type=int, default=3, choices=range(1, 11), help="1 to 10")
    args = parser.parse_args()
    workdir = setup_database()
    from django.db import connection

    load = os.getloadavg()[0]
    figures = summary(
        [run(args.organizations, args.agreements, number) for number in range(args.runs)]
    )
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    args.results.mkdir(parents=True, exist_ok=True)
    results_file = args.results / "imports.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    results[f"{args.label}/{connection.vendor}"] = {
        "figures": figures,
        "when": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "commit": commit or "?",
        "note": f"{args.note}{args.runs} run(s), load average {load:.1f} at the start",
    }
    results_file.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    write_markdown(results, args.results)
    if workdir is not None:
        workdir.cleanup()


if __name__ == "__main__":
    main()
