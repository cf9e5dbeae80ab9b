"""What tells this deployment's pages from another's built from the same data."""

import functools
import hashlib
from pathlib import Path

from django.conf import settings

# The files a page is made of: code, templates, translations, styles and scripts.
PAGE_SOURCES = {".py", ".html", ".txt", ".xml", ".mo", ".css", ".js", ".svg"}
NOT_PAGE_SOURCES = {
    "node_modules",
    "tests",
    "test-artifacts",
    "bench",
    "scripts",
    "staticfiles",
    "media",
}


@functools.cache
def release() -> str:
    """``settings.RELEASE`` when a deployment names itself, else a digest of the names, sizes
    and times of the files pages are rendered from.

    It is part of every ETag and cache key, so a deploy that changes a template gives new
    ones even when the data has not changed. Every worker of one deployment computes the same
    digest from the same files.
    """
    if settings.RELEASE:
        return settings.RELEASE
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for path in sorted(_page_sources(base)):
        stat = path.stat()
        digest.update(f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _page_sources(base: Path):
    for top in base.iterdir():
        if not top.is_dir() or top.name in NOT_PAGE_SOURCES or top.name.startswith("."):
            continue
        for path in top.rglob("*"):
            if path.suffix in PAGE_SOURCES and path.is_file():
                yield path
