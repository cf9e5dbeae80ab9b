"""
Benchmark of the CSV exports against PostgreSQL's own COPY.

    .ci/with-postgres .venv/bin/python bench/exports.py --agreements 200000

Fills the (throwaway) database with synthetic records (is_synthetic=True) by COPY, serves the
site from a separate WSGI process, downloads each export through its real view, and samples
the server's resident memory while it streams. In the same run it times
``COPY (the same query) TO STDOUT WITH CSV`` and prints the table for bench/README.md.
Needs PostgreSQL: it refuses to run on SQLite.
"""

import argparse
import datetime
import http.client
import io
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bionet.settings")

SERVER = """
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server
from bionet.wsgi import application

class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass

make_server("127.0.0.1", int(sys.argv[1]), application, handler_class=QuietHandler).serve_forever()
"""

AGREEMENTS_SQL = r"""
SELECT a.id, a.title, a.title_en, a.kind, a.status, a.date, a.date_precision, a.date_stated,
       a.date_basis, a.place, c.name_ko,
       (SELECT string_agg(o.name_ko || ' (' || p.role || ')', '; ' ORDER BY p.role, o.name_ko)
          FROM agreements_agreementparty p JOIN orgs_organization o ON o.id = p.organization_id
         WHERE p.agreement_id = a.id),
       (SELECT count(*) FROM agreements_agreementparty p WHERE p.agreement_id = a.id),
       (SELECT string_agg(concat_ws(' | ', n.outlet, n.published_on::text, n.title, n.url),
                          E'\n' ORDER BY n.published_on, n.title)
          FROM agreements_agreement_sources s JOIN agreements_newsitem n ON n.id = s.newsitem_id
         WHERE s.agreement_id = a.id),
       a.summary, 'http://127.0.0.1/agreements/' || a.id || '/'
  FROM agreements_agreement a LEFT JOIN clusters_cluster c ON c.id = a.cluster_id
 ORDER BY a.date DESC NULLS LAST, a.title, a.id
"""

PARTNERSHIPS_SQL = r"""
WITH party AS (SELECT DISTINCT agreement_id, organization_id FROM agreements_agreementparty)
SELECT oa.name_ko, oa.name_en, oa.kind, oa.slug, ob.name_ko, ob.name_en, ob.kind, ob.slug,
       a.id, a.title, a.kind, a.date, c.name_ko,
       (SELECT string_agg(concat_ws(' | ', n.outlet, n.published_on::text, n.title, n.url),
                          E'\n' ORDER BY n.published_on, n.title)
          FROM agreements_agreement_sources s JOIN agreements_newsitem n ON n.id = s.newsitem_id
         WHERE s.agreement_id = a.id)
  FROM agreements_agreement a
  LEFT JOIN clusters_cluster c ON c.id = a.cluster_id
  JOIN party pa ON pa.agreement_id = a.id
  JOIN party pb ON pb.agreement_id = a.id
  JOIN orgs_organization oa ON oa.id = pa.organization_id
  JOIN orgs_organization ob ON ob.id = pb.organization_id AND oa.slug < ob.slug
 ORDER BY a.date DESC NULLS LAST, a.title, a.id, oa.slug, ob.slug
"""

ORGANIZATIONS_SQL = r"""
SELECT o.id, o.slug, o.name_ko, o.name_en,
       (SELECT string_agg(n.name || ' (' || n.kind || ', ' || n.language || ')', '; ')
          FROM orgs_organizationname n WHERE n.organization_id = o.id),
       o.kind, o.region, parent.slug, o.website, o.ror_id, o.wikidata_qid,
       (SELECT string_agg(name_ko, '; ' ORDER BY name_ko) FROM (
            SELECT c.name_ko FROM clusters_clustermembership m
              JOIN clusters_cluster c ON c.id = m.cluster_id WHERE m.organization_id = o.id
            UNION SELECT c.name_ko FROM clusters_cluster c WHERE c.operator_id = o.id) names),
       (SELECT greatest(count(DISTINCT p2.organization_id) - 1, 0)
          FROM agreements_agreementparty p1
          JOIN agreements_agreementparty p2 ON p2.agreement_id = p1.agreement_id
         WHERE p1.organization_id = o.id),
       (SELECT count(DISTINCT p.agreement_id) FROM agreements_agreementparty p
         WHERE p.organization_id = o.id),
       'http://127.0.0.1/organizations/' || o.slug || '/'
  FROM orgs_organization o LEFT JOIN orgs_organization parent ON parent.id = o.parent_id
 ORDER BY o.name_ko, o.id
"""

EXPORTS = [
    ("agreements.csv", "/agreements.csv", AGREEMENTS_SQL),
    ("partnerships.csv", "/partnerships.csv", PARTNERSHIPS_SQL),
    ("organizations.csv", "/organizations/export.csv", ORGANIZATIONS_SQL),
]


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    """Load rows into a table with COPY: far faster than INSERTs for hundreds of thousands."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if value is None else str(value) for value in row) + "\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def generate(agreement_count: int, organization_count: int, seed: int = 7) -> None:
    from django.db import connection

    rng = random.Random(seed)
    now = datetime.datetime.now(datetime.UTC).isoformat()
    kinds = ["university", "hospital", "research_institute", "company", "public_agency"]
    news_count = max(agreement_count // 50, 10)
    with connection.cursor() as cursor:
        cursor = cursor.cursor  # the psycopg2 cursor, for COPY
        copy_rows(
            cursor,
            "orgs_organization",
            [
                "id",
                "name_ko",
                "name_en",
                "slug",
                "kind",
                "region",
                "website",
                "description",
                "ror_id",
                "wikidata_qid",
                "is_synthetic",
                "created",
                "updated",
            ],
            (
                (
                    i,
                    f"합성기관{i:06d}",
                    f"Synthetic Org {i}",
                    f"synthetic-{i}",
                    kinds[i % len(kinds)],
                    "seoul",
                    "",
                    "",
                    "",
                    "",
                    "t",
                    now,
                    now,
                )
                for i in range(1, organization_count + 1)
            ),
        )
        copy_rows(
            cursor,
            "orgs_organizationname",
            ["id", "organization_id", "name", "kind", "language"],
            ((i, i, f"SO{i}", "acronym", "en") for i in range(1, organization_count + 1)),
        )
        copy_rows(
            cursor,
            "clusters_cluster",
            [
                "id",
                "name_ko",
                "name_en",
                "slug",
                "kind",
                "region",
                "city",
                "description",
                "website",
                "is_synthetic",
                "created",
                "updated",
            ],
            (
                (
                    i,
                    f"합성클러스터{i}",
                    f"Synthetic Cluster {i}",
                    f"synthetic-cluster-{i}",
                    "bio_cluster",
                    "seoul",
                    "",
                    "",
                    "",
                    "t",
                    now,
                    now,
                )
                for i in range(1, 21)
            ),
        )
        copy_rows(
            cursor,
            "agreements_newsitem",
            [
                "id",
                "title",
                "outlet",
                "reporter",
                "published_on",
                "url",
                "body",
                "language",
                "is_synthetic",
                "created",
                "updated",
            ],
            (
                (
                    i,
                    f"합성 기사 {i}",
                    "합성신문",
                    "",
                    datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 2000),
                    f"https://news.example/{i}",
                    "본문",
                    "ko",
                    "t",
                    now,
                    now,
                )
                for i in range(1, news_count + 1)
            ),
        )
        copy_rows(
            cursor,
            "agreements_agreement",
            [
                "id",
                "title",
                "title_en",
                "kind",
                "date",
                "date_precision",
                "date_stated",
                "date_basis",
                "place",
                "cluster_id",
                "summary",
                "status",
                "is_synthetic",
                "created",
                "updated",
            ],
            (
                (
                    i,
                    f"합성 업무협약 {i}",
                    f"Synthetic MOU {i}",
                    "mou",
                    datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randrange(9000)),
                    "day",
                    "",
                    "",
                    "서울",
                    rng.randrange(1, 21) if i % 3 else None,
                    "",
                    "concluded",
                    "t",
                    now,
                    now,
                )
                for i in range(1, agreement_count + 1)
            ),
        )
        copy_rows(
            cursor,
            "agreements_agreementparty",
            ["id", "agreement_id", "organization_id", "role", "note"],
            (
                (3 * (i - 1) + k + 1, i, organization, "signatory", "")
                for i in range(1, agreement_count + 1)
                for k, organization in enumerate(rng.sample(range(1, organization_count + 1), 3))
            ),
        )
        copy_rows(
            cursor,
            "agreements_agreement_sources",
            ["id", "agreement_id", "newsitem_id"],
            ((i, i, rng.randrange(1, news_count + 1)) for i in range(1, agreement_count + 1)),
        )
        cursor.execute("ANALYZE")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def download(port: int, path: str, server_pid: int) -> tuple[int, float, float]:
    """Stream one export from the server: (CSV records, seconds, peak RSS growth in MB)."""
    baseline = rss_kib(server_pid)
    peak = baseline
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kib(server_pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", path)
    response = connection.getresponse()
    assert response.status == 200, (response.status, response.read()[:500])
    records, tail = 0, b""
    while chunk := response.read(256 * 1024):
        records += (tail + chunk).count(b"\r\n")
        tail = chunk[-1:]
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    return records - 1, elapsed, (peak - baseline) / 1024


def copy_speed(sql: str) -> tuple[int, float]:
    from django.db import connection

    class Sink:
        def __init__(self):
            self.records = 0

        def write(self, data):
            self.records += data.count("\n") if isinstance(data, str) else data.count(b"\n")

    sink = Sink()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.cursor.copy_expert(f"COPY ({sql}) TO STDOUT WITH CSV", sink)
        elapsed = time.perf_counter() - started
        cursor.execute(f"SELECT count(*) FROM ({sql}) q")
        rows = cursor.fetchone()[0]
    return rows, elapsed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agreements", type=int, default=200_000)
    parser.add_argument("--organizations", type=int, help="default: a tenth of --agreements")
    options = parser.parse_args()
    organizations = options.organizations or max(options.agreements // 10, 100)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: .ci/with-postgres .venv/bin/python bench/exports.py")
    call_command("migrate", verbosity=0)
    from agreements.models import Agreement

    if Agreement.objects.exists():
        sys.exit("The database already holds agreements: use an empty one (.ci/with-postgres).")
    started = time.perf_counter()
    generate(options.agreements, organizations)
    print(
        f"Generated {options.agreements:,} agreements, {organizations:,} organizations "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    connection.close()

    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-benchmark-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        download(port, "/organizations/export.csv?kind=ministry", server.pid)  # warm up
        table = []
        for name, path, sql in EXPORTS:
            records, seconds, growth = download(port, path, server.pid)
            copy_records, copy_seconds = copy_speed(sql)
            assert records == copy_records, (name, records, copy_records)
            table.append((name, records, records / seconds, copy_records / copy_seconds, growth))
            print(f"{name}: {records:,} rows in {seconds:.1f} s", flush=True)
    finally:
        server.terminate()
        server.wait()

    print()
    print("| export | rows | view rows/s | COPY rows/s | view / COPY | server memory growth |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, records, view_speed, copy_rate, growth in table:
        print(
            f"| {name} | {records:,} | {view_speed:,.0f} | {copy_rate:,.0f} | "
            f"{view_speed / copy_rate:.2f} | {growth:.1f} MB |"
        )


if __name__ == "__main__":
    main()
