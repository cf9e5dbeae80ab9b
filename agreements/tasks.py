"""Large agreement exports, written by the task worker (see jobs.downloads)."""

from django_tasks import task

from jobs.downloads import write_export

from .exports import AGREEMENTS_EXPORT, PARTNERSHIPS_EXPORT


@task()
def write_agreements_export(query: list, base_url: str, language: str) -> str:
    return write_export(AGREEMENTS_EXPORT, query, base_url, language)


@task()
def write_partnerships_export(query: list, base_url: str, language: str) -> str:
    return write_export(PARTNERSHIPS_EXPORT, query, base_url, language)
