"""The pages' version, kept in each process's memory and told of every change (PostgreSQL).

Answering a 304 or a kept page needs only the data's version, yet reading it costs a query
(and Django's connection health check, another) for every request: most of a 304's time. On
PostgreSQL the version triggers announce each bump on a channel (network/migrations/0003), as
do stored background analyses; one thread per process listens there on a connection of its
own and reads the version again when told, so requests read it from memory.

A version known that way is trusted only while the listening thread keeps confirming it: it
reads the version again at least every ``REFRESH_SECONDS``, and a version not confirmed for
``TRUSTED_SECONDS`` (the thread stopped, its connection broke, the database is down) is
ignored: requests then read the version themselves, as they do on SQLite, and the thread
starts again. A notification arrives when the writing transaction commits, so a write is
seen by the next request once the listening thread has read it, within milliseconds.
"""

from __future__ import annotations

import logging
import os
import secrets
import selectors
import threading
import time

from django.conf import settings
from django.db import connection

from network.cache import VERSION_CHANNEL, DataVersion, analyses_generation, stored_data_version

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 1.0
TRUSTED_SECONDS = 5.0
RETRY_SECONDS = 1.0


def read_page_version() -> DataVersion | None:
    """What a public page is a function of, besides its address and language: the data's
    version, and how many background analyses have stored results (a page drawn while an
    analysis was pending is drawn again once it is stored). None when the version row is
    missing."""
    data = stored_data_version()
    if data is None:
        return None
    return DataVersion(f"{data.tag}:{analyses_generation()}", data.changed)


class VersionWatch:
    """The page version as the listening thread last read it (see the module's docstring)."""

    def __init__(self, *, refresh_seconds=REFRESH_SECONDS, trusted_seconds=TRUSTED_SECONDS):
        self.refresh_seconds = refresh_seconds
        self.trusted_seconds = trusted_seconds
        self._known: tuple[DataVersion | None, float] = (None, 0.0)
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._wake_write: int | None = None

    def current(self) -> DataVersion | None:
        """The version confirmed in the last ``trusted_seconds``, or None."""
        try:
            self._ensure_listening()
        except (OSError, RuntimeError):
            # No thread (out of file descriptors or threads): requests read the version.
            logger.warning("Could not start watching the data version.", exc_info=True)
            return None
        version, confirmed = self._known
        if version is None or time.monotonic() - confirmed > self.trusted_seconds:
            return None
        return version

    def _listening(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive() and self._pid == os.getpid()

    def _ensure_listening(self) -> None:
        # A forked process (a gunicorn worker) has no thread of its parent's: start its own.
        if self._listening():
            return
        with self._lock:
            if self._listening():
                return
            self._known = (None, 0.0)
            self._stopping.clear()
            # Written to by stop(): wakes the thread from its wait for a notification. The
            # thread's own pipe, closed by the thread when it ends.
            wake_read, self._wake_write = os.pipe()
            self._pid = os.getpid()
            self._thread = threading.Thread(
                target=self._listen_forever,
                args=(wake_read, self._wake_write),
                name="bionet-version-watch",
                daemon=True,
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop listening and close the thread's connection (requests then read the version
        themselves until the next one starts it again)."""
        with self._lock:
            self._stopping.set()
            if self._listening():
                os.write(self._wake_write, b"x")
                self._thread.join()
            self._thread = None

    def _listen_forever(self, wake_read: int, wake_write: int) -> None:
        self._failing = False
        try:
            while not self._stopping.is_set():
                try:
                    self._listen(wake_read)
                except Exception:
                    # Said once per outage, not every second while the database is down.
                    if not self._failing:
                        logger.warning("Watching the data version failed; retrying.", exc_info=True)
                    self._failing = True
                    self._stopping.wait(RETRY_SECONDS)
                finally:
                    self._known = (None, 0.0)
                    connection.close()
        finally:
            os.close(wake_read)
            os.close(wake_write)

    def _listen(self, wake_read: int) -> None:
        # This thread's own connection (Django's connections are per thread); LISTEN before
        # the first read, so that no change after it goes unannounced.
        with connection.cursor() as cursor:
            cursor.execute(f"LISTEN {VERSION_CHANNEL}")
        self._failing = False
        raw = connection.connection
        with selectors.DefaultSelector() as waiting:
            waiting.register(raw, selectors.EVENT_READ)
            waiting.register(wake_read, selectors.EVENT_READ)
            while not self._stopping.is_set():
                raw.notifies.clear()
                self._known = (read_page_version(), time.monotonic())
                # A change announced while the version was read may have been received with
                # the reading query's answer: then read again at once, without waiting.
                raw.poll()
                if raw.notifies:
                    continue
                waiting.select(self.refresh_seconds)
                raw.poll()


watch = VersionWatch()


def page_version() -> DataVersion:
    """The page version: from memory where a watch keeps it, else read now. When the version
    row is missing, a new version for every call, so that nothing is served from a copy."""
    if settings.PAGE_VERSION_NOTIFICATIONS and connection.vendor == "postgresql":
        known = watch.current()
        if known is not None:
            return known
    return read_page_version() or DataVersion(secrets.token_hex(16), None)
