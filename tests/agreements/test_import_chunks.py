"""The agreement import a chunk of rows at a time: queries that do not grow with the rows, the
same refusals as row by row, and the history saving one by one wrote."""

import re

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from agreements.imports import AgreementImporter, agreements_import
from agreements.models import Agreement, AgreementParty
from bionet.lib.csv import CsvImporter
from tests.csv_helpers import AGREEMENT_COLUMNS, csv_bytes
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    NewsItemFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def directory():
    organizations = [
        OrganizationFactory(slug=f"org-{i}", name_ko=f"기관{i}", name_en=f"Org {i}")
        for i in range(10)
    ]
    for organization in organizations:
        OrganizationNameFactory(organization=organization, name=f"O{organization.slug[4:]}")
    ClusterFactory(slug="osong", name_ko="오송첨단의료복합단지", name_en="Osong")
    news = [
        NewsItemFactory(outlet="약업신문", title=f"기사 {i}", url=f"https://news.example/{i}")
        for i in range(10)
    ]
    return organizations, news


def source(news_item, *, by_url=True):
    url = news_item.url if by_url else ""
    return f"{news_item.outlet} | {news_item.published_on} | {news_item.title} | {url}"


def agreement_rows(news, count, *, start=0, ids=None):
    """Agreements of two or three parties named by Korean name, slug and alias."""
    rows = []
    for i in range(start, start + count):
        parties = f"기관{i % 10} (signatory); org-{(i + 1) % 10} (signatory)"
        if i % 2:
            parties += f"; O{(i + 2) % 10} (supporter)"
        rows.append(
            [
                ids[i] if ids else "",
                f"협약 {i}",
                "mou",
                f"2024-{i % 12 + 1:02d}",
                "",
                "오송첨단의료복합단지" if i % 3 == 0 else "",
                parties,
                source(news[i % 10], by_url=i % 4 != 0),
            ]
        )
    return rows


def queries_to_import(rows) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = agreements_import(data=csv_bytes(AGREEMENT_COLUMNS, *rows), commit=True)
    assert not report.errors, report.errors[:3]
    return len(queries)


def test_it_imports_200_new_agreements_in_about_the_queries_of_100(directory):
    _, news = directory
    hundred = queries_to_import(agreement_rows(news, 100))
    two_hundred = queries_to_import(agreement_rows(news, 200, start=100))
    # One chunk either way; SQLite's 999 values a statement may split the inserts of 200
    # rows into a few more statements. Row by row, 200 rows took over 4,000 queries.
    assert two_hundred <= hundred + 10
    assert two_hundred < 50
    assert Agreement.objects.count() == 300
    agreement = Agreement.objects.get(title="협약 3")
    assert set(agreement.parties.values_list("organization__slug", "role")) == {
        ("org-3", "signatory"),
        ("org-4", "signatory"),
        ("org-5", "supporter"),
    }
    assert agreement.cluster.slug == "osong"
    assert list(agreement.sources.values_list("title", flat=True)) == ["기사 3"]


def test_it_updates_200_agreements_in_about_the_queries_of_100(directory):
    _, news = directory
    agreements_import(data=csv_bytes(AGREEMENT_COLUMNS, *agreement_rows(news, 300)), commit=True)
    ids = {int(title.split()[1]): pk for pk, title in Agreement.objects.values_list("pk", "title")}
    # Each moves to the next news item and swaps its parties for others.
    rows = agreement_rows(news, 300, start=0, ids=ids)
    for values in rows:
        values[6] = values[6].replace("(signatory)", "(member)")
        values[7] = source(news[(int(values[1].split()[1]) + 1) % 10])
    hundred = queries_to_import(rows[:100])
    two_hundred = queries_to_import(rows[100:])
    assert two_hundred <= hundred + 10
    assert two_hundred < 50
    agreement = Agreement.objects.get(title="협약 3")
    assert set(agreement.parties.values_list("role", flat=True)) == {"member", "supporter"}
    assert list(agreement.sources.values_list("title", flat=True)) == ["기사 4"]


@pytest.mark.parametrize("chunk_size", [500, 1])  # one chunk, two chunks
def test_a_title_and_date_on_two_new_rows_are_refused_on_the_second(
    directory, chunk_size, monkeypatch
):
    monkeypatch.setattr(CsvImporter, "chunk_size", chunk_size)
    _, news = directory
    rows = agreement_rows(news, 2)
    rows[1][1], rows[1][3] = rows[0][1], rows[0][3]
    report = agreements_import(data=csv_bytes(AGREEMENT_COLUMNS, *rows), commit=True)
    assert [(row.outcome, str(row.reason)) for row in report.rows] == [
        ("new", ""),
        ("error", "duplicate"),
    ]
    # The first row's agreement is written to learn its id, then rolled back with the rest.
    assert re.fullmatch(
        r"the directory already has an agreement with this title and date \(id \d+\)",
        report.rows[1].detail,
    )
    assert not Agreement.objects.exists()


def renamed_then_new(news):
    """An agreement, and a file whose first row renames it and whose second is a new
    agreement of its old title and date."""
    existing = AgreementFactory(title="협약 0", date="2024-01-01", date_precision="month")
    rows = agreement_rows(news, 1, ids={0: existing.pk})
    rows[0][1] = "바뀐 협약"
    return existing, csv_bytes(AGREEMENT_COLUMNS, *rows, *agreement_rows(news, 1))


@pytest.mark.parametrize("chunk_size", [500, 1])
def test_an_agreement_renamed_by_an_earlier_row_no_longer_blocks_its_old_title(
    directory, chunk_size, monkeypatch
):
    monkeypatch.setattr(CsvImporter, "chunk_size", chunk_size)
    _, news = directory
    existing, data = renamed_then_new(news)
    report = agreements_import(data=data, commit=True)
    assert [row.outcome for row in report.rows] == ["updated", "new"]
    assert Agreement.objects.filter(title="협약 0").exclude(pk=existing.pk).exists()


def test_a_rename_the_database_refuses_still_blocks_the_old_title_on_later_rows(
    directory, monkeypatch
):
    monkeypatch.setattr(CsvImporter, "chunk_size", 1)
    write = AgreementImporter.write

    def refuse_the_rename(self, rows):
        if any(row.writes["agreement"].title == "바뀐 협약" for row in rows):
            raise IntegrityError("refused")
        write(self, rows)

    monkeypatch.setattr(AgreementImporter, "write", refuse_the_rename)
    _, news = directory
    existing, data = renamed_then_new(news)
    report = agreements_import(data=data, commit=True)
    assert [(row.outcome, str(row.reason)) for row in report.rows] == [
        ("error", "duplicate"),
        ("error", "duplicate"),
    ]
    assert f"(id {existing.pk})" in report.rows[1].detail
    assert list(Agreement.objects.values_list("title", flat=True)) == ["협약 0"]


def test_history_has_each_agreement_with_its_sources_and_its_parties_comings_and_goings(
    directory,
):
    organizations, news = directory
    agreement = AgreementFactory(title="기존 협약", sources=[news[0]])
    leaving = AgreementPartyFactory(agreement=agreement, organization=organizations[0])
    AgreementPartyFactory(agreement=agreement, organization=organizations[1], role="signatory")
    rows = [
        [
            agreement.pk,
            "기존 협약",
            "mou",
            "2024-01-02",
            "day",
            "",
            "org-1 (signatory); org-2 (signatory)",
            source(news[1]),
        ],
        agreement_rows(news, 1)[0],
    ]
    report = agreements_import(data=csv_bytes(AGREEMENT_COLUMNS, *rows), commit=True)
    assert [row.outcome for row in report.rows] == ["updated", "new"]
    latest = agreement.history.first()
    assert latest.history_type == "~"
    assert [s.newsitem for s in latest.sources.all()] == [news[1]]
    created = Agreement.objects.get(title="협약 0").history.get()
    assert created.history_type == "+"
    assert [s.newsitem for s in created.sources.all()] == [news[0]]
    gone = AgreementParty.history.get(id=leaving.pk, history_type="-")
    assert gone.organization_id == organizations[0].pk
    assert AgreementParty.history.filter(agreement_id=agreement.pk, history_type="+").count() == 3
