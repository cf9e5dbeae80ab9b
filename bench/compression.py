"""Bytes sent with and without compression, page by page and for the exports.

    .venv/bin/python bench/compression.py

Loads the directory data (fixtures/directory.json) into a throwaway SQLite database, asks
each page and export once plainly and once with ``Accept-Encoding: gzip`` (what every browser
sends), and writes the sizes to bench/results/compression.md. The application compresses
itself (Django's GZipMiddleware, with its BREACH mitigation), so every deployment gets it.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = [
    "/",
    "/organizations/",
    "/organizations/kribb/",
    "/organizations/khidi/",
    "/clusters/",
    "/clusters/songdo-bio-cluster/",
    "/agreements/",
    "/network/",
    "/search/?q=바이오",
    "/agreements.csv",
    "/partnerships.csv",
    "/organizations/export.csv",
]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def main() -> None:
    sys.path.insert(0, str(ROOT))
    workdir = tempfile.TemporaryDirectory(prefix="bionet-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bionet.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_directory", verbosity=0)
    client = Client()
    rows = []
    for path in PATHS:
        plain = len(body(client.get(path)))
        compressed = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        assert compressed["Content-Encoding"] == "gzip", path
        sent = len(body(compressed))
        rows.append((path, plain, sent))
        print(f"{path:32} {plain:>9,} B -> {sent:>8,} B ({sent / plain:.0%})")
    lines = [
        "# Compression",
        "",
        "Bytes of each response on the directory data (fixtures/directory.json), plain and "
        "with `Accept-Encoding: gzip`; `bench/compression.py`.",
        "",
        "| path | plain | gzip | ratio |",
        "| --- | ---: | ---: | ---: |",
        *(f"| `{p}` | {a:,} | {b:,} | {b / a:.0%} |" for p, a, b in rows),
        "",
    ]
    (ROOT / "bench" / "results" / "compression.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
