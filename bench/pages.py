"""Every page type through a real server, at growing sizes, on SQLite and PostgreSQL.

    .ci/with-postgres .venv/bin/python bench/pages.py [--sizes 1000,10000,100000] [--requests 30]

For each size (organizations; ten times as many agreements) and each database (an SQLite file
in a temporary folder, and a fresh database per size on the PostgreSQL server of DATABASE_URL)
it migrates, generates the records with ``generate_synthetic``, runs ``analyse_network`` (as
production does after an import), starts gunicorn (two workers, debug off, sharing a file
cache, as README.md recommends for production) on a free loopback port, and measures each
page:

- latency: median and p95 over ``--requests`` requests through gunicorn (after a warm-up), with
  a per-request timeout so a slow page is reported as "timeout" instead of hanging the run;
- queries: counted once in-process (the test client against the same database);
- floor: exactly the SQL statements the page ran, executed raw on a DB-API cursor;
- peer (SQLite only): Datasette serving the same file, for the table page, a filter, a
  substring filter and the filtered CSV export.

At the largest size it also runs a closed loop of concurrent clients over a page mix
(throughput with p99), and on PostgreSQL times the organization search with and without its
indexes, as bench/search.py does.

Writes bench/results/pages.md, pages.json and pages.png (median latency against size) after
every database and size, so an interrupted run keeps what it measured, and prints where the
goals are missed.
"""

import argparse
import csv
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"

REQUEST_TIMEOUT = 15  # seconds; a page slower than this is reported as "timeout"
SQL_LIMIT = 10  # seconds of SQL per page in-process; past it the floor is "timeout"
PAGE_BUDGET = 8  # seconds of timed requests per page; slow pages get fewer samples
MIN_SAMPLES = 3
THROUGHPUT_SECONDS = 15
THROUGHPUT_CONCURRENCY = 8
SEARCH_REPEAT = 10

SEARCH_SHORT = "진흥"
SEARCH_LONG = "의료기기"
ORG_FILTER = "kind=university&region=seoul"
AGREEMENT_YEARS = "year_from=2015&year_to=2020"
NETWORK_FILTER = "kind=mou&year_from=2018&year_to=2020"

# (name, label, URL template); the template's fields come from targets() at each size.
PAGES = [
    ("home", "home", "/"),
    ("organization_list", "organization list", "/organizations/"),
    (
        "organization_list_filtered",
        "organization list, kind + region",
        f"/organizations/?{ORG_FILTER}",
    ),
    (
        "organization_list_search",
        f"organization list, q={SEARCH_SHORT}",
        f"/organizations/?q={quote(SEARCH_SHORT)}",
    ),
    ("agreement_list", "agreement list", "/agreements/"),
    (
        "agreement_list_filtered",
        "agreement list, kind + years + cluster",
        "/agreements/?kind=mou&" + AGREEMENT_YEARS + "&cluster={cluster}",
    ),
    ("cluster_list", "cluster list", "/clusters/"),
    ("search_2", f"search {SEARCH_SHORT} (2 characters)", f"/search/?q={quote(SEARCH_SHORT)}"),
    ("search_4", f"search {SEARCH_LONG} (4 characters)", f"/search/?q={quote(SEARCH_LONG)}"),
    (
        "organization_detail",
        "organization detail (99th percentile of agreements)",
        "/organizations/{organization}/",
    ),
    ("agreement_detail", "agreement detail", "/agreements/{agreement}/"),
    ("cluster_detail", "cluster detail (median members)", "/clusters/{cluster}/"),
    (
        "agreements_export",
        "agreements.csv, kind + years + cluster",
        "/agreements.csv?kind=mou&" + AGREEMENT_YEARS + "&cluster={cluster}",
    ),
    (
        "organizations_export",
        "organizations export, kind + region",
        f"/organizations/export.csv?{ORG_FILTER}",
    ),
    ("network", "network, kind + years", f"/network/?{NETWORK_FILTER}"),
    ("network_whole", "network, whole (from analyse_network)", "/network/"),
]
# What the network page shows instead of an analysis when the selection is too large.
TOO_LARGE_MARK = b'class="network-too-large"'

LABELS = {name: label for name, label, _ in PAGES}

# The same rows and columns as organizations.csv, as SQL for Datasette's query page: aliases,
# parent, clusters belonged to or run, and the two counts.
EXPORT_SQL = """
SELECT o.id, o.slug, o.name_ko, o.name_en,
  (SELECT group_concat(n.name || ' (' || n.kind || ', ' || n.language || ')', ' | ')
     FROM orgs_organizationname n WHERE n.organization_id = o.id) AS aliases,
  o.kind, o.region, parent.slug AS parent, o.website, o.ror_id, o.wikidata_qid,
  (SELECT group_concat(name_ko, ' | ') FROM (
     SELECT c.name_ko FROM clusters_clustermembership m
       JOIN clusters_cluster c ON c.id = m.cluster_id WHERE m.organization_id = o.id
     UNION SELECT c.name_ko FROM clusters_cluster c WHERE c.operator_id = o.id)) AS clusters,
  (SELECT max(COUNT(DISTINCT t.organization_id) - 1, 0) FROM agreements_agreementparty p
     JOIN agreements_agreementparty t ON t.agreement_id = p.agreement_id
     WHERE p.organization_id = o.id) AS partner_count,
  (SELECT COUNT(DISTINCT p.agreement_id) FROM agreements_agreementparty p
     WHERE p.organization_id = o.id) AS agreement_count
FROM orgs_organization o LEFT JOIN orgs_organization parent ON parent.id = o.parent_id
WHERE o.kind = 'university' AND o.region = 'seoul'
ORDER BY o.name_ko, o.id
"""

# Datasette's equivalent of our page: (name, our page, Datasette path after /<database>).
PEERS = [
    ("table", "organization_list", "/orgs_organization?_sort=name_ko&_size=25"),
    (
        "filter",
        "organization_list_filtered",
        f"/orgs_organization?{ORG_FILTER}&_sort=name_ko&_size=25",
    ),
    (
        "contains",
        "organization_list_search",
        f"/orgs_organization?name_ko__contains={quote(SEARCH_SHORT)}&_sort=name_ko&_size=25",
    ),
    # The table's own columns only: no aliases, clusters or counts.
    (
        "csv",
        "organizations_export",
        f"/orgs_organization.csv?{ORG_FILTER}&_sort=name_ko&_stream=on&_size=max",
    ),
    ("csv_same_columns", "organizations_export", f".csv?sql={quote(' '.join(EXPORT_SQL.split()))}"),
]
# Peers that do less than our page: reported, not held against the goal.
PEERS_DOING_LESS = {"csv"}

# What the closed-loop throughput run requests, round-robin: the pages people browse.
THROUGHPUT_MIX = [
    "home",
    "organization_list",
    "organization_list_filtered",
    "agreement_list",
    "search_2",
    "organization_detail",
    "agreement_detail",
    "cluster_detail",
]

GROWTH_GOAL = 2
SEARCH_GOAL = 10


# --- measuring ----------------------------------------------------------------------------


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def rank(share):
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 2)

    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": rank(0.95),
        "p99_ms": rank(0.99),
        "samples": len(ordered),
    }


def sample(run, requests: int) -> dict:
    """Times ``run`` after a warm-up: ``requests`` times, fewer when each takes long."""
    started = time.perf_counter()
    run()
    samples = [(time.perf_counter() - started) * 1000]
    if samples[0] > PAGE_BUDGET * 1000:  # the warm-up alone spent the budget: it is the figure
        return summary(samples)
    started = time.perf_counter()
    run()
    samples = [(time.perf_counter() - started) * 1000]
    count = max(MIN_SAMPLES, min(requests, int(PAGE_BUDGET * 1000 / samples[0])))
    for _ in range(count - 1):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return summary(samples)


class Client:
    """One HTTP/1.1 connection, reopened when the server closes it (gunicorn's sync workers do)."""

    def __init__(self, port: int, timeout: float = REQUEST_TIMEOUT):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=timeout)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            self.connection.request("GET", path, headers={"Accept-Language": "ko"})
            response = self.connection.getresponse()
            body = response.read()
        except (TimeoutError, OSError, http.client.HTTPException):
            self.connection.close()
            raise
        if response.will_close:
            self.connection.close()
        return response.status, body

    def ok(self, path: str) -> bytes:
        status, body = self.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        return body


def wait_for(port: int, path: str, process: subprocess.Popen, log: Path):
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()[-3000:]}")
        try:
            if Client(port, timeout=5).get(path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not answer {path}:\n{log.read_text()[-3000:]}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start(command: list[str], port: int, log: Path, ready: str, env=None) -> subprocess.Popen:
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_for(port, ready, process, log)
    return process


def stop(process: subprocess.Popen):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def through_server(port: int, path: str, requests: int) -> dict:
    client = Client(port)
    try:
        body = client.ok(path)
        figures = sample(lambda: client.ok(path), requests)
    except TimeoutError:
        return {"timeout": True}
    figures["bytes"] = len(body)
    if urlsplit(path).path.endswith(".csv"):
        # Parsed, not counted by line: a quoted field may hold line breaks.
        figures["rows"] = max(0, len(list(csv.reader(io.StringIO(body.decode())))) - 1)
    if TOO_LARGE_MARK in body:
        figures["too_large"] = True
    return figures


# --- one database at one size (a child process, so each has its own settings) -------------


def prepare(size: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("generate_synthetic", orgs=size, agreements=size * 10, seed=1, stdout=sys.stderr)
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    # As production does after an import (README, Deploying): the whole network's ranks and
    # page, into the cache the gunicorn workers share.
    started = time.perf_counter()
    call_command("analyse_network", stdout=sys.stderr)
    analysed = time.perf_counter() - started
    return {"generate_s": round(generated, 1), "analyse_s": round(analysed, 1)}


def targets() -> dict:
    """The records the detail pages show, chosen by rank so that they are alike at every size.

    The organization at the 99th percentile of agreements (busy, but not the hub, whose
    agreements grow with the directory), the cluster with the median number of members, and
    the agreement in the middle.
    """
    from django.db.models import Count

    from agreements.models import Agreement
    from clusters.models import Cluster
    from orgs.models import Organization

    organizations = Organization.objects.annotate(party_count=Count("agreement_parties"))
    organizations = organizations.order_by("-party_count", "pk").values_list("slug", flat=True)
    clusters = Cluster.objects.annotate(member_count=Count("memberships"))
    clusters = clusters.order_by("-member_count", "pk").values_list("slug", flat=True)
    agreements = Agreement.objects.order_by("pk").values_list("pk", flat=True)
    return {
        "organization": organizations[organizations.count() // 100],
        "cluster": clusters[clusters.count() // 2],
        "agreement": agreements[agreements.count() // 2],
    }


TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET ")
# Exports read through server-side cursors on PostgreSQL: the log shows the DECLARE.
SERVER_SIDE_CURSOR = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH(OUT)? HOLD FOR ', re.S)


class SQLTimeLimit:
    """Stops any statement of this process running past ``SQL_LIMIT`` seconds from ``start()``.

    SQLite: a progress handler that interrupts the statement; PostgreSQL: statement_timeout.
    Either way the statement raises a DatabaseError.
    """

    def __init__(self):
        from django.db import connection

        self.deadline = float("inf")
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            connection.connection.set_progress_handler(self.expired, 10_000)
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {SQL_LIMIT * 1000}")

    def expired(self) -> int:
        return int(time.perf_counter() > self.deadline)

    def start(self):
        self.deadline = time.perf_counter() + SQL_LIMIT


def capture(path: str, limit: SQLTimeLimit) -> list[str] | None:
    """The SQL the page runs, read in-process through the test client against the same data.

    None when the page's SQL runs past the time limit.
    """
    from django.db import DatabaseError, connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    client = TestClient(HTTP_ACCEPT_LANGUAGE="ko")
    for _ in range(2):  # the second request: caches warmed, as on a running server
        started = time.perf_counter()
        limit.start()
        try:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
                if response.streaming:
                    b"".join(response.streaming_content)
        except DatabaseError:
            return None
        if response.status_code == 503 and time.perf_counter() > limit.deadline:
            return None  # the interrupted statement, answered as "database unavailable"
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code} in-process")
        if time.perf_counter() - started > PAGE_BUDGET:  # once is enough for a slow page
            break
    return [query["sql"] for query in queries.captured_queries]


def floor(statements: list[str] | None, requests: int, limit: SQLTimeLimit) -> dict:
    """The page's own SQL, executed raw on a DB-API cursor: what no server can beat."""
    from django.db import DatabaseError, connection

    if statements is None:
        return {"timeout": True}

    connection.ensure_connection()
    cursor = connection.connection.cursor()
    statements = [
        SERVER_SIDE_CURSOR.sub("", sql)
        for sql in statements
        if not sql.lstrip().upper().startswith(TRANSACTION_CONTROL)
    ]

    def run():
        limit.start()
        for sql in statements:
            cursor.execute(sql)
            if cursor.description:
                cursor.fetchall()

    try:
        figures = sample(run, requests)
    except (DatabaseError, connection.Database.Error):  # raw cursors raise the driver's errors
        figures = {"timeout": True}
    connection.connection.rollback()
    return figures


def throughput(port: int, paths: list[str]) -> dict:
    """A closed loop: each client requests the next page of the mix as soon as one returns."""
    latencies, errors = [], []
    deadline = time.perf_counter() + THROUGHPUT_SECONDS

    def loop(offset: int):
        client = Client(port)
        turn = offset
        while time.perf_counter() < deadline:
            path = paths[turn % len(paths)]
            turn += 1
            started = time.perf_counter()
            try:
                client.ok(path)
            except (OSError, RuntimeError, http.client.HTTPException) as error:
                errors.append(str(error))
                continue
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(n,)) for n in range(THROUGHPUT_CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return summary(latencies) | {
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "concurrency": THROUGHPUT_CONCURRENCY,
        "seconds": round(elapsed, 1),
        "errors": len(errors),
        "pages": list(THROUGHPUT_MIX),
    }


def search_indexes() -> list[dict]:
    """bench/search.py's comparison: the organization search with and without its indexes."""
    from search import measure

    return measure(SEARCH_REPEAT)


def measure_one(args) -> dict:
    import django

    django.setup()
    from django.db import connection

    work = Path(args.work)
    result = {"database": connection.vendor, "size": args.size, "agreements": args.size * 10}
    result |= prepare(args.size)
    found = targets()
    result["targets"] = found
    paths = {name: template.format(**found) for name, _, template in PAGES}

    print(f"[{connection.vendor} {args.size}] queries and floor", file=sys.stderr)
    pages = {}
    limit = SQLTimeLimit()
    for name, path in paths.items():
        print(f"  {name}", file=sys.stderr, flush=True)
        statements = capture(path, limit)
        pages[name] = {
            "path": path,
            "queries": None if statements is None else len(statements),
            "floor": floor(statements, args.requests, limit),
        }
    connection.close()

    port = free_port()
    log = work / f"gunicorn-{connection.vendor}-{args.size}.log"
    gunicorn = [sys.executable, "-m", "gunicorn", "bionet.wsgi:application"]
    gunicorn += ["--bind", f"{HOST}:{port}", "--workers", "2"]
    gunicorn += ["--timeout", str(REQUEST_TIMEOUT + 5)]  # restarts a worker stuck past it
    gunicorn += ["--error-logfile", "-", "--log-level", "warning"]
    server = start(gunicorn, port, log, "/healthz")
    try:
        result["load_average"] = round(os.getloadavg()[0], 1)
        print(f"[{connection.vendor} {args.size}] pages through gunicorn", file=sys.stderr)
        for name, path in paths.items():
            pages[name]["server"] = through_server(port, path, args.requests)
            if pages[name]["server"].get("timeout"):
                wait_for(port, "/healthz", server, log)  # the stuck worker is restarted
        if args.throughput:
            print(f"[{connection.vendor} {args.size}] throughput", file=sys.stderr)
            result["throughput"] = throughput(port, [paths[name] for name in THROUGHPUT_MIX])
    finally:
        stop(server)
    result["pages"] = pages

    if connection.vendor == "sqlite":
        result["peer"] = datasette(Path(connection.settings_dict["NAME"]), work, args.requests)
    elif args.throughput:
        result["search_indexes"] = search_indexes()
    return result


def datasette(database: Path, work: Path, requests: int) -> dict:
    print(f"[sqlite] Datasette on {database.name}", file=sys.stderr)
    port = free_port()
    command = [str(Path(sys.executable).parent / "datasette"), "serve", str(database)]
    command += ["--host", HOST, "--port", str(port)]
    command += [
        "--setting",
        "sql_time_limit_ms",
        "10000",
        "--setting",
        "max_returned_rows",
        "1000000",
    ]
    server = start(command, port, work / "datasette.log", "/-/versions.json")
    try:
        return {
            name: {"path": f"/{database.stem}{path}", "ours": ours}
            | through_server(port, f"/{database.stem}{path}", requests)
            for name, ours, path in PEERS
        }
    finally:
        stop(server)


# --- the run: one child per database and size, then the report --------------------------


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def postgres(url: str, statement: str):
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def run_child(args, work: Path, size: int, database_url: str, throughput: bool) -> dict:
    out = work / "result.json"
    env = os.environ | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bionet.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        # Shared by both workers and analyse_network, as README.md recommends for production.
        "DJANGO_CACHE_URL": f"file://{work / 'cache'}",
    }
    command = [sys.executable, __file__, "--one", str(size), "--requests", str(args.requests)]
    command += ["--work", str(work), "--out", str(out)] + (["--throughput"] if throughput else [])
    subprocess.run(command, env=env, check=True, cwd=ROOT)
    return json.loads(out.read_text())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="organizations, comma-separated"
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the databases and sizes bench/results/pages.json already holds (an "
        "interrupted run) and measure only the others",
    )
    parser.add_argument("--one", type=int, dest="size", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--throughput", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    if args.size:  # the child: DATABASE_URL and the settings are already in its environment
        Path(args.out).write_text(json.dumps(measure_one(args), indent=2, ensure_ascii=False))
        return

    sizes = sorted(int(size) for size in args.sizes.split(","))
    server_url = os.environ.get("DATABASE_URL", "")
    databases = ["sqlite"] + (["postgresql"] if server_url.startswith("postgres") else [])
    if "postgresql" not in databases:
        print("DATABASE_URL names no PostgreSQL server: measuring SQLite only.", file=sys.stderr)
    run = {
        "sizes": sizes,
        "requests": args.requests,
        "cores": os.cpu_count(),
        "load_average_at_start": round(os.getloadavg()[0], 1),
        "started": time.strftime("%Y-%m-%d %H:%M"),
        "results": [],
    }
    if args.resume and (RESULTS / "pages.json").exists():
        earlier = json.loads((RESULTS / "pages.json").read_text())
        run |= {key: earlier[key] for key in ("load_average_at_start", "started")}
        run["results"] = [r for r in earlier["results"] if r["size"] in sizes]
    done = {(r["database"], r["size"]) for r in run["results"]}
    for size in sizes:
        for database in databases:
            if (database, size) in done:
                continue
            work = Path(tempfile.mkdtemp(prefix=f"bionet-pages-{database}-{size}-"))
            try:
                if database == "sqlite":
                    url = f"sqlite:///{work / 'bionet.sqlite3'}"
                else:
                    name = f"bionet_pages_{size}"
                    postgres(server_url, f"DROP DATABASE IF EXISTS {name}")
                    postgres(server_url, f"CREATE DATABASE {name}")
                    url = with_database(server_url, name)
                result = run_child(args, work, size, url, throughput=size == sizes[-1])
                run["results"].append(result)
                report(run)
            finally:
                if database == "postgresql":
                    postgres(server_url, f"DROP DATABASE IF EXISTS bionet_pages_{size}")
                shutil.rmtree(work, ignore_errors=True)
    run["finished"] = time.strftime("%Y-%m-%d %H:%M")
    report(run)
    print((RESULTS / "pages.md").read_text())


# --- report -------------------------------------------------------------------------------


def figure(measured: dict | None) -> str:
    if not measured:
        return "–"
    if measured.get("timeout"):
        return f"timeout (>{measured.get('limit_s', REQUEST_TIMEOUT)} s)"
    shown = f"{measured['median_ms']:g} / {measured['p95_ms']:g}"
    if "rows" in measured:
        shown += f" ({measured['rows']:,} rows)"
    if measured.get("too_large"):
        shown += " (too large: not analysed)"
    return shown


def floor_figure(measured: dict) -> str:
    if measured.get("timeout"):
        return f"timeout (>{SQL_LIMIT} s)"
    return f"{measured['median_ms']:g}"


def goals(run: dict) -> list[str]:
    """Where the goals are missed, with the figures."""
    missed = []
    measured = run["results"]
    for database in dict.fromkeys(r["database"] for r in measured):
        levels = sorted((r for r in measured if r["database"] == database), key=lambda r: r["size"])
        first, last = levels[0], levels[-1]
        for name in LABELS:
            counts = {r["size"]: r["pages"][name]["queries"] for r in levels}
            counts = {size: count for size, count in counts.items() if count is not None}
            if len(set(counts.values())) > 1:
                shown = ", ".join(f"{count} at {size:,}" for size, count in counts.items())
                missed.append(f"{database}: {name} runs a size-dependent query count: {shown}")
            if last is first:
                continue
            small, large = first["pages"][name]["server"], last["pages"][name]["server"]
            if large.get("timeout") or small.get("timeout"):
                missed.append(f"{database}: {name} timed out at {last['size']:,} organizations")
                continue
            growth = large["median_ms"] / small["median_ms"]
            if large.get("too_large"):
                missed.append(
                    f"{database}: {name} at {last['size']:,} organizations shows no analysis: "
                    "the selection is over NETWORK_PARTIES_PER_REQUEST"
                )
            if small.get("rows") and large.get("rows"):
                # An export's rows grow with the data: judge the time per row.
                per_row = (large["median_ms"] / large["rows"]) / (
                    small["median_ms"] / small["rows"]
                )
                if per_row > GROWTH_GOAL:
                    missed.append(
                        f"{database}: {name} time per row grew {per_row:.1f}× from "
                        f"{first['size']:,} to {last['size']:,} organizations "
                        f"({small['rows']:,} rows in {small['median_ms']:g} ms → "
                        f"{large['rows']:,} in {large['median_ms']:g} ms; goal at most "
                        f"{GROWTH_GOAL}×)"
                    )
                continue
            if growth > GROWTH_GOAL:
                missed.append(
                    f"{database}: {name} median grew {growth:.1f}× from {first['size']:,} to "
                    f"{last['size']:,} organizations ({small['median_ms']:g} → "
                    f"{large['median_ms']:g} ms; goal at most {GROWTH_GOAL}×)"
                )
        for row in last.get("search_indexes", []):
            if row["speedup"] < SEARCH_GOAL:
                missed.append(
                    f"{database}: indexed search for {row['query']} only {row['speedup']}× "
                    f"faster than unindexed at {last['size']:,} (goal {SEARCH_GOAL}×)"
                )
        for result in levels:
            for peer, figures in result.get("peer", {}).items():
                if peer in PEERS_DOING_LESS:
                    continue
                ours = result["pages"][figures["ours"]]["server"]
                if figures.get("timeout") or ours.get("timeout"):
                    continue
                if ours["median_ms"] >= figures["median_ms"]:
                    missed.append(
                        f"{database}: at {result['size']:,} our {figures['ours']} "
                        f"({ours['median_ms']:g} ms) is not faster than Datasette's {peer} "
                        f"({figures['median_ms']:g} ms)"
                    )
    if measured and measured[-1]["size"] != 100_000:
        missed.append(
            f"the largest size measured is {measured[-1]['size']:,} organizations, not 100,000: "
            "growth and search goals are checked at that size"
        )
    return missed


def markdown(run: dict) -> str:
    measured = run["results"]
    lines = [
        f"Run started {run['started']}, sizes {', '.join(f'{s:,}' for s in run['sizes'])} "
        f"organizations (×10 agreements), {run['requests']} timed requests per page after a "
        f"warm-up (fewer when a page takes over {PAGE_BUDGET / run['requests']:.1f} s), "
        f"{run['cores']} cores shared with other work; load average (1 min) "
        f"{run['load_average_at_start']} at the start.",
        "",
        "Each cell: median / p95 in ms through gunicorn (2 workers, debug off, loopback, a file "
        "cache both share); floor: the same page's SQL executed raw (median ms); q: queries per "
        "page. An export's rows grow with the data, so its growth goal is judged per row.",
        "",
    ]
    for database in dict.fromkeys(r["database"] for r in measured):
        levels = sorted((r for r in measured if r["database"] == database), key=lambda r: r["size"])
        header = ["page", "q"]
        for r in levels:
            header += [f"{r['size']:,}", "floor"]
        lines += [f"### {database}", ""]
        lines.append(
            "Generation: "
            + ", ".join(f"{r['size']:,} in {r['generate_s']} s" for r in levels)
            + "; analyse_network: "
            + ", ".join(f"{r.get('analyse_s', '–')} s at {r['size']:,}" for r in levels)
            + "; load average while serving: "
            + ", ".join(f"{r['load_average']} at {r['size']:,}" for r in levels)
            + "."
        )
        lines += ["", "| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
        for name, label, _ in PAGES:
            counts = [r["pages"][name]["queries"] for r in levels]
            shown = sorted({count for count in counts if count is not None})
            shown += ["SQL over limit"] if None in counts else []
            cells = [label, "/".join(str(count) for count in shown)]
            for r in levels:
                page = r["pages"][name]
                cells += [figure(page["server"]), floor_figure(page["floor"])]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        peers = [r for r in levels if r.get("peer")]
        if peers:
            lines += [
                "Against Datasette serving the same SQLite file (one process; median / p95 ms; "
                "its plain table CSV has none of our export's aliases, clusters and counts, so "
                "the goal is judged on the SQL giving the same columns):",
                "",
                "| Datasette page | our page | "
                + " | ".join(f"Datasette {r['size']:,} | ours {r['size']:,}" for r in peers)
                + " |",
                "| --- | --- |" + " ---: | ---: |" * len(peers),
            ]
            for peer, ours, path in PEERS:
                shown = "SQL giving organizations.csv's columns" if "sql=" in path else path
                cells = [f"`{unquote(shown.split('&_')[0])}`", LABELS[ours]]
                for r in peers:
                    cells += [figure(r["peer"][peer]), figure(r["pages"][ours]["server"])]
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        last = levels[-1]
        if last.get("throughput"):
            t = last["throughput"]
            lines += [
                f"Throughput at {last['size']:,} organizations, {t['concurrency']} clients in a "
                f"closed loop for {t['seconds']} s over {', '.join(t['pages'])}: "
                f"**{t['requests_per_s']} req/s**, latency median {t['median_ms']:g} ms, "
                f"p95 {t['p95_ms']:g} ms, p99 {t['p99_ms']:g} ms, {t['errors']} errors.",
                "",
            ]
        if last.get("search_indexes"):
            lines += [
                f"Organization search at {last['size']:,} (count + first page, "
                f"{SEARCH_REPEAT} runs, median / p95 ms):",
                "",
                "| query | matches | indexed | unindexed | speed-up |",
                "| --- | ---: | ---: | ---: | ---: |",
            ]
            for row in last["search_indexes"]:
                lines.append(
                    f"| `{row['query']}` ({row['kind']}) | {row['matches']} | "
                    f"{figure(row['indexed'])} | {figure(row['unindexed'])} | {row['speedup']}× |"
                )
            lines.append("")
    missed = goals(run)
    lines += ["### Goals missed", ""]
    lines += [f"- {line}" for line in missed] or ["- none"]
    return "\n".join(lines) + "\n"


def plot(run: dict):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    databases = list(dict.fromkeys(r["database"] for r in run["results"]))
    figure_, axes = plt.subplots(1, len(databases), figsize=(7 * len(databases), 6), squeeze=False)
    for axis, database in zip(axes[0], databases, strict=True):
        levels = sorted(
            (r for r in run["results"] if r["database"] == database), key=lambda r: r["size"]
        )
        for number, (name, _label, _path) in enumerate(PAGES):
            points = [
                (r["size"], r["pages"][name]["server"]["median_ms"])
                for r in levels
                if not r["pages"][name]["server"].get("timeout")
            ]
            if points:
                style = "-" if number < 10 else "--"
                axis.plot(*zip(*points, strict=True), style, marker="o", label=name)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_title(f"{database}: median latency through gunicorn")
        axis.set_xlabel("organizations (agreements ×10)")
        axis.set_ylabel("ms")
        axis.grid(True, which="both", alpha=0.3)
    axes[0][-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    figure_.tight_layout()
    figure_.savefig(RESULTS / "pages.png", dpi=110)
    plt.close(figure_)


def report(run: dict):
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.json").write_text(json.dumps(run, indent=2, ensure_ascii=False))
    (RESULTS / "pages.md").write_text(markdown(run))
    plot(run)
    for line in goals(run):
        print(f"Goal missed: {line}", file=sys.stderr)


if __name__ == "__main__":
    main()
