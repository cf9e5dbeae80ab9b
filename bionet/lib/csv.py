"""
CSV shared by every export and import.

Out: Excel-ready files streamed row by row (UTF-8 with a byte-order mark so Excel shows Hangul,
RFC 4180 quoting from the csv module, formula-like text neutralized). In: a strict reader for
uploaded files, and a runner that imports every row inside one transaction, a chunk of rows
at a time (lookups and writes in bulk), and reports each row's outcome, saving nothing unless
every row is valid and the caller asked to commit.
"""

import csv
import functools
import io
import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

BOM = "\ufeff"
# OWASP's CSV injection advice: a text cell starting with one of these is read as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Rows fetched (and prefetched for) at a time: bounds both memory and queries per row.
CHUNK_SIZE = 2000
# Rows an import looks up and writes at a time: its queries grow with the chunks, not the rows.
IMPORT_CHUNK_SIZE = 500
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
LIST_SEPARATOR = "; "
ASCII_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Column:
    """One CSV column: its header and how to read its cell from a row."""

    header: str
    accessor: Callable[[Any], Any]


def neutralize(value: Any) -> Any:
    """Prefix a single quote to text that a spreadsheet would run as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo :func:`neutralize`, so an exported file imports back to the same text."""
    if len(value) > 1 and value[0] == "'" and value.startswith(FORMULA_TRIGGERS, 1):
        return value[1:]
    return value


def chunked(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def in_stable_order(queryset):
    """The queryset's order (or its model's, which GROUP BY queries drop), ties broken by pk."""
    order = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    return queryset.order_by(*order, "pk")


def csv_text(columns: list[Column], rows: Iterable, *, rows_per_write: int = 500) -> Iterator[str]:
    """The file as text pieces: BOM and header first, then a few hundred rows per piece."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # excel dialect: RFC 4180 quoting, CRLF line ends
    writer.writerow([column.header for column in columns])
    yield BOM + buffer.getvalue()
    accessors = [column.accessor for column in columns]
    for batch in chunked(rows, rows_per_write):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([neutralize(read(row)) for read in accessors] for row in batch)
        yield buffer.getvalue()


def csv_response(columns: list[Column], rows: Iterable, *, name: str) -> StreamingHttpResponse:
    """Stream ``rows`` as ``bionet-<name>-<today>.csv``; nothing holds the whole file."""
    filename = f"bionet-{name}-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(
        (piece.encode("utf-8") for piece in csv_text(columns, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def join(items: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(items)


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def iexact_key(value: str) -> str:
    """``value`` as the database compares it for ``__iexact`` and ``Lower()``: PostgreSQL
    folds the case of every letter, SQLite of the ASCII letters only. Names read in one
    query are then matched in Python exactly as a query per name would match them."""
    if _folds_ascii_only():
        return value.translate(_ASCII_LOWER)
    return value.lower()


@functools.cache
def _folds_ascii_only() -> bool:
    # Asked once: the connection's vendor is looked up through a thread-local each time.
    return connection.vendor == "sqlite"


def split(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(";") if item.strip()]


_LABELLED = re.compile(r"^(?P<name>.+?)\s*\((?P<label>[^()]*)\)$")


def split_labelled(item: str) -> tuple[str, str | None]:
    """'한국보건산업진흥원 (signatory)' -> ('한국보건산업진흥원', 'signatory')."""
    match = _LABELLED.match(item)
    if match is None:
        return item.strip(), None
    return match["name"].strip(), match["label"].strip()


# Importing ----------------------------------------------------------------------------------


class CsvFileError(Exception):
    """The upload as a whole cannot be read: too large, not UTF-8, not CSV, wrong columns."""


class Reason:
    UNKNOWN_ORGANIZATION = _("unknown organization")
    AMBIGUOUS_ORGANIZATION = _("ambiguous organization")
    UNKNOWN_CLUSTER = _("unknown cluster")
    UNKNOWN_NEWS_ITEM = _("unknown news item")
    UNKNOWN_ID = _("unknown id")
    BAD_DATE = _("bad date")
    DUPLICATE = _("duplicate")
    MISSING_VALUE = _("missing value")
    INVALID_VALUE = _("invalid value")
    MALFORMED_ROW = _("malformed row")


class RowError(Exception):
    def __init__(self, reason, detail=""):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail

    def __str__(self):
        # Not built when raised: a lazy reason is translated only when shown.
        return f"{self.reason}: {self.detail}" if self.detail else str(self.reason)


@dataclass
class ParsedRow:
    number: int  # the row's number in a spreadsheet: the header is row 1
    values: dict[str, str]
    error: str = ""


def read_csv(data: bytes, *, required: Iterable[str]) -> list[ParsedRow]:
    """Decode and parse an upload, refusing anything that is not a clean CSV file."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise CsvFileError(
            _("The file is larger than %(limit)d MB: split it into smaller files.")
            % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            _("The file is not UTF-8 text (byte %(position)d): save it as “CSV UTF-8”.")
            % {"position": exc.start}
        ) from exc
    if "\x00" in text:
        raise CsvFileError(_("The file is not a CSV text file."))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise CsvFileError(
            _("The file is not valid CSV (line %(line)d): %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc
    if not records:
        raise CsvFileError(_("The file is empty."))
    header = [name.strip() for name in records[0]]
    missing = [name for name in required if name not in header]
    if missing:
        raise CsvFileError(
            _("The file lacks the column(s) %(columns)s: use the export's format.")
            % {"columns": ", ".join(missing)}
        )
    if len(set(header)) != len(header):
        raise CsvFileError(_("The header names a column twice."))
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            rows.append(
                ParsedRow(
                    number,
                    {},
                    _("%(count)d cells where the header has %(expected)d")
                    % {"count": len(record), "expected": len(header)},
                )
            )
            continue
        # Composed (NFC), as every name is stored and searched: a cell typed with decomposed
        # Hangul matches the same names and compares equal to what is stored. (Names are also
        # folded from full-width when saved; ids are not, so "１２" stays refused.)
        rows.append(
            ParsedRow(
                number,
                {
                    name: restore(unicodedata.normalize("NFC", cell).strip())
                    for name, cell in zip(header, record, strict=True)
                },
            )
        )
    return rows


# A context keeps these apart from the same words used as field labels ("updated" = 수정일).
OUTCOMES = {
    "new": pgettext_lazy("import outcome", "new"),
    "updated": pgettext_lazy("import outcome", "updated"),
    "unchanged": pgettext_lazy("import outcome", "unchanged"),
    "error": pgettext_lazy("import outcome", "error"),
}


@dataclass
class RowOutcome:
    number: int
    outcome: str  # "new", "updated", "unchanged" or "error"
    record: str = ""
    reason: str = ""
    detail: str = ""

    @property
    def outcome_label(self) -> str:
        return str(OUTCOMES[self.outcome])

    @property
    def message(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else str(self.reason)


@dataclass
class ImportReport:
    rows: list[RowOutcome] = field(default_factory=list)
    committed: bool = False

    @property
    def errors(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.outcome == "error"]

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    def summary(self) -> dict[str, int]:
        return {name: self.count(name) for name in ("new", "updated", "unchanged", "error")}


class CsvImporter:
    """Imports rows a chunk at a time; subclasses say how one row becomes a record.

    For each chunk of ``chunk_size`` rows, ``prepare`` reads at once what the rows will look
    up (the records their ids name, organizations by name ...), ``import_row`` checks each
    row against that and queues what it would write, and ``write`` saves the queued rows in
    bulk. Queries therefore grow with the number of chunks, not of rows. A refused row
    queues nothing; a row the database refuses when written (a record someone else saved
    meanwhile) is reported as a duplicate, and the other rows of its chunk are written one by
    one.

    Records a row creates are published when the importer may publish them (``publish``),
    drafts for a curator to review otherwise; updated records keep their review status.
    """

    required_columns: tuple[str, ...] = ()
    model: type[models.Model]
    chunk_size = IMPORT_CHUNK_SIZE

    def __init__(self, *, publish: bool = True):
        self.publish = publish
        self.seen_ids: dict[int, int] = {}
        self.records: dict[int, models.Model] = {}
        self.queued: list[QueuedRow] = []
        self.current_row = 0

    def new_record(self):
        """An empty record of the importer's model, published or drafted as it may."""
        status = self.model.ReviewStatus
        return self.model(review_status=status.PUBLISHED if self.publish else status.DRAFT)

    def ids_of(self, rows: list[dict[str, str]]) -> set[int]:
        """The ids the rows give (an id that cannot be read is the row's own error later)."""
        ids = set()
        for values in rows:
            try:
                record_id = parse_id(values.get("id", ""))
            except RowError:
                continue
            if record_id is not None:
                ids.add(record_id)
        return ids

    def load_records(self, ids: set[int]) -> dict[int, models.Model]:
        """The records ``ids`` name, with what updating them needs: one chunk's worth."""
        return self.model._default_manager.in_bulk(ids)

    def record_to_update(self, record_id: int):
        """The record a row's id names; each id may appear on one row only."""
        if record_id in self.seen_ids:
            raise RowError(
                Reason.DUPLICATE,
                _("id %(id)d is also on row %(row)d")
                % {"id": record_id, "row": self.seen_ids[record_id]},
            )
        self.seen_ids[record_id] = self.current_row
        record = self.records.get(record_id)
        if record is None:
            raise RowError(Reason.UNKNOWN_ID, str(record_id))
        return record

    def prepare(self, rows: list[dict[str, str]]) -> None:
        """Read what a chunk's rows will look up, in a few queries for all of them."""
        self.records = self.load_records(self.ids_of(rows))

    def import_row(self, values: dict[str, str]) -> tuple[str, str]:
        """Check one row and queue its writes (``queue``); return its outcome and a label."""
        raise NotImplementedError

    def queue(self, **writes) -> None:
        """Queue the current row's writes, saved with its chunk's by ``write``."""
        self.queued.append(QueuedRow(self.current_row, writes))

    def write(self, rows: list["QueuedRow"]) -> None:
        """Save the queued rows' records, in bulk."""
        raise NotImplementedError

    def unwrite(self, rows: list["QueuedRow"]) -> None:
        """Undo in memory what a ``write`` rolled back had done (ids given to new records)."""

    def forget(self, row: "QueuedRow") -> None:
        """Forget a queued row the database refused: later rows must not find its records."""

    def flush(self) -> None:
        """Write the rows queued so far (done after each chunk, and before a row that needs
        the id of a record an earlier row of its chunk creates)."""
        rows, self.queued = self.queued, []
        self._write(rows)

    def _write(self, rows: list["QueuedRow"]) -> None:
        if not rows:
            return
        try:
            with transaction.atomic():
                self.write(rows)
        except IntegrityError as error:
            self.unwrite(rows)
            if len(rows) > 1:
                for row in rows:
                    self._write([row])
                return
            outcome = self.report_rows[rows[0].number]
            outcome.outcome, outcome.reason = "error", Reason.DUPLICATE
            outcome.detail = integrity_error_detail(error, self.model)
            self.forget(rows[0])

    def finish(self) -> dict[int, RowError | str]:
        """Work left until every row is in (e.g. links to later rows): outcomes by row."""
        return {}

    def committing(self) -> None:
        """Work done once, after every row, when the import is to be saved."""

    def start(self, rows: list[ParsedRow]) -> None:
        """Work done once, before the first row is looked at (inside the transaction): e.g.
        what every chunk looks up, read for the whole file in a few queries."""

    def run(
        self,
        data: bytes,
        *,
        commit: bool,
        ignore_ids: bool = False,
        progress: Callable[[int, int | None], None] | None = None,
    ) -> ImportReport:
        """Import ``data`` in one transaction, saved only if ``commit`` and every row is
        valid. ``progress(rows_done, rows_total)`` is called inside the transaction before
        the first chunk and after each one."""
        rows = read_csv(data, required=self.required_columns)
        if ignore_ids:
            for row in rows:
                row.values.pop("id", None)
        report = ImportReport()
        self.report_rows: dict[int, RowOutcome] = {}
        with transaction.atomic():
            if progress is not None:
                progress(0, len(rows))
            self.start(rows)
            done = 0
            for chunk in chunked(rows, self.chunk_size):
                self.prepare([row.values for row in chunk if not row.error])
                for row in chunk:
                    self.current_row = row.number
                    if row.error:
                        outcome = RowOutcome(
                            row.number, "error", "", Reason.MALFORMED_ROW, row.error
                        )
                    else:
                        outcome = self._import_row(row)
                    report.rows.append(outcome)
                    self.report_rows[row.number] = outcome
                self.flush()
                done += len(chunk)
                if progress is not None:
                    progress(done, len(rows))
            for number, result in self.finish().items():
                row = self.report_rows[number]
                if isinstance(result, RowError):
                    row.outcome, row.reason, row.detail = "error", result.reason, result.detail
                elif row.outcome == "unchanged":
                    row.outcome = result
            report.committed = commit and not report.errors
            if report.committed:
                self.committing()
            else:
                transaction.set_rollback(True)
        return report

    def _import_row(self, row: ParsedRow) -> RowOutcome:
        try:
            outcome, label = self.import_row(row.values)
        except RowError as error:
            return RowOutcome(row.number, "error", _label(row), error.reason, error.detail)
        except ValidationError as error:
            reason, detail = self.explain(error)
            return RowOutcome(row.number, "error", _label(row), reason, detail)
        return RowOutcome(row.number, outcome, label)

    def explain(self, error: ValidationError) -> tuple[str, str]:
        """Name the reason a record was refused: duplicate, missing value, bad date ..."""
        unique_messages = {
            str(constraint.violation_error_message)
            for constraint in self.model._meta.constraints
            if isinstance(constraint, models.UniqueConstraint)
        }
        reasons, details = [], []
        errors = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: [error]}
        for name, field_errors in errors.items():
            for field_error in ValidationError(field_errors).error_list:
                message = " ".join(field_error.messages)
                if field_error.code in ("unique", "unique_together") or (
                    message in unique_messages
                ):
                    reasons.append(Reason.DUPLICATE)
                elif field_error.code in ("required", "blank", "null"):
                    reasons.append(Reason.MISSING_VALUE)
                elif name in ("date", "date_precision"):
                    reasons.append(Reason.BAD_DATE)
                else:
                    reasons.append(Reason.INVALID_VALUE)
                details.append(message if name == NON_FIELD_ERRORS else f"{name}: {message}")
        return reasons[0], "; ".join(details)


@dataclass
class QueuedRow:
    """What one row will write, kept until its chunk is written."""

    number: int
    writes: dict[str, Any]


def integrity_error_detail(error: IntegrityError, model: type[models.Model]) -> str:
    """What a uniqueness rule of ``model`` the database enforced says, in the words
    ``full_clean`` uses for it ("Organization with this Slug already exists."), when the
    database's message names one; otherwise the database's message."""
    text = str(error)
    cause = getattr(error.__cause__, "diag", None)
    named = getattr(cause, "constraint_name", None) or ""
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.name in (named, text):
            return str(constraint.violation_error_message)
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            columns = [model._meta.get_field(name).column for name in constraint.fields]
            if _names_columns(text, model._meta.db_table, columns):
                return str(constraint.violation_error_message)
    for unique in model._meta.fields:
        named_here = _names_columns(text, model._meta.db_table, [unique.column])
        if unique.unique and not unique.primary_key and named_here:
            return " ".join(model().unique_error_message(model, [unique.name]).messages)
    return text


def _names_columns(text: str, table: str, columns: list[str]) -> bool:
    # SQLite: "UNIQUE constraint failed: orgs_organization.slug"; PostgreSQL: "... DETAIL:
    # Key (slug)=(khidi) already exists."
    sqlite = ", ".join(f"{table}.{column}" for column in columns)
    return text.endswith(f"failed: {sqlite}") or f"Key ({', '.join(columns)})=" in text


def _label(row: ParsedRow) -> str:
    return row.values.get("title") or row.values.get("name_ko") or ""


def parse_id(value: str) -> int | None:
    """A row's id: empty (a new record) or a whole number in ASCII digits. Other digits
    ("²", "٣١", "３１") are refused, not read as the number they look like."""
    if not value:
        return None
    if not ASCII_DIGITS.fullmatch(value):
        raise RowError(
            Reason.INVALID_VALUE,
            _("id %(id)s is not a number written with the digits 0 to 9") % {"id": value},
        )
    return int(value)


def invalid_filters_response(filterset) -> HttpResponseBadRequest:
    """A 400 that says which filter value was refused, instead of exporting something else."""
    lines = [
        f"{name}: {' '.join(str(message) for message in messages)}"
        for name, messages in filterset.errors.items()
    ]
    return HttpResponseBadRequest(
        "\n".join([str(_("The filters are not valid:")), *lines]),
        content_type="text/plain; charset=utf-8",
    )


def site_url(request) -> str:
    """The site's address without a trailing slash, e.g. 'https://bionet.example': what an
    export puts before each record's path."""
    return request.build_absolute_uri("/").rstrip("/")
