"""What the interactive network view (``static/bionet/network.js``) reads: a network as plain
data for JSON, its nodes ranked by partners so the script can label the best connected first,
cached by the data's version like the drawings it enhances.

The data holds the organizations the server drawing shows (the same cut to the
``NETWORK_DRAWING_NODES`` most connected) and the links among them. Nothing in it is markup:
the script reads it as data and sets names as text.
"""

from __future__ import annotations

import networkx as nx
from django.conf import settings
from django.utils.translation import get_language, gettext

from clusters.models import Cluster
from orgs.models import Organization

from .cache import Analysis, analysed, cached, selection_key
from .drawing import edge_width, legend, node_radius
from .graph import cluster_graph, load_ego, load_network, parse_steps
from .metrics import most_connected, sorted_subgraph


def graph_data(
    graph: nx.Graph,
    *,
    title: str,
    highlight: str | None = None,
    total: int | None = None,
    max_nodes: int | None = None,
) -> dict:
    """``graph`` as the interactive view reads it, cut like the drawing to its ``max_nodes``
    (default ``NETWORK_DRAWING_NODES``) most connected organizations; ``highlight`` (an ego)
    is always kept. One query, for the names of the clusters the organizations belong to.

    ``{"title", "highlight", "shown", "total", "years": [first, last] or None,
    "kinds": [{"kind", "label", "colour"}], "clusters": [{"slug", "name"}],
    "nodes": [{"id", "name", "name_ko", "name_en", "kind", "clusters", "partners", "rank",
    "radius", "url"}], "edges": [{"source", "target", "weight", "width", "first_year",
    "last_year"}]}``

    ``partners`` counts them in ``graph`` (before the cut), as the drawing sizes its circles;
    ``rank`` orders the nodes shown from 1, most partners first (then most shared agreements,
    then slug), with no ties: the order in which labels are placed.
    """
    max_nodes = max_nodes or settings.NETWORK_DRAWING_NODES
    shown = most_connected(graph, max_nodes)
    if highlight is not None and highlight in graph and highlight not in shown:
        shown = sorted_subgraph(graph, [*list(most_connected(graph, max_nodes - 1)), highlight])
    degrees = dict(graph.degree())
    weighted = dict(graph.degree(weight="weight"))
    ranked = sorted(shown, key=lambda node: (-degrees[node], -weighted[node], node))
    rank_of = {node: rank for rank, node in enumerate(ranked, start=1)}
    english = (get_language() or "").startswith("en")

    nodes = []
    for node in sorted(shown):
        data = shown.nodes[node]
        nodes.append(
            {
                "id": node,
                "name": (data["name_en"] if english and data["name_en"] else data["name_ko"]),
                "name_ko": data["name_ko"],
                "name_en": data["name_en"],
                "kind": data["kind"],
                "clusters": list(data["clusters"]),
                "partners": degrees[node],
                "rank": rank_of[node],
                "radius": node_radius(degrees[node]),
                "url": Organization(slug=node).get_absolute_url(),
            }
        )
    edges = []
    years = []
    for first, second, data in sorted(shown.edges(data=True), key=lambda e: sorted(e[:2])):
        first, second = sorted((first, second))
        edges.append(
            {
                "source": first,
                "target": second,
                "weight": data["weight"],
                "width": edge_width(data["weight"]),
                "first_year": data["first_year"],
                "last_year": data["last_year"],
            }
        )
        if data["first_year"] is not None:
            years.extend((data["first_year"], data["last_year"]))
    return {
        "title": title,
        "highlight": highlight if highlight in shown else None,
        "shown": shown.number_of_nodes(),
        "total": graph.number_of_nodes() if total is None else total,
        "years": [min(years), max(years)] if years else None,
        "kinds": [{**item, "label": str(item["label"])} for item in legend(shown)],
        "clusters": _clusters(shown),
        "nodes": nodes,
        "edges": edges,
    }


def _clusters(graph: nx.Graph) -> list[dict]:
    """The clusters the organizations of ``graph`` belong to or run, by name: one query."""
    slugs = {slug for _, data in graph.nodes(data=True) for slug in data["clusters"]}
    if not slugs:
        return []
    clusters = Cluster.objects.filter(slug__in=slugs).only("slug", "name_ko", "name_en")
    named = [{"slug": cluster.slug, "name": cluster.display_name} for cluster in clusters]
    return sorted(named, key=lambda cluster: (cluster["name"], cluster["slug"]))


def network_graph(
    agreements, filters: list, version: str, *, prepare=None, on_miss=None, affordable=None
) -> Analysis:
    """The network of ``agreements`` for the interactive view of ``/network/``, chosen by the
    page's ``filters`` (a sorted list of (name, values) pairs), in the active language.

    Cached for the data's ``version`` as the page's analysis is: a network with more parties
    than a request may analyse gives the latest data computed for these filters, or none
    (``value`` is None). Four queries to compute it, none to read it from the cache.
    """
    return analysed(
        "explore",
        selection_key(filters),
        version,
        lambda: graph_data(load_network(agreements), title=gettext("Collaboration network")),
        agreements=agreements,
        counted_as=("selection", filters),
        prepare=prepare,
        on_miss=on_miss,
        affordable=affordable,
    )


def organization_graph(organization: Organization, steps, version: str) -> dict:
    """``organization``'s ego network, one or two ``steps`` out, as the organization page
    draws it (:func:`network.graph.load_ego`); cached for the data's ``version``, otherwise
    five or six queries."""
    steps = parse_steps(steps)

    def compute():
        neighbourhood = load_ego(organization, steps)
        return graph_data(
            neighbourhood.graph,
            title=gettext("Collaboration network of %(name)s")
            % {"name": organization.display_name},
            highlight=organization.slug,
            total=neighbourhood.total,
        )

    return cached("explore-ego", (version, organization.slug, steps, get_language()), compute)


def cluster_network_graph(cluster: Cluster, version: str) -> dict:
    """The network among ``cluster``'s operator and members, as the cluster page draws it
    (:func:`network.partials.cluster_graph`); cached for the data's ``version``, otherwise
    four queries."""
    return cached(
        "explore-cluster",
        (version, cluster.slug, get_language()),
        lambda: graph_data(
            cluster_graph(cluster),
            title=gettext("Collaboration network of %(cluster)s")
            % {"cluster": cluster.display_name},
        ),
    )
