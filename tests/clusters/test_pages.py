"""The cluster list with its map, and a cluster's page."""

import datetime

import pytest

from clusters.models import Cluster, ClusterMembership
from orgs.models import Organization
from tests.conftest import names_in
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    NewsItemFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


def test_the_list_shows_region_operator_and_counts(client, seed):
    response = client.get("/clusters/")
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 10
    hub = next(c for c in response.context["object_list"] if c.slug == "seoul-bio-hub")
    assert (hub.member_count, hub.agreement_count) == (2, 1)
    html = response.content.decode()
    assert "한국보건산업진흥원" in html  # Seoul Bio Hub's operator
    assert "결과 10건 중 1–10" in html


def test_the_map_places_every_cluster_and_lists_them_as_links(client, seed):
    html = client.get("/clusters/").content.decode()
    assert html.count('class="map-point"') == 10
    # A group of links, not an image (whose content assistive technology would not reach).
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="korea-map" role="group"' in html
    map_list = html.split('class="map-list"')[1].split("</nav>")[0]
    assert map_list.count('<a href="/clusters/') == 10
    assert 'href="/clusters/osong-medical-complex/"' in map_list


def test_the_cached_map_follows_a_moved_or_renamed_cluster(client, seed):
    assert client.get("/clusters/").status_code == 200  # the map is now cached
    cluster = Cluster.objects.get(slug="osong-medical-complex")
    cluster.name_ko = "오송첨단의료산업진흥재단 단지"
    cluster.latitude = 36.9
    cluster.save()

    html = client.get("/clusters/").content.decode()

    svg = html.split('class="korea-map"')[1].split("</svg>")[0]
    assert "오송첨단의료산업진흥재단 단지" in svg


def test_the_map_shows_all_matching_clusters_not_only_the_page(client):
    for index in range(3):
        ClusterFactory(latitude=36 + index / 10, longitude=127)
    response = client.get("/clusters/?per_page=1")
    assert len(response.context["object_list"]) == 1
    assert response.content.decode().count('class="map-point"') == 3


def test_clusters_filter_by_region_and_kind(client, seed):
    seoul = names_in(client.get("/clusters/?region=seoul"))
    assert set(seoul) == {
        "마곡산업단지",
        "서울바이오허브",
        "상암DMC",
        "G밸리 (서울디지털국가산업단지)",
    }
    complexes = names_in(client.get("/clusters/?kind=medical_complex"))
    assert set(complexes) == {"오송첨단의료복합단지", "대구경북첨단의료복합단지"}


def test_clusters_order_by_member_count(client, seed):
    names = names_in(client.get("/clusters/?ordering=-members"))
    assert names[:2] == ["마곡산업단지", "서울바이오허브"]


def test_a_cluster_page_shows_operator_members_by_kind_timeline_and_sources(client, seed):
    response = client.get("/clusters/seoul-bio-hub/")
    assert response.status_code == 200
    html = response.content.decode()
    groups = {
        kind: [org.name_ko for org, roles in members]
        for kind, members in response.context["members_by_kind"]
    }
    assert groups == {
        Organization.Kind.LOCAL_GOVERNMENT.label: ["서울특별시"],
        Organization.Kind.COMPANY.label: ["한국BMS제약"],
    }
    assert "<h3>지방자치단체</h3>" in html and "위탁 기관" in html
    assert [a.kind for a in response.context["agreements"]] == ["loi"]
    assert 'class="timeline"' in html and ">2022</h3>" in html
    assert "서울시, 세계 5위 제약사 BMS와 손잡고" in html  # the source news item


def test_a_member_with_two_roles_is_listed_once_with_both(client):
    membership = ClusterMembershipFactory(role=ClusterMembership.Role.RESIDENT)
    ClusterMembershipFactory(
        cluster=membership.cluster,
        organization=membership.organization,
        role=ClusterMembership.Role.PARTNER,
    )
    response = client.get(membership.cluster.get_absolute_url())
    [(kind, members)] = response.context["members_by_kind"]
    assert members == [(membership.organization, ["협력 기관", "입주 기관"])]


def test_the_timeline_runs_newest_first_with_unknown_dates_last(client):
    cluster = ClusterFactory()
    old = AgreementFactory(cluster=cluster, date=datetime.date(2019, 7, 3))
    new = AgreementFactory(cluster=cluster, date=datetime.date(2024, 1, 1), date_precision="month")
    undated = AgreementFactory(cluster=cluster, date=None, date_precision="unknown")
    AgreementFactory()  # in no cluster: left out
    response = client.get(cluster.get_absolute_url())
    assert list(response.context["agreements"]) == [new, old, undated]


def test_an_unknown_cluster_is_a_404(client):
    assert client.get("/clusters/atlantis/").status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_cluster_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    cluster = ClusterFactory(latitude=36.6, longitude=127.3)
    for _ in range(rows):
        ClusterMembershipFactory(cluster=cluster)
        ClusterFactory(latitude=37, longitude=127)
        agreement = AgreementFactory(cluster=cluster, sources=[NewsItemFactory()])
        AgreementPartyFactory(agreement=agreement, organization=OrganizationFactory())
    # one query for the data's version (httpcache), then
    # count, page of clusters with counts, every matching cluster for the map
    with django_assert_max_num_queries(4):
        assert client.get("/clusters/?per_page=100").status_code == 200
    # one query for the data's version (httpcache), then
    # cluster with operator, memberships with organizations, member count, agreements, their
    # parties, agreement count, news items citing it, their count, news items mentioning it; the
    # network data's version; on a cold cache, the members' network: agreements, parties,
    # organizations
    with django_assert_max_num_queries(14):
        assert client.get(cluster.get_absolute_url()).status_code == 200


def test_a_busy_cluster_shows_its_newest_agreements_and_links_to_them_all(client, monkeypatch):
    monkeypatch.setattr("clusters.views.AGREEMENTS_SHOWN", 2)
    monkeypatch.setattr("clusters.views.SOURCES_SHOWN", 1)
    cluster = ClusterFactory(slug="osong")
    old, newer, newest = (
        AgreementFactory(cluster=cluster, date=datetime.date(2020 + year, 1, 1), sources=[news])
        for year, news in enumerate(NewsItemFactory.create_batch(3))
    )
    response = client.get(cluster.get_absolute_url())
    html = response.content.decode()
    assert list(response.context["agreements"]) == [newest, newer]
    assert '<span class="count">3</span>' in html
    assert 'href="/agreements/?cluster=osong"' in html
    assert len(response.context["news_items"]) == 1 and 'href="/news/?cluster=osong"' in html
    # The filtered news list holds exactly the news items the cluster's agreements cite.
    listed = client.get("/news/?cluster=osong").context["object_list"]
    assert {item.pk for item in listed} == {
        item.pk for agreement in (old, newer, newest) for item in agreement.sources.all()
    }


def test_a_small_cluster_shows_everything_without_see_all_links(client, seed):
    html = client.get("/clusters/seoul-bio-hub/").content.decode()
    for listing in ("/agreements/", "/organizations/", "/news/"):
        assert f'href="{listing}?cluster=seoul-bio-hub"' not in html


def test_filter_menus_name_clusters_in_the_visitors_language(client):
    ClusterFactory(name_ko="오송첨단의료복합단지", name_en="Osong High-tech Medical Complex")
    client.cookies["django_language"] = "en"
    html = client.get("/agreements/").content.decode()
    assert ">Osong High-tech Medical Complex</option>" in html
    client.cookies["django_language"] = "ko"
    assert ">오송첨단의료복합단지</option>" in client.get("/agreements/").content.decode()


def test_korean_only_text_is_marked_on_english_pages(client):
    cluster = ClusterFactory(description="오송에 조성된 첨단의료복합단지.", city="청주시 흥덕구")
    client.cookies["django_language"] = "en"
    html = client.get(cluster.get_absolute_url()).content.decode()
    assert '<p class="lead" lang="ko">오송에 조성된 첨단의료복합단지.</p>' in html
    assert "Written in Korean only." in html and '<span lang="ko">청주시 흥덕구</span>' in html
