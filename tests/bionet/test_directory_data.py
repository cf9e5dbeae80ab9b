"""Loading the curated directory data: an empty database gets everything, a database with
curated changes keeps every change, and loading twice changes nothing."""

import copy
import datetime
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement, AgreementParty
from bionet.directory_data import directory_load
from bionet.models import LoadedRecord
from clusters.models import Cluster, ClusterMembership
from news.models import NewsItem
from orgs.models import Organization, OrganizationName
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    NewsItemFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DIRECTORY = ROOT / "fixtures" / "directory.json"
MODELS = [
    Organization,
    OrganizationName,
    Cluster,
    ClusterMembership,
    NewsItem,
    Agreement,
    AgreementParty,
]

DATA = {
    "organizations": [
        {
            "slug": "alpha-institute",
            "name_ko": "알파연구원",
            "name_en": "Alpha Institute",
            "kind": "research_institute",
            "region": "daejeon",
            "parent": None,
            "website": "https://alpha.example.kr/",
            "description": "생명공학 연구기관.",
            "aliases": [
                {"name": "알파연", "kind": "short", "language": "ko"},
                {"name": "AI", "kind": "acronym", "language": "en"},
            ],
        },
        # Before its parent in the file: the loader creates the parent first.
        {
            "slug": "beta-hospital",
            "name_ko": "베타대학교병원",
            "name_en": "",
            "kind": "hospital",
            "region": "seoul",
            "parent": "beta-university",
            "website": "",
            "description": "",
            "aliases": [],
        },
        {
            "slug": "beta-university",
            "name_ko": "베타대학교",
            "name_en": "Beta University",
            "kind": "university",
            "region": "seoul",
            "parent": None,
            "website": "",
            "description": "",
            "aliases": [],
        },
        {
            "slug": "gamma-foundation",
            "name_ko": "감마진흥재단",
            "name_en": "Gamma Foundation",
            "kind": "public_agency",
            "region": "chungbuk",
            "parent": None,
            "website": "",
            "description": "",
            "aliases": [],
        },
    ],
    "clusters": [
        {
            "slug": "gamma-valley",
            "name_ko": "감마밸리",
            "name_en": "Gamma Valley",
            "kind": "bio_cluster",
            "region": "chungbuk",
            "city": "청주시",
            "latitude": 36.637,
            "longitude": 127.329,
            "founded_year": 2015,
            "founded_basis": "2015년 지정 (news-20240102-beta-gamma)",
            "operators": ["gamma-foundation"],
            "description_ko": "감마진흥재단이 운영하는 바이오 클러스터.",
            "description_en": "A bio cluster run by the Gamma Foundation.",
            "website": "",
            "members": [
                {"organization": "alpha-institute", "role": "resident", "note": "입주"},
            ],
            "sources": ["news-20240102-beta-gamma"],
        }
    ],
    "sources": [
        {
            "key": "news-20240102-alpha-beta",
            "outlet": "바이오신문",
            "title": "알파연구원-베타대학교 업무협약",
            "published_on": "2024-01-02",
            "url": "https://news.example.kr/1",
            "reporter": "김기자",
        },
        {
            "key": "news-20240103-alpha-beta",
            "outlet": "과학일보",
            "title": "알파연, 베타대와 손잡아",
            "published_on": "2024-01-03",
            "url": "https://science.example.kr/2",
            "reporter": "",
        },
        {
            "key": "news-20240102-beta-gamma",
            "outlet": "바이오신문",
            "title": "감마밸리 협의체 출범",
            "published_on": "2024-02-05",
            "url": "https://news.example.kr/3",
            "reporter": "",
        },
    ],
    "agreements": [
        {
            "key": "2024-01-01-alpha-beta-mou",
            "title_ko": "알파연구원-베타대학교 업무협약",
            "title_en": "MOU between Alpha Institute and Beta University",
            "kind": "mou",
            "date": "2024-01-01",
            "date_precision": "day",
            "date_stated": "지난 1일",
            "date_basis": "기사 발행일(2024-01-02)의 ‘지난 1일’",
            "place": "알파연구원",
            "cluster": "gamma-valley",
            "status": "concluded",
            "summary_ko": "두 기관이 공동 연구에 협력하기로 했다.",
            "summary_en": "The two agreed to research together.",
            "parties": [
                {"organization": "alpha-institute", "role": "signatory", "note": "원장"},
                {"organization": "beta-university", "role": "signatory", "note": ""},
            ],
            "sources": ["news-20240102-alpha-beta", "news-20240103-alpha-beta"],
        },
        {
            "key": "2024-02-gamma-council",
            "title_ko": "감마밸리 협의체",
            "title_en": "Gamma Valley council",
            "kind": "council",
            "date": "2024-02-01",
            "date_precision": "month",
            "date_stated": "2월",
            "date_basis": "기사 발행일의 달",
            "place": "",
            "cluster": None,
            "status": "active",
            "summary_ko": "감마진흥재단이 의장을 맡은 협의체.",
            "summary_en": "A council chaired by the Gamma Foundation.",
            "parties": [
                {"organization": "gamma-foundation", "role": "chair", "note": ""},
                {"organization": "beta-hospital", "role": "member", "note": ""},
            ],
            "sources": ["news-20240102-beta-gamma"],
        },
    ],
}


def write(tmp_path, data=DATA) -> Path:
    path = tmp_path / "directory.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def counts():
    return [model.objects.count() for model in MODELS]


def timestamps():
    return [
        list(model.objects.order_by("pk").values_list("pk", "updated"))
        for model in (Organization, Cluster, NewsItem, Agreement)
    ]


def test_it_loads_everything_into_an_empty_database(tmp_path):
    report = directory_load(path=write(tmp_path))

    assert counts() == [4, 2, 1, 2, 3, 2, 4]
    assert report.counts["agreements"].created == 2
    assert report.counts["memberships"].created == 2
    assert report.skipped == []
    mou = Agreement.objects.get(title="알파연구원-베타대학교 업무협약")
    assert mou.is_published
    assert mou.cluster.slug == "gamma-valley"
    assert mou.summary_en == "The two agreed to research together."
    assert mou.parties.get(organization__slug="alpha-institute").role == "signatory"
    assert mou.parties.get(organization__slug="alpha-institute").note == "원장"
    assert {item.url for item in mou.sources.all()} == {
        "https://news.example.kr/1",
        "https://science.example.kr/2",
    }
    council = Agreement.objects.get(kind="council")
    assert (council.date, council.date_precision) == (datetime.date(2024, 2, 1), "month")
    alpha = Organization.objects.get(slug="alpha-institute")
    assert alpha.is_published
    assert set(alpha.names.values_list("name", "kind")) == {("알파연", "short"), ("AI", "acronym")}
    assert Organization.objects.named("알파연").get() == alpha
    assert Organization.objects.get(slug="beta-hospital").parent.slug == "beta-university"
    cluster = Cluster.objects.get(slug="gamma-valley")
    assert cluster.operator.slug == "gamma-foundation"
    assert cluster.description == "감마진흥재단이 운영하는 바이오 클러스터."
    assert cluster.founded_year == 2015
    assert set(cluster.memberships.values_list("organization__slug", "role")) == {
        ("gamma-foundation", "operator"),
        ("alpha-institute", "resident"),
    }
    source = NewsItem.objects.get(url="https://news.example.kr/1")
    assert (source.reporter, source.published_on, source.body) == (
        "김기자",
        datetime.date(2024, 1, 2),
        "",
    )
    assert LoadedRecord.objects.get(key="organization:alpha-institute").record == alpha


def test_loading_writes_history_entries_saying_where_from(tmp_path):
    directory_load(path=write(tmp_path))

    for model in (Organization, OrganizationName, Cluster, ClusterMembership, NewsItem):
        entries = model.history.filter(history_type="+")
        assert entries.count() == model.objects.count()
        reasons = set(entries.values_list("history_change_reason", flat=True))
        assert len(reasons) == 1
        (reason,) = reasons
        assert reason.startswith("Loaded from ") and reason.endswith("directory.json")
        assert len(reason) <= 100
    mou = Agreement.objects.get(kind="mou")
    assert mou.history.earliest().history_type == "+"
    # The latest entry holds the sources the agreement cites.
    assert mou.history.latest().sources.count() == 2


def test_loading_twice_changes_nothing(tmp_path):
    path = write(tmp_path)
    directory_load(path=path)
    before, updated = counts(), timestamps()
    history = Organization.history.count() + Agreement.history.count()

    report = directory_load(path=path)

    assert counts() == before
    assert timestamps() == updated
    assert Organization.history.count() + Agreement.history.count() == history
    assert report.created == 0
    assert report.counts["parties"].kept == 4
    assert LoadedRecord.objects.count() == 4 + 2 + 1 + 2 + 3 + 2 + 4 + 3


def test_reloading_reads_each_kind_at_once_whatever_the_number_of_records(tmp_path):
    small, large = write(tmp_path), tmp_path / "large.json"
    data = copy.deepcopy(DATA)
    for n in range(10):
        data["organizations"].append({**DATA["organizations"][3], "slug": f"extra-{n}"})
        data["sources"].append(
            {
                **DATA["sources"][0],
                "key": f"s-{n}",
                "url": f"https://x.kr/{n}",
                "title": f"기사 {n}",
            }
        )
        data["agreements"].append(
            {
                **DATA["agreements"][1],
                "key": f"a-{n}",
                "sources": [f"s-{n}"],
                "parties": [
                    {"organization": f"extra-{n}", "role": "chair"},
                    {"organization": "alpha-institute", "role": "member"},
                ],
            }
        )
    large.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    directory_load(path=small)
    directory_load(path=large)

    with CaptureQueriesContext(connection) as few:
        directory_load(path=small)
    with CaptureQueriesContext(connection) as many:
        directory_load(path=large)

    # The loaded keys; per kind, the records still there and those matching the file's keys;
    # the agreements that might be adopted: none per record.
    assert len(many) == len(few)


def test_a_curators_edit_to_a_loaded_organization_survives_a_reload(tmp_path):
    path = write(tmp_path)
    directory_load(path=path)
    alpha = Organization.objects.get(slug="alpha-institute")
    alpha.description = "큐레이터가 고친 설명."
    alpha.name_en = "Alpha Research Institute"
    alpha.save()

    directory_load(path=path)

    alpha.refresh_from_db()
    assert alpha.description == "큐레이터가 고친 설명."
    assert alpha.name_en == "Alpha Research Institute"


def test_a_loaded_organization_renamed_by_a_curator_is_still_the_one_loaded(tmp_path):
    path = write(tmp_path)
    directory_load(path=path)
    Organization.objects.filter(slug="alpha-institute").update(slug="alpha")

    report = directory_load(path=path)

    assert report.created == 0
    assert not Organization.objects.filter(slug="alpha-institute").exists()


def test_records_a_curator_deleted_are_not_brought_back(tmp_path):
    path = write(tmp_path)
    directory_load(path=path)
    OrganizationName.objects.get(name="알파연").delete()
    Agreement.objects.get(kind="council").delete()

    report = directory_load(path=path)

    assert not OrganizationName.objects.filter(name="알파연").exists()
    assert OrganizationName.objects.filter(name="AI").exists()
    assert not Agreement.objects.filter(kind="council").exists()
    assert AgreementParty.objects.count() == 2  # The MOU's; not the council's.
    assert report.created == 0
    assert report.counts["agreements"].skipped == 1
    assert report.counts["parties"].skipped == 2
    # Each deleted record is named once: not the parties and citations that went with it.
    assert report.skipped == [
        "alias:alpha-institute:알파연: deleted since it was loaded; not brought back",
        "agreement:2024-02-gamma-council: deleted since it was loaded; not brought back",
    ]


def test_a_party_added_to_the_file_is_added_to_the_loaded_agreement(tmp_path):
    directory_load(path=write(tmp_path))
    data = copy.deepcopy(DATA)
    data["agreements"][0]["parties"].append(
        {"organization": "gamma-foundation", "role": "supporter", "note": ""}
    )

    report = directory_load(path=write(tmp_path, data))

    mou = Agreement.objects.get(kind="mou")
    assert mou.parties.get(organization__slug="gamma-foundation").role == "supporter"
    assert report.counts["parties"].created == 1
    assert report.counts["agreements"].kept == 2


def test_an_organization_a_curator_created_with_the_same_slug_is_adopted_not_overwritten(
    tmp_path,
):
    curated = OrganizationFactory(
        slug="alpha-institute", name_ko="알파생명연구원", description="큐레이터의 설명."
    )

    report = directory_load(path=write(tmp_path))

    curated.refresh_from_db()
    assert (curated.name_ko, curated.description) == ("알파생명연구원", "큐레이터의 설명.")
    assert Organization.objects.filter(slug="alpha-institute").count() == 1
    assert report.counts["organizations"].adopted == 1
    assert report.counts["organizations"].created == 3
    assert LoadedRecord.objects.get(key="organization:alpha-institute").record == curated
    # The file's aliases, parties and memberships go to the curator's record.
    assert set(curated.names.values_list("name", flat=True)) == {"알파연", "AI"}
    assert Agreement.objects.get(kind="mou").parties.filter(organization=curated).exists()


def test_a_news_item_already_there_with_the_same_url_is_adopted(tmp_path):
    curated = NewsItemFactory(url="https://news.example.kr/1", title="큐레이터가 입력한 제목")

    report = directory_load(path=write(tmp_path))

    curated.refresh_from_db()
    assert curated.title == "큐레이터가 입력한 제목"
    assert curated.body == "기사 본문."
    assert NewsItem.objects.count() == 3
    assert report.counts["sources"].adopted == 1
    assert curated in Agreement.objects.get(kind="mou").sources.all()


def test_an_agreement_already_there_with_the_same_parties_and_date_is_adopted(tmp_path):
    alpha = OrganizationFactory(slug="alpha-institute")
    beta = OrganizationFactory(slug="beta-university")
    curated = AgreementFactory(title="알파-베타 MOU", kind="mou", date=datetime.date(2024, 1, 1))
    AgreementPartyFactory(agreement=curated, organization=alpha, role="signatory")
    AgreementPartyFactory(agreement=curated, organization=beta, role="signatory")

    report = directory_load(path=write(tmp_path))

    assert Agreement.objects.filter(kind="mou").get() == curated
    curated.refresh_from_db()
    assert curated.title == "알파-베타 MOU"
    assert report.counts["agreements"].adopted == 1
    assert report.counts["parties"].adopted == 2
    # Its sources are the curator's and the file's.
    assert curated.sources.count() == 3


def test_an_agreement_whose_party_organization_is_missing_is_skipped_and_reported(tmp_path):
    data = copy.deepcopy(DATA)
    data["agreements"][1]["parties"][1]["organization"] = "nobody"

    report = directory_load(path=write(tmp_path, data))

    assert not Agreement.objects.filter(kind="council").exists()
    assert Agreement.objects.filter(kind="mou").exists()
    assert report.counts["agreements"].skipped == 1
    assert report.skipped == [
        "agreement:2024-02-gamma-council: needs two parties' organizations in the database, "
        "has 1 (missing: nobody)"
    ]
    assert not LoadedRecord.objects.filter(key__contains="gamma-council").exists()


def test_the_command_prints_the_report(tmp_path):
    out = io.StringIO()
    call_command("load_directory", str(write(tmp_path)), stdout=out)

    assert "agreements           2       0       0       0" in out.getvalue()


def test_the_directory_data_loads_with_every_agreement_sourced_and_between_two_parties():
    report = directory_load(path=DIRECTORY)

    assert report.skipped == []
    assert Agreement.objects.count() >= 150
    assert Cluster.objects.count() >= 20
    agreements = Agreement.objects.prefetch_related("parties", "sources")
    for agreement in agreements:
        assert len({party.organization_id for party in agreement.parties.all()}) >= 2, agreement
        assert any(s.url and s.published_on for s in agreement.sources.all()), agreement
    assert Agreement.history.filter(
        history_change_reason="Loaded from fixtures/directory.json"
    ).exists()


def run_report(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/content_report.py", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_content_report_passes_on_the_directory_data():
    result = run_report(DIRECTORY)

    assert result.returncode == 0, result.stdout
    assert "References that do not resolve: none" in result.stdout


def test_the_content_report_fails_on_a_one_party_agreement_and_an_unknown_source(tmp_path):
    data = copy.deepcopy(DATA)
    data["agreements"][1]["parties"].pop()
    data["agreements"][1]["sources"].append("nowhere")

    result = run_report(write(tmp_path, data))

    assert result.returncode == 1
    assert "Agreements with fewer than two distinct parties: 1\n  2024-02-gamma-council (1)" in (
        result.stdout
    )
    assert "agreement 2024-02-gamma-council: source nowhere" in result.stdout


def test_the_readmes_example_selects_real_records(client):
    directory_load(path=DIRECTORY)
    rows = client.get("/partnerships.csv", {"cluster": "songdo-bio-cluster", "year_from": "2020"})
    assert len(b"".join(rows.streaming_content).decode("utf-8-sig").splitlines()) > 10
