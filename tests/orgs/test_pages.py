"""The organization list and an organization's page."""

import datetime

import pytest

from agreements.models import AgreementParty
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    NewsItemFactory,
    OrganizationFactory,
    organization_with_partners,
)

pytestmark = pytest.mark.django_db


def test_the_list_shows_every_organization_with_its_agreement_count(client, seed):
    response = client.get("/organizations/")
    assert response.status_code == 200
    assert response.context["paginator"].count == 34
    assert len(response.context["object_list"]) == 25
    khidi = next(o for o in response.context["view"].get_queryset() if o.slug == "khidi")
    assert khidi.agreement_count == 3
    html = client.get("/organizations/?q=khidi").content.decode()
    assert 'href="/organizations/khidi/"' in html and ">3</td>" in html


def test_a_page_shows_names_aliases_kind_region_and_hierarchy(client, seed):
    response = client.get("/organizations/khidi/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "한국보건산업진흥원",
        "Korea Health Industry Development Institute",
        "KHIDI",
        "보산진",
    ]:
        assert text in html
    assert 'href="/organizations/ministry-of-health-and-welfare/"' in html  # its parent
    ewha = client.get("/organizations/ewha-womans-university/").content.decode()
    assert 'href="/organizations/ewha-womans-university-medical-center/"' in ewha  # a sub-unit


def test_a_page_shows_clusters_with_roles(client, seed):
    response = client.get("/organizations/khidi/")
    assert [c.slug for c in response.context["organization"].operated_clusters.all()] == [
        "seoul-bio-hub"
    ]
    sba = client.get("/organizations/sba/")
    memberships = sba.context["organization"].cluster_memberships.all()
    assert {(m.cluster.slug, m.role) for m in memberships} == {
        ("magok", "support"),
        ("sangam-dmc", "support"),
        ("g-valley", "support"),
    }


def test_agreements_come_newest_first_with_co_parties_and_roles(client, seed):
    response = client.get("/organizations/khidi/")
    agreements = list(response.context["agreements"])
    assert [a.date for a in agreements] == [
        datetime.date(2024, 11, 7),
        datetime.date(2022, 3, 11),
        None,
    ]
    letter = agreements[1]
    assert {(p.organization.slug, p.role) for p in letter.parties.all()} == {
        ("seoul-metropolitan-government", "signatory"),
        ("bms-korea", "signatory"),
        ("khidi", "signatory"),
    }
    html = response.content.decode()
    assert 'href="/organizations/bms-korea/"' in html


def test_the_partners_table_counts_shared_agreements_and_the_latest_date():
    organization = OrganizationFactory()
    frequent, occasional, stranger = OrganizationFactory.create_batch(3)
    for date, partners in [
        (datetime.date(2020, 5, 1), [frequent]),
        (datetime.date(2023, 2, 1), [frequent, occasional]),
    ]:
        agreement = AgreementFactory(date=date, date_precision="month")
        for party in [organization, *partners]:
            AgreementPartyFactory(agreement=agreement, organization=party)
    AgreementPartyFactory(organization=stranger)  # shares nothing with the organization
    partners = list(AgreementParty.objects.partners_of(organization))
    assert partners == [frequent, occasional]
    assert [(p.shared_agreements, p.latest_date) for p in partners] == [
        (2, datetime.date(2023, 2, 1)),
        (1, datetime.date(2023, 2, 1)),
    ]
    top = AgreementParty.objects.top_partners_of(organization, 1)
    assert top == [frequent]
    assert (top[0].latest_date, top[0].latest_date_precision) == (
        datetime.date(2023, 2, 1),
        "month",
    )


def test_a_page_shows_partners_and_the_news_items_citing_it(client, seed):
    response = client.get("/organizations/khidi/")
    partners = {p.slug: p.shared_agreements for p in response.context["partners"]}
    assert partners["snuh"] == 1 and partners["bms-korea"] == 1
    assert "khidi" not in partners
    assert len(partners) == 19
    news = {n.title for n in response.context["news_items"]}
    assert len(news) == 3
    assert "보건복지부, 바이오 클러스터 활성화 위한 민관 협의체 본격 가동" in news
    html = response.content.decode()
    assert "2024년 11월 7일" in html  # the partner table's latest date, at its precision


def test_an_unknown_organization_is_a_404(client):
    assert client.get("/organizations/no-such-body/").status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_organization_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, rows
):
    organization = organization_with_partners(rows)
    for _ in range(rows):
        AgreementFactory(sources=[NewsItemFactory()])
    # one query for the data's version (httpcache), then
    # count, rows with agreement counts and parents, the cluster choices of the filter form
    with django_assert_max_num_queries(4):
        assert client.get("/organizations/?per_page=100").status_code == 200
    # one query for the data's version (httpcache), then
    # organization with parent; names; children; operated clusters; memberships; clusters;
    # agreements; their parties; their count; partners; their latest dates' precision; their
    # count; news items citing it; their count; news items mentioning it; the ego network:
    # its partners with their shared agreements, then the parties, organizations and
    # clusters of its neighbourhood only; the network data's version; on a cold cache,
    # whether the whole network is small enough to analyse now, and its parties,
    # organizations and clusters for the ranks
    with django_assert_max_num_queries(25):
        assert client.get(organization.get_absolute_url()).status_code == 200


def test_a_busy_organization_shows_its_newest_agreements_and_top_partners(client, monkeypatch):
    monkeypatch.setattr("orgs.views.AGREEMENTS_SHOWN", 2)
    monkeypatch.setattr("orgs.views.PARTNERS_SHOWN", 2)
    organization = organization_with_partners(3, slug="kbio")
    frequent = AgreementPartyFactory(
        agreement=organization.agreement_parties.first().agreement
    ).organization
    AgreementPartyFactory(
        agreement=AgreementPartyFactory(organization=organization).agreement,
        organization=frequent,
    )
    response = client.get(organization.get_absolute_url())
    html = response.content.decode()
    assert len(response.context["agreements"]) == 2 and response.context["agreement_count"] == 4
    assert 'href="/agreements/?organization=kbio"' in html
    assert response.context["partner_count"] == 4
    assert [partner.pk for partner in response.context["partners"]][:1] == [frequent.pk]
    assert len(response.context["partners"]) == 2


def test_a_seed_organization_shows_all_its_partners_and_agreements(client, seed):
    response = client.get("/organizations/khidi/")
    assert response.context["partner_count"] == len(response.context["partners"])
    assert response.context["agreement_count"] == len(response.context["agreements"])
    assert "/agreements/?organization=khidi" not in response.content.decode()  # all shown


def test_in_english_the_list_sorts_by_the_names_it_shows(client):
    OrganizationFactory(name_ko="가나다연구원", name_en="Zeta Institute")
    OrganizationFactory(name_ko="하나연구원", name_en="Alpha Institute")
    OrganizationFactory(name_ko="다라연구원", name_en="")
    client.cookies["django_language"] = "en"
    shown = [o.display_name for o in client.get("/organizations/").context["object_list"]]
    assert shown == ["Alpha Institute", "Zeta Institute", "다라연구원"]
    client.cookies["django_language"] = "ko"
    shown = [o.name_ko for o in client.get("/organizations/").context["object_list"]]
    assert shown == ["가나다연구원", "다라연구원", "하나연구원"]


def test_column_headers_sort_the_list_and_say_how(client):
    few, many = OrganizationFactory(name_ko="가연구원"), OrganizationFactory(name_ko="나연구원")
    for _ in range(2):
        AgreementPartyFactory(organization=many)
    AgreementPartyFactory(organization=few)
    page = client.get("/organizations/").content.decode()
    assert 'href="?ordering=-agreements"' in page
    sorted_page = client.get("/organizations/?ordering=-agreements")
    assert list(sorted_page.context["object_list"])[:2] == [many, few]
    assert 'aria-sort="descending"' in sorted_page.content.decode()
    assert "이름" in page and "이름순</a></th>" not in page


def test_an_article_is_listed_once_on_an_organizations_page(client, seed):
    response = client.get("/organizations/khidi/")
    cited = {item.pk for item in response.context["news_items"]}
    mentioning = {item.pk for item in response.context["mentioning_news"]}
    assert cited and not cited & mentioning


def test_an_organizations_and_a_clusters_page_offer_their_csv(client, seed):
    khidi = client.get("/organizations/khidi/").content.decode()
    assert 'href="/agreements.csv?organization=khidi"' in khidi
    assert 'href="/partnerships.csv?organization=khidi"' in khidi
    magok = client.get("/clusters/magok/").content.decode()
    assert 'href="/agreements.csv?cluster=magok"' in magok
    assert 'href="/partnerships.csv' in client.get("/network/").content.decode()
