"""A large CSV upload is imported by the task worker: the curator's page follows it with its
progress, then shows the report of every row, as for a small file; the records' history names
the curator, and the saved upload is removed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orgs.models import Organization
from tests.csv_helpers import ORGANIZATION_COLUMNS

pytestmark = pytest.mark.django_db

HEADER = ",".join(ORGANIZATION_COLUMNS) + "\n"
ROWS = (
    ",first-institute,첫째연구소,First Institute,,research_institute,,\n"
    ",second-institute,둘째연구소,Second Institute,,research_institute,,\n"
)


@pytest.fixture
def large(settings):
    settings.IMPORT_ROWS_PER_REQUEST = 1  # two rows: a large file


def upload(client, data: str, **options):
    return client.post(
        reverse("admin:orgs_organization_import"),
        {"file": SimpleUploadedFile("organizations.csv", data.encode()), **options},
    )


def test_a_large_upload_is_imported_by_a_task_and_reported_row_by_row(
    client, curator, large, run_tasks, settings
):
    client.force_login(curator)
    response = upload(client, HEADER + ROWS, commit="on")
    assert response.status_code == 302
    waiting = client.get(response.url)
    assert waiting.status_code == 200
    assert '<meta http-equiv="refresh" content="3">' in waiting.content.decode()
    assert "no-store" in waiting["Cache-Control"]
    assert not Organization.objects.filter(slug="first-institute").exists()

    run_tasks()

    done = client.get(response.url)
    page = done.content.decode()
    assert done.status_code == 200
    assert 'id="import-report"' in page and "첫째연구소" in page and "둘째연구소" in page
    assert "meta http-equiv" not in page
    imported = Organization.objects.get(slug="first-institute")
    assert imported.history.first().history_user == curator
    assert not list((settings.PREPARED_FILES_DIR / "uploads").iterdir())


def test_a_large_dry_run_saves_nothing(client, curator, large, run_tasks):
    client.force_login(curator)
    response = upload(client, HEADER + ROWS)
    run_tasks()
    page = client.get(response.url).content.decode()
    assert 'id="import-report"' in page
    assert not Organization.objects.filter(slug__in=["first-institute", "second-institute"])


def test_a_large_file_that_is_not_csv_is_refused_with_its_reason(client, curator, large, run_tasks):
    client.force_login(curator)
    response = upload(client, "no header here\nnor here\nnor here\n", commit="on")
    run_tasks()
    refused = client.get(response.url)
    assert refused.status_code == 400
    assert "errornote" in refused.content.decode()


def test_an_unknown_import_is_404(client, curator):
    client.force_login(curator)
    url = reverse(
        "admin:orgs_organization_import_status", args=["00000000-0000-0000-0000-000000000000"]
    )
    assert client.get(url).status_code == 404
