"""The JSON the interactive network reads (network/explore.py): the same organizations and
links as the page's drawing, published records only, the page's filters, bounded queries."""

import re

import pytest
from django.urls import reverse

from agreements.models import Agreement
from clusters.models import Cluster
from orgs.models import Organization, OrganizationRedirect
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    OrganizationFactory,
)
from tests.network.test_pages import MINISTRY, make_agreements, node_links


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def graph_json(client, name="network:network_graph", *, kwargs=None, **params):
    response = client.get(reverse(name, kwargs=kwargs), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def urls(data):
    return sorted(node["url"] for node in data["nodes"])


def link_pairs(data):
    return sorted((edge["source"], edge["target"]) for edge in data["edges"])


def test_it_holds_the_organizations_and_links_of_the_page_drawing(seed, client):
    page = client.get(reverse("network:network"))

    data = graph_json(client)

    assert urls(data) == sorted(node_links(page))
    assert data["shown"] == data["total"] == len(data["nodes"])
    ministry = next(node for node in data["nodes"] if node["id"] == MINISTRY)
    assert ministry["name_ko"] == "보건복지부"
    assert ministry["kind"] == "ministry"
    assert ministry["url"] == Organization(slug=MINISTRY).get_absolute_url()
    assert data["current"] is True and data["computed"]
    # One entry per pair, listed once, first slug first.
    assert all(edge["source"] < edge["target"] for edge in data["edges"])
    assert len(set(link_pairs(data))) == len(data["edges"]) > 20


def test_it_ranks_nodes_by_partners_for_labels(seed, client):
    data = graph_json(client)

    by_rank = sorted(data["nodes"], key=lambda node: node["rank"])
    assert [node["rank"] for node in by_rank] == list(range(1, len(by_rank) + 1))
    partners = [node["partners"] for node in by_rank]
    assert partners == sorted(partners, reverse=True)
    degree = {node["id"]: 0 for node in data["nodes"]}
    for edge in data["edges"]:
        degree[edge["source"]] += 1
        degree[edge["target"]] += 1
    assert {node["id"]: node["partners"] for node in data["nodes"]} == degree
    # Bigger circles for more partners, as in the drawing.
    assert by_rank[0]["radius"] > by_rank[-1]["radius"]


def test_it_names_the_kinds_with_colours_and_the_clusters(seed, client):
    data = graph_json(client)

    kinds = {item["kind"]: item for item in data["kinds"]}
    assert kinds["ministry"]["label"] == "Government ministry or central agency"
    assert kinds["ministry"]["colour"] == "#9467bd"
    assert set(kinds) == {node["kind"] for node in data["nodes"]}
    clusters = {cluster["slug"]: cluster["name"] for cluster in data["clusters"]}
    assert clusters["seoul-bio-hub"] == Cluster.objects.get(slug="seoul-bio-hub").name_en
    assert {slug for node in data["nodes"] for slug in node["clusters"]} == set(clusters)


def test_it_gives_each_link_its_weight_and_years(db, client):
    a, b = OrganizationFactory.create_batch(2)
    for date in ("2015-05-01", "2021-02-03", None):
        agreement = AgreementFactory(date=date, date_precision="day" if date else "unknown")
        AgreementPartyFactory(agreement=agreement, organization=a)
        AgreementPartyFactory(agreement=agreement, organization=b)

    data = graph_json(client)

    (edge,) = data["edges"]
    assert (edge["weight"], edge["first_year"], edge["last_year"]) == (3, 2015, 2021)
    assert edge["width"] > 1
    assert data["years"] == [2015, 2021]


def test_it_shows_published_agreements_only(db, client):
    shown, draft, withdrawn = (
        AgreementFactory(),
        AgreementFactory(review_status=Agreement.ReviewStatus.DRAFT),
        AgreementFactory(review_status=Agreement.ReviewStatus.WITHDRAWN),
    )
    parties = {}
    for agreement in (shown, draft, withdrawn):
        parties[agreement] = [AgreementPartyFactory(agreement=agreement).organization]
        parties[agreement].append(AgreementPartyFactory(agreement=agreement).organization)

    data = graph_json(client)

    assert urls(data) == sorted(o.get_absolute_url() for o in parties[shown])
    assert len(data["edges"]) == 1


@pytest.mark.parametrize(
    "filters",
    [
        {"kind": "council"},
        {"year_from": "2023", "year_to": "2024"},
        {"cluster": "seoul-bio-hub"},
        {"organization_kind": "hospital"},
    ],
)
def test_it_takes_the_page_filters_and_holds_the_same_network(seed, client, filters):
    page = client.get(reverse("network:network"), filters)

    data = graph_json(client, **filters)

    assert urls(data) == sorted(node_links(page))
    assert len(data["nodes"]) < Organization.objects.count()


def test_the_page_points_its_interactive_view_at_the_json_of_its_filters(seed, client):
    html = client.get(reverse("network:network"), {"kind": "council", "order": "betweenness"})

    (url,) = re.findall(r'data-network-graph="([^"]+)"', html.content.decode())
    assert url == reverse("network:network_graph") + "?kind=council"


def test_it_rejects_bad_filters_with_400_and_names_them(seed, client):
    response = client.get(reverse("network:network_graph"), {"year_from": "soon", "cluster": "x"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"year_from", "cluster"}


def test_it_is_cut_to_the_most_connected_like_the_drawing(db, client, settings):
    settings.NETWORK_DRAWING_NODES = 2
    hub = OrganizationFactory()
    for _ in range(3):
        AgreementPartyFactory(agreement=AgreementPartyFactory(organization=hub).agreement)

    data = graph_json(client)

    assert (data["shown"], data["total"]) == (2, 4)
    assert hub.slug in {node["id"] for node in data["nodes"]}
    assert len(data["edges"]) == 1


def test_a_network_too_large_to_analyse_now_has_no_nodes(seed, client, settings):
    settings.NETWORK_PARTIES_PER_REQUEST = 3

    data = graph_json(client)

    assert data["too_large"] is True
    assert data["nodes"] == [] and data["current"] is False


@pytest.mark.parametrize("count", [5, 50])
def test_it_needs_the_same_queries_for_5_and_50_agreements(
    db, client, django_assert_num_queries, count
):
    make_agreements(count)

    # The data's version for the response (httpcache) and for the analysis; whether the
    # network is small enough to analyse now; parties, organizations, clusters of the
    # organizations; the names of those clusters.
    with django_assert_num_queries(7):
        data = graph_json(client)
    assert len(data["nodes"]) == 8
    # Cached with the page's analyses, for the data's version: that version only, read for
    # the response and for the analysis.
    with django_assert_num_queries(2):
        assert graph_json(client) == data


def test_a_change_to_the_data_shows_on_the_next_request(db, client):
    make_agreements(4)
    before = graph_json(client)

    AgreementPartyFactory(agreement=Agreement.objects.first())

    assert len(graph_json(client)["nodes"]) == len(before["nodes"]) + 1


def test_organization_json_holds_its_ego_network_and_highlights_it(db, client):
    a, b, c = OrganizationFactory.create_batch(3)
    AgreementPartyFactory(agreement=AgreementPartyFactory(organization=a).agreement, organization=b)
    AgreementPartyFactory(agreement=AgreementPartyFactory(organization=b).agreement, organization=c)
    name = "network:organization_network_graph"

    one_step = graph_json(client, name, kwargs={"slug": a.slug})
    two_steps = graph_json(client, name, kwargs={"slug": a.slug}, steps=2)

    assert urls(one_step) == sorted(o.get_absolute_url() for o in (a, b))
    assert urls(two_steps) == sorted(o.get_absolute_url() for o in (a, b, c))
    assert one_step["highlight"] == two_steps["highlight"] == a.slug
    assert link_pairs(two_steps) == sorted(
        [tuple(sorted((a.slug, b.slug))), tuple(sorted((b.slug, c.slug)))]
    )


def test_organization_page_points_at_its_json_with_its_steps(seed, client):
    html = client.get(reverse("network:organization_network", args=["khidi"]), {"steps": 2})

    (url,) = re.findall(r'data-network-graph="([^"]+)"', html.content.decode())
    assert url == reverse("network:organization_network_graph", args=["khidi"]) + "?steps=2"
    detail = client.get(Organization.objects.get(slug="khidi").get_absolute_url())
    assert url.replace("steps=2", "steps=1") in detail.content.decode()


def test_organization_json_follows_a_moved_address_and_hides_the_unpublished(db, client):
    organization = OrganizationFactory()
    AgreementPartyFactory(agreement=AgreementPartyFactory(organization=organization).agreement)
    OrganizationRedirect.objects.create(old_slug="old-name", organization=organization)
    draft = OrganizationFactory(review_status=Organization.ReviewStatus.DRAFT)
    name = "network:organization_network_graph"

    moved = client.get(reverse(name, args=["old-name"]), {"steps": 2})

    assert moved.status_code == 301
    assert moved.url == reverse(name, args=[organization.slug]) + "?steps=2"
    assert client.get(reverse(name, args=["nobody"])).status_code == 404
    assert client.get(reverse(name, args=[draft.slug])).status_code == 404


def test_organization_json_of_an_organization_without_agreements_is_empty(db, client):
    loner = OrganizationFactory()

    data = graph_json(client, "network:organization_network_graph", kwargs={"slug": loner.slug})

    assert data["nodes"] == [] and data["highlight"] is None


def test_organization_json_needs_the_same_queries_for_5_and_50_agreements(
    db, client, django_assert_max_num_queries
):
    for count in (5, 50):
        make_agreements(count)
        organization = Organization.objects.order_by("pk").first()
        url = reverse("network:organization_network_graph", args=[organization.slug])
        # The data's version for the response (httpcache); the organization, the data's
        # version, four to read its neighbourhood and three to load it, the clusters' names.
        with django_assert_max_num_queries(11):
            assert client.get(url).status_code == 200
        # Cached: the data's version (twice) and the organization.
        with django_assert_max_num_queries(3):
            assert client.get(url).status_code == 200


def test_cluster_json_holds_the_operator_and_members(seed, client):
    cluster = Cluster.objects.get(slug="seoul-bio-hub")
    page = client.get(reverse("network:cluster_network", kwargs={"slug": cluster.slug}))

    data = graph_json(client, "network:cluster_network_graph", kwargs={"slug": cluster.slug})

    assert urls(data) == sorted(node_links(page))
    assert all(cluster.slug in node["clusters"] for node in data["nodes"])
    graph_url = reverse("network:cluster_network_graph", kwargs={"slug": cluster.slug})
    assert (
        f'data-network-graph="{graph_url}"'
        in client.get(cluster.get_absolute_url()).content.decode()
    )


def test_cluster_json_of_an_unknown_cluster_is_404_and_of_an_empty_one_empty(db, client):
    empty = ClusterFactory(operator=None)

    missing = client.get(reverse("network:cluster_network_graph", args=["nowhere"]))
    data = graph_json(client, "network:cluster_network_graph", kwargs={"slug": empty.slug})

    assert missing.status_code == 404
    assert data["nodes"] == [] and data["edges"] == []


def test_cluster_json_needs_the_same_queries_for_2_and_20_members(
    db, client, django_assert_max_num_queries
):
    cluster = ClusterFactory()
    for count in (2, 20):
        while cluster.memberships.count() < count:
            member = ClusterMembershipFactory(cluster=cluster).organization
            AgreementPartyFactory(
                agreement=AgreementPartyFactory(organization=cluster.operator).agreement,
                organization=member,
            )
        url = reverse("network:cluster_network_graph", args=[cluster.slug])
        # The data's version for the response (httpcache); the cluster, the data's version,
        # three to load the members' network, the clusters' names.
        with django_assert_max_num_queries(7):
            data = client.get(url).json()
        assert len(data["nodes"]) == count + 1


def test_names_with_markup_travel_as_data_a_browser_never_renders(db, client):
    hostile = OrganizationFactory(name_ko='<script>alert("x")</script>')
    AgreementPartyFactory(agreement=AgreementPartyFactory(organization=hostile).agreement)

    response = client.get(reverse("network:network_graph"))

    # The script sets names as text; the JSON itself is never taken for a page.
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert hostile.name_ko in {node["name_ko"] for node in response.json()["nodes"]}
