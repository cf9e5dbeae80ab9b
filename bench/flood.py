"""
The network flood, again: one client rotating over hundreds of uncached network selections
while another reads an unrelated page.

    .ci/with-postgres .venv/bin/python bench/flood.py [--seconds 30]

As it was probed (issue "Holds under attack and accident"): the production configuration
(`scripts/serve_production.sh`: debug off, gunicorn with 2 workers, now of 4 threads, and the
task worker) on PostgreSQL with the directory data plus `generate_synthetic --orgs 2000
--agreements 20000 --seed 7`. wrk, 8 connections, rotates for --seconds over the 253
`/network/?year_from=…&year_to=…` selections of 2000–2022, every one a new analysis; meanwhile
a second client asks for `/agreements/<id>/` every 0.25 s, with a write (which makes the page
uncached) before every other request. Before the flood the same page is timed alone.

Reported (bench/results/flood.json and flood.md): the flood's requests by status (200 from
the cache or a small analysis, 429 past the client's budget), how many analyses the worker
ran, and the unrelated page's latency alone, during ordinary traffic of the same 8
connections (the site's pages), and during the flood.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import postgres, stop, wait_for, with_database  # noqa: E402
from serving import bump, manage, production_env, timed_get, wrk  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
YEARS = range(2000, 2023)
PROBE_INTERVAL = 0.25
ORDINARY_PAGES = ["/", "/organizations/", "/agreements/", "/clusters/", "/news/"]


def selections() -> list[str]:
    return [
        f"/network/?year_from={first}&year_to={last}"
        for first in YEARS
        for last in YEARS
        if last >= first
    ][:253]


def probe(port: int, path: str, database_url: str, until: float) -> list[dict]:
    """The unrelated page, every PROBE_INTERVAL seconds until ``until``; every other
    request follows a write, so it is rendered anew."""
    samples = []
    turn = 0
    while time.perf_counter() < until:
        cold = turn % 2 == 0
        if cold:
            bump(database_url)
        status, elapsed, _ = timed_get(port, path)
        samples.append({"status": status, "ms": round(elapsed, 1), "cold": cold})
        turn += 1
        time.sleep(PROBE_INTERVAL)
    return samples


def probed_under(port, unrelated, database_url, paths, seconds, work) -> tuple[dict, dict]:
    """wrk over ``paths`` for ``seconds`` while the probe reads the unrelated page: wrk's
    figures and the probe's."""
    samples = []
    until = time.perf_counter() + seconds
    prober = threading.Thread(
        target=lambda: samples.extend(probe(port, unrelated, database_url, until))
    )
    prober.start()
    load = wrk(port, paths, seconds, [], work)
    prober.join()
    return load, figures(samples)


def figures(samples: list[dict]) -> dict:
    def of(chosen):
        values = sorted(sample["ms"] for sample in chosen)
        if not values:
            return {}
        return {
            "median_ms": round(statistics.median(values), 1),
            "p99_ms": values[min(len(values) - 1, int(len(values) * 0.99))],
            "max_ms": values[-1],
            "samples": len(values),
        }

    return {
        "cold": of([s for s in samples if s["cold"]]),
        "cached": of([s for s in samples if not s["cold"]]),
        "statuses": sorted({s["status"] for s in samples}),
    }


def measure(args, work: Path) -> dict:
    base_url = os.environ["DATABASE_URL"]
    database = "bionet_flood"
    postgres(base_url, f"DROP DATABASE IF EXISTS {database}")
    postgres(base_url, f"CREATE DATABASE {database}")
    database_url = with_database(base_url, database)
    env = production_env(work, database_url)
    port = int(env["PORT"])
    manage(env, "migrate", "--no-input")
    manage(env, "load_directory")
    manage(env, "generate_synthetic", "--orgs", "2000", "--agreements", "20000", "--seed", "7")
    postgres(database_url, "VACUUM ANALYZE")
    agreement = manage(
        env,
        "shell",
        "-c",
        "from agreements.models import Agreement; "
        "print(Agreement.objects.published().order_by('pk').values_list('pk', flat=True)[0])",
    ).split()[-1]
    unrelated = f"/agreements/{agreement}/"
    log = work / "server.log"
    server = subprocess.Popen(
        ["scripts/serve_production.sh"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    run = {"unrelated_page": unrelated, "selections": len(selections())}
    try:
        wait_for(port, "/healthz", server, log)
        run["load_average"] = os.getloadavg()[0]
        run["alone"] = figures(
            probe(port, unrelated, database_url, time.perf_counter() + args.seconds / 2)
        )
        # The same probe while 8 connections browse ordinary pages: what "normal latency"
        # is when the site is this busy with visitors, not with an attack.
        run["traffic"], run["during_traffic"] = probed_under(
            port, unrelated, database_url, ORDINARY_PAGES, args.seconds, work
        )
        run["flood"], run["during_flood"] = probed_under(
            port, unrelated, database_url, selections(), args.seconds, work
        )
        run["analyses_queued"] = int(
            manage(
                env,
                "shell",
                "-c",
                "from jobs.models import BackgroundTask; "
                "print(BackgroundTask.objects.filter("
                "task_path='network.tasks.analyse_network_selection').count())",
            ).split()[-1]
        )
        run["server_errors"] = log.read_text().count("Traceback")
    finally:
        stop(server)
        postgres(base_url, f"DROP DATABASE IF EXISTS {database}")
    return run


def markdown(run: dict) -> str:
    flood, traffic = run["flood"], run["traffic"]
    alone, during, busy = run["alone"], run["during_flood"], run["during_traffic"]
    return "\n".join(
        [
            "# The network flood",
            "",
            f"wrk, 8 connections, {run['selections']} `/network/?year_from=…&year_to=…` "
            f"selections in rotation for the run: **{flood['requests']:,} requests** "
            f"({flood['requests_per_second']:,.1f}/s), by status {flood['statuses']}; the "
            f"worker was given {run['analyses_queued']} analyses. Server tracebacks: "
            f"{run['server_errors']}. Load average at the start {run['load_average']:.1f} "
            "(2 cores).",
            "",
            f"For comparison, ordinary traffic: wrk, 8 connections over "
            f"{', '.join(ORDINARY_PAGES)}: {traffic['requests']:,} requests "
            f"({traffic['requests_per_second']:,.1f}/s), by status {traffic['statuses']}.",
            "",
            f"The unrelated page `{run['unrelated_page']}`, asked every {PROBE_INTERVAL} s, "
            "every other time after a write (median / p99 / max ms):",
            "",
            "| | alone | during ordinary traffic | during the flood |",
            "| --- | ---: | ---: | ---: |",
            f"| after a write (rendered) | {_cell(alone['cold'])} | {_cell(busy['cold'])} "
            f"| {_cell(during['cold'])} |",
            f"| again (from the server's copy) | {_cell(alone['cached'])} "
            f"| {_cell(busy['cached'])} | {_cell(during['cached'])} |",
            "",
            "Before (issue 17, the same probe with every selection analysed in the request): "
            "14 requests completed in 30 s and the page took 15.5 s instead of 20 ms.",
            "",
        ]
    )


def _cell(figures: dict) -> str:
    if not figures:
        return "–"
    return f"{figures['median_ms']} / {figures['p99_ms']} / {figures['max_ms']}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL server: run under .ci/with-postgres.")
    with tempfile.TemporaryDirectory(prefix="bionet-flood-") as folder:
        run = measure(args, Path(folder))
    run["measured"] = time.strftime("%Y-%m-%d %H:%M")
    (RESULTS / "flood.json").write_text(json.dumps(run, indent=2) + "\n")
    (RESULTS / "flood.md").write_text(markdown(run))
    print(markdown(run))


if __name__ == "__main__":
    main()
