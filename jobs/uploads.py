"""Large CSV uploads imported by the task worker.

The upload is saved under ``PREPARED_FILES_DIR/uploads``, the import runs in a task with its
progress reported row by row, and its report (every row's outcome) is the task's result,
shown by the admin's import page once the task is done. The file is removed when the task
ends, whatever its outcome.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils import translation
from simple_history.models import HistoricalRecords

from bionet.lib.csv import CsvFileError, ImportReport, RowOutcome

from .files import prepared_dir
from .services import report_progress


def save_upload(data: bytes) -> str:
    """Save an uploaded file's bytes for a task to read; answer its path."""
    folder = prepared_dir() / "uploads"
    folder.mkdir(exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.csv"
    path.write_bytes(data)
    return str(path)


def progress_key(task_id) -> str:
    return f"import:{task_id}"


def import_file(
    csv_import, task_id, path: str, *, commit, ignore_ids, publish, user_id, language
) -> dict:
    """Run ``csv_import`` (e.g. orgs.imports.organizations_import) on the saved file, as
    ``user_id`` (who the records' history names) and in ``language`` (of the report); answer
    the report as data for the task's result. A file that cannot be read at all is a report
    with its error."""
    try:
        data = Path(path).read_bytes()
        with translation.override(language), acting_as(user_id):
            try:
                report = csv_import(
                    data=data,
                    commit=commit,
                    ignore_ids=ignore_ids,
                    publish=publish,
                    progress=lambda done, total: report_progress(
                        progress_key(task_id), done, total
                    ),
                )
            except CsvFileError as error:
                return {"file_error": str(error)}
            return {
                "committed": report.committed,
                "rows": [
                    {
                        key: str(value) if key in ("reason", "detail") else value
                        for key, value in asdict(row).items()
                    }
                    for row in report.rows
                ],
            }
    finally:
        Path(path).unlink(missing_ok=True)


def report_from(result: dict) -> ImportReport:
    """The ImportReport a task's result holds."""
    return ImportReport(
        rows=[RowOutcome(**row) for row in result.get("rows", [])],
        committed=result.get("committed", False),
    )


@contextmanager
def acting_as(user_id):
    """Records written in the block name ``user_id`` in their history, as the admin's
    request would have (django-simple-history reads the user from its request context)."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    had = hasattr(HistoricalRecords.context, "request")
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if had:
            HistoricalRecords.context.request = previous
        else:
            del HistoricalRecords.context.request
