"""Large organization exports, written by the task worker (see jobs.downloads)."""

from django_tasks import task

from jobs.downloads import write_export

from .exports import ORGANIZATIONS_EXPORT


@task()
def write_organizations_export(query: list, base_url: str, language: str) -> str:
    return write_export(ORGANIZATIONS_EXPORT, query, base_url, language)
