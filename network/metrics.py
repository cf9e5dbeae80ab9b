"""Measures of a prebuilt network: degree, betweenness, brokerage, communities, rankings
and the shortest chains between two organizations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

import networkx as nx
from django.utils.translation import gettext

from orgs.models import Organization

from .graph import kind_labels, sorted_subgraph

# The layout and the communities use this seed: the same data always gives the same picture.
SEED = 20240101

# Shortest chains listed at most between two organizations.
MAX_CHAINS = 10

# Exact betweenness costs one breadth-first search per organization. Past this many
# (organizations x edges), it is estimated from a sample of sources, each search a full pass
# over the edges, so one page never costs more than about this many edge visits.
BETWEENNESS_BUDGET = 4_000_000

METRICS = ("degree", "weighted_degree", "betweenness", "brokerage")


@dataclass(frozen=True)
class OrganizationMetrics:
    degree: int
    weighted_degree: int
    betweenness: float
    brokerage: int
    component: int
    community: int


@dataclass
class NetworkMetrics:
    """Metrics of every organization, plus the network's components and communities."""

    by_node: dict[str, OrganizationMetrics]
    components: list[list[str]]
    communities: list[list[str]]
    # How many organizations betweenness was estimated from; None when computed exactly.
    betweenness_sample: int | None = None
    ranks: dict[str, dict[str, int]] = field(default_factory=dict)

    def rank(self, slug: str, metric: str) -> int:
        """1 for the highest value; ties share the better rank."""
        if metric not in self.ranks:
            values = sorted((getattr(m, metric) for m in self.by_node.values()), reverse=True)
            first_at = {}
            for position, value in enumerate(values, start=1):
                first_at.setdefault(value, position)
            self.ranks[metric] = {
                node: first_at[getattr(m, metric)] for node, m in self.by_node.items()
            }
        return self.ranks[metric][slug]


def brokerage(graph: nx.Graph, node: str) -> int:
    """How many distinct clusters ``node``'s partners belong to or operate."""
    spanned = set()
    for partner in graph[node]:
        spanned.update(graph.nodes[partner].get("clusters", ()))
    return len(spanned)


def betweenness(graph: nx.Graph) -> tuple[dict[str, float], int | None]:
    """Normalized betweenness centrality, and the sample size when it had to be estimated."""
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    if nodes * max(edges, 1) <= BETWEENNESS_BUDGET:
        return nx.betweenness_centrality(graph), None
    sample = max(2, BETWEENNESS_BUDGET // max(edges, 1))
    if sample >= nodes:
        return nx.betweenness_centrality(graph), None
    return nx.betweenness_centrality(graph, k=sample, seed=SEED), sample


def network_metrics(graph: nx.Graph, *, communities: bool = True) -> NetworkMetrics:
    """Degree, weighted degree, betweenness, brokerage, component and community per node.

    Components are numbered from 1, largest first; communities come from networkx's Louvain
    method with a fixed seed, numbered the same way. Louvain is the slowest step on a large
    network: with ``communities=False`` it is skipped and every community number is 0.
    """
    components = numbered(nx.connected_components(graph))
    if communities and graph.number_of_edges():
        communities = numbered(nx.community.louvain_communities(graph, weight="weight", seed=SEED))
    else:
        communities = [] if not communities else [[node] for node in sorted(graph)]
    component_of = {node: i for i, nodes in enumerate(components, start=1) for node in nodes}
    community_of = dict.fromkeys(graph, 0)
    community_of.update({node: i for i, nodes in enumerate(communities, start=1) for node in nodes})
    centrality, sample = betweenness(graph)
    by_node = {
        node: OrganizationMetrics(
            degree=graph.degree(node),
            weighted_degree=graph.degree(node, weight="weight"),
            betweenness=round(centrality[node], 6),
            brokerage=brokerage(graph, node),
            component=component_of[node],
            community=community_of[node],
        )
        for node in graph
    }
    return NetworkMetrics(by_node, components, communities, sample)


def numbered(groups: Iterable[Iterable[str]]) -> list[list[str]]:
    """Groups as sorted lists, largest first, ties by their first slug."""
    return sorted((sorted(group) for group in groups), key=lambda g: (-len(g), g[0]))


def ranked(graph: nx.Graph, metrics: NetworkMetrics, order: str = "degree", limit: int = 25):
    """The top ``limit`` organizations by ``order`` (one of METRICS), as table rows."""
    if order not in METRICS:
        order = "degree"
    nodes = sorted(
        metrics.by_node,
        key=lambda node: (
            -getattr(metrics.by_node[node], order),
            -metrics.by_node[node].degree,
            node,
        ),
    )
    return [
        {
            "rank": metrics.rank(node, order),
            "organization": node_organization(graph, node),
            "kind": graph.nodes[node]["kind"],
            "metrics": metrics.by_node[node],
        }
        for node in nodes[:limit]
    ]


def metric_labels() -> dict[str, str]:
    return {
        "degree": gettext("Partners"),
        "weighted_degree": gettext("Partnerships (one per partner per agreement)"),
        "betweenness": gettext("Betweenness"),
        "brokerage": gettext("Clusters spanned"),
    }


def most_connected(graph: nx.Graph, limit: int) -> nx.Graph:
    """The subgraph of the ``limit`` organizations with most partners (ties: more agreements,
    then slug); the graph itself when it is no larger."""
    if graph.number_of_nodes() <= limit:
        return graph
    keep = sorted(graph, key=lambda n: (-graph.degree(n), -graph.degree(n, weight="weight"), n))[
        :limit
    ]
    return sorted_subgraph(graph, keep)


def shortest_chains(graph: nx.Graph, source: str, target: str, limit: int = MAX_CHAINS):
    """Up to ``limit`` shortest chains of organizations from ``source`` to ``target``.

    Each chain is a list of node slugs; an empty list when they are not connected.
    """
    if source not in graph or target not in graph:
        return []
    try:
        return list(islice(nx.all_shortest_paths(graph, source, target), limit))
    except nx.NetworkXNoPath:
        return []


def chain_links(graph: nx.Graph, source: str, target: str, *, per_step: int) -> dict:
    """The shortest chains from ``source`` to ``target`` as plain data, for a page or a
    task's result: ``{"chains": [[{"source", "target", "agreement_ids", "more"}, ...]],
    "nodes": {slug: {"name_ko", "name_en", "kind"}}}``, each step with the ids of its
    ``per_step`` latest agreements and how many more there are."""
    chains = []
    nodes = {}
    for chain in shortest_chains(graph, source, target):
        steps = []
        for first, second in zip(chain, chain[1:], strict=False):
            ids = graph.edges[first, second]["agreements"]
            shown = ids[-per_step:]
            steps.append(
                {
                    "source": first,
                    "target": second,
                    "agreement_ids": list(reversed(shown)),
                    "more": len(ids) - len(shown),
                }
            )
        for node in chain:
            data = graph.nodes[node]
            nodes[node] = {key: data[key] for key in ("name_ko", "name_en", "kind")}
        chains.append(steps)
    return {"chains": chains, "nodes": nodes}


def node_organization(graph: nx.Graph, node: str) -> dict:
    """What a template needs to show and link one organization of the graph."""
    return linked_organization(node, graph.nodes[node])


def linked_organization(node: str, data: dict) -> dict:
    """What a template needs to show and link one organization: ``data`` holds its names
    and kind."""
    return {
        "slug": node,
        "name_ko": data["name_ko"],
        "name_en": data["name_en"],
        "kind": data["kind"],
        "kind_label": kind_labels().get(data["kind"], data["kind"]),
        "url": Organization(slug=node).get_absolute_url(),
    }
