"""Curators' CSV import: dry run, all-or-nothing commit, a reason for every refused row."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from agreements.imports import agreements_import
from agreements.models import Agreement, AgreementParty
from bionet.lib.csv import MAX_UPLOAD_BYTES, CsvFileError
from clusters.models import Cluster
from news.models import NewsItem
from orgs.imports import organizations_import
from orgs.models import Organization, OrganizationName
from tests.csv_helpers import AGREEMENT_COLUMNS as AGREEMENT_HEADER
from tests.csv_helpers import ORGANIZATION_COLUMNS as ORG_HEADER
from tests.csv_helpers import csv_bytes
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    NewsItemFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

# Row reasons and file errors are checked in their English wording.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def org_row(slug, name_ko, *, id="", name_en="", aliases="", kind="hospital", parent=""):
    return [id, slug, name_ko, name_en, aliases, kind, "seoul", parent]


def outcomes(report):
    return [(row.number, row.outcome, str(row.reason)) for row in report.rows]


@pytest.fixture
def news():
    return NewsItemFactory(outlet="약업신문", title="보산진, 바이오 스타트업 지원", url="")


@pytest.fixture
def khidi():
    khidi = OrganizationFactory(name_ko="한국보건산업진흥원", slug="khidi")
    OrganizationNameFactory(organization=khidi, name="보산진", kind="short", language="ko")
    return khidi


def agreement_row(title, parties, news, *, id="", date="2024-11-07", precision="day", cluster=""):
    source = f"{news.outlet} | {news.published_on} | {news.title} | {news.url}"
    return [id, title, "mou", date, precision, cluster, parties, source]


def test_it_reports_a_dry_run_row_by_row_and_saves_nothing(khidi):
    data = csv_bytes(
        ORG_HEADER,
        org_row("snuh", "서울대학교병원", aliases="서울대병원 (short, ko); SNUH"),
        org_row("khidi", "한국보건산업진흥원", id=khidi.pk, kind="public_agency"),
        org_row("khidi", "한국보건산업진흥원", id=khidi.pk, kind="public_agency"),
    )
    report = organizations_import(data=data, commit=False)
    assert outcomes(report)[:2] == [(2, "new", ""), (3, "updated", "")]
    assert outcomes(report)[2] == (4, "error", "duplicate")
    assert not report.committed
    assert not Organization.objects.filter(slug="snuh").exists()
    assert Organization.objects.get(pk=khidi.pk).kind == "research_institute"


def test_it_commits_new_updated_and_unchanged_rows(khidi):
    unchanged = OrganizationFactory(slug="kribb", name_ko="한국생명공학연구원", kind="hospital")
    data = csv_bytes(
        ORG_HEADER,
        org_row("snuh", "서울대학교병원", aliases="서울대병원 (short, ko); SNUH (acronym, en)"),
        org_row("khidi", "한국보건산업진흥원", id=khidi.pk, kind="public_agency", parent="snuh"),
        org_row("kribb", "한국생명공학연구원", id=unchanged.pk, name_en=unchanged.name_en),
    )
    report = organizations_import(data=data, commit=True)
    assert outcomes(report) == [(2, "new", ""), (3, "updated", ""), (4, "unchanged", "")]
    assert report.committed
    snuh = Organization.objects.get(slug="snuh")
    assert set(snuh.names.values_list("name", "kind", "language")) == {
        ("서울대병원", "short", "ko"),
        ("SNUH", "acronym", "en"),
    }
    khidi.refresh_from_db()
    assert (khidi.kind, khidi.parent) == ("public_agency", snuh)
    # The alias the row no longer lists is gone.
    assert not khidi.names.exists()


def test_it_links_a_parent_that_a_later_row_creates():
    data = csv_bytes(
        ORG_HEADER,
        org_row("ewha-hospital", "이화여자대학교 의료원", parent="이화여대"),
        org_row("ewha", "이화여자대학교", aliases="이화여대 (short, ko)", kind="university"),
    )
    report = organizations_import(data=data, commit=True)
    assert [row.outcome for row in report.rows] == ["new", "new"]
    assert Organization.objects.get(slug="ewha-hospital").parent.slug == "ewha"


def test_it_saves_nothing_when_one_row_of_a_commit_fails(khidi):
    data = csv_bytes(
        ORG_HEADER,
        org_row("snuh", "서울대학교병원"),
        org_row("khidi", "새 이름", id=khidi.pk),
        org_row("bad", "잘못된 기관", kind="spaceship"),
    )
    report = organizations_import(data=data, commit=True)
    assert outcomes(report)[2] == (4, "error", "invalid value")
    assert not report.committed
    assert not Organization.objects.filter(slug="snuh").exists()
    assert Organization.objects.get(pk=khidi.pk).name_ko == "한국보건산업진흥원"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (org_row("", "이름만"), "missing value"),
        (org_row("new-one", ""), "missing value"),
        (org_row("khidi", "다른 이름"), "duplicate"),
        (org_row("other", "보산진"), "duplicate"),
        (org_row("x", "엑스", id="999999"), "unknown id"),
        (org_row("x", "엑스", id="abc"), "invalid value"),
        (org_row("x", "엑스", parent="없는기관"), "unknown organization"),
    ],
)
def test_it_names_the_reason_an_organization_row_is_refused(khidi, row, reason):
    report = organizations_import(data=csv_bytes(ORG_HEADER, row), commit=True)
    assert [(row.outcome, str(row.reason)) for row in report.rows] == [("error", reason)]
    assert Organization.objects.count() == 1


def test_it_creates_an_agreement_matching_parties_by_alias_slug_and_name(khidi, news):
    seoul = OrganizationFactory(name_ko="서울특별시", slug="seoul")
    bms = OrganizationFactory(name_ko="한국BMS제약", slug="bms-korea")
    ClusterFactory(slug="seoul-bio-hub", name_ko="서울바이오허브")
    parties = "보산진 (signatory); seoul (signatory); 한국BMS제약 (supporter)"
    data = csv_bytes(
        AGREEMENT_HEADER,
        agreement_row(
            "공동의향서", parties, news, date="2024-01", precision="", cluster="서울바이오허브"
        ),
    )
    report = agreements_import(data=data, commit=True)
    assert outcomes(report) == [(2, "new", "")]
    agreement = Agreement.objects.get(title="공동의향서")
    assert (agreement.date.isoformat(), agreement.date_precision) == ("2024-01-01", "month")
    assert agreement.cluster.slug == "seoul-bio-hub"
    assert set(agreement.parties.values_list("organization__slug", "role")) == {
        ("khidi", "signatory"),
        ("seoul", "signatory"),
        ("bms-korea", "supporter"),
    }
    assert list(agreement.sources.all()) == [news]
    assert seoul in agreement.organizations.all() and bms in agreement.organizations.all()


def test_it_updates_an_agreement_by_id_replacing_its_parties(khidi, news):
    agreement = AgreementFactory(title="협약", sources=[news])
    AgreementPartyFactory(agreement=agreement, organization=khidi)
    AgreementPartyFactory(agreement=agreement)
    seoul = OrganizationFactory(slug="seoul")
    data = csv_bytes(
        AGREEMENT_HEADER,
        agreement_row("바뀐 협약", "khidi (chair); seoul (member)", news, id=agreement.pk),
    )
    report = agreements_import(data=data, commit=True)
    assert outcomes(report) == [(2, "updated", "")]
    agreement.refresh_from_db()
    assert agreement.title == "바뀐 협약"
    assert set(agreement.parties.values_list("organization", "role")) == {
        (khidi.pk, "chair"),
        (seoul.pk, "member"),
    }


@pytest.mark.parametrize(
    ("title", "parties", "date", "reason"),
    [
        ("협약", "없는기관 (signatory); khidi (signatory)", "2024-11-07", "unknown organization"),
        ("협약", "seoul (signatory); khidi (signatory)", "2024-13-45", "bad date"),
        ("협약", "seoul (signatory); khidi (signatory)", "어제", "bad date"),
        ("", "seoul (signatory); khidi (signatory)", "2024-11-07", "missing value"),
        ("협약", "khidi (signatory)", "2024-11-07", "missing value"),
        ("협약", "seoul; khidi (signatory)", "2024-11-07", "missing value"),
        ("협약", "seoul (king); khidi (signatory)", "2024-11-07", "invalid value"),
        ("기존 협약", "seoul (signatory); khidi (signatory)", "2022-03-11", "duplicate"),
    ],
)
def test_it_names_the_reason_an_agreement_row_is_refused(khidi, news, title, parties, date, reason):
    OrganizationFactory(slug="seoul")
    AgreementFactory(title="기존 협약", date="2022-03-11")
    data = csv_bytes(AGREEMENT_HEADER, agreement_row(title, parties, news, date=date))
    report = agreements_import(data=data, commit=True)
    assert [(row.outcome, str(row.reason)) for row in report.rows] == [("error", reason)]
    assert Agreement.objects.count() == 1


def test_it_refuses_an_agreement_citing_an_unknown_news_item(khidi):
    OrganizationFactory(slug="seoul")
    data = csv_bytes(
        AGREEMENT_HEADER,
        [
            "",
            "협약",
            "mou",
            "",
            "",
            "",
            "seoul (signatory); khidi (host)",
            "없는신문 |  | 없는 기사 | ",
        ],
    )
    report = agreements_import(data=data, commit=True)
    assert [str(row.reason) for row in report.rows] == ["unknown news item"]


def test_it_rolls_back_every_agreement_when_one_row_fails(khidi, news):
    OrganizationFactory(slug="seoul")
    data = csv_bytes(
        AGREEMENT_HEADER,
        agreement_row("첫 협약", "seoul (signatory); khidi (signatory)", news),
        agreement_row("둘째 협약", "seoul (signatory); 모르는곳 (signatory)", news),
    )
    report = agreements_import(data=data, commit=True)
    assert [row.outcome for row in report.rows] == ["new", "error"]
    assert not Agreement.objects.exists()
    assert not AgreementParty.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00i\x00d", "UTF-8"),
        (b"id,slug\n1,khidi\n", "name_ko"),
        (b"", "empty"),
        (b'id,slug,name_ko,kind\n1,"unterminated\n', "CSV"),
        (b"x" * (MAX_UPLOAD_BYTES + 1), "MB"),
    ],
)
def test_it_refuses_a_file_it_cannot_read_with_a_clear_error(data, message):
    with pytest.raises(CsvFileError, match=message):
        organizations_import(data=data, commit=True)


def test_it_reports_a_row_with_too_many_cells_as_malformed():
    data = b"slug,name_ko,kind\nsnuh,\xec\x84\x9c\xec\x9a\xb8,hospital,extra\n"
    report = organizations_import(data=data, commit=True)
    assert [(row.number, str(row.reason)) for row in report.rows] == [(2, "malformed row")]


def test_it_imports_a_neutralized_formula_back_as_its_text():
    data = csv_bytes(ORG_HEADER, org_row("x", "엑스", name_en='\'=HYPERLINK("http://x","y")'))
    organizations_import(data=data, commit=True)
    assert Organization.objects.get(slug="x").name_en == '=HYPERLINK("http://x","y")'


# The admin page and the management command -------------------------------------------------


def upload(client, data, **fields):
    return client.post(
        reverse("admin:orgs_organization_import"),
        {"file": SimpleUploadedFile("organizations.csv", data, "text/csv"), **fields},
    )


def test_the_admin_page_shows_each_rows_outcome_of_a_dry_run(admin_client, khidi):
    data = csv_bytes(ORG_HEADER, org_row("snuh", "서울대학교병원"), org_row("", "이름만"))
    response = upload(admin_client, data)
    assert response.status_code == 200
    report = response.context["report"]
    assert [(row.outcome, str(row.reason)) for row in report.rows] == [
        ("new", ""),
        ("error", "missing value"),
    ]
    assert "서울대학교병원" in response.content.decode()
    assert not Organization.objects.filter(slug="snuh").exists()


def test_the_admin_page_commits_a_clean_file(admin_client):
    data = csv_bytes(ORG_HEADER, org_row("snuh", "서울대학교병원"))
    response = upload(admin_client, data, commit="on")
    assert response.context["report"].committed
    assert Organization.objects.filter(slug="snuh").exists()


def test_the_admin_page_refuses_a_non_utf8_file_with_a_400(admin_client):
    response = upload(admin_client, "slug,name_ko,kind\nsnuh,서울,hospital\n".encode("cp949"))
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("slug,name_ko,kind\nsnuh,서울\x00대학교병원,hospital\n".encode(), "not a CSV text file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64, "UTF-8"),
        (b"slug,name_ko,kind\n" + b"snuh,x,hospital\n" * (20 * 1024 * 1024 // 16), "5 MB"),
    ],
)
def test_the_admin_page_refuses_a_binary_or_oversized_upload_with_a_400(
    admin_client, data, message
):
    response = upload(admin_client, data, commit="on")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Organization.objects.filter(slug="snuh").exists()


def test_the_changelists_link_the_import_page(admin_client):
    for name in ("orgs_organization", "agreements_agreement"):
        response = admin_client.get(reverse(f"admin:{name}_changelist"))
        assert reverse(f"admin:{name}_import") in response.content.decode()


def test_staff_without_add_permission_can_neither_see_nor_open_the_import(client):
    viewer = User.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_organization"),
        Permission.objects.get(codename="change_organization"),
    )
    client.force_login(viewer)
    changelist = client.get(reverse("admin:orgs_organization_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:orgs_organization_import") not in changelist.content.decode()
    data = csv_bytes(ORG_HEADER, org_row("snuh", "서울대학교병원"))
    assert upload(client, data, commit="on").status_code == 403
    assert not Organization.objects.filter(slug="snuh").exists()


def test_the_command_dry_runs_then_commits(tmp_path, capsys):
    path = tmp_path / "organizations.csv"
    path.write_bytes(csv_bytes(ORG_HEADER, org_row("snuh", "서울대학교병원")))
    call_command("import_csv", "organizations", str(path))
    assert "row 2" in capsys.readouterr().out
    assert not Organization.objects.exists()
    call_command("import_csv", "organizations", str(path), "--commit")
    assert Organization.objects.get().slug == "snuh"


def test_the_command_fails_and_saves_nothing_on_a_bad_row(tmp_path):
    path = tmp_path / "organizations.csv"
    path.write_bytes(csv_bytes(ORG_HEADER, org_row("snuh", "서울대학교병원"), org_row("", "x")))
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_csv", "organizations", str(path), "--commit")
    assert not Organization.objects.exists()


# Round trip -----------------------------------------------------------------------------------


def snapshot():
    """Every record the two CSV files carry, by natural keys rather than ids."""
    organizations = {
        org.slug: (
            org.name_ko,
            org.name_en,
            org.kind,
            org.region,
            org.parent.slug if org.parent else "",
            org.website,
            org.ror_id,
            org.wikidata_qid,
            frozenset(org.names.values_list("name", "kind", "language")),
        )
        for org in Organization.objects.select_related("parent")
    }
    agreements = {
        (agreement.title, agreement.date): (
            agreement.title_en,
            agreement.kind,
            agreement.status,
            agreement.date_precision,
            agreement.date_stated,
            agreement.date_basis,
            agreement.place,
            agreement.summary,
            agreement.cluster.slug if agreement.cluster else "",
            frozenset(agreement.parties.values_list("organization__slug", "role")),
            frozenset(agreement.sources.values_list("title", flat=True)),
        )
        for agreement in Agreement.objects.select_related("cluster")
    }
    return organizations, agreements


def test_exporting_everything_and_importing_it_into_an_empty_database_gives_the_same_records(
    seed, client
):
    before = snapshot()
    organizations_csv = b"".join(client.get(reverse("orgs:organization_export")).streaming_content)
    agreements_csv = b"".join(client.get(reverse("agreements:agreement_export")).streaming_content)

    # An empty directory holding only what the two files cite: news items and clusters.
    Agreement.objects.all().delete()
    Cluster.objects.all().delete()
    Organization.objects.update(parent=None)
    Organization.objects.all().delete()
    assert not OrganizationName.objects.exists()
    fixture = json.loads(Path("tests/data/seed.json").read_text())
    for record in fixture:
        if record["model"] == "clusters.cluster":
            Cluster.objects.create(pk=record["pk"], **{**record["fields"], "operator": None})
    assert NewsItem.objects.count() == 5

    report = organizations_import(data=organizations_csv, commit=True, ignore_ids=True)
    assert report.summary() == {"new": 34, "updated": 0, "unchanged": 0, "error": 0}
    report = agreements_import(data=agreements_csv, commit=True, ignore_ids=True)
    assert report.summary() == {"new": 7, "updated": 0, "unchanged": 0, "error": 0}
    assert snapshot() == before


def test_importing_an_unchanged_export_changes_nothing(seed, client):
    agreements_csv = b"".join(client.get(reverse("agreements:agreement_export")).streaming_content)
    organizations_csv = b"".join(client.get(reverse("orgs:organization_export")).streaming_content)
    assert organizations_import(data=organizations_csv, commit=True).summary()["unchanged"] == 34
    assert agreements_import(data=agreements_csv, commit=True).summary()["unchanged"] == 7
