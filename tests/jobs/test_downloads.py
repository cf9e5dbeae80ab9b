"""Exports that cannot lie: the database is read before the first byte, so an outage is a
503 and never a header row followed by silence; a large export is written whole by a task and
served as a file with its Content-Length, holding exactly what the streamed export holds."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from jobs.models import BackgroundTask
from tests.factories import AgreementFactory, AgreementPartyFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

EXPORTS = [
    "agreements:agreement_export",
    "agreements:partnership_export",
    "orgs:organization_export",
]


@pytest.fixture
def three_agreements():
    first, second, third = OrganizationFactory.create_batch(3)
    for pair in ((first, second), (second, third), (first, third)):
        agreement = AgreementFactory(kind="mou")
        for organization in pair:
            AgreementPartyFactory(agreement=agreement, organization=organization)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("name", EXPORTS)
def test_an_export_answers_503_when_the_database_is_down(three_agreements, name):
    client = Client(raise_request_exception=False)
    url = reverse(name)
    refused = OperationalError("connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=refused):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert not response.streaming


@pytest.mark.parametrize("name", EXPORTS)
def test_a_large_export_is_written_by_a_task_and_served_whole_with_its_length(
    client, settings, three_agreements, run_tasks, name
):
    url = reverse(name)
    streamed = body(client.get(url, {"per_page": "100"}))
    settings.EXPORT_ROWS_PER_REQUEST = 2  # three records: a large export

    waiting = client.get(url, {"per_page": "100"})
    assert waiting.status_code == 202
    assert '<meta http-equiv="refresh" content="5">' in waiting.content.decode()
    assert waiting["Cache-Control"] == "no-store"
    client.get(url, {"per_page": "100"})
    assert BackgroundTask.objects.count() == 1

    run_tasks()

    ready = client.get(url, {"per_page": "100"})
    assert ready.status_code == 200
    content = body(ready)
    assert int(ready["Content-Length"]) == len(content)
    assert content == streamed
    assert ready["Content-Disposition"].startswith('attachment; filename="bionet-')


def test_a_large_export_asked_in_english_links_the_english_pages(
    client, settings, three_agreements, run_tasks
):
    settings.EXPORT_ROWS_PER_REQUEST = 2
    url = "/en" + reverse("agreements:agreement_export")
    client.get(url)
    run_tasks()
    content = body(client.get(url)).decode("utf-8-sig")
    assert "/en/agreements/" in content


def test_a_write_makes_a_new_file_and_removes_the_old_one(
    client, settings, three_agreements, run_tasks
):
    settings.EXPORT_ROWS_PER_REQUEST = 2
    url = reverse("agreements:agreement_export")
    client.get(url)
    run_tasks()
    first = body(client.get(url))
    AgreementFactory(title="새로 더한 협약")
    assert client.get(url).status_code == 202
    run_tasks()
    second = body(client.get(url)).decode("utf-8-sig")
    assert "새로 더한 협약" in second and first != second.encode("utf-8-sig")
    assert len(list(settings.PREPARED_FILES_DIR.glob("export-agreements-*"))) == 1
