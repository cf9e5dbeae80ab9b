"""CSV exports that cannot lie.

A small export is streamed, but only after its first rows have been read: a database that
cannot be reached answers the site's 503 page, never ``200 OK``, a header row and silence. A
large one (more than ``EXPORT_ROWS_PER_REQUEST`` records) is written once, whole, by a task
(:func:`write_export`) and then served as a file with its ``Content-Length``, so a client can
tell a response cut short from a whole one and a slow client gets all of it; meanwhile the
page says it is being prepared and reloads itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from itertools import chain

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import get_language

from bionet.lib.csv import csv_text, invalid_filters_response, site_url
from bionet.lib.exports import CsvExport
from bionet.lib.filters import refused
from network.cache import data_version

from .budget import spender
from .files import file_response, prepared_file, write_prepared_file
from .services import enqueue_once, progress, report_progress

REFRESH_SECONDS = 5


def export_response(request: HttpRequest, export: CsvExport, *, task) -> HttpResponse:
    """``export`` for the request's filters: streamed when small, else the file ``task``
    (a task calling :func:`write_export` for this export) has written, or a page saying it is
    being written."""
    filterset = export.select(request.GET)
    if refused(filterset):
        return invalid_filters_response(filterset)
    base_url = site_url(request)
    limit = settings.EXPORT_ROWS_PER_REQUEST
    # The first query, before any byte is sent: a database that is down answers 503.
    if filterset.qs.order_by()[: limit + 1].count() <= limit:
        return _streamed(export, export.rows(filterset, base_url))
    query = _query(request.GET)
    language = get_language()
    name = _file_name(export, query, base_url, language, data_version())
    ready = prepared_file(name)
    if ready is not None:
        return file_response(ready, filename=_download_name(export), content_type=CSV)
    enqueue_once(task, f"export:{name}", query, base_url, language, before_new=spender(request))
    response = render(
        request,
        "jobs/export_preparing.html",
        {"progress": progress(name), "refresh_seconds": REFRESH_SECONDS},
        status=202,
    )
    response["Cache-Control"] = "no-store"  # the next request may find the file ready
    return response


def write_export(export: CsvExport, query: list, base_url: str, language: str) -> str:
    """Write ``export`` for the filters ``query`` at the data's current version, in
    ``language`` (its addresses), unless it is written already; answer the file's name. What
    a task runs."""
    name = _file_name(export, query, base_url, language, data_version())
    if prepared_file(name):
        return name
    with translation.override(language):
        _write(export, query, base_url, name)
    return name


def _write(export: CsvExport, query: list, base_url: str, name: str) -> None:
    data = QueryDict(mutable=True)
    for key, values in query:
        data.setlist(key, values)
    filterset = export.select(data)
    total = filterset.qs.count()
    report_progress(name, 0, total)

    def counted(rows):
        for done, row in enumerate(rows, start=1):
            if done % 5000 == 0:
                report_progress(name, done, total)
            yield row

    text = csv_text(export.columns, counted(export.rows(filterset, base_url)))
    write_prepared_file(
        name, (piece.encode("utf-8") for piece in text), replaces=_file_prefix(export, query)
    )
    report_progress(name, total, total)


CSV = "text/csv; charset=utf-8"


def _streamed(export: CsvExport, rows: Iterable) -> StreamingHttpResponse:
    pieces = (piece.encode("utf-8") for piece in csv_text(export.columns, rows))
    # The header and the first rows are read here, in the view: a failure is a 503 page.
    first = [next(pieces), next(pieces, b"")]
    response = StreamingHttpResponse(chain(first, pieces), content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{_download_name(export)}"'
    return response


def _download_name(export: CsvExport) -> str:
    return f"bionet-{export.name}-{timezone.localdate().isoformat()}.csv"


def _query(data: QueryDict) -> list:
    return [[key, list(values)] for key, values in sorted(data.lists())]


def _file_prefix(export: CsvExport, query: list) -> str:
    return f"export-{export.name}-{_digest(query)}-"


def _file_name(export: CsvExport, query: list, base_url: str, language: str, version: str) -> str:
    return f"{_file_prefix(export, query)}{_digest((base_url, language, version))}.csv"


def _digest(value) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:20]
