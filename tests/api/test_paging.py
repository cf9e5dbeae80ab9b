"""Cursor pages, the rate limit per client, and the queries a page of any length costs."""

import pytest

from orgs.models import Organization
from tests.api.helpers import walk
from tests.bionet.test_settings import load_settings
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    NewsItemFactory,
    OrganizationFactory,
    organization_with_partners,
)

pytestmark = pytest.mark.django_db


def test_the_cursor_walks_every_record_once(client, seed):
    slugs = [record["slug"] for record in walk(client, "/api/organizations/?page_size=5")]
    assert len(slugs) == len(set(slugs))
    assert set(slugs) == set(Organization.objects.published().values_list("slug", flat=True))


def test_records_changed_or_added_during_a_walk_are_met_once(client):
    first, second = OrganizationFactory(name_ko="가"), OrganizationFactory(name_ko="나")
    OrganizationFactory.create_batch(3)
    page = client.get("/api/organizations/?page_size=2").json()
    assert [r["slug"] for r in page["results"]] == [first.slug, second.slug]
    # A curator renames a record already read and publishes a new one.
    first.name_ko = "하"
    first.save()
    added = OrganizationFactory()

    rest = walk(client, page["next"])
    assert [r["slug"] for r in rest][-1] == added.slug
    assert {first.slug, second.slug}.isdisjoint(r["slug"] for r in rest)
    assert len(rest) == 4


def test_a_page_holds_50_records_or_as_many_as_asked_up_to_100(client):
    OrganizationFactory.create_batch(101)
    assert len(client.get("/api/organizations/").json()["results"]) == 50
    assert len(client.get("/api/organizations/?page_size=7").json()["results"]) == 7
    assert len(client.get("/api/organizations/?page_size=500").json()["results"]) == 100


def test_previous_leads_back_to_the_first_page(client):
    OrganizationFactory.create_batch(5)
    first = client.get("/api/organizations/?page_size=2").json()
    second = client.get(first["next"]).json()
    assert client.get(second["previous"]).json()["results"] == first["results"]


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"client": "3/minute"},
    }


def test_past_the_rate_limit_a_client_gets_429_with_retry_after(client, three_a_minute):
    for _ in range(3):
        assert client.get("/api/clusters/").status_code == 200
    refused = client.get("/api/clusters/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    # Every endpoint counts towards the same limit.
    assert client.get("/api/organizations/").status_code == 429
    # Another client is not held back by this one.
    assert client.get("/api/clusters/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_client_cannot_escape_the_limit_by_claiming_another_address(client, three_a_minute):
    for number in range(3):
        forwarded = f"198.51.100.{number}"
        assert client.get("/api/clusters/", HTTP_X_FORWARDED_FOR=forwarded).status_code == 200
    forged = client.get("/api/clusters/", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert forged.status_code == 429


def test_behind_a_proxy_the_limit_follows_the_forwarded_address(client, three_a_minute, settings):
    settings.PROXY_HOPS = 1
    for _ in range(3):
        assert client.get("/api/news/", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 200
    assert client.get("/api/news/", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    assert client.get("/api/news/", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_lists_and_records_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, rows
):
    organization = organization_with_partners(rows)  # partners, aliases, sub-units, a cluster
    for _ in range(rows):
        cluster = ClusterFactory()
        ClusterMembershipFactory(cluster=cluster)
        AgreementFactory(cluster=cluster)
        news_item = NewsItemFactory()
        AgreementPartyFactory(agreement=AgreementFactory(sources=[news_item]))
        AgreementPartyFactory(agreement=AgreementFactory(sources=[news_item]))
    agreement = organization.agreements.first()
    news_item = agreement.sources.first()

    # one query for the data's version (httpcache), then
    # organizations with parents and agreement counts; aliases; operated clusters; memberships
    # with their clusters
    with django_assert_max_num_queries(5):
        assert len(client.get("/api/organizations/?page_size=100").json()["results"]) > rows
    with django_assert_max_num_queries(5):
        assert client.get(f"/api/organizations/{organization.slug}/").status_code == 200
    # one query for the data's version (httpcache), then
    # clusters with operators, member and agreement counts
    with django_assert_max_num_queries(2):
        assert len(client.get("/api/clusters/?page_size=100").json()["results"]) > rows
    with django_assert_max_num_queries(2):
        assert client.get(f"/api/clusters/{cluster.slug}/").status_code == 200
    # one query for the data's version (httpcache), then
    # agreements with clusters; parties with organizations; sources
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/agreements/?page_size=100").json()["results"]) > rows
    with django_assert_max_num_queries(4):
        assert client.get(f"/api/agreements/{agreement.pk}/").status_code == 200
    # one query for the data's version (httpcache), then
    # news items; the agreements citing them
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/news/?page_size=100").json()["results"]) > rows
    with django_assert_max_num_queries(3):
        assert client.get(f"/api/news/{news_item.pk}/").status_code == 200


def test_the_rate_comes_from_api_rate_limit_and_a_malformed_one_stops_start_up():
    show = "settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['client']"
    assert load_settings(show).stdout.split() == ["120/minute"]
    assert load_settings(show, API_RATE_LIMIT="20/second").stdout.split() == ["20/second"]
    refused = load_settings(show, API_RATE_LIMIT="fast")
    assert refused.returncode != 0
    assert "API_RATE_LIMIT='fast' is not a rate" in refused.stderr
