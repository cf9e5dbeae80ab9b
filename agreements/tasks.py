"""Agreements' long work for the task worker: large exports (jobs.downloads) and large CSV
imports (jobs.uploads)."""

from django_tasks import TaskContext, task

from jobs.downloads import write_export
from jobs.uploads import import_file

from .exports import AGREEMENTS_EXPORT, PARTNERSHIPS_EXPORT
from .imports import agreements_import


@task()
def write_agreements_export(query: list, base_url: str, language: str) -> str:
    return write_export(AGREEMENTS_EXPORT, query, base_url, language)


@task()
def write_partnerships_export(query: list, base_url: str, language: str) -> str:
    return write_export(PARTNERSHIPS_EXPORT, query, base_url, language)


@task(takes_context=True)
def import_agreements_csv(context: TaskContext, path: str, **options) -> dict:
    """The uploaded file at ``path`` imported; ``options`` as jobs.uploads.import_file takes
    them."""
    return import_file(agreements_import, context.task_result.id, path, **options)
