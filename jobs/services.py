"""Work done once, whoever asks: a task enqueued once per key however many requests want it,
a computation run once while concurrent requests wait for it, and progress reports a page
can show while the work goes on.

Keys live in the default cache, which the web processes and the worker must share
(``DJANGO_CACHE_URL=file:///…`` in production; ``make run`` sets one). A task is written
to be idempotent (it checks whether its result already exists for the data's version), so
the rare duplicate that a race between two processes could enqueue costs time, not
correctness.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django_tasks import TaskResultStatus

from .models import BackgroundTask

PREFIX = "bionet:jobs"
# How long an enqueued task keeps others from enqueueing the same work: longer than any task
# waits in the queue and runs.
ENQUEUED_SECONDS = 60 * 60
# How long a computation in a request may hold others waiting for it.
COMPUTING_SECONDS = 60
POLL_SECONDS = 0.05


def enqueue_once(task, key: str, *args, before_new=None, **kwargs) -> str:
    """Enqueue ``task(*args, **kwargs)`` unless work for ``key`` is already waiting or
    running; answer the id of the task doing it. ``before_new()`` is called before a new
    task is enqueued (and may refuse it by raising): the per-client budget."""
    marker = f"{PREFIX}:enqueued:{key}"
    known = cache.get(marker)
    if known and _pending(known):
        return known
    if known is None and not cache.add(marker, "", ENQUEUED_SECONDS):
        # Another request is enqueueing it this instant.
        return cache.get(marker) or ""
    if before_new is not None:
        try:
            before_new()
        except BaseException:
            cache.delete(marker)
            raise
    result = task.enqueue(*args, **kwargs)
    cache.set(marker, str(result.id), ENQUEUED_SECONDS)
    return str(result.id)


def _pending(task_id: str) -> bool:
    return BackgroundTask.objects.filter(
        pk=task_id, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).exists()


def computed_once(key: str, compute, *, timeout: int | None = None):
    """``compute()`` cached under ``key``; while one request computes it, concurrent ones
    wait for its result instead of starting their own (for up to ``COMPUTING_SECONDS``; a
    computation that died leaves them to compute it)."""
    value = cache.get(key)
    if value is not None:
        return value
    lock = f"{PREFIX}:computing:{key}"
    if cache.add(lock, 1, COMPUTING_SECONDS):
        try:
            value = compute()
            cache.set(key, value, settings.NETWORK_CACHE_SECONDS if timeout is None else timeout)
        finally:
            cache.delete(lock)
        return value
    deadline = time.monotonic() + COMPUTING_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        value = cache.get(key)
        if value is not None:
            return value
        if cache.get(lock) is None:
            break
    return computed_once(key, compute, timeout=timeout)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int | None

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


def report_progress(key: str, done: int, total: int | None) -> None:
    cache.set(f"{PREFIX}:progress:{key}", (done, total), ENQUEUED_SECONDS)


def progress(key: str) -> Progress | None:
    found = cache.get(f"{PREFIX}:progress:{key}")
    return Progress(*found) if found else None


def failure(traceback: str, exception_class_path: str = "") -> str:
    """Why a task failed, in one line: the last line of its traceback (the exception and
    its message)."""
    lines = traceback.strip().splitlines()
    return lines[-1] if lines else exception_class_path
