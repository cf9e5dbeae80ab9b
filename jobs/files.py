"""Files prepared by tasks for visitors to download: network files of large selections and
large exports.

A file is written under a temporary name and renamed into place when complete, so a
download never finds half a file; it is served with its Content-Length, so a client can tell
a response cut short from a whole one, and by a file wrapper (sendfile where the server has
it) rather than from the application's memory.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.http import FileResponse


def prepared_dir() -> Path:
    folder = Path(settings.PREPARED_FILES_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def prepared_file(name: str) -> Path | None:
    """The prepared file called ``name``, if it has been written."""
    path = prepared_dir() / name
    return path if path.is_file() else None


def write_prepared_file(name: str, chunks: Iterable[str | bytes], *, replaces: str = "") -> Path:
    """Write ``chunks`` to the prepared file ``name``, whole or not at all; then remove the
    older files whose names start with ``replaces`` (the same selection at an earlier
    version of the data)."""
    folder = prepared_dir()
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk.encode() if isinstance(chunk, str) else chunk)
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if replaces:
        for older in folder.glob(f"{replaces}*"):
            if older.name != name:
                older.unlink(missing_ok=True)
    return folder / name


def file_response(path: Path, *, filename: str, content_type: str) -> FileResponse:
    """``path`` as a download named ``filename``, with its Content-Length."""
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename)
    response["Content-Type"] = content_type
    return response
