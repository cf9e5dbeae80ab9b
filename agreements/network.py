"""The collaboration network: organizations joined by the agreements they are parties to.

Nodes are organizations (keyed by slug); an edge joins two organizations that are parties to
the same agreement. Its ``weight`` is the number of agreements they share, ``kinds`` the
agreement kinds, ``first_year``/``last_year`` the span of the dated ones and ``agreements``
their ids. An organization in two roles in one agreement counts once.

The module has three layers, so that each can be tested and timed on its own:

* loading (:func:`load_network`): a fixed number of queries over any agreement queryset,
  whatever its size, feeding :func:`graph_from_rows`, which never touches the database;
* analysis (:func:`network_metrics`, :func:`most_connected`, :func:`shortest_chains`) and
  export (:func:`graphml_bytes`, :func:`gexf_bytes`), on a prebuilt ``networkx.Graph``;
* drawing (:func:`layout`, :func:`network_svg`): a deterministic layout and an inline SVG
  that needs no JavaScript. The same graph always gives byte-identical SVG.

:func:`ego_context` and :func:`cluster_context` give the ``network/_ego_network.html`` and
``network/_cluster_network.html`` partials everything they show.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import math
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations, islice
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import networkx as nx
import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Q
from django.db.models.functions import Cast, Substr
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from clusters.models import Cluster, ClusterMembership
from orgs.models import Organization

from .models import Agreement, AgreementParty, NetworkVersion

# The layout and the communities use this seed: the same data always gives the same picture.
SEED = 20240101
# Above this many organizations a drawing is cut to the most connected ones.
MAX_NODES = 150
# Shortest chains listed at most between two organizations.
MAX_CHAINS = 10
# Exact betweenness costs one breadth-first search per organization. Past this many
# (organizations x edges), it is estimated from a sample of sources, each search a full pass
# over the edges, so one page never costs more than about this many edge visits.
BETWEENNESS_BUDGET = 4_000_000

KIND_COLOURS = {
    Organization.Kind.UNIVERSITY: "#1f77b4",
    Organization.Kind.HOSPITAL: "#d62728",
    Organization.Kind.RESEARCH_INSTITUTE: "#2ca02c",
    Organization.Kind.MINISTRY: "#9467bd",
    Organization.Kind.LOCAL_GOVERNMENT: "#8c564b",
    Organization.Kind.PUBLIC_AGENCY: "#ff7f0e",
    Organization.Kind.ASSOCIATION: "#e377c2",
    Organization.Kind.COMPANY: "#17becf",
    Organization.Kind.OTHER: "#7f7f7f",
}

METRICS = ("degree", "weighted_degree", "betweenness", "brokerage")


# --------------------------------------------------------------------------- loading


def load_network(agreements=None, *, organizations=None) -> nx.Graph:
    """The network of ``agreements`` (default: all), in three queries whatever their number.

    One query reads the parties with their agreement's kind and year, one the organizations
    taking part (plus ``organizations``, an optional queryset of organizations to include even
    without agreements), one the clusters each belongs to or operates.
    """
    if agreements is None:
        parties = AgreementParty.objects.all()
    else:
        parties = AgreementParty.objects.filter(agreement__in=agreements.order_by().values("pk"))
    # IN (subquery), not a correlated EXISTS: SQLite runs the EXISTS once per organization,
    # which takes a minute at 100,000 agreements; the subquery is computed once.
    condition = Q(pk__in=parties.order_by().values("organization_id"))
    if organizations is not None:
        condition |= Q(pk__in=organizations.order_by().values("pk"))
    return _load(parties, Organization.objects.filter(condition))


def load_neighbourhood(organization: Organization, steps: int = 1) -> nx.Graph:
    """The network among ``organization`` and everyone within ``steps`` agreements of it.

    Reads only the parties of those organizations, never the rest of the network, so its cost
    follows the neighbourhood's size, not the directory's; the result is the same graph as
    :func:`ego_network` cut from the whole network. Three queries.
    """
    nearby = Organization.objects.filter(pk=organization.pk).values("pk")
    for _step in range(steps):
        agreements = AgreementParty.objects.filter(organization__in=nearby).values("agreement_id")
        nearby = AgreementParty.objects.filter(agreement__in=agreements).values("organization_id")
    return _load(
        AgreementParty.objects.filter(organization__in=nearby),
        Organization.objects.filter(pk__in=nearby),
        nearby,
    )


@dataclass
class Neighbourhood:
    """What an ego network page draws: ``graph`` (cut to the strongest ties when the
    neighbourhood is larger than the drawing), how many organizations the whole
    neighbourhood holds and how many partners the organization has."""

    graph: nx.Graph
    total: int
    partners: int

    @property
    def is_cut(self) -> bool:
        return self.graph.number_of_nodes() < self.total


def load_ego(organization: Organization, steps: int = 1, limit: int | None = None):
    """``organization``'s neighbourhood within ``steps`` agreements, ready to draw.

    First one grouped query per step counts, for every organization in reach, the agreements
    it shares with the organization (first step) or with its partners (second step). When
    they fit the drawing (``limit``, default MAX_NODES), the whole neighbourhood is read
    (:func:`load_neighbourhood`); otherwise only the organization, its partners with most
    shared agreements and then the second step's best connected, up to ``limit``. Either
    way four queries for one step, five for two, whatever the size of the directory: a hub
    with thousands of partners never loads the thousands of agreements among them.
    """
    limit = limit or MAX_NODES
    ego_agreements = AgreementParty.objects.filter(organization=organization).values("agreement_id")
    partners = _shared_counts(
        AgreementParty.objects.filter(agreement__in=ego_agreements).exclude(
            organization=organization
        )
    )
    reached = [partners]
    if steps > 1:
        nearby = AgreementParty.objects.filter(agreement__in=ego_agreements).values(
            "organization_id"
        )
        reached.append(
            _shared_counts(
                AgreementParty.objects.filter(
                    agreement__in=AgreementParty.objects.filter(organization__in=nearby).values(
                        "agreement_id"
                    )
                ).exclude(organization__in=nearby)
            )
        )
    total = 1 + sum(len(counts) for counts in reached)
    if total <= limit:
        return Neighbourhood(load_neighbourhood(organization, steps), total, len(partners))
    keep = [organization.pk]
    for counts in reached:
        strongest = sorted(counts.items(), key=lambda item: (-item[1][0], item[1][1]))
        keep.extend(pk for pk, _count in strongest[: limit - len(keep)])
    ids = Organization.objects.filter(pk__in=keep).values("pk")
    graph = _load(
        AgreementParty.objects.filter(organization__in=ids),
        Organization.objects.filter(pk__in=ids),
        ids,
    )
    return Neighbourhood(graph, total, len(partners))


def _shared_counts(parties) -> dict[int, tuple[int, str]]:
    """organization id -> (number of distinct agreements among ``parties``, slug)."""
    rows = (
        parties.order_by()
        .values("organization_id", "organization__slug")
        .annotate(shared=Count("agreement_id", distinct=True))
        .values_list("organization_id", "shared", "organization__slug")
    )
    return {pk: (shared, slug) for pk, shared, slug in rows}


def load_members(organizations) -> nx.Graph:
    """The network among ``organizations`` only (a queryset), joined by any agreements they
    share; members without agreements are unconnected nodes. Three queries."""
    ids = organizations.order_by().values("pk")
    return _load(
        AgreementParty.objects.filter(organization__in=ids),
        Organization.objects.filter(pk__in=ids),
        ids,
    )


def _load(parties, organizations, cluster_organizations=None) -> nx.Graph:
    """Read ``parties`` and ``organizations`` (querysets) and their clusters: three queries.

    The agreement's year is cut from its date by the database (the first four characters
    of its ISO form) rather than by an extract function, which SQLite runs in Python once per
    row; rows are streamed as plain tuples.
    """
    year = Cast(
        Substr(Cast("agreement__date", output_field=CharField()), 1, 4),
        output_field=IntegerField(),
    )
    party_rows = _raw_rows(
        parties.order_by()
        .annotate(year=year)
        .values_list("agreement_id", "organization_id", "agreement__kind", "year")
    )
    organization_rows = (
        organizations.order_by()
        .values("pk", "slug", "name_ko", "name_en", "kind", "region")
        .iterator(chunk_size=20_000)
    )
    memberships = ClusterMembership.objects.order_by()
    operated = Cluster.objects.filter(operator__isnull=False).order_by()
    if cluster_organizations is not None:
        memberships = memberships.filter(organization__in=cluster_organizations)
        operated = operated.filter(operator__in=cluster_organizations)
    cluster_rows = memberships.values_list("organization_id", "cluster__slug").union(
        operated.values_list("operator_id", "slug")
    )
    return graph_from_rows(party_rows, organization_rows, cluster_rows)


def _raw_rows(queryset, chunk_size: int = 20_000) -> Iterator[tuple]:
    """The rows of a ``values_list`` queryset straight from the database cursor.

    Only for columns the database already returns as Python wants them (integers, text):
    it skips Django's per-row converters, a third of the time of reading 300,000 parties.
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk_size):
            yield from rows


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while a graph is built.

    Building a large graph allocates millions of dicts and tuples, none of them garbage; the
    collector would scan them again and again (about 40 % of the build at 300,000 parties).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def graph_from_rows(
    parties: Iterable[tuple],
    organizations: Iterable[Mapping],
    clusters: Iterable[tuple] = (),
) -> nx.Graph:
    """Build the network from plain rows; never touches the database.

    ``parties``: (agreement id, organization id, agreement kind, agreement year or None);
    ``organizations``: mappings with pk, slug, name_ko, name_en, kind, region;
    ``clusters``: (organization id, cluster slug) for each membership or operated cluster.
    Nodes and edges are inserted in slug order, so everything computed from the graph
    (layout, paths, communities) comes out the same for the same data.

    Edges are gathered in a plain dict keyed by (first slug, second slug) and handed to
    networkx in one call: growing the graph one agreement at a time costs several times more.
    """
    with _collector_paused():
        return _graph_from_rows(parties, organizations, clusters)


def _graph_from_rows(parties, organizations, clusters) -> nx.Graph:
    # Parties are read first: the organizations' query may be a stream over the same
    # connection, and a second stream cannot start while one is open on every database.
    agreement_info = {}
    party_ids = defaultdict(list)
    for agreement_id, organization_id, kind, year in parties:
        party_ids[agreement_id].append(organization_id)
        agreement_info[agreement_id] = (kind, year)
    organizations = {row["pk"]: row for row in organizations}
    slug_of = {pk: row["slug"] for pk, row in organizations.items()}
    cluster_slugs = defaultdict(set)
    for organization_id, cluster_slug in clusters:
        cluster_slugs[organization_id].add(cluster_slug)

    # (first slug, second slug) -> ids of their shared agreements, in ascending order
    shared = defaultdict(list)
    for agreement_id in sorted(party_ids):
        slugs = sorted({slug_of[pk] for pk in party_ids[agreement_id] if pk in slug_of})
        for pair in combinations(slugs, 2):
            shared[pair].append(agreement_id)

    def attributes(ids):
        if len(ids) == 1:
            kind, year = agreement_info[ids[0]]
            return {
                "weight": 1,
                "kinds": (kind,),
                "first_year": year,
                "last_year": year,
                "agreements": tuple(ids),
            }
        years = [agreement_info[i][1] for i in ids if agreement_info[i][1] is not None]
        return {
            "weight": len(ids),
            "kinds": tuple(sorted({agreement_info[i][0] for i in ids})),
            "first_year": min(years, default=None),
            "last_year": max(years, default=None),
            "agreements": tuple(ids),
        }

    graph = nx.Graph(agreement_count=len(agreement_info))
    graph.add_nodes_from(
        (
            row["slug"],
            {
                "pk": pk,
                "name_ko": row["name_ko"],
                "name_en": row["name_en"] or "",
                "kind": row["kind"],
                "region": row["region"] or "",
                "clusters": tuple(sorted(cluster_slugs.get(pk, ()))),
            },
        )
        for pk, row in sorted(organizations.items(), key=lambda item: item[1]["slug"])
    )
    graph.add_edges_from(
        (first, second, attributes(shared[first, second])) for first, second in sorted(shared)
    )
    return graph


# --------------------------------------------------------------------------- analysis


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
    components = _numbered(nx.connected_components(graph))
    if communities and graph.number_of_edges():
        communities = _numbered(nx.community.louvain_communities(graph, weight="weight", seed=SEED))
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


def _numbered(groups: Iterable[Iterable[str]]) -> list[list[str]]:
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


def organization_ranks(metrics: NetworkMetrics, slug: str) -> list[dict]:
    """``slug``'s value and rank for each metric, out of every organization in the network."""
    total = len(metrics.by_node)
    labels = metric_labels()
    return [
        {
            "metric": metric,
            "label": labels[metric],
            "value": getattr(metrics.by_node[slug], metric),
            "rank": metrics.rank(slug, metric),
            "of": total,
        }
        for metric in METRICS
    ]


def metric_labels() -> dict[str, str]:
    return {
        "degree": gettext("Partners"),
        "weighted_degree": gettext("Shared agreements"),
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


def sorted_subgraph(graph: nx.Graph, nodes: Iterable[str]) -> nx.Graph:
    """An independent copy of the subgraph on ``nodes``, nodes and edges in slug order."""
    keep = set(nodes)
    subgraph = nx.Graph()
    subgraph.add_nodes_from((n, graph.nodes[n]) for n in sorted(keep))
    subgraph.add_edges_from(
        sorted(
            (min(u, v), max(u, v), data)
            for u, v, data in graph.edges(keep, data=True)
            if u in keep and v in keep
        )
    )
    return subgraph


def ego_network(graph: nx.Graph, slug: str, steps: int = 1) -> nx.Graph:
    """``slug`` and the organizations within ``steps`` agreements of it."""
    return sorted_subgraph(graph, nx.single_source_shortest_path_length(graph, slug, steps))


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


def node_organization(graph: nx.Graph, node: str) -> dict:
    """What a template needs to show and link one organization of the graph."""
    data = graph.nodes[node]
    return {
        "slug": node,
        "name_ko": data["name_ko"],
        "name_en": data["name_en"],
        "kind": data["kind"],
        "kind_label": kind_labels().get(data["kind"], data["kind"]),
        "url": Organization(slug=node).get_absolute_url(),
    }


# --------------------------------------------------------------------------- export


# Attributes of the exported files: (name, GraphML type, GEXF type).
NODE_ATTRIBUTES = (
    ("label", "string", "string"),
    ("slug", "string", "string"),
    ("name_ko", "string", "string"),
    ("name_en", "string", "string"),
    ("kind", "string", "string"),
    ("region", "string", "string"),
    ("clusters", "string", "string"),
    ("degree", "int", "integer"),
    ("weighted_degree", "int", "integer"),
    ("brokerage", "int", "integer"),
)
EDGE_ATTRIBUTES = (
    ("weight", "int", None),  # GEXF has its own weight attribute
    ("kinds", "string", "string"),
    ("first_year", "int", "integer"),
    ("last_year", "int", "integer"),
)
# Characters XML 1.0 cannot hold at all, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def export_rows(graph: nx.Graph):
    """Node and edge attributes as the exported files hold them, in slug order.

    Nodes carry their slug, label (Korean name), names, kind, region, clusters
    (';'-separated slugs), degree, weighted degree and brokerage; edges weight, kinds
    (';'-separated) and the first and last year (left out when no shared agreement is dated).
    Returns two iterators: (slug, attributes) and (first, second, attributes).
    """
    nodes = (
        (
            node,
            {
                "label": data["name_ko"],
                "slug": node,
                "name_ko": data["name_ko"],
                "name_en": data["name_en"],
                "kind": data["kind"],
                "region": data["region"],
                "clusters": ";".join(data["clusters"]),
                "degree": graph.degree(node),
                "weighted_degree": graph.degree(node, weight="weight"),
                "brokerage": brokerage(graph, node),
            },
        )
        for node, data in graph.nodes(data=True)
    )
    edges = (
        (
            first,
            second,
            {
                "weight": data["weight"],
                "kinds": ";".join(data["kinds"]),
                "first_year": data["first_year"],
                "last_year": data["last_year"],
            },
        )
        for first, second, data in graph.edges(data=True)
    )
    return nodes, edges


def _xml_text(value) -> str:
    return xml_escape(_XML_INVALID.sub("", str(value)))


def _xml_attr(value) -> str:
    return quoteattr(_XML_INVALID.sub("", str(value)))


def graphml_chunks(graph: nx.Graph) -> Iterator[str]:
    """The graph as GraphML, a piece at a time (Cytoscape, Gephi, yEd and networkx read it).

    Written here rather than with networkx's writer, which builds the whole document in
    memory first: streaming keeps a 100,000-agreement export several times faster and small.
    """
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for domain, attributes in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        for name, graphml_type, _gexf_type in attributes:
            yield (
                f'<key id="{domain}_{name}" for="{domain}" attr.name="{name}" '
                f'attr.type="{graphml_type}"/>\n'
            )
    yield '<graph edgedefault="undirected">\n'
    nodes, edges = export_rows(graph)
    for node, attributes in nodes:
        data = "".join(
            f'<data key="node_{name}">{_xml_text(value)}</data>'
            for name, value in attributes.items()
        )
        yield f"<node id={_xml_attr(node)}>{data}</node>\n"
    for first, second, attributes in edges:
        data = "".join(
            f'<data key="edge_{name}">{_xml_text(value)}</data>'
            for name, value in attributes.items()
            if value is not None
        )
        yield f"<edge source={_xml_attr(first)} target={_xml_attr(second)}>{data}</edge>\n"
    yield "</graph>\n</graphml>\n"


def gexf_chunks(graph: nx.Graph) -> Iterator[str]:
    """The graph as GEXF 1.2, a piece at a time (Gephi and networkx read it)."""
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
        "<meta><creator>Bionet</creator></meta>\n"
        '<graph defaultedgetype="undirected" mode="static">\n'
    )
    for domain, attributes in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        yield f'<attributes class="{domain}" mode="static">\n'
        for name, _graphml_type, gexf_type in attributes:
            if gexf_type is not None and name != "label":
                yield f'<attribute id="{domain}_{name}" title="{name}" type="{gexf_type}"/>\n'
        yield "</attributes>\n"
    nodes, edges = export_rows(graph)
    yield "<nodes>\n"
    for node, attributes in nodes:
        label = attributes.pop("label")
        values = "".join(
            f'<attvalue for="node_{name}" value={_xml_attr(value)}/>'
            for name, value in attributes.items()
        )
        yield (
            f"<node id={_xml_attr(node)} label={_xml_attr(label)}>"
            f"<attvalues>{values}</attvalues></node>\n"
        )
    yield "</nodes>\n<edges>\n"
    for number, (first, second, attributes) in enumerate(edges):
        weight = attributes.pop("weight")
        values = "".join(
            f'<attvalue for="edge_{name}" value={_xml_attr(value)}/>'
            for name, value in attributes.items()
            if value is not None
        )
        yield (
            f'<edge id="{number}" source={_xml_attr(first)} target={_xml_attr(second)} '
            f'weight="{weight}"><attvalues>{values}</attvalues></edge>\n'
        )
    yield "</edges>\n</graph>\n</gexf>\n"


def graphml_bytes(graph: nx.Graph) -> bytes:
    return "".join(graphml_chunks(graph)).encode()


def gexf_bytes(graph: nx.Graph) -> bytes:
    return "".join(gexf_chunks(graph)).encode()


# --------------------------------------------------------------------------- drawing

WIDTH = 800
HEIGHT = 600
MARGIN = 60  # room for labels around the outermost nodes
GROUP_GAP = 0.6  # between connected groups, in layout units (a one-organization group is 1)
FONT_SIZE = 10
MIN_NODE_DISTANCE = 28  # vertically; closer nodes are pushed apart
LABEL_ASPECT = 3.5  # how many times further apart nodes must be side by side
LABEL_STYLE = (
    f'font-size="{FONT_SIZE}" fill="#1f2937" stroke="#ffffff" stroke-width="3" '
    'stroke-linejoin="round" paint-order="stroke" text-anchor="middle" '
    "font-family=\"'Noto Sans KR','Apple SD Gothic Neo','Malgun Gothic',system-ui,sans-serif\""
)


def layout(graph: nx.Graph, width: int = WIDTH, height: int = HEIGHT) -> dict[str, tuple]:
    """Node positions in viewBox units, rounded to 0.1: a seeded spring layout.

    Each connected group is laid out on its own (rebuilt in slug order first, so the same
    nodes and edges always land in the same places whatever order they were added in), in a
    square whose side grows with the square root of its size; the squares are then shelved
    in rows, largest first, and the whole scaled to the viewBox keeping its proportions.
    """
    if not graph:
        return {}
    components = _numbered(nx.connected_components(graph))
    row_limit = max(
        math.sqrt(len(components[0])),
        1.2 * math.sqrt(sum(len(c) for c in components)),
    )
    placed: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for nodes in components:
        side = math.sqrt(len(nodes))
        if x > 0 and x + side > row_limit:
            x, y, row_height = 0.0, y + row_height + GROUP_GAP, 0.0
        for node, (px, py) in _unit_layout(graph, nodes).items():
            placed[node] = (x + px * side, y + py * side)
        x += side + GROUP_GAP
        row_height = max(row_height, side)
    names = sorted(placed)
    points = _fit(np.array([placed[n] for n in names], dtype=float), width, height)
    # Tight groups (everyone in one council) pile up under a spring layout: push apart nodes
    # whose labels would collide, then fit the result to the viewBox again. Labels are about
    # LABEL_ASPECT times wider than tall, so distances are measured on a squeezed x axis.
    squeeze = np.array([1 / LABEL_ASPECT, 1.0])
    for _round in range(4):
        points = _fit(_spread(points * squeeze, MIN_NODE_DISTANCE) / squeeze, width, height)
    return {
        name: (round(float(x), 1), round(float(y), 1))
        for name, (x, y) in zip(names, points, strict=True)
    }


def _fit(points, width: int, height: int):
    """Scale and centre points into the viewBox inside its margins, keeping proportions."""
    low = points.min(axis=0)
    span = points.max(axis=0) - low
    span[span == 0] = 1.0
    inner = np.array([width - 2 * MARGIN, height - 2 * MARGIN], dtype=float)
    scale = float(min(inner / span))
    offset = MARGIN + (inner - span * scale) / 2
    return offset + (points - low) * scale


def _spread(points, min_distance: float, iterations: int = 50):
    """Move apart, symmetrically, every pair of points closer than ``min_distance``."""
    points = points.copy()
    count = len(points)
    if count < 2:
        return points
    # A fixed direction for points that coincide, so the result stays deterministic.
    fallback = np.stack([np.cos(np.arange(count)), np.sin(np.arange(count))], axis=1)
    for _ in range(iterations):
        delta = points[:, None, :] - points[None, :, :]
        distance = np.sqrt((delta**2).sum(axis=2))
        np.fill_diagonal(distance, np.inf)
        overlap = np.clip(min_distance - distance, 0, None)
        if not overlap.any():
            break
        safe = np.where(distance == 0, 1.0, distance)
        direction = np.where(
            (distance == 0)[:, :, None], fallback[:, None, :], delta / safe[:, :, None]
        )
        points += (direction * (overlap / 2)[:, :, None]).sum(axis=1) / 2
    return points


def _unit_layout(graph: nx.Graph, nodes: list[str]) -> dict[str, tuple[float, float]]:
    """One connected group's positions within the unit square."""
    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    ordered = nx.Graph()
    ordered.add_nodes_from(nodes)
    ordered.add_edges_from(sorted((min(u, v), max(u, v)) for u, v in graph.subgraph(nodes).edges()))
    positions = nx.spring_layout(ordered, k=2 / math.sqrt(len(nodes)), seed=SEED, iterations=200)
    xs = [float(p[0]) for p in positions.values()]
    ys = [float(p[1]) for p in positions.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {
        node: ((float(p[0]) - min(xs)) / span_x, (float(p[1]) - min(ys)) / span_y)
        for node, p in positions.items()
    }


def node_radius(degree: int) -> float:
    return round(3 + 1.6 * math.sqrt(degree), 1)


def edge_width(weight: int) -> float:
    return round(min(1 + 1.5 * math.log2(weight), 8), 1)


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def kind_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Organization.Kind.choices}


def agreement_kind_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Agreement.Kind.choices}


def edge_description(graph: nx.Graph, first: str, second: str) -> str:
    """'A — B: 3 shared agreements (MOU, Council), 2019–2024'."""
    data = graph.edges[first, second]
    kinds = agreement_kind_labels()
    text = ngettext(
        "%(first)s — %(second)s: %(count)d shared agreement (%(kinds)s)",
        "%(first)s — %(second)s: %(count)d shared agreements (%(kinds)s)",
        data["weight"],
    ) % {
        "first": graph.nodes[first]["name_ko"],
        "second": graph.nodes[second]["name_ko"],
        "count": data["weight"],
        "kinds": ", ".join(kinds.get(k, k) for k in data["kinds"]),
    }
    if data["first_year"] is not None:
        years = (
            str(data["first_year"])
            if data["first_year"] == data["last_year"]
            else f"{data['first_year']}–{data['last_year']}"
        )
        text = f"{text}, {years}"
    return text


def network_svg(
    graph: nx.Graph,
    *,
    title: str,
    positions: Mapping[str, tuple] | None = None,
    degrees: Mapping[str, int] | None = None,
    highlight: str | None = None,
    id_prefix: str = "network",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """The graph as one inline ``<svg>``: a linked, labelled circle per organization.

    Nodes are coloured by organization kind and sized by ``degrees`` (default: their degree
    in ``graph``; pass the whole network's to size a cut-out the same way); edges are as wide
    as their weight. ``highlight`` rings one node (the ego of an ego network). Everything
    shown is escaped; presentation attributes draw it without a stylesheet, CSS classes let
    the site's stylesheet restyle it.
    """
    if positions is None:
        positions = layout(graph, width, height)
    if degrees is None:
        degrees = dict(graph.degree())
    kinds = kind_labels()
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    description = ngettext(
        "%(nodes)d organization and %(edges)d link between them.",
        "%(nodes)d organizations and %(edges)d links between them.",
        graph.number_of_nodes(),
    ) % {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network-graph" role="img" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        '<g class="network-edges">',
    ]
    for first, second, data in sorted(graph.edges(data=True), key=lambda e: sorted(e[:2])):
        first, second = sorted((first, second))
        x1, y1 = positions[first]
        x2, y2 = positions[second]
        parts.append(
            f'<line class="network-edge" x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" '
            f'y2="{_fmt(y2)}" stroke="#9ca3af" stroke-opacity="0.7" '
            f'stroke-width="{_fmt(edge_width(data["weight"]))}">'
            f"<title>{escape(edge_description(graph, first, second))}</title></line>"
        )
    parts.append('</g><g class="network-nodes">')
    for node in sorted(graph):
        data = graph.nodes[node]
        x, y = positions[node]
        radius = node_radius(degrees.get(node, 0))
        degree = degrees.get(node, 0)
        tooltip = ngettext(
            "%(name)s (%(kind)s): %(count)d partner",
            "%(name)s (%(kind)s): %(count)d partners",
            degree,
        ) % {
            "name": data["name_ko"],
            "kind": kinds.get(data["kind"], data["kind"]),
            "count": degree,
        }
        ring = (
            ' stroke="#111827" stroke-width="3"'
            if node == highlight
            else ' stroke="#ffffff" stroke-width="1.5"'
        )
        css_class = "network-node network-ego" if node == highlight else "network-node"
        parts.append(
            f'<a class="{css_class}" href="{escape(Organization(slug=node).get_absolute_url())}" '
            f'data-kind="{escape(data["kind"])}"><title>{escape(tooltip)}</title>'
            f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(radius)}" '
            f'fill="{KIND_COLOURS.get(data["kind"], "#7f7f7f")}"{ring}/>'
            f'<text x="{_fmt(x)}" y="{_fmt(y + radius + FONT_SIZE + 1)}" {LABEL_STYLE}>'
            f"{escape(data['name_ko'])}</text></a>"
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def legend(graph: nx.Graph) -> list[dict]:
    """The organization kinds present in ``graph``, in the kinds' own order, with colours."""
    present = {data["kind"] for _, data in graph.nodes(data=True)}
    return [
        {"kind": value, "label": label, "colour": KIND_COLOURS[value]}
        for value, label in Organization.Kind.choices
        if value in present
    ]


@dataclass
class Drawing:
    """A drawn (possibly cut) network: its SVG, legend and what was left out."""

    svg: SafeString
    legend: list[dict]
    shown: int
    total: int

    @property
    def is_cut(self) -> bool:
        return self.shown < self.total


def draw(
    graph: nx.Graph,
    *,
    title: str,
    highlight: str | None = None,
    id_prefix: str = "network",
    max_nodes: int | None = None,
) -> Drawing:
    """Draw ``graph``, cut to its ``max_nodes`` (default MAX_NODES) most connected
    organizations if larger. The highlighted node is always kept.
    """
    max_nodes = max_nodes or MAX_NODES
    shown = most_connected(graph, max_nodes)
    if highlight is not None and highlight not in shown:
        shown = sorted_subgraph(graph, [*list(shown)[: max_nodes - 1], highlight])
    svg = network_svg(
        shown,
        title=title,
        degrees=dict(graph.degree()),
        highlight=highlight,
        id_prefix=id_prefix,
    )
    return Drawing(svg, legend(shown), shown.number_of_nodes(), graph.number_of_nodes())


# --------------------------------------------------------------------------- caching
#
# The whole network takes seconds to build and analyse at 100,000 agreements, so what pages
# show of it is cached with Django's cache framework, keyed by what was asked for and by
# the data's version. The version is a row that database triggers bump on every write to the
# tables the network is built from (NetworkVersion), read on every request with one lookup
# by primary key: unlike signals it also sees bulk inserts, imports, raw SQL and writes made
# by another worker process whose local-memory cache a signal could never reach, and unlike
# a fingerprint of the tables it costs the same at any size. A change to the data gives a new
# key; old entries expire.

CACHE_PREFIX = "bionet:network"


def data_version() -> str:
    """The version of everything the network is built from, in one query.

    When the version row is missing (its table was emptied and nothing has been written
    since), every call answers a new version, so nothing is served from the cache.
    """
    version = NetworkVersion.objects.filter(pk=1).values_list("token", "counter").first()
    if version is None:
        return secrets.token_hex(16)
    token, counter = version
    return f"{token}:{counter}"


def _cache_key(name: str, key: Iterable) -> str:
    digest = hashlib.sha256(repr(tuple(key)).encode()).hexdigest()
    return f"{CACHE_PREFIX}:{name}:{digest}"


def cached(name: str, key: Iterable, compute):
    """``compute()``, or its result cached under ``name`` and ``key`` (which should include
    :func:`data_version`)."""
    cache_key = _cache_key(name, key)
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, settings.NETWORK_CACHE_SECONDS)
    return value


def too_large_to_analyse_now(agreements=None) -> bool:
    """Whether the network of ``agreements`` (default all) has more parties than a request
    may analyse (``settings.NETWORK_PARTIES_PER_REQUEST``).

    Counts at most one party past the limit, so the answer costs the same at any size.
    """
    limit = settings.NETWORK_PARTIES_PER_REQUEST
    parties = AgreementParty.objects.all()
    if agreements is not None:
        parties = parties.filter(agreement__in=agreements.values("pk"))
    return parties.order_by()[: limit + 1].count() > limit


@dataclass(frozen=True)
class Analysis:
    """A cached analysis of a network and whether it describes the data as it is now.

    ``value`` is None when the network was never analysed and is too large to analyse in
    the request; ``current`` is False when it was analysed before the data last changed.
    """

    value: object
    current: bool
    computed: datetime.datetime | None


def analysed(name: str, key: Iterable, version: str, compute, agreements=None) -> Analysis:
    """``compute()`` for the data's ``version``, cached; when the network of ``agreements``
    is too large to analyse while a visitor waits, the latest result computed for ``key``
    (by an earlier request or ``manage.py analyse_network``) instead.
    """
    key = tuple(key)
    found = cache.get(_cache_key(name, (version, *key)))
    if found is None and _too_large(name, key, version, agreements):
        found = cache.get(_cache_key(f"{name}:latest", key))
        if found is None:
            return Analysis(None, False, None)
        return Analysis(found[0], found[1] == version, found[2])
    if found is None:
        found = store(name, key, version, compute())
    return Analysis(found[0], True, found[2])


def _too_large(name: str, key: tuple, version: str, agreements) -> bool:
    """too_large_to_analyse_now(agreements), remembered for the data's version."""
    verdict_key = _cache_key(f"{name}:too-large", (version, *key))
    verdict = cache.get(verdict_key)
    if verdict is None:
        verdict = too_large_to_analyse_now(agreements)
        cache.set(verdict_key, verdict, settings.NETWORK_CACHE_SECONDS)
    return verdict


def store(name: str, key: Iterable, version: str, value) -> tuple:
    """Cache ``value`` as the result for ``version`` and as the latest for ``key``."""
    key = tuple(key)
    found = (value, version, timezone.now())
    cache.set(_cache_key(name, (version, *key)), found, settings.NETWORK_CACHE_SECONDS)
    # The latest result outlives its version: it is what large networks show until the
    # next analysis.
    cache.set(_cache_key(f"{name}:latest", key), found, None)
    cache.set(_cache_key(f"{name}:latest-version", key), version, None)
    return found


@dataclass(frozen=True)
class Ranks:
    """Every organization's value and rank for each metric, in the whole network."""

    by_node: dict[str, tuple[tuple, ...]]  # slug -> ((value, rank), ...) in METRICS order
    betweenness_sample: int | None

    @classmethod
    def of_graph(cls, graph: nx.Graph) -> Ranks:
        # The partial shows no communities: skip Louvain, the slowest step.
        metrics = network_metrics(graph, communities=False)
        by_node = {
            node: tuple(
                (getattr(metrics.by_node[node], metric), metrics.rank(node, metric))
                for metric in METRICS
            )
            for node in metrics.by_node
        }
        return cls(by_node, metrics.betweenness_sample)

    def degree(self, slug: str) -> int:
        """``slug``'s partners in the whole network (0 when unknown)."""
        return self.by_node[slug][0][0] if slug in self.by_node else 0

    def of(self, slug: str) -> list[dict]:
        """``slug``'s value and rank for each metric (as :func:`organization_ranks`)."""
        if slug not in self.by_node:
            return []
        labels = metric_labels()
        return [
            {
                "metric": metric,
                "label": labels[metric],
                "value": value,
                "rank": rank,
                "of": len(self.by_node),
            }
            for metric, (value, rank) in zip(METRICS, self.by_node[slug], strict=True)
        ]


def whole_network_ranks(version: str | None = None) -> Analysis:
    """The whole network's ranks for the data's ``version`` (default: read it), cached; or,
    for a network too large to analyse in a request, the latest ranks computed."""
    return analysed("ranks", (), version or data_version(), compute_whole_network_ranks)


def compute_whole_network_ranks() -> Ranks:
    return Ranks.of_graph(load_network())


def network_page(agreements, filters: list, version: str) -> Analysis:
    """What the network page shows for ``agreements``, chosen by the page's ``filters``
    (a sorted list of (name, values) pairs), in the active language."""
    return analysed(
        "page",
        _page_key(filters),
        version,
        lambda: network_summary(agreements, title=gettext("Collaboration network")),
        agreements=agreements,
    )


def _page_key(filters: list) -> tuple:
    """What the network page's analysis is cached under, besides the data's version."""
    return (filters, get_language())


def analyse_whole_network() -> str:
    """Compute and cache the whole network's ranks and its unfiltered network page in every
    language, however large: ``manage.py analyse_network``. Returns the version analysed."""
    version = data_version()
    graph = load_network()
    store("ranks", (), version, Ranks.of_graph(graph))
    metrics = network_metrics(graph)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            # The unfiltered page, as network_page() looks it up.
            title = gettext("Collaboration network")
            store("page", _page_key([]), version, _summary(graph, metrics, title=title))
    return version


def network_summary(agreements, *, title: str) -> dict:
    """What the network page shows of the network of ``agreements``: the drawing, the ranked
    table for every order, the summary counts and the betweenness sample. Small enough to
    cache, unlike the graph itself (unpickling 300,000 edges costs more than building them).
    """
    graph = load_network(agreements)
    return _summary(graph, network_metrics(graph), title=title)


def _summary(graph: nx.Graph, metrics: NetworkMetrics, *, title: str) -> dict:
    return {
        "drawing": draw(graph, title=title),
        "tables": {order: ranked(graph, metrics, order) for order in METRICS},
        "summary": {
            "organizations": graph.number_of_nodes(),
            "links": graph.number_of_edges(),
            "agreements": graph.graph["agreement_count"],
            "components": len(metrics.components),
            "largest_component": len(metrics.components[0]) if metrics.components else 0,
            "communities": len(metrics.communities) if graph.number_of_edges() else 0,
        },
        "betweenness_sample": metrics.betweenness_sample,
    }


# --------------------------------------------------------------------------- partials


def parse_steps(value) -> int:
    """1 or 2 steps; anything else (missing, malformed, out of range) is 1."""
    try:
        steps = int(value)
    except (TypeError, ValueError):
        return 1
    return steps if steps in (1, 2) else 1


def ego_context(organization: Organization, steps=1) -> dict:
    """Context for ``network/_ego_network.html``: ``{"ego_network": {...}}``.

    ``steps`` (1 or 2, e.g. straight from ``request.GET.get("steps")``; anything else is 1)
    is how far from the organization the drawing reaches. Cached for the data's version (one
    query); otherwise drawn from the neighbourhood's records only (:func:`load_ego`, four or
    five queries), with ranks among every organization in the whole network, themselves
    cached (three more queries to rebuild the network when the data has changed).
    """
    steps = parse_steps(steps)
    version = data_version()

    # Keyed by the version of the latest ranks too: a partial drawn with older ranks, or
    # none, gives way as soon as analyse_network has computed new ones.
    def key():
        ranks_version = cache.get(_cache_key("ranks:latest-version", ()))
        return _cache_key("ego", (version, ranks_version, organization.slug, steps, get_language()))

    shown = cache.get(key())
    if shown is None:
        shown = _ego_shown(organization, steps, version)
        # Under the ranks it was drawn with, which drawing it may just have computed.
        cache.set(key(), shown, settings.NETWORK_CACHE_SECONDS)
    return {"ego_network": {"organization": organization, "steps": steps, **shown}}


def _ego_shown(organization: Organization, steps: int, version: str) -> dict:
    """What the ego partial shows, apart from the organization and the steps."""
    neighbourhood = load_ego(organization, steps)
    graph = neighbourhood.graph
    context = {
        "in_network": organization.slug in graph,
        "drawing": None,
        "ranks": [],
        "ranks_current": True,
        "ranks_computed": None,
        "betweenness_sample": None,
        "partner_count": 0,
    }
    if context["in_network"]:
        analysis = whole_network_ranks(version)
        whole = analysis.value
        title = gettext("Collaboration network of %(name)s") % {"name": organization}
        id_prefix = f"ego-{organization.slug}"
        if neighbourhood.is_cut:
            # Partners counted in the whole network: the cut-off neighbourhood's own links
            # were never read. Without ranks yet, the links drawn are what is known.
            degrees = {
                node: whole.degree(node) if whole else degree for node, degree in graph.degree()
            }
            drawing = Drawing(
                network_svg(
                    graph,
                    title=title,
                    degrees=degrees,
                    highlight=organization.slug,
                    id_prefix=id_prefix,
                ),
                legend(graph),
                graph.number_of_nodes(),
                neighbourhood.total,
            )
        else:
            drawing = draw(graph, title=title, highlight=organization.slug, id_prefix=id_prefix)
        context.update(
            drawing=drawing,
            ranks=whole.of(organization.slug) if whole else [],
            ranks_current=analysis.current,
            ranks_computed=analysis.computed,
            betweenness_sample=whole.betweenness_sample if whole else None,
            partner_count=neighbourhood.partners,
        )
    return context


def cluster_members(cluster: Cluster):
    """The cluster's operator and member organizations."""
    return Organization.objects.filter(
        Q(pk=cluster.operator_id)
        | Exists(ClusterMembership.objects.filter(cluster=cluster, organization=OuterRef("pk")))
    )


def cluster_context(cluster: Cluster) -> dict:
    """Context for ``network/_cluster_network.html``: ``{"cluster_network": {...}}``.

    The network among the cluster's operator and members, joined by any of their agreements
    (inside the cluster or not); members without agreements are drawn unconnected. Cached
    for the data's version (one query); otherwise three queries, reading the members'
    records only (a cluster with a national hub among its members reads all the hub's
    agreements: 1.6 s at 1,000,000 agreements on PostgreSQL, hence the cache).
    """
    shown = cached(
        "cluster",
        (data_version(), cluster.slug, get_language()),
        lambda: _cluster_shown(cluster),
    )
    return {"cluster_network": {"cluster": cluster, **shown}}


def _cluster_shown(cluster: Cluster) -> dict:
    graph = load_members(cluster_members(cluster))
    member_slugs = [
        node for node, data in graph.nodes(data=True) if cluster.slug in data["clusters"]
    ]
    network = sorted_subgraph(graph, member_slugs)
    drawing = (
        draw(
            network,
            title=gettext("Collaboration network of %(cluster)s") % {"cluster": cluster},
            id_prefix=f"cluster-{cluster.slug}",
        )
        if network.number_of_nodes()
        else None
    )
    return {
        "drawing": drawing,
        "member_count": network.number_of_nodes(),
        "link_count": network.number_of_edges(),
    }
