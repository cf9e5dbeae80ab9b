"""The organization import a chunk of rows at a time: the same outcomes as row by row, a number
of queries that does not grow with the rows, history and mentions kept, and two imports at
once never creating one organization twice."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bionet.lib.csv import CsvImporter
from news.models import NewsMention
from orgs import imports
from orgs.imports import OrganizationImporter, organizations_import
from orgs.models import Organization, OrganizationName, OrganizationRedirect
from tests.csv_helpers import csv_bytes
from tests.factories import NewsItemFactory, OrganizationFactory, OrganizationNameFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

HEADER = ["id", "slug", "name_ko", "name_en", "aliases", "kind", "region", "parent"]


def row(slug, name_ko, *, id="", name_en="", aliases="", kind="hospital", parent=""):
    return [id, slug, name_ko, name_en, aliases, kind, "seoul", parent]


def outcomes(report):
    return [(row.number, row.outcome, str(row.reason)) for row in report.rows]


def many_rows(count: int, *, start: int = 0) -> list[list]:
    """New organizations with aliases, every fifth naming the one before it as its parent."""
    return [
        row(
            f"org-{i}",
            f"연구원{i}",
            name_en=f"Institute {i}",
            aliases=f"INS{i} (acronym, en); 연{i} (short, ko)",
            parent=f"연구원{i - 1}" if i % 5 == 4 else "",
        )
        for i in range(start, start + count)
    ]


def queries_to_import(rows: list[list], **options) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = organizations_import(data=csv_bytes(HEADER, *rows), **options)
    assert not report.errors
    return len(queries)


# Queries ----------------------------------------------------------------------------------------


def test_it_imports_200_new_rows_in_about_the_queries_of_100():
    hundred = queries_to_import(many_rows(100), commit=True)
    two_hundred = queries_to_import(many_rows(200, start=100), commit=True)
    # One chunk either way. SQLite takes at most 999 values a statement, so the inserts of
    # 200 rows may need a few more statements than those of 100; nothing is asked per row
    # (row by row, 200 rows took over 5,000 queries).
    assert two_hundred <= hundred + 10
    assert two_hundred < 60
    assert Organization.objects.filter(slug__startswith="org-").count() == 300


def test_it_updates_200_rows_in_about_the_queries_of_100():
    organizations_import(data=csv_bytes(HEADER, *many_rows(300)), commit=True)
    ids = dict(Organization.objects.values_list("slug", "pk"))

    def changed(rows):
        # A new English name and one alias fewer for each: organizations, aliases, history.
        return [
            [ids[r[1]], r[1], r[2], r[3] + " (renamed)", r[4].split(";")[0], *r[5:]] for r in rows
        ]

    rows = many_rows(300)
    hundred = queries_to_import(changed(rows[:100]), commit=True)
    two_hundred = queries_to_import(changed(rows[100:]), commit=True)
    assert two_hundred <= hundred + 10
    assert two_hundred < 60
    assert Organization.objects.get(slug="org-250").name_en == "Institute 250 (renamed)"
    assert list(Organization.objects.get(slug="org-250").names.values_list("name", flat=True)) == [
        "INS250"
    ]


# The same outcomes as one row at a time --------------------------------------------------------


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(CsvImporter, "chunk_size", 2)


def test_a_name_on_two_new_rows_is_refused_on_the_second_even_in_one_chunk():
    data = csv_bytes(
        HEADER,
        row("snuh", "서울대학교병원", name_en="SNUH"),
        row("snuh-2", "서울대학교 병원", name_en="snuh"),
        row("snuh-3", "서울대학교병원"),
    )
    report = organizations_import(data=data, commit=True)
    assert outcomes(report) == [
        (2, "new", ""),
        (3, "error", "duplicate"),
        (4, "error", "duplicate"),
    ]
    assert report.rows[1].detail == "snuh is already in the directory (snuh)"
    assert report.rows[2].detail == "서울대학교병원 is already in the directory (snuh)"


def test_a_slug_on_two_new_rows_is_refused_on_the_second_with_the_models_message():
    data = csv_bytes(HEADER, row("snuh", "서울대학교병원"), row("snuh", "서울대병원 본원"))
    report = organizations_import(data=data, commit=True)
    assert outcomes(report)[1] == (3, "error", "duplicate")
    assert report.rows[1].detail == "slug: Organization with this Slug already exists."


def test_a_slug_freed_by_an_earlier_row_may_be_taken_by_a_later_one():
    khidi = OrganizationFactory(slug="khidi", name_ko="한국보건산업진흥원")
    data = csv_bytes(
        HEADER,
        row("khidi-old", "한국보건산업진흥원", id=khidi.pk, kind="public_agency"),
        row("khidi", "새 진흥원", kind="public_agency"),
    )
    report = organizations_import(data=data, commit=True)
    assert outcomes(report) == [(2, "updated", ""), (3, "new", "")]
    assert OrganizationRedirect.objects.get(old_slug="khidi").organization == khidi
    assert Organization.objects.get(slug="khidi").name_ko == "새 진흥원"


@pytest.mark.parametrize("chunks", ["one chunk", "chunks of two"])
def test_parents_on_earlier_and_later_rows_and_in_other_chunks_are_linked(chunks, monkeypatch):
    if chunks == "chunks of two":
        monkeypatch.setattr(CsvImporter, "chunk_size", 2)
    data = csv_bytes(
        HEADER,
        row("ewha", "이화여자대학교", kind="university"),
        row("ewha-mc", "이화여자대학교 의료원", parent="이화여자대학교"),
        row("ewha-seoul", "이화여자대학교 서울병원", parent="ewha-mc"),
        row("ewha-mokdong", "이화여자대학교 목동병원", parent="이대의료원"),
        row("other", "다른병원", parent="ewha"),
        row("ewha-mc-2", "이대 의료원 분원", aliases="이대의료원 (short, ko)", parent="ewha"),
    )
    report = organizations_import(data=data, commit=True)
    assert [row.outcome for row in report.rows] == ["new"] * 6
    parents = dict(Organization.objects.values_list("slug", "parent__slug"))
    assert parents == {
        "ewha": None,
        "ewha-mc": "ewha",
        "ewha-seoul": "ewha-mc",
        "ewha-mokdong": "ewha-mc-2",
        "other": "ewha",
        "ewha-mc-2": "ewha",
    }


def test_a_parent_on_a_later_row_of_the_chunk_is_in_the_first_history_record():
    data = csv_bytes(
        HEADER,
        row("ewha-mc", "이화여자대학교 의료원", parent="ewha"),
        row("ewha", "이화여자대학교", kind="university"),
    )
    report = organizations_import(data=data, commit=True)
    assert [row.outcome for row in report.rows] == ["new", "new"]
    ewha = Organization.objects.get(slug="ewha")
    medical = Organization.objects.get(slug="ewha-mc")
    assert [(record.history_type, record.parent_id) for record in medical.history.all()] == [
        ("+", ewha.pk)
    ]


def test_a_parent_on_a_later_row_is_linked_when_its_chunk_is_written_row_by_row(monkeypatch):
    """A row the database refuses makes its chunk be written again a row at a time: the row
    naming a later row as its parent is then created before its parent, and linked after."""
    prepare = OrganizationImporter.prepare
    finish = OrganizationImporter.finish
    parents = {}

    def prepare_then_someone_saves(self, rows):
        prepare(self, rows)
        if not Organization.objects.filter(slug="kribb").exists():
            OrganizationFactory(slug="kribb", name_ko="먼저 저장된 기관")

    def finish_then_look(self):
        outcomes = finish(self)
        organizations = Organization.objects.filter(slug__startswith="ewha")
        parents.update(organizations.values_list("slug", "parent__slug"))
        return outcomes

    monkeypatch.setattr(OrganizationImporter, "prepare", prepare_then_someone_saves)
    monkeypatch.setattr(OrganizationImporter, "finish", finish_then_look)
    data = csv_bytes(
        HEADER,
        row("ewha-mc", "이화여자대학교 의료원", parent="ewha"),
        row("kribb", "한국생명공학연구원"),
        row("ewha", "이화여자대학교", kind="university"),
    )
    report = organizations_import(data=data, commit=False)
    assert outcomes(report) == [(2, "new", ""), (3, "error", "duplicate"), (4, "new", "")]
    assert parents == {"ewha-mc": "ewha", "ewha": None}


def test_a_parent_that_would_make_a_loop_is_refused_on_the_row_closing_it(small_chunks):
    university = OrganizationFactory(slug="univ", name_ko="대학교")
    hospital = OrganizationFactory(slug="hosp", name_ko="대학병원", parent=university)
    data = csv_bytes(
        HEADER,
        row("center", "센터", parent="hosp"),
        row("other", "다른기관"),
        row("univ", "대학교", id=university.pk, kind="university", parent="center"),
    )
    report = organizations_import(data=data, commit=True)
    assert outcomes(report)[2] == (4, "error", "invalid value")
    assert report.rows[2].detail == "parent: An organization cannot be its own ancestor."
    assert not report.committed
    hospital.refresh_from_db()
    assert hospital.parent == university


def test_an_alias_given_twice_in_two_kinds_is_refused_with_the_models_message():
    data = csv_bytes(HEADER, row("snuh", "서울대학교병원", aliases="SNUH (acronym); SNUH (short)"))
    report = organizations_import(data=data, commit=True)
    assert outcomes(report) == [(2, "error", "invalid value")]
    assert report.rows[0].detail == "This organization already has this name."


def test_a_row_the_database_refuses_when_written_is_a_duplicate_row_not_an_error_page(
    monkeypatch,
):
    """Another import saving the same slug between this chunk's lookups and its writes: the
    unique index refuses the insert, and the row says why."""
    prepare = OrganizationImporter.prepare

    def prepare_then_someone_saves(self, rows):
        prepare(self, rows)
        if not Organization.objects.filter(slug="kribb").exists():
            OrganizationFactory(slug="kribb", name_ko="먼저 저장된 기관")

    monkeypatch.setattr(OrganizationImporter, "prepare", prepare_then_someone_saves)
    data = csv_bytes(
        HEADER, row("snuh", "서울대학교병원"), row("kribb", "한국생명공학연구원"), row("x", "엑스")
    )
    report = organizations_import(data=data, commit=True)
    assert outcomes(report) == [(2, "new", ""), (3, "error", "duplicate"), (4, "new", "")]
    assert report.rows[1].detail == "Organization with this Slug already exists."
    assert not report.committed
    assert not Organization.objects.filter(slug="snuh").exists()


# What saving one by one did besides -------------------------------------------------------------


def test_history_records_who_created_changed_and_removed_what(admin_client, admin_user):
    khidi = OrganizationFactory(slug="khidi", name_ko="한국보건산업진흥원")
    OrganizationNameFactory(organization=khidi, name="보산진", kind="short", language="ko")
    data = csv_bytes(
        HEADER,
        row("khidi", "한국보건산업진흥원", id=khidi.pk, kind="public_agency", aliases="KHIDI"),
        row("snuh", "서울대학교병원", aliases="SNUH (acronym, en)"),
    )
    response = admin_client.post(
        reverse("admin:orgs_organization_import"),
        {"file": SimpleUploadedFile("organizations.csv", data, "text/csv"), "commit": "on"},
    )
    assert response.context["report"].committed
    snuh = Organization.objects.get(slug="snuh")
    latest = khidi.history.first()
    assert (latest.history_type, latest.kind, latest.history_user) == (
        "~",
        "public_agency",
        admin_user,
    )
    assert [(h.history_type, h.history_user) for h in snuh.history.all()] == [("+", admin_user)]
    aliases = OrganizationName.history.order_by("history_id")
    assert [(h.name, h.history_type, h.history_user) for h in aliases][-3:] == [
        ("보산진", "-", admin_user),
        ("KHIDI", "+", admin_user),
        ("SNUH", "+", admin_user),
    ]


def test_new_names_are_searched_and_found_in_the_news_once_committed():
    news_item = NewsItemFactory(body="서울대학교병원과 SNUH 연구진이 협약을 맺었다.")
    data = csv_bytes(HEADER, row("snuh", "서울대학교병원", aliases="SNUH (acronym, en)"))
    organizations_import(data=data, commit=False)
    assert not NewsMention.objects.exists()
    organizations_import(data=data, commit=True)
    snuh = Organization.objects.get(slug="snuh")
    assert Organization.objects.search("SNUH").get() == snuh
    mentions = NewsMention.objects.filter(news_item=news_item, organization=snuh)
    assert sorted(mentions.values_list("text", flat=True)) == ["SNUH", "서울대학교병원"]


def test_a_renamed_organization_is_found_by_its_new_name_only():
    news_item = NewsItemFactory(body="생명연은 한국생명공학연구원의 약칭이다.")
    data = csv_bytes(HEADER, row("kribb", "생명연", kind="research_institute"))
    organizations_import(data=data, commit=True)
    assert list(NewsMention.objects.values_list("text", flat=True)) == ["생명연"]
    kribb = Organization.objects.get(slug="kribb")
    data = csv_bytes(
        HEADER, row("kribb", "한국생명공학연구원", id=kribb.pk, kind="research_institute")
    )
    organizations_import(data=data, commit=True)
    assert list(news_item.mentions.values_list("text", flat=True)) == ["한국생명공학연구원"]
    assert list(Organization.objects.search("생명연")) == []


def test_progress_is_told_before_the_first_chunk_and_after_each(monkeypatch):
    monkeypatch.setattr(CsvImporter, "chunk_size", 2)
    calls = []
    data = csv_bytes(HEADER, *many_rows(5))
    organizations_import(data=data, commit=True, progress=lambda *args: calls.append(args))
    assert calls == [(0, 5), (2, 5), (4, 5), (5, 5)]


# Two imports at once ----------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="names are locked on PostgreSQL")
def test_an_import_locks_the_names_of_its_new_rows_before_looking_any_up(monkeypatch):
    locked = []
    monkeypatch.setattr(imports, "lock_names", lambda names: locked.append(sorted(names)))
    khidi = OrganizationFactory(slug="khidi")
    data = csv_bytes(
        HEADER,
        row("snuh", "서울대학교병원", name_en="SNUH", aliases="서울대병원 (short, ko)"),
        row("khidi", "다른이름", id=khidi.pk),
    )
    organizations_import(data=data, commit=True)
    # The new row's names only: an update's are not checked for duplicates.
    assert locked == [["SNUH", "snuh", "서울대병원", "서울대학교병원"]]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite lets one transaction write at a time"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_at_once_create_one_organization_and_refuse_the_other():
    """Two real transactions on two connections, both inside their import before either
    looks the name up: without the lock both find it free and both create it."""
    both_started = threading.Barrier(2, timeout=30)
    reports, failures = {}, []

    def run(slug):
        try:
            data = csv_bytes(HEADER, row(slug, "한국보건산업진흥원", kind="public_agency"))
            reports[slug] = organizations_import(
                data=data, commit=True, progress=lambda done, total: done or both_started.wait()
            )
        except Exception as error:  # reported below: a thread's exception is otherwise lost
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(slug,)) for slug in ("khidi", "khidi-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert Organization.objects.filter(name_ko="한국보건산업진흥원").count() == 1
    saved = Organization.objects.get(name_ko="한국보건산업진흥원").slug
    refused = reports["khidi-2" if saved == "khidi" else "khidi"]
    assert [(row.outcome, str(row.reason)) for row in refused.rows] == [("error", "duplicate")]
    assert refused.rows[0].detail == f"한국보건산업진흥원 is already in the directory ({saved})"
    assert reports[saved].committed
