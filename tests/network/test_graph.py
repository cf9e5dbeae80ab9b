"""The collaboration network (network/): graph, metrics, drawing, paths, export."""

import datetime
import io
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

import network.metrics
from agreements.filters import AgreementFilterSet
from agreements.models import Agreement, AgreementParty
from clusters.models import Cluster
from network.cache import Ranks
from network.drawing import HEIGHT, KIND_COLOURS, WIDTH, draw, layout, network_svg
from network.files import gexf_bytes, graphml_bytes
from network.graph import graph_from_rows, load_network
from network.metrics import (
    METRICS,
    most_connected,
    network_metrics,
    ranked,
    shortest_chains,
)
from network.partials import cluster_context, ego_context
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    OrganizationFactory,
)
from tests.network_helpers import ego_network

SVG = "{http://www.w3.org/2000/svg}"
MINISTRY = "ministry-of-health-and-welfare"
OPERATED_CLUSTERS = [
    "songdo-bio-cluster",
    "daegu-gyeongbuk-medical-complex",
    "osong-medical-complex",
    "daedeok-innopolis",
    "gwanggyo-techno-valley",
    "wonju-medical-device-cluster",
]


def org_row(pk, slug, kind="research_institute"):
    return {
        "pk": pk,
        "slug": slug,
        "name_ko": f"{slug} 기관",
        "name_en": slug.title(),
        "kind": kind,
        "region": "seoul",
    }


def graph_of(agreements, clusters=()):
    """A graph from {agreement id: [organization slugs]}; organization pk = slug's position."""
    slugs = sorted({slug for parties in agreements.values() for slug in parties})
    pks = {slug: i for i, slug in enumerate(slugs, start=1)}
    parties = [
        (agreement_id, pks[slug], "mou", 2020 + agreement_id % 3)
        for agreement_id, members in agreements.items()
        for slug in members
    ]
    cluster_rows = [(pks[slug], cluster) for slug, cluster in clusters]
    return graph_from_rows(parties, [org_row(pks[s], s) for s in slugs], cluster_rows)


def path_graph():
    """a - b - c - d, one agreement per link."""
    return graph_of({1: ["a", "b"], 2: ["b", "c"], 3: ["c", "d"]})


def test_it_joins_the_ministry_to_every_cluster_operator_through_the_council(seed):
    graph = load_network()
    operators = dict(
        Cluster.objects.filter(slug__in=OPERATED_CLUSTERS).values_list("slug", "operator__slug")
    )
    assert len(operators) == 6
    for cluster_slug, operator in operators.items():
        assert graph.has_edge(MINISTRY, operator), cluster_slug
        assert "council" in graph.edges[MINISTRY, operator]["kinds"]
    assert graph.nodes[MINISTRY]["name_ko"] == "보건복지부"


def test_it_weighs_links_by_shared_agreements_with_kinds_and_years(db):
    first, second, third = OrganizationFactory.create_batch(3)
    mou = AgreementFactory(kind="mou", date=datetime.date(2019, 7, 3))
    council = AgreementFactory(kind="council", date=datetime.date(2023, 1, 1))
    undated = AgreementFactory(kind="event", date=None, date_precision="unknown")
    for agreement in (mou, council):
        AgreementPartyFactory(agreement=agreement, organization=first)
        AgreementPartyFactory(agreement=agreement, organization=second)
    AgreementPartyFactory(agreement=undated, organization=second)
    AgreementPartyFactory(agreement=undated, organization=third)

    graph = load_network()

    link = graph.edges[first.slug, second.slug]
    assert link["weight"] == 2
    assert link["kinds"] == ("council", "mou")
    assert (link["first_year"], link["last_year"]) == (2019, 2023)
    assert link["agreements"] == tuple(sorted([mou.pk, council.pk]))
    undated_link = graph.edges[second.slug, third.slug]
    assert (undated_link["weight"], undated_link["first_year"]) == (1, None)
    assert not graph.has_edge(first.slug, third.slug)


def test_an_organization_in_two_roles_counts_once(db):
    host, guest = OrganizationFactory.create_batch(2)
    agreement = AgreementFactory()
    AgreementPartyFactory(agreement=agreement, organization=host, role="host")
    AgreementPartyFactory(agreement=agreement, organization=host, role="signatory")
    AgreementPartyFactory(agreement=agreement, organization=guest)

    graph = load_network()

    assert graph.number_of_edges() == 1
    assert graph.edges[host.slug, guest.slug]["weight"] == 1
    assert graph.graph["agreement_count"] == 1


def test_it_follows_the_agreement_filters(seed):
    council_only = AgreementFilterSet({"kind": "council"}, queryset=Agreement.objects.all())
    graph = load_network(council_only.qs)

    council = Agreement.objects.get(kind="council")
    parties = set(council.organizations.values_list("slug", flat=True))
    assert set(graph) == parties
    assert all(data["kinds"] == ("council",) for _, _, data in graph.edges(data=True))


def test_organizations_in_clusters_carry_the_clusters_they_belong_to_or_run(db):
    operator, member, outsider = OrganizationFactory.create_batch(3)
    cluster = ClusterFactory(operator=operator)
    ClusterMembershipFactory(cluster=cluster, organization=member)
    agreement = AgreementFactory()
    for organization in (operator, member, outsider):
        AgreementPartyFactory(agreement=agreement, organization=organization)

    graph = load_network()

    assert graph.nodes[operator.slug]["clusters"] == (cluster.slug,)
    assert graph.nodes[member.slug]["clusters"] == (cluster.slug,)
    assert graph.nodes[outsider.slug]["clusters"] == ()


@pytest.mark.parametrize("agreement_count", [5, 50])
def test_it_builds_the_graph_in_three_queries_whatever_the_size(
    db, django_assert_num_queries, agreement_count
):
    organizations = OrganizationFactory.create_batch(6)
    for i in range(agreement_count):
        agreement = AgreementFactory()
        AgreementPartyFactory(agreement=agreement, organization=organizations[i % 6])
        AgreementPartyFactory(agreement=agreement, organization=organizations[(i + 1) % 6])

    # Parties with their agreements' kind and date; organizations; clusters.
    with django_assert_num_queries(3):
        graph = load_network()
    assert graph.graph["agreement_count"] == agreement_count


def test_metrics_match_hand_computed_values_on_a_path():
    graph = path_graph()
    graph.edges["a", "b"]["weight"] = 3

    metrics = network_metrics(graph).by_node

    assert [metrics[n].degree for n in "abcd"] == [1, 2, 2, 1]
    assert [metrics[n].weighted_degree for n in "abcd"] == [3, 4, 2, 1]
    # b lies on the shortest paths a-c and a-d: 2 of the 3 pairs it is not part of.
    assert metrics["b"].betweenness == pytest.approx(2 / 3, abs=1e-6)
    assert metrics["c"].betweenness == pytest.approx(2 / 3, abs=1e-6)
    assert metrics["a"].betweenness == 0


def test_the_hub_of_a_star_has_betweenness_one():
    graph = graph_of({i: ["hub", f"leaf{i}"] for i in range(1, 6)})

    metrics = network_metrics(graph).by_node

    assert metrics["hub"].betweenness == 1
    assert metrics["hub"].degree == 5
    assert {metrics[f"leaf{i}"].betweenness for i in range(1, 6)} == {0}


def test_brokerage_counts_the_distinct_clusters_partners_span():
    graph = graph_of(
        {1: ["broker", "x"], 2: ["broker", "y"], 3: ["broker", "z"], 4: ["x", "w"]},
        clusters=[("x", "osong"), ("x", "daegu"), ("y", "osong"), ("w", "songdo")],
    )

    metrics = network_metrics(graph).by_node

    assert metrics["broker"].brokerage == 2  # osong and daegu; z is in none
    assert metrics["w"].brokerage == 2  # its partner x spans osong and daegu
    assert metrics["x"].brokerage == 1  # songdo, through w


def test_components_and_communities_are_numbered_largest_first():
    graph = graph_of(
        {
            1: ["a1", "a2", "a3"],  # triangle a
            2: ["b1", "b2", "b3"],  # triangle b
            3: ["a1", "b1"],  # one bridge between them
            4: ["p", "q"],  # a separate pair
        }
    )

    metrics = network_metrics(graph)

    assert metrics.components == [["a1", "a2", "a3", "b1", "b2", "b3"], ["p", "q"]]
    assert metrics.communities == [["a1", "a2", "a3"], ["b1", "b2", "b3"], ["p", "q"]]
    assert metrics.by_node["b2"].community == 2
    assert metrics.by_node["q"].component == 2
    assert metrics.betweenness_sample is None


def test_ranks_share_ties_and_count_every_organization():
    metrics = network_metrics(path_graph())

    ranks = {r["metric"]: r for r in Ranks.of_graph(path_graph()).of("d")}

    assert (ranks["degree"]["value"], ranks["degree"]["rank"], ranks["degree"]["of"]) == (1, 3, 4)
    assert Ranks.of_graph(path_graph()).of("b")[0]["rank"] == 1
    assert [row["organization"]["slug"] for row in ranked(path_graph(), metrics)] == [
        "b",
        "c",
        "a",
        "d",
    ]


def test_betweenness_is_estimated_from_a_sample_on_a_large_network(monkeypatch):
    monkeypatch.setattr(network.metrics, "BETWEENNESS_BUDGET", 20)
    graph = graph_of({i: ["hub", f"leaf{i}"] for i in range(1, 11)})

    metrics = network_metrics(graph)

    assert metrics.betweenness_sample == 2


def test_shortest_chains_lists_every_shortest_chain():
    graph = graph_of({1: ["a", "b"], 2: ["b", "c"], 3: ["a", "d"], 4: ["d", "c"], 5: ["c", "e"]})
    graph.add_node("alone", **graph.nodes["a"])

    assert shortest_chains(graph, "a", "e") == [["a", "b", "c", "e"], ["a", "d", "c", "e"]]
    assert shortest_chains(graph, "a", "b") == [["a", "b"]]
    assert shortest_chains(graph, "a", "alone") == []
    assert shortest_chains(graph, "a", "unknown") == []
    assert len(shortest_chains(graph, "a", "e", limit=1)) == 1


def test_ego_network_reaches_one_or_two_steps():
    graph = path_graph()

    assert sorted(ego_network(graph, "a", 1)) == ["a", "b"]
    assert sorted(ego_network(graph, "a", 2)) == ["a", "b", "c"]


def test_most_connected_keeps_the_hubs():
    graph = graph_of({1: ["hub", "x", "y"], 2: ["hub", "z"], 3: ["q", "r"]})

    cut = most_connected(graph, 3)

    assert sorted(cut) == ["hub", "x", "y"]
    assert most_connected(graph, 10) is graph


def test_the_svg_holds_a_linked_titled_node_per_organization(db, in_english):
    graph = graph_of({1: ["a", "b", "c"], 2: ["c", "d"]})

    root = ET.fromstring(str(network_svg(graph, title="망 <&>")))

    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "망 <&>"
    links = root.findall(f".//{SVG}a")
    assert [link.get("href") for link in links] == [f"/organizations/{s}/" for s in "abcd"]
    for link, slug in zip(links, "abcd", strict=True):
        # On an English page, each organization by its English name.
        assert link.find(f"{SVG}text").text == slug.title()
        assert link.find(f"{SVG}title").text.startswith(f"{slug.title()} (")
        assert link.find(f"{SVG}circle").get("fill") == KIND_COLOURS["research_institute"]
    lines = root.findall(f".//{SVG}line")
    assert len(lines) == 4
    assert "1 shared agreement" in lines[0].find(f"{SVG}title").text


def test_nodes_grow_with_degree_and_links_with_weight(db):
    graph = graph_of({1: ["hub", "x"], 2: ["hub", "y"], 3: ["hub", "x"]})

    root = ET.fromstring(str(network_svg(graph, title="t")))

    radius = {
        a.get("href").split("/")[2]: float(a.find(f"{SVG}circle").get("r"))
        for a in root.iter(f"{SVG}a")
    }
    assert radius["hub"] > radius["x"] == radius["y"]
    widths = sorted(float(line.get("stroke-width")) for line in root.iter(f"{SVG}line"))
    assert widths[0] < widths[1]


def test_the_same_data_gives_a_byte_identical_drawing(db):
    agreements = {1: ["a", "b", "c"], 2: ["c", "d"], 3: ["e", "f"], 4: ["d", "a"]}
    reordered = dict(reversed(list(agreements.items())))

    first = network_svg(graph_of(agreements), title="t")
    second = network_svg(graph_of(reordered), title="t")

    assert first == second
    positions = layout(graph_of(agreements))
    assert all(0 <= x <= WIDTH and 0 <= y <= HEIGHT for x, y in positions.values())
    assert len(set(positions.values())) == 6


def test_a_large_network_is_cut_with_a_note(db, settings):
    settings.NETWORK_DRAWING_NODES = 3
    graph = graph_of({1: ["hub", "x", "y"], 2: ["hub", "z"], 3: ["q", "r"]})

    drawing = draw(graph, title="t")

    assert (drawing.shown, drawing.total, drawing.is_cut) == (3, 6, True)
    assert len(ET.fromstring(str(drawing.svg)).findall(f".//{SVG}a")) == 3
    assert [item["kind"] for item in drawing.legend] == ["research_institute"]


def read_back(data: bytes, reader):
    return reader(io.BytesIO(data))


@pytest.mark.parametrize(
    ("export", "reader"), [(graphml_bytes, nx.read_graphml), (gexf_bytes, nx.read_gexf)]
)
def test_exports_read_back_with_their_attributes(export, reader):
    graph = graph_of({1: ["a", "b"], 2: ["a", "b"], 3: ["b", "c"]}, clusters=[("c", "osong")])
    graph.graph["agreement_count"] = 3

    read = read_back(export(graph), reader)

    assert sorted(read.nodes) == ["a", "b", "c"]
    assert sorted(tuple(sorted(e)) for e in read.edges) == [("a", "b"), ("b", "c")]
    node = read.nodes["b"]
    assert node["name_ko"] == "b 기관"
    assert node["name_en"] == "B"
    assert node["kind"] == "research_institute"
    assert node["region"] == "seoul"
    assert int(node["degree"]) == 2
    assert int(node["weighted_degree"]) == 3
    assert int(node["brokerage"]) == 1
    assert read.nodes["c"]["clusters"] == "osong"
    link = read.edges["a", "b"]
    assert float(link["weight"]) == 2
    assert link["kinds"] == "mou"
    assert int(link["first_year"]) == 2021
    assert int(link["last_year"]) == 2022


def test_ego_context_gives_the_partial_its_drawing_and_ranks(seed, django_assert_num_queries):
    from orgs.models import Organization

    ministry = Organization.objects.get(slug=MINISTRY)

    # the organizations one and two steps away with their shared agreements; the
    # neighbourhood's parties, organizations and clusters; the data's version; on a cold
    # cache, whether the whole network is small enough to analyse now, and its parties,
    # organizations and clusters for the ranks
    with django_assert_num_queries(10):
        context = ego_context(ministry, steps="2")["ego_network"]
    # the whole partial now comes from the cache: the data's version only
    with django_assert_num_queries(1):
        assert ego_context(ministry, steps="2")["ego_network"]["ranks"] == context["ranks"]

    assert context["steps"] == 2
    assert context["in_network"] is True
    assert [r["metric"] for r in context["ranks"]] == list(METRICS)
    assert context["partner_count"] >= 6
    assert ego_context(ministry, steps="9")["ego_network"]["steps"] == 1


def test_ego_context_of_an_organization_without_agreements(db):
    loner = OrganizationFactory()

    context = ego_context(loner)["ego_network"]

    assert context["in_network"] is False
    assert context["drawing"] is None


def test_cluster_context_draws_operator_and_members_only(db, django_assert_num_queries):
    operator, member, idle_member, outsider = OrganizationFactory.create_batch(4)
    cluster = ClusterFactory(operator=operator)
    ClusterMembershipFactory(cluster=cluster, organization=member)
    ClusterMembershipFactory(cluster=cluster, organization=idle_member)
    agreement = AgreementFactory()
    for organization in (operator, member, outsider):
        AgreementPartyFactory(agreement=agreement, organization=organization)

    # The data's version, then the members' parties, organizations and clusters.
    with django_assert_num_queries(4):
        context = cluster_context(cluster)["cluster_network"]
    with django_assert_num_queries(1):  # cached for this version
        assert cluster_context(cluster)["cluster_network"]["drawing"] == context["drawing"]

    root = ET.fromstring(str(context["drawing"].svg))
    hrefs = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert hrefs == {o.get_absolute_url() for o in (operator, member, idle_member)}
    assert (context["member_count"], context["link_count"]) == (3, 1)
    assert AgreementParty.objects.count() == 3


@pytest.mark.parametrize(
    ("export", "reader"), [(graphml_bytes, nx.read_graphml), (gexf_bytes, nx.read_gexf)]
)
def test_exports_escape_names_and_leave_out_unknown_years(export, reader):
    graph = graph_from_rows(
        [(1, 1, "mou", None), (1, 2, "mou", None)],
        [
            {**org_row(1, "a"), "name_ko": 'A&B <"연구소">\x01'},
            org_row(2, "b", kind="company"),
        ],
    )

    read = read_back(export(graph), reader)

    assert read.nodes["a"]["name_ko"] == 'A&B <"연구소">'
    assert read.nodes["b"]["kind"] == "company"
    assert "first_year" not in read.edges["a", "b"]
    assert float(read.edges["a", "b"]["weight"]) == 1
