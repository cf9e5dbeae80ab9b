"""The network pages: whole network, ego and cluster networks, path finder, exports."""

import io
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from django.urls import reverse

from agreements.models import Agreement
from clusters.models import Cluster
from orgs.models import Organization
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

SVG = "{http://www.w3.org/2000/svg}"
MINISTRY = "ministry-of-health-and-welfare"


@pytest.fixture(autouse=True)
def english(settings):
    """These pages are asserted word for word in English."""
    settings.LANGUAGE_CODE = "en"


def svgs(response):
    """Every inline <svg> of a page, parsed as XML (the legend swatches included)."""
    html = response.content.decode()
    found, start = [], html.find("<svg")
    while start != -1:
        end = html.index("</svg>", start) + len("</svg>")
        found.append(ET.fromstring(html[start:end]))
        start = html.find("<svg", end)
    return found


def graph_svg(response):
    (root,) = [s for s in svgs(response) if s.get("class") == "network-graph"]
    return root


def node_links(response):
    return [a.get("href") for a in graph_svg(response).iter(f"{SVG}a")]


def test_network_page_draws_a_linked_node_per_organization(seed, client):
    response = client.get(reverse("network:network"))

    assert response.status_code == 200
    parties = Organization.objects.filter(agreement_parties__isnull=False).distinct()
    assert sorted(node_links(response)) == sorted(o.get_absolute_url() for o in parties)
    # An English page labels each organization with its English name where it has one.
    assert "Ministry of Health and Welfare" in {
        t.text for t in graph_svg(response).iter(f"{SVG}text")
    }
    page = response.content.decode()
    assert "Ministry" in page or "Government ministry" in page  # the legend names the kinds
    # Nothing inline for the Content-Security-Policy to refuse: scripts are files.
    assert 'style="' not in page
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all(
        ' src="/static/' in attributes and not body for attributes, body in scripts
    )
    assert "onclick" not in page and "javascript:" not in page


def test_network_page_ranks_the_most_connected_organizations(seed, client):
    response = client.get(reverse("network:network"))

    table = response.context["table"]
    degrees = [row["metrics"].degree for row in table]
    assert degrees == sorted(degrees, reverse=True)
    assert table[0]["rank"] == 1
    assert response.context["summary"]["agreements"] == Agreement.objects.count()


def test_network_page_orders_the_table_by_the_chosen_measure(seed, client):
    response = client.get(reverse("network:network"), {"order": "betweenness"})

    values = [row["metrics"].betweenness for row in response.context["table"]]
    assert values == sorted(values, reverse=True)
    assert client.get(reverse("network:network"), {"order": "nonsense"}).context["order"] == (
        "degree"
    )


def test_network_page_honours_the_agreement_filters(seed, client):
    council = Agreement.objects.get(kind="council")

    response = client.get(reverse("network:network"), {"kind": "council"})

    expected = {o.get_absolute_url() for o in council.organizations.all()}
    assert set(node_links(response)) == expected
    assert "kind=council" in response.context["filter_query"]
    assert reverse("network:network_graphml") + "?kind=council" in response.content.decode()


def test_network_page_filters_by_year_range(db, client):
    old, new = AgreementFactory(date="2015-05-01"), AgreementFactory(date="2023-05-01")
    old_party, new_party = (
        AgreementPartyFactory(agreement=old),
        AgreementPartyFactory(agreement=new),
    )
    AgreementPartyFactory(agreement=old)
    AgreementPartyFactory(agreement=new)

    response = client.get(reverse("network:network"), {"year_from": 2020, "year_to": 2024})

    links = node_links(response)
    assert new_party.organization.get_absolute_url() in links
    assert old_party.organization.get_absolute_url() not in links


def test_network_page_rejects_bad_filters_with_a_form_error(seed, client):
    response = client.get(reverse("network:network"), {"year_from": "soon", "cluster": "nowhere"})

    assert response.status_code == 400
    assert response.context["filter"].errors.keys() == {"year_from", "cluster"}
    assert "network-graph" not in response.content.decode()


def test_network_page_says_when_the_network_is_cut(db, client, settings):
    settings.NETWORK_DRAWING_NODES = 2
    hub = OrganizationFactory()
    for _ in range(3):
        AgreementPartyFactory(agreement=AgreementPartyFactory(organization=hub).agreement)

    response = client.get(reverse("network:network"))

    assert len(node_links(response)) == 2
    assert "Showing the 2 most connected of 4 organizations" in response.content.decode()


def test_network_page_with_no_matching_agreement(seed, client):
    response = client.get(reverse("network:network"), {"year_from": 1990, "year_to": 1991})

    assert response.status_code == 200
    assert "No agreement matches these filters." in response.content.decode()


def make_agreements(count):
    organizations = OrganizationFactory.create_batch(8)
    cluster = ClusterFactory(operator=organizations[0])
    for i in range(count):
        agreement = AgreementFactory(cluster=cluster if i % 2 else None)
        AgreementPartyFactory(agreement=agreement, organization=organizations[i % 8])
        AgreementPartyFactory(agreement=agreement, organization=organizations[(i + 3) % 8])


@pytest.mark.parametrize("count", [5, 50])
def test_network_page_needs_the_same_queries_for_5_and_50_agreements(
    db, client, django_assert_max_num_queries, count
):
    make_agreements(count)

    # The data's version for the response (httpcache) and for the analysis; whether the
    # network is small enough to analyse now; parties, organizations, clusters; the cluster
    # filter's choices.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("network:network"))
    assert response.context["summary"]["agreements"] == count
    # Cached: the data's version (twice) and the cluster filter's choices only.
    with django_assert_max_num_queries(3):
        cached = client.get(reverse("network:network"))
    assert cached.context["drawing"].svg == response.context["drawing"].svg
    assert cached.context["table"] == response.context["table"]
    assert cached.context["summary"]["agreements"] == count


@pytest.mark.parametrize("count", [5, 50])
def test_exports_need_the_same_queries_for_5_and_50_agreements(
    db, client, django_assert_max_num_queries, count
):
    make_agreements(count)

    for name in ("network:network_graphml", "network:network_gexf"):
        # The data's version (httpcache); whether the network is small enough to write now;
        # parties, organizations, clusters.
        with django_assert_max_num_queries(5):
            response = client.get(reverse(name))
            content = b"".join(response.streaming_content)
        assert response.status_code == 200
        assert content.count(b"<node ") == 8


@pytest.mark.parametrize(
    ("name", "reader", "content_type"),
    [
        ("network:network_graphml", nx.read_graphml, "application/graphml+xml"),
        ("network:network_gexf", nx.read_gexf, "application/gexf+xml"),
    ],
)
def test_exports_hold_the_filtered_network(seed, client, name, reader, content_type):
    response = client.get(reverse(name), {"kind": "council"})

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "attachment" in response["Content-Disposition"]
    graph = reader(io.BytesIO(b"".join(response.streaming_content)))
    council = Agreement.objects.get(kind="council")
    assert set(graph.nodes) == set(council.organizations.values_list("slug", flat=True))
    assert graph.nodes[MINISTRY]["name_ko"] == "보건복지부"
    assert graph.nodes[MINISTRY]["kind"] == "ministry"
    assert {data["kinds"] for _, _, data in graph.edges(data=True)} == {"council"}


def test_exports_reject_bad_filters(seed, client):
    response = client.get(reverse("network:network_gexf"), {"year_to": "later"})

    assert response.status_code == 400
    assert "year_to" in response.content.decode()


def test_organization_network_shows_partners_one_or_two_steps_out(db, client):
    a, b, c = OrganizationFactory.create_batch(3)
    AgreementPartyFactory(agreement=AgreementPartyFactory(organization=a).agreement, organization=b)
    AgreementPartyFactory(agreement=AgreementPartyFactory(organization=b).agreement, organization=c)
    url = reverse("network:organization_network", kwargs={"slug": a.slug})

    one_step = client.get(url)
    two_steps = client.get(url, {"steps": 2})

    assert one_step.status_code == 200
    assert sorted(node_links(one_step)) == sorted([a.get_absolute_url(), b.get_absolute_url()])
    assert sorted(node_links(two_steps)) == sorted(o.get_absolute_url() for o in (a, b, c))
    assert "network-ego" in graph_svg(one_step).find(
        f".//{SVG}a[@href='{a.get_absolute_url()}']"
    ).get("class")
    ranks = {r["metric"]: r for r in one_step.context["ego_network"]["ranks"]}
    assert (ranks["degree"]["value"], ranks["degree"]["rank"], ranks["degree"]["of"]) == (1, 2, 3)
    assert "1 of 3" in two_steps.content.decode() or "2 of 3" in two_steps.content.decode()


def test_organization_network_without_agreements_says_so(db, client):
    loner = OrganizationFactory()

    response = client.get(reverse("network:organization_network", kwargs={"slug": loner.slug}))

    assert response.status_code == 200
    assert "not a party to any agreement yet" in response.content.decode()


def test_unknown_organization_or_cluster_is_404(db, client):
    assert client.get(reverse("network:organization_network", args=["nobody"])).status_code == 404
    assert client.get(reverse("network:cluster_network", args=["nowhere"])).status_code == 404


def test_cluster_network_draws_the_operator_and_members(seed, client):
    cluster = Cluster.objects.get(slug="seoul-bio-hub")
    members = {cluster.operator.get_absolute_url()} | {
        m.organization.get_absolute_url()
        for m in cluster.memberships.select_related("organization")
    }

    response = client.get(reverse("network:cluster_network", kwargs={"slug": cluster.slug}))

    assert response.status_code == 200
    assert set(node_links(response)) == members


def test_cluster_network_of_a_cluster_without_members(db, client):
    cluster = ClusterFactory(operator=None)

    response = client.get(reverse("network:cluster_network", kwargs={"slug": cluster.slug}))

    assert response.status_code == 200
    assert "No operator or member of this cluster is recorded yet." in response.content.decode()


def chain_page(client, source, target, **filters):
    return client.get(
        reverse("network:network_path"), {"source": source, "target": target, **filters}
    )


def test_path_finder_shows_linked_steps_of_the_shortest_chains(db, client):
    a, b, c = OrganizationFactory.create_batch(3)
    OrganizationNameFactory(organization=a, name="에이")
    first = AgreementPartyFactory(organization=a, agreement__title="첫 협약").agreement
    AgreementPartyFactory(agreement=first, organization=b)
    second = AgreementPartyFactory(organization=b, agreement__title="둘째 협약").agreement
    AgreementPartyFactory(agreement=second, organization=c)

    response = chain_page(client, "에이", c.name_ko)

    assert response.status_code == 200
    (chain,) = response.context["chains"]
    assert [(s["source"]["slug"], s["target"]["slug"]) for s in chain] == [
        (a.slug, b.slug),
        (b.slug, c.slug),
    ]
    assert [[ag.title for ag in s["agreements"]] for s in chain] == [["첫 협약"], ["둘째 협약"]]
    page = response.content.decode()
    for url in (a.get_absolute_url(), first.get_absolute_url(), second.get_absolute_url()):
        assert f'href="{url}"' in page
    assert "They are 2 agreements apart." in page


def test_path_finder_on_the_seed_joins_khidi_to_the_ministry(seed, client):
    response = chain_page(client, "KHIDI", MINISTRY)

    assert response.status_code == 200
    assert len(response.context["chains"][0]) == 1
    titles = [a.title for a in response.context["chains"][0][0]["agreements"]]
    assert "바이오 클러스터 협의체" in titles


def test_path_finder_says_when_no_chain_exists(db, client):
    a, b = OrganizationFactory.create_batch(2)

    response = chain_page(client, a.slug, b.slug)

    assert response.status_code == 200
    assert response.context["chains"] == []
    assert "No chain of agreements connects these two organizations." in response.content.decode()


def test_path_finder_rejects_unknown_same_or_ambiguous_names(db, client):
    a, b = OrganizationFactory.create_batch(2)
    OrganizationNameFactory(organization=a, name="같은이름")
    OrganizationNameFactory(organization=b, name="같은이름")

    unknown = chain_page(client, "없는기관", a.slug)
    same = chain_page(client, a.slug, a.name_ko)
    ambiguous = chain_page(client, "같은이름", a.slug)
    empty = chain_page(client, "", "")

    assert unknown.status_code == same.status_code == ambiguous.status_code == 400
    assert empty.status_code == 400
    assert "No organization is known as “없는기관”." in unknown.content.decode()
    assert "Choose two different organizations." in same.content.decode()
    assert a.slug in ambiguous.context["form"].errors["source"][0]
    assert b.slug in ambiguous.context["form"].errors["source"][0]


def test_path_finder_form_is_empty_before_a_search(db, client):
    response = client.get(reverse("network:network_path"))

    assert response.status_code == 200
    assert response.context["chains"] is None
    assert not response.context["form"].errors


def test_path_finder_honours_the_filters(db, client):
    a, b = OrganizationFactory.create_batch(2)
    agreement = AgreementFactory(kind="mou")
    AgreementPartyFactory(agreement=agreement, organization=a)
    AgreementPartyFactory(agreement=agreement, organization=b)

    assert chain_page(client, a.slug, b.slug, kind="mou").context["chains"]
    assert chain_page(client, a.slug, b.slug, kind="council").context["chains"] == []


def test_path_finder_needs_the_same_queries_for_5_and_50_agreements(
    db, client, django_assert_max_num_queries
):
    for count in (5, 50):
        make_agreements(count)
        source, target = Organization.objects.order_by("pk")[:2]
        # The data's version (httpcache); two name look-ups, the cluster filter's choices,
        # whether the network is small enough to search now, three to build, one for
        # agreements.
        with django_assert_max_num_queries(9):
            assert chain_page(client, source.slug, target.slug).status_code == 200


def test_organization_ranks_count_the_clusters_its_partners_span(seed, client):
    member = ClusterMembershipFactory(
        cluster=Cluster.objects.get(slug="osong-medical-complex")
    ).organization
    agreement = AgreementPartyFactory(organization=member).agreement
    AgreementPartyFactory(agreement=agreement, organization=Organization.objects.get(slug=MINISTRY))
    AgreementPartyFactory(
        agreement=agreement, organization=Cluster.objects.get(slug="songdo-bio-cluster").operator
    )

    response = client.get(reverse("network:organization_network", kwargs={"slug": member.slug}))

    ranks = {r["metric"]: r["value"] for r in response.context["ego_network"]["ranks"]}
    # Partners: the ministry (in no cluster) and Songdo's operator: only Songdo is spanned.
    assert ranks["degree"] == 2
    assert ranks["brokerage"] == 1


def test_the_link_from_an_organization_opens_the_path_form_with_its_name(client, seed):
    page = client.get("/organizations/khidi/").content.decode()
    assert 'href="/network/path/?source=khidi"' in page
    response = client.get("/network/path/", {"source": "khidi"})
    assert response.status_code == 200
    assert not response.context["form"].is_bound
    # By its name (in this module's English), not its slug.
    assert 'value="Korea Health Industry Development Institute"' in response.content.decode()


def test_an_empty_selection_says_so_and_offers_no_files(client, seed):
    response = client.get(reverse("network:network"), {"year_from": "2001", "year_to": "2002"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="network-empty"' in html
    assert "graphml" not in html.lower().split("<main")[1] and "communities" not in html
