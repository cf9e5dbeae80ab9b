"""Organizations' long work for the task worker: large exports (jobs.downloads) and large
CSV imports (jobs.uploads)."""

from django_tasks import TaskContext, task

from jobs.downloads import write_export
from jobs.uploads import import_file

from .exports import ORGANIZATIONS_EXPORT
from .imports import organizations_import


@task()
def write_organizations_export(query: list, base_url: str, language: str) -> str:
    return write_export(ORGANIZATIONS_EXPORT, query, base_url, language)


@task(takes_context=True)
def import_organizations_csv(context: TaskContext, path: str, **options) -> dict:
    """The uploaded file at ``path`` imported; ``options`` as jobs.uploads.import_file takes
    them."""
    return import_file(organizations_import, context.task_result.id, path, **options)
