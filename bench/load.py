"""
Load test: gunicorn (2 workers, production settings) on PostgreSQL, driven by wrk.

    .ci/with-postgres .venv/bin/python bench/load.py           # 2,000 orgs, 20,000 agreements
    .ci/with-postgres .venv/bin/python bench/load.py --orgs 0  # the directory data only

On a database that DATABASE_URL names (PostgreSQL only; `.ci/with-postgres` starts a throwaway
one), it migrates, loads the seed data, generates synthetic records
(`manage.py generate_synthetic`), then serves the site with `scripts/serve_production.sh`
(DJANGO_DEBUG=false, collectstatic + WhiteNoise, gunicorn with 2 workers) on a free loopback
port, over plain HTTP. Every path of the mix is fetched once first and must answer 2xx; then
wrk runs for 60 s at concurrency 8 over the mix (bench/load.lua): home, list pages with and
without filters, detail pages, searches in Korean and the CSV exports with filters.

It prints requests per second, latency percentiles and errors (socket errors, responses that
are not 2xx or 3xx, counted by status) and writes them to bench/results/load.json. The run
fails (exit status 1) on any 5xx, socket error or other non-2xx/3xx response.

wrk comes from Debian's `wrk` package: installed with apt-get when missing and running as root.
"""

import argparse
import contextlib
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bionet.settings")

RESULTS = ROOT / "bench" / "results" / "load.json"
LUA_SCRIPT = ROOT / "bench" / "load.lua"
# Lines of the server's log that mean something failed: a traceback (Django logs every 500
# with one), gunicorn's own errors and worker timeouts.
SERVER_ERROR_MARKS = ("Traceback", "[ERROR]", "[CRITICAL]")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit(
            "wrk is not installed. Install Debian's package (sudo apt-get install wrk) and run "
            "again."
        )
    print("Installing wrk (apt-get install wrk) ...", flush=True)
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL, check=True)
        subprocess.run(install, stdout=subprocess.DEVNULL, check=True)
    return shutil.which("wrk")


def prepare_data(organizations: int, agreements: int, seed: int) -> None:
    """Migrate, load the directory data and add synthetic records unless some are there
    already."""
    manage("migrate", "--no-input", "--verbosity", "0")
    manage("load_directory", "--verbosity", "0")
    import django

    django.setup()
    from orgs.models import Organization

    if organizations and not Organization.objects.filter(is_synthetic=True).exists():
        print(f"Generating {organizations:,} organizations, {agreements:,} agreements ...")
        manage(
            "generate_synthetic",
            "--orgs",
            str(organizations),
            "--agreements",
            str(agreements),
            "--seed",
            str(seed),
        )


def data_size() -> dict[str, int]:
    from agreements.models import Agreement, AgreementParty
    from clusters.models import Cluster
    from news.models import NewsItem
    from orgs.models import Organization, OrganizationName

    models = {
        "organizations": Organization,
        "aliases": OrganizationName,
        "clusters": Cluster,
        "news_items": NewsItem,
        "agreements": Agreement,
        "parties": AgreementParty,
    }
    return {name: model.objects.count() for name, model in models.items()}


def korean_queries(rng: random.Random, count: int) -> list[str]:
    """Search terms as visitors type them: seed acronyms, and name fragments of 2-3 syllables."""
    from orgs.models import Organization

    names = list(Organization.objects.values_list("name_ko", flat=True))
    fragments = set()
    while len(fragments) < count and names:
        name = rng.choice(names).replace(" ", "")
        if len(name) >= 3:
            start = rng.randrange(len(name) - 1)
            fragments.add(name[start : start + rng.choice((2, 3))])
    return ["보산진", "오송", "KHIDI", *sorted(fragments)]


def path_mix(seed: int) -> list[str]:
    """The pages and exports of the run, each visited equally often."""
    from django.urls import NoReverseMatch, reverse

    from agreements.models import Agreement, with_agreement_counts
    from clusters.models import Cluster
    from news.models import NewsItem
    from orgs.models import Organization

    rng = random.Random(seed)

    def sample(queryset, count):
        pool = list(queryset.order_by("pk").values_list("pk", flat=True))
        return rng.sample(pool, min(count, len(pool)))

    organizations = Organization.objects.filter(pk__in=sample(Organization.objects, 6))
    clusters = list(Cluster.objects.filter(pk__in=sample(Cluster.objects, 4)))
    busiest_cluster = (
        with_agreement_counts(Cluster.objects.all()).order_by("-agreement_count").first()
    )
    with_agreements = (
        with_agreement_counts(Organization.objects.all()).order_by("-agreement_count").first()
    )
    region = clusters[0].region

    paths = [
        reverse("home"),
        reverse("orgs:organization_list"),
        reverse("orgs:organization_list") + "?" + urlencode({"kind": "hospital"}),
        reverse("orgs:organization_list")
        + "?"
        + urlencode({"region": region, "ordering": "-agreements"}),
        reverse("orgs:organization_list") + "?" + urlencode({"has_agreements": "true"}),
        reverse("clusters:cluster_list"),
        reverse("clusters:cluster_list") + "?" + urlencode({"region": region}),
        reverse("agreements:agreement_list"),
        reverse("agreements:agreement_list") + "?" + urlencode({"kind": "mou", "year_from": 2020}),
        reverse("agreements:agreement_list")
        + "?"
        + urlencode({"cluster": busiest_cluster.slug, "ordering": "-date"}),
        reverse("agreements:agreement_list")
        + "?"
        + urlencode({"organization": with_agreements.slug}),
        reverse("agreements:newsitem_list"),
        reverse("agreements:newsitem_list") + "?" + urlencode({"year": 2024}),
        *[organization.get_absolute_url() for organization in organizations],
        *[cluster.get_absolute_url() for cluster in clusters],
        *[Agreement.objects.get(pk=pk).get_absolute_url() for pk in sample(Agreement.objects, 6)],
        *[NewsItem.objects.get(pk=pk).get_absolute_url() for pk in sample(NewsItem.objects, 3)],
        *[
            reverse("search") + "?" + urlencode({"q": query})
            for query in korean_queries(rng, count=5)
        ],
        reverse("agreements:agreement_export")
        + "?"
        + urlencode({"cluster": busiest_cluster.slug, "year_from": 2020}),
        reverse("agreements:partnership_export")
        + "?"
        + urlencode({"organization": with_agreements.slug}),
        reverse("agreements:partnership_export") + "?" + urlencode({"kind": "council"}),
        reverse("orgs:organization_export") + "?" + urlencode({"region": region}),
        reverse("orgs:organization_export"),
    ]
    if Organization.objects.count() > 2 * 25:
        paths.insert(2, reverse("orgs:organization_list") + "?" + urlencode({"page": 2}))
    # Pages other parts of the site add (the network pages) join the mix when they exist.
    for name, kwargs in [
        ("network:network", {}),
        ("network:organization_network", {"slug": with_agreements.slug}),
        ("network:cluster_network", {"slug": busiest_cluster.slug}),
    ]:
        with contextlib.suppress(NoReverseMatch):
            paths.append(reverse(name, kwargs=kwargs))
    return paths


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, workdir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no redirect to HTTPS (a proxy terminates TLS in production).
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
    }
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 (closed with the server)
    return subprocess.Popen(
        [str(ROOT / "scripts" / "serve_production.sh")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_until_healthy(base: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("The server stopped while starting: see its log above.")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"The server did not answer /healthz within {timeout:.0f} s.")


def check_paths(base: str, paths: list[str]) -> list[tuple[str, int, float]]:
    """Fetch every path once (this also warms both workers' caches); each must answer 2xx."""
    checked = []
    for path in paths:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        checked.append((path, status, time.perf_counter() - started))
    return checked


def run_wrk(wrk: str, base: str, paths_file: Path, *, seconds: int, connections: int, threads: int):
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(LUA_SCRIPT),
        base,
        "--",
        str(paths_file),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


DURATION_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * DURATION_UNITS[unit]


def parse_wrk(output: str) -> dict:
    """The figures of wrk's report (with --latency) and of bench/load.lua's status lines."""
    percentiles = {
        f"p{percent}": milliseconds(value)
        for percent, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M)
    }
    socket_errors = {
        kind: int(count)
        for kind, count in re.findall(r"(connect|read|write|timeout) (\d+)", output)
    }
    statuses = {
        int(code): int(count) for code, count in re.findall(r"^status (\d+) (\d+)$", output, re.M)
    }
    non_2xx_3xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "latency_ms": percentiles,
        "latency_max_ms": milliseconds(
            re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", output, re.M).group(1)
        ),
        "socket_errors": socket_errors,
        "non_2xx_3xx": int(non_2xx_3xx.group(1)) if non_2xx_3xx else 0,
        "statuses": statuses,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=2000, help="synthetic organizations (0: none)")
    parser.add_argument("--agreements", type=int, default=20000, help="synthetic agreements")
    parser.add_argument("--seed", type=int, default=1, help="random seed for data and paths")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    options = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Run against PostgreSQL: .ci/with-postgres .venv/bin/python bench/load.py")
    wrk = ensure_wrk()
    prepare_data(options.orgs, options.agreements, options.seed)
    size = data_size()
    paths = path_mix(options.seed)
    from django.db import connections

    connections.close_all()
    print("Data: " + ", ".join(f"{count:,} {name}" for name, count in size.items()))

    with tempfile.TemporaryDirectory(prefix="bionet-load-") as tmp:
        workdir = Path(tmp)
        paths_file = workdir / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(port, workdir)
        try:
            wait_until_healthy(base, server)
            checked = check_paths(base, paths)
            for path, status, seconds in checked:
                print(f"  {status}  {seconds * 1000:7.0f} ms  {path}")
            failed = [(path, status) for path, status, _ in checked if not 200 <= status < 300]
            if failed:
                print(f"FAILED before the load: {failed}")
                return 1
            print(
                f"wrk: {options.duration} s, {options.connections} connections, "
                f"{options.threads} threads, {len(paths)} paths in rotation ..."
            )
            output = run_wrk(
                wrk,
                base,
                paths_file,
                seconds=options.duration,
                connections=options.connections,
                threads=options.threads,
            )
        finally:
            stop_server(server)
            log = (workdir / "server.log").read_text(errors="replace")
        print(output)
        server_errors = [
            line for line in log.splitlines() if any(mark in line for mark in SERVER_ERROR_MARKS)
        ]

    figures = parse_wrk(output)
    errors_5xx = sum(count for status, count in figures["statuses"].items() if status >= 500)
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores (shared), {platform.system()} {platform.machine()}",
        "data": size,
        "duration_seconds": options.duration,
        "connections": options.connections,
        "wrk_threads": options.threads,
        "gunicorn_workers": 2,
        # Each path fetched once, alone, before the load: where the time goes.
        "paths": {path: round(seconds * 1000) for path, _, seconds in checked},
        **figures,
        "responses_5xx": errors_5xx,
        "server_log_errors": len(server_errors),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    latency = figures["latency_ms"]
    print(
        f"{figures['requests']:,} requests, {figures['requests_per_second']:.1f} req/s; "
        f"latency p50 {latency['p50']:.0f} ms, p90 {latency['p90']:.0f} ms, "
        f"p99 {latency['p99']:.0f} ms, max {figures['latency_max_ms']:.0f} ms"
    )
    print(
        f"statuses {figures['statuses']}; socket errors {figures['socket_errors'] or 'none'}; "
        f"non-2xx/3xx {figures['non_2xx_3xx']}; 5xx {errors_5xx}; "
        f"server log errors {len(server_errors)}"
    )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    for line in server_errors[:20]:
        print("  server:", line)
    failed = errors_5xx or figures["non_2xx_3xx"] or any(figures["socket_errors"].values())
    if failed or server_errors:
        print("FAILED: the goal is zero errors and zero 5xx.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
