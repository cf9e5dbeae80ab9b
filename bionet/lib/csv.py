"""
CSV shared by every export and import.

Out: Excel-ready files streamed row by row (UTF-8 with a byte-order mark so Excel shows Hangul,
RFC 4180 quoting from the csv module, formula-like text neutralized). In: a strict reader for
uploaded files, and a runner that imports every row inside one transaction and reports each
row's outcome, saving nothing unless every row is valid and the caller asked to commit.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

BOM = "\ufeff"
# OWASP's CSV injection advice: a text cell starting with one of these is read as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Rows fetched (and prefetched for) at a time: bounds both memory and queries per row.
CHUNK_SIZE = 2000
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
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = reason
        self.detail = detail


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
    """Imports rows one at a time; subclasses say how one row becomes a record.

    Records a row creates are published when the importer may publish them (``publish``),
    drafts for a curator to review otherwise; updated records keep their review status.
    """

    required_columns: tuple[str, ...] = ()
    model: type[models.Model]

    def __init__(self, *, publish: bool = True):
        self.publish = publish

    def new_record(self):
        """An empty record of the importer's model, published or drafted as it may."""
        status = self.model.ReviewStatus
        return self.model(review_status=status.PUBLISHED if self.publish else status.DRAFT)

    def record_to_update(self, record_id: int):
        """The record a row's id names; each id may appear on one row only."""
        if record_id in self.seen_ids:
            raise RowError(
                Reason.DUPLICATE,
                _("id %(id)d is also on row %(row)d")
                % {"id": record_id, "row": self.seen_ids[record_id]},
            )
        self.seen_ids[record_id] = self.current_row
        record = self.model._default_manager.filter(pk=record_id).first()
        if record is None:
            raise RowError(Reason.UNKNOWN_ID, str(record_id))
        return record

    def import_row(self, values: dict[str, str]) -> tuple[str, str]:
        """Create or update one record; return its outcome and a label for it."""
        raise NotImplementedError

    def finish(self) -> dict[int, RowError | str]:
        """Work left until every row is in (e.g. links to later rows): outcomes by row."""
        return {}

    def run(self, data: bytes, *, commit: bool, ignore_ids: bool = False) -> ImportReport:
        rows = read_csv(data, required=self.required_columns)
        self.seen_ids: dict[int, int] = {}
        if ignore_ids:
            for row in rows:
                row.values.pop("id", None)
        report = ImportReport()
        with transaction.atomic():
            self.current_row = 0
            for row in rows:
                self.current_row = row.number
                if row.error:
                    report.rows.append(
                        RowOutcome(row.number, "error", "", Reason.MALFORMED_ROW, row.error)
                    )
                    continue
                try:
                    # A savepoint per row: one failure must not spoil the dry run of the rest.
                    with transaction.atomic():
                        outcome, label = self.import_row(row.values)
                except RowError as error:
                    report.rows.append(
                        RowOutcome(row.number, "error", _label(row), error.reason, error.detail)
                    )
                except ValidationError as error:
                    reason, detail = self.explain(error)
                    report.rows.append(RowOutcome(row.number, "error", _label(row), reason, detail))
                except IntegrityError as error:
                    report.rows.append(
                        RowOutcome(row.number, "error", _label(row), Reason.DUPLICATE, str(error))
                    )
                else:
                    report.rows.append(RowOutcome(row.number, outcome, label))
            by_number = {row.number: row for row in report.rows}
            for number, result in self.finish().items():
                row = by_number[number]
                if isinstance(result, RowError):
                    row.outcome, row.reason, row.detail = "error", result.reason, result.detail
                elif row.outcome == "unchanged":
                    row.outcome = result
            report.committed = commit and not report.errors
            if not report.committed:
                transaction.set_rollback(True)
        return report

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
