"""What a public CSV export is, for the code that streams it or has it written by a task
(jobs.downloads)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import QueryDict

from .csv import Column


@dataclass(frozen=True)
class CsvExport:
    """A public CSV export: its ``name`` (``bionet-<name>-<date>.csv``), its ``columns``, how
    to bind its filters to a query string (``select``: a filter set, checked with
    bionet.lib.filters.refused), and its rows for a bound filter set and the site's address
    (``rows``)."""

    name: str
    columns: list[Column]
    select: Callable[[QueryDict], object]
    rows: Callable[[object, str], Iterable]
