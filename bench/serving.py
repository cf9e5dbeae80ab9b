"""
Serving benchmark: pages served by the data's version, and long work in the task worker.

    .ci/with-postgres .venv/bin/python bench/serving.py [--orgs 100000] [--seconds 30]

On a fresh database of the PostgreSQL server in DATABASE_URL it generates --orgs
organizations and ten times as many agreements (`generate_synthetic --seed 1`, as
bench/pages.py does), then serves them as production does (`scripts/serve_production.sh`:
debug off, gunicorn with 2 workers of 4 threads, the task worker beside them, a file cache
they share) and measures, with wrk and a Python client on the same machine:

1. the browsing mix of bench/pages.py (home, lists, search, detail pages), 8 connections,
   once every page has been served: requests/s and latency percentiles;
2. cold pages: the first request of each page after a write (an UPDATE that bumps the data
   version); with --before, the same request to the code before pages were cached (a
   checkout of it, served by its own scripts/serve_production.sh against the same database),
   alternating write-and-request between the two servers so both meet the same machine;
   without it, against bench/results/pages.json's figures for the same page and size;
3. 304s: wrk asking for one page with its ETag;
4. the whole network's GraphML, asked for once and written by the task worker: seconds until
   it is ready, the worker's peak resident memory, and the file downloaded in full (its
   Content-Length checked);

The whole network is analysed once before serving (`analyse_network`, as after an import),
and the analysis the script's writes would queue is delayed past the run
(NETWORK_ANALYSIS_DELAY), so it does not compete with the pages measured.
5. the API's lists against the matching pages, both cold (a write before each request).

Figures go to bench/results/serving.json and serving.md.
"""

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import ensure_wrk, parse_wrk  # noqa: E402
from pages import (  # noqa: E402
    HOST,
    PAGES,
    THROUGHPUT_MIX,
    free_port,
    postgres,
    stop,
    wait_for,
    with_database,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA_SCRIPT = ROOT / "bench" / "load.lua"
CONNECTIONS = 8
COLD_REPEATS = 5
API_PAIRS = [
    ("/api/organizations/", "/organizations/"),
    ("/api/agreements/", "/agreements/"),
    ("/api/clusters/", "/clusters/"),
    ("/api/news/", "/news/"),
]
GRAPHML = "/network/bionet-network.graphml"
GRAPHML_DEADLINE = 60 * 60  # seconds


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def targets(env: dict) -> dict:
    """The records the detail pages show, as bench/pages.py chooses them."""
    code = "import json, sys; sys.path.insert(0, 'bench'); from pages import targets; "
    code += "print(json.dumps(targets()))"
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def bump(database_url: str) -> None:
    """A write that changes nothing a visitor sees but the data's version."""
    postgres(
        database_url,
        "UPDATE clusters_cluster SET name_ko = name_ko "
        "WHERE id = (SELECT min(id) FROM clusters_cluster)",
    )


def timed_get(port: int, path: str, headers: dict | None = None) -> tuple[int, float, dict]:
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Accept-Language": "ko", **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    return (
        response.status,
        elapsed,
        {"headers": dict(response.getheaders()), "bytes": len(body), "body": body[:2000]},
    )


def wrk(port: int, paths: list[str], seconds: int, headers: list[str], work: Path) -> dict:
    paths_file = work / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    command = [ensure_wrk(), "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["--latency", "-s", str(LUA_SCRIPT)]
    for header in headers:
        command += ["-H", header]
    command += [f"http://{HOST}:{port}", "--", str(paths_file)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def worker_peak_rss_mb() -> float | None:
    """The task worker's peak resident memory (VmHWM), in MB."""
    found = subprocess.run(
        ["pgrep", "-f", "manage.py db_worker"], capture_output=True, text=True
    ).stdout.split()
    peaks = []
    for pid in found:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks.append(int(match.group(1)) / 1024)
    return round(max(peaks), 1) if peaks else None


def today(size: int) -> dict:
    """bench/results/pages.json's PostgreSQL figures at ``size``: each page's median ms."""
    measured = json.loads((RESULTS / "pages.json").read_text())
    for result in measured["results"]:
        if result["database"] == "postgresql" and result["size"] == size:
            return {
                name: figures["server"].get("median_ms")
                for name, figures in result["pages"].items()
            }
    return {}


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def production_env(work: Path, database_url: str) -> dict:
    """The environment scripts/serve_production.sh runs with here: debug off, a free port,
    the cache and prepared files the web processes and the worker share under ``work``."""
    return os.environ | {
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_CACHE_URL": f"file://{work / 'cache'}",
        "PREPARED_FILES_DIR": str(work / "files"),
        "PORT": str(free_port()),
        "PYTHON": sys.executable,
    }


def measure(args, work: Path) -> dict:
    base_url = os.environ["DATABASE_URL"]
    database = f"bionet_serving_{args.orgs}"
    if not args.reuse_database:
        postgres(base_url, f"DROP DATABASE IF EXISTS {database}")
        postgres(base_url, f"CREATE DATABASE {database}")
    database_url = with_database(base_url, database)
    env = production_env(work, database_url) | {
        # One client (this script) asks for everything: no budget or rate limit applies.
        "UNCACHED_WORK_PER_CLIENT": "100000/minute",
        # The script's writes are there to change the version; the whole network's analysis
        # (minutes at a million agreements) is left for after the run instead of competing
        # with the pages measured, as a burst of writes would be in production.
        "NETWORK_ANALYSIS_DELAY": "3600",
        "API_RATE_LIMIT": "100000/minute",
    }
    run = {"orgs": args.orgs, "agreements": args.orgs * 10}
    if args.reuse_database:
        return measure_served(args, work, env, database_url, base_url, database, run)
    manage(env, "migrate", "--no-input")
    started = time.perf_counter()
    manage(
        env,
        "generate_synthetic",
        "--orgs",
        str(args.orgs),
        "--agreements",
        str(args.orgs * 10),
        "--seed",
        "1",
    )
    run["generate_s"] = round(time.perf_counter() - started, 1)
    postgres(database_url, "VACUUM ANALYZE")
    # As production does after an import (and as bench/pages.py measured "before").
    started = time.perf_counter()
    manage(env, "analyse_network")
    run["analyse_s"] = round(time.perf_counter() - started, 1)
    return measure_served(args, work, env, database_url, base_url, database, run)


def measure_served(args, work, env, database_url, base_url, database, run) -> dict:
    port = int(env["PORT"])
    chosen = targets(env)
    paths = {name: template.format(**chosen) for name, _label, template in PAGES}
    mix = [paths[name] for name in THROUGHPUT_MIX]

    log = work / "server.log"
    server = subprocess.Popen(
        ["scripts/serve_production.sh"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    before_server = before_env = before_log = None
    if args.before:
        before_env = env | {
            "PORT": str(free_port()),
            "DJANGO_STATIC_ROOT": str(work / "before-static"),
            "DJANGO_CACHE_URL": f"file://{work / 'before-cache'}",
        }
        before_log = work / "before.log"
        before_server = subprocess.Popen(
            ["scripts/serve_production.sh"],
            cwd=args.before,
            env=before_env,
            stdout=before_log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(port, "/healthz", server, log)
        run["load_average"] = os.getloadavg()[0]

        # 2. Cold: the first request after a write, each page.
        ports = {"now": port}
        if before_server is not None:
            ports["before"] = int(before_env["PORT"])
            wait_for(ports["before"], "/", before_server, before_log)
        samples = {(name, code): [] for name in THROUGHPUT_MIX for code in ports}
        # Every answer after a write must be of the new version (a new ETag), not a copy.
        etags, stale = {timed_get(port, paths[THROUGHPUT_MIX[0]])[2]["headers"].get("ETag")}, 0
        for name in THROUGHPUT_MIX:
            for _ in range(COLD_REPEATS):
                for code, code_port in ports.items():
                    bump(database_url)
                    status, elapsed, answer = timed_get(code_port, paths[name])
                    if status != 200:
                        raise RuntimeError(f"{paths[name]} answered {status}: {answer['body']!r}")
                    samples[name, code].append(elapsed)
                    if code == "now":
                        etag = answer["headers"].get("ETag")
                        stale += etag in etags
                        etags.add(etag)
        run["cold_stale_answers"] = stale
        before = today(args.orgs)
        run["cold"] = {
            name: {
                "ms": median(samples[name, "now"]),
                "before_ms": median(samples[name, "before"])
                if "before" in ports
                else before.get(name),
                "before_measured": "before" in ports,
                "samples_ms": {code: samples[name, code] for code in ports},
            }
            for name in THROUGHPUT_MIX
        }
        if before_server is not None:
            stop(before_server)
            before_server = None
        if args.cold_only:
            return run

        # 1. The browsing mix, every page served first by each worker as wrk asks for it
        # (compressed): a new connection each time, so that both workers get each page.
        for _ in range(10):
            for path in mix:
                status, _, _ = timed_get(port, path, {"Accept-Encoding": "gzip"})
                assert status == 200, (path, status)
        run["cached_mix"] = wrk(
            port, mix, args.seconds, ["Accept-Encoding: gzip", "Accept-Language: ko"], work
        )

        # 3. 304s.
        _, _, answer = timed_get(port, "/organizations/")
        etag = answer["headers"]["ETag"]
        run["not_modified"] = wrk(
            port, ["/organizations/"], max(10, args.seconds // 3), [f"If-None-Match: {etag}"], work
        )
        run["not_modified"]["etag"] = etag

        # 5. The API against the matching pages, cold.
        pairs = []
        for api, page in API_PAIRS:
            api_ms, page_ms = [], []
            for _ in range(COLD_REPEATS):
                bump(database_url)
                page_ms.append(timed_get(port, page)[1])
                bump(database_url)
                api_ms.append(timed_get(port, api)[1])
            pairs.append(
                {
                    "api": api,
                    "page": page,
                    "api_ms": median(api_ms),
                    "page_ms": median(page_ms),
                    "ratio": round(median(api_ms) / median(page_ms), 2),
                }
            )
        run["api"] = pairs

        # 4. The whole network's GraphML, written by the worker.
        started = time.perf_counter()
        status, _, _ = timed_get(port, GRAPHML)
        run["graphml"] = {"first_status": status}
        while status == 202 and time.perf_counter() - started < GRAPHML_DEADLINE:
            time.sleep(2)
            status, elapsed, answer = timed_get(port, GRAPHML)
        run["graphml"].update(
            {
                "ready_s": round(time.perf_counter() - started, 1),
                "status": status,
                "download_ms": round(elapsed, 1),
                "bytes": answer["bytes"],
                "content_length": int(answer["headers"].get("Content-Length", -1)),
                "worker_peak_rss_mb": worker_peak_rss_mb(),
            }
        )
        errors = [line for line in log.read_text().splitlines() if "Traceback" in line]
        run["server_errors"] = len(errors)
    finally:
        stop(server)
        if before_server is not None:
            stop(before_server)
        if not (args.keep_database or args.reuse_database):
            postgres(base_url, f"DROP DATABASE IF EXISTS {database}")
    return run


def markdown(run: dict) -> str:
    mix = run["cached_mix"]
    not_modified = run["not_modified"]
    graphml = run["graphml"]
    lines = [
        f"# Serving at {run['orgs']:,} organizations and {run['agreements']:,} agreements",
        "",
        f"PostgreSQL 15, `scripts/serve_production.sh` (gunicorn 2 workers × 4 threads, debug "
        f"off, the task worker beside it), wrk with {CONNECTIONS} connections on the same "
        f"2-core machine; load average {run['load_average']:.1f} when serving started. "
        f"Generation took {run.get('generate_s')} s, `analyse_network` {run.get('analyse_s')} s. "
        f"Server tracebacks: {run['server_errors']}.",
        "",
        "## Browsing mix, pages cached",
        "",
        f"{', '.join(THROUGHPUT_MIX)}: **{mix['requests_per_second']:,.1f} req/s** "
        f"({mix['requests']:,} requests), p50 {mix['latency_ms'].get('p50')} ms, p90 "
        f"{mix['latency_ms'].get('p90')} ms, p99 {mix['latency_ms'].get('p99')} ms; "
        f"non-2xx/3xx {mix['non_2xx_3xx']}, socket errors {sum(mix['socket_errors'].values())}. "
        "Before pages were cached (bench/results/pages.md): 25.8 req/s, p99 552 ms.",
        "",
        "## The first request after a write",
        "",
        "| page | now, ms (median of 5) | before, ms | now / before |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, figures in run["cold"].items():
        ratio = round(figures["ms"] / figures["before_ms"], 2) if figures["before_ms"] else ""
        lines.append(f"| {name} | {figures['ms']} | {figures['before_ms']} | {ratio} |")
    lines.append("")
    lines.append(
        f"Answers after a write that were not of the new version: "
        f"{run.get('cold_stale_answers', 'not checked')}."
    )
    measured_together = all(figures.get("before_measured") for figures in run["cold"].values())
    lines += [
        "",
        "Before: the code before pages were cached, served beside it against the same database, "
        "each write-and-request alternating between the two (median of 5 each)."
        if measured_together
        else "Before: bench/results/pages.json (the code before pages were cached, another run).",
    ]
    lines += [
        "",
        "## 304 Not Modified",
        "",
        f"`/organizations/` with its ETag: **{not_modified['requests_per_second']:,.1f} req/s**, "
        f"p99 {not_modified['latency_ms'].get('p99')} ms, statuses {not_modified['statuses']}.",
        "",
        "## The whole network's GraphML, by the task worker",
        "",
        f"First answer {graphml['first_status']}; ready after **{graphml['ready_s']} s**; "
        f"downloaded ({graphml['status']}) in {graphml['download_ms']} ms: "
        f"{graphml['bytes']:,} bytes, Content-Length {graphml['content_length']:,}; the "
        f"worker's peak resident memory **{graphml['worker_peak_rss_mb']} MB**.",
        "",
        "## API lists against their pages (cold, median of 5)",
        "",
        "| API | ms | page | ms | API / page |",
        "| --- | ---: | --- | ---: | ---: |",
    ]
    for pair in run["api"]:
        lines.append(
            f"| `{pair['api']}` | {pair['api_ms']} | `{pair['page']}` | {pair['page_ms']} "
            f"| {pair['ratio']} |"
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--orgs", type=int, default=100_000, help="organizations (×10 agreements)")
    parser.add_argument("--seconds", type=int, default=30, help="seconds of the browsing mix")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="serve the database a --keep-database run left, without generating it",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="a checkout of the code before pages were cached (with .venv), whose first "
        "requests after a write are measured beside this code's",
    )
    parser.add_argument(
        "--cold-only",
        action="store_true",
        help="measure the first request after a write only (e.g. of an earlier commit, "
        "against a reused database), into serving-cold.json",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL server: run under .ci/with-postgres.")
    with tempfile.TemporaryDirectory(prefix="bionet-serving-") as folder:
        run = measure(args, Path(folder))
    run["measured"] = time.strftime("%Y-%m-%d %H:%M")
    RESULTS.mkdir(exist_ok=True)
    if args.cold_only:
        out = RESULTS / "serving-cold.json"
        out.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
        print(json.dumps(run["cold"], indent=1))
        return
    (RESULTS / "serving.json").write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / "serving.md").write_text(markdown(run))
    print(markdown(run))


if __name__ == "__main__":
    main()
