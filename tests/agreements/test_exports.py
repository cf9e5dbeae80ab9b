"""CSV exports: the columns, the rows the filters select, Excel-safe cells, flat query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement
from tests.csv_helpers import csv_rows
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    NewsItemFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

pytestmark = pytest.mark.django_db

AGREEMENT_HEADER = [
    "id",
    "title",
    "title_en",
    "kind",
    "status",
    "date",
    "date_precision",
    "date_stated",
    "date_basis",
    "place",
    "cluster",
    "parties",
    "party_count",
    "sources",
    "summary",
    "url",
]
PARTNERSHIP_HEADER = [
    "a_name_ko",
    "a_name_en",
    "a_kind",
    "a_slug",
    "b_name_ko",
    "b_name_en",
    "b_kind",
    "b_slug",
    "agreement_id",
    "agreement_title",
    "agreement_kind",
    "agreement_date",
    "cluster",
    "sources",
]
ORGANIZATION_HEADER = [
    "id",
    "slug",
    "name_ko",
    "name_en",
    "aliases",
    "kind",
    "region",
    "parent",
    "website",
    "ror_id",
    "wikidata_qid",
    "clusters",
    "partner_count",
    "agreement_count",
    "url",
]


def agreement_between(*organizations, roles=None, **fields):
    agreement = AgreementFactory(**fields)
    for index, organization in enumerate(organizations):
        role = roles[index] if roles else "signatory"
        AgreementPartyFactory(agreement=agreement, organization=organization, role=role)
    return agreement


def export(client, name, **params):
    return client.get(reverse(name), params)


@pytest.mark.parametrize(
    ("name", "stem", "header"),
    [
        ("agreements:agreement_export", "agreements", AGREEMENT_HEADER),
        ("agreements:partnership_export", "partnerships", PARTNERSHIP_HEADER),
        ("orgs:organization_export", "organizations", ORGANIZATION_HEADER),
    ],
)
def test_it_streams_each_export_with_its_documented_header_bom_and_dated_name(
    client, name, stem, header
):
    response = export(client, name)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="bionet-{stem}-{today}.csv"'
    assert csv_rows(response)[0] == header


def test_it_exports_an_agreement_row_with_its_parties_sources_and_page(client):
    seoul = OrganizationFactory(name_ko="서울특별시", slug="seoul")
    khidi = OrganizationFactory(name_ko="한국보건산업진흥원", slug="khidi")
    news = NewsItemFactory(
        title="서울시, BMS와 손잡고",
        outlet="한경닷컴",
        published_on=datetime.date(2022, 3, 11),
        url="https://example.com/a",
    )
    cluster = ClusterFactory(name_ko="서울바이오허브")
    agreement = agreement_between(
        khidi,
        seoul,
        roles=["supporter", "signatory"],
        title="공동의향서",
        kind="loi",
        date=datetime.date(2024, 1, 1),
        date_precision="month",
        place="서울시청",
        cluster=cluster,
        sources=[news],
    )
    rows = csv_rows(export(client, "agreements:agreement_export"))
    assert rows[1] == [
        str(agreement.pk),
        "공동의향서",
        "",
        "loi",
        "concluded",
        "2024-01-01",
        "month",
        "",
        "",
        "서울시청",
        "서울바이오허브",
        "서울특별시 (signatory); 한국보건산업진흥원 (supporter)",
        "2",
        "한경닷컴 | 2022-03-11 | 서울시, BMS와 손잡고 | https://example.com/a",
        "",
        f"http://testserver/agreements/{agreement.pk}/",
    ]


def test_it_exports_only_the_agreements_the_filters_select(client):
    mou = agreement_between(OrganizationFactory(), OrganizationFactory(), kind="mou")
    council = agreement_between(OrganizationFactory(), OrganizationFactory(), kind="council")
    old_mou = agreement_between(
        OrganizationFactory(), OrganizationFactory(), kind="mou", date=datetime.date(2015, 5, 1)
    )
    rows = csv_rows(export(client, "agreements:agreement_export", kind="mou", year_from=2020))
    assert [row[0] for row in rows[1:]] == [str(mou.pk)]
    assert not {str(council.pk), str(old_mou.pk)} & {row[0] for row in rows}
    rows = csv_rows(export(client, "agreements:partnership_export", kind="council"))
    assert [row[8] for row in rows[1:]] == [str(council.pk)]


def test_it_exports_the_agreements_in_the_lists_order(client):
    first = agreement_between(
        OrganizationFactory(), OrganizationFactory(), title="가", date=datetime.date(2020, 1, 1)
    )
    second = agreement_between(
        OrganizationFactory(), OrganizationFactory(), title="나", date=datetime.date(2024, 1, 1)
    )
    newest_first = csv_rows(export(client, "agreements:agreement_export"))
    assert [row[0] for row in newest_first[1:]] == [str(second.pk), str(first.pk)]
    by_title = csv_rows(export(client, "agreements:agreement_export", ordering="title"))
    assert [row[0] for row in by_title[1:]] == [str(first.pk), str(second.pk)]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("agreements:agreement_export", {"year_from": "soon"}),
        ("agreements:agreement_export", {"year_to": str(10**30)}),
        ("agreements:partnership_export", {"year_from": "0"}),
        ("agreements:partnership_export", {"kind": "treaty"}),
        ("orgs:organization_export", {"cluster": "no-such-cluster"}),
    ],
)
def test_it_refuses_an_invalid_filter_with_a_400_naming_it(client, name, params):
    response = export(client, name, **params)
    assert response.status_code == 400
    assert next(iter(params)) in response.content.decode()


def test_it_lists_each_pair_of_parties_once_per_agreement_in_slug_order(client):
    alpha = OrganizationFactory(slug="alpha", name_ko="알파")
    beta = OrganizationFactory(slug="beta", name_ko="베타")
    gamma = OrganizationFactory(slug="gamma", name_ko="감마")
    agreement = agreement_between(
        gamma, alpha, beta, alpha, roles=["signatory", "chair", "member", "member"]
    )
    rows = csv_rows(export(client, "agreements:partnership_export"))
    assert [(row[3], row[7]) for row in rows[1:]] == [
        ("alpha", "beta"),
        ("alpha", "gamma"),
        ("beta", "gamma"),
    ]
    assert rows[1][:4] == ["알파", alpha.name_en, "research_institute", "alpha"]
    assert rows[1][8:12] == [str(agreement.pk), agreement.title, "mou", "2022-03-11"]


def test_it_exports_organizations_with_aliases_clusters_and_counts(client):
    khidi = OrganizationFactory(name_ko="한국보건산업진흥원", slug="khidi", kind="public_agency")
    OrganizationNameFactory(organization=khidi, name="보산진", kind="short", language="ko")
    OrganizationNameFactory(organization=khidi, name="KHIDI", kind="acronym", language="en")
    ClusterMembershipFactory(organization=khidi, cluster__name_ko="오송첨단의료복합단지")
    ClusterFactory(operator=khidi, name_ko="서울바이오허브")
    seoul, bms = OrganizationFactory(), OrganizationFactory()
    agreement_between(khidi, seoul, bms)
    agreement_between(khidi, seoul)
    rows = {row[1]: row for row in csv_rows(export(client, "orgs:organization_export"))[1:]}
    assert rows["khidi"][2:8] == [
        "한국보건산업진흥원",
        khidi.name_en,
        "KHIDI (acronym, en); 보산진 (short, ko)",
        "public_agency",
        "seoul",
        "",
    ]
    assert rows["khidi"][11:] == [
        "서울바이오허브; 오송첨단의료복합단지",
        "2",
        "2",
        "http://testserver/organizations/khidi/",
    ]
    assert rows[seoul.slug][12:14] == ["2", "2"]
    assert rows[bms.slug][12:14] == ["2", "1"]


def test_it_exports_only_the_organizations_the_filters_select(client):
    hospital = OrganizationFactory(kind="hospital")
    OrganizationFactory(kind="company")
    rows = csv_rows(export(client, "orgs:organization_export", kind="hospital"))
    assert [row[1] for row in rows[1:]] == [hospital.slug]


def test_it_neutralizes_formulas_and_keeps_hangul_intact(client):
    OrganizationFactory(name_ko="서울대학교병원", name_en='=HYPERLINK("http://x","y")', slug="snuh")
    OrganizationFactory(name_ko="+82 바이오", name_en="-minus", slug="plus")
    OrganizationFactory(name_ko="@멘션", name_en="\tTabbed", slug="at")
    rows = {row[1]: row for row in csv_rows(export(client, "orgs:organization_export"))[1:]}
    assert rows["snuh"][2:4] == ["서울대학교병원", '\'=HYPERLINK("http://x","y")']
    assert rows["plus"][2:4] == ["'+82 바이오", "'-minus"]
    assert rows["at"][2:4] == ["'@멘션", "'\tTabbed"]


def test_it_quotes_cells_holding_commas_quotes_and_newlines(client):
    agreement_between(
        OrganizationFactory(), OrganizationFactory(), title='협약, "공동"', summary="첫 줄\n둘째 줄"
    )
    rows = csv_rows(export(client, "agreements:agreement_export"))
    assert rows[1][1] == '협약, "공동"'
    assert rows[1][14] == "첫 줄\n둘째 줄"


def count_queries(client, name) -> int:
    with CaptureQueriesContext(connection) as queries:
        csv_rows(export(client, name))
    return len(queries)


@pytest.mark.parametrize(
    "name",
    [
        "agreements:agreement_export",
        "agreements:partnership_export",
        "orgs:organization_export",
    ],
)
def test_it_runs_as_many_queries_for_twenty_agreements_as_for_two(client, name):
    organizations = OrganizationFactory.create_batch(4)
    for _ in range(2):
        agreement_between(*organizations[:3])
    few = count_queries(client, name)
    for _ in range(18):
        agreement_between(*organizations)
    ClusterMembershipFactory(organization=organizations[0])
    OrganizationNameFactory(organization=organizations[1])
    assert count_queries(client, name) == few
    # The data's version (httpcache), whether the export is small enough to stream, one
    # query for the rows, at most four more for their parties, sources, names and counts.
    assert few <= 7


def test_it_exports_the_selected_agreements_from_the_admin(admin_client):
    chosen = agreement_between(OrganizationFactory(), OrganizationFactory(), title="선택")
    agreement_between(OrganizationFactory(), OrganizationFactory(), title="제외")
    response = admin_client.post(
        reverse("admin:agreements_agreement_changelist"),
        {"action": "export_selected", "_selected_action": [chosen.pk]},
    )
    rows = csv_rows(response)
    assert rows[0] == AGREEMENT_HEADER
    assert [row[1] for row in rows[1:]] == ["선택"]


def test_it_exports_the_selected_organizations_from_the_admin(admin_client):
    chosen, other = OrganizationFactory(), OrganizationFactory()
    response = admin_client.post(
        reverse("admin:orgs_organization_changelist"),
        {"action": "export_selected", "_selected_action": [chosen.pk]},
    )
    rows = csv_rows(response)
    assert rows[0] == ORGANIZATION_HEADER
    assert [row[1] for row in rows[1:]] == [chosen.slug]
    assert other.slug not in {row[1] for row in rows}


def test_it_exports_every_seed_agreement_with_its_source(seed, client):
    rows = csv_rows(export(client, "agreements:agreement_export"))[1:]
    assert len(rows) == Agreement.objects.count() == 7
    assert all(row[13] for row in rows)
    assert any("보산진" in row[13] for row in rows)


def test_partnerships_filtered_by_an_organization_are_its_own_pairs(client):
    alpha, beta, gamma = (
        OrganizationFactory(slug=slug, name_ko=name)
        for slug, name in (("alpha", "알파"), ("beta", "베타"), ("gamma", "감마"))
    )
    agreement_between(alpha, beta, gamma)
    rows = csv_rows(export(client, "agreements:partnership_export", organization="알파"))
    assert [(row[3], row[7]) for row in rows[1:]] == [("alpha", "beta"), ("alpha", "gamma")]
    everything = csv_rows(export(client, "agreements:partnership_export"))
    assert len(everything) == 1 + 3
