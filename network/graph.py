"""The collaboration network as a graph: organizations joined by the agreements they are
parties to, loaded from the database in a fixed number of queries.

Nodes are organizations (keyed by slug); an edge joins two organizations that are parties to
the same agreement. Its ``weight`` is the number of agreements they share, ``kinds`` the
agreement kinds, ``first_year``/``last_year`` the span of the dated ones and ``agreements``
their ids. An organization in two roles in one agreement counts once.

:func:`load_network` feeds :func:`graph_from_rows`, which never touches the database, so each
can be tested and timed on its own.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations

import networkx as nx
from django.conf import settings
from django.db import connections
from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Q
from django.db.models.functions import Cast, Substr

from agreements.models import Agreement, AgreementParty
from bionet.lib.text import ascii_int
from clusters.models import Cluster, ClusterMembership
from orgs.models import Organization


def load_network(agreements=None, *, organizations=None) -> nx.Graph:
    """The network of ``agreements`` (default: all), in three queries whatever their number.

    One query reads the parties with their agreement's kind and year, one the organizations
    taking part (plus ``organizations``, an optional queryset of organizations to include even
    without agreements), one the clusters each belongs to or operates.
    """
    if agreements is None:
        parties = AgreementParty.objects.published()
    else:
        parties = AgreementParty.objects.published().filter(
            agreement__in=agreements.order_by().values("pk")
        )
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
        agreements = (
            AgreementParty.objects.published()
            .filter(organization__in=nearby)
            .values("agreement_id")
        )
        nearby = (
            AgreementParty.objects.published()
            .filter(agreement__in=agreements)
            .values("organization_id")
        )
    return _load(
        AgreementParty.objects.published().filter(organization__in=nearby),
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
    they fit the drawing (``limit``, default ``NETWORK_DRAWING_NODES``), the whole
    neighbourhood is read
    (:func:`load_neighbourhood`); otherwise only the organization, its partners with most
    shared agreements and then the second step's best connected, up to ``limit``. Either
    way four queries for one step, five for two, whatever the size of the directory: a hub
    with thousands of partners never loads the thousands of agreements among them.
    """
    limit = limit or settings.NETWORK_DRAWING_NODES
    ego_agreements = (
        AgreementParty.objects.published().filter(organization=organization).values("agreement_id")
    )
    partners = _shared_counts(
        AgreementParty.objects.published()
        .filter(agreement__in=ego_agreements)
        .exclude(organization=organization)
    )
    reached = [partners]
    if steps > 1:
        nearby = (
            AgreementParty.objects.published()
            .filter(agreement__in=ego_agreements)
            .values("organization_id")
        )
        reached.append(
            _shared_counts(
                AgreementParty.objects.published()
                .filter(
                    agreement__in=AgreementParty.objects.published()
                    .filter(organization__in=nearby)
                    .values("agreement_id")
                )
                .exclude(organization__in=nearby)
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
        AgreementParty.objects.published().filter(organization__in=ids),
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
        AgreementParty.objects.published().filter(organization__in=ids),
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


def kind_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Organization.Kind.choices}


def agreement_kind_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Agreement.Kind.choices}


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


def parse_steps(value) -> int:
    """1 or 2 steps; anything else (missing, malformed, other digits, out of range) is 1."""
    steps = value if isinstance(value, int) else ascii_int(value)
    return steps if steps in (1, 2) else 1


def cluster_members(cluster: Cluster):
    """The cluster's operator and member organizations (published ones)."""
    return Organization.objects.published().filter(
        Q(pk=cluster.operator_id)
        | Exists(ClusterMembership.objects.filter(cluster=cluster, organization=OuterRef("pk")))
    )


def cluster_graph(cluster: Cluster) -> nx.Graph:
    """The network among ``cluster``'s operator and members: three queries."""
    graph = load_members(cluster_members(cluster))
    member_slugs = [
        node for node, data in graph.nodes(data=True) if cluster.slug in data["clusters"]
    ]
    return sorted_subgraph(graph, member_slugs)
