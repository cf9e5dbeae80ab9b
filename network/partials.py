"""What the network partials on organization and cluster pages show:
``network/_ego_network.html`` and ``network/_cluster_network.html``."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import get_language, gettext

from clusters.models import Cluster
from orgs.models import Organization

from .cache import cache_key, cached, data_version, whole_network_ranks
from .drawing import Drawing, draw, legend, network_svg
from .graph import cluster_graph, load_ego, parse_steps
from .tasks import schedule_whole_network_analysis


def ego_context(organization: Organization, steps=1) -> dict:
    """Context for ``network/_ego_network.html``: ``{"ego_network": {...}}``, whose
    ``graph_url`` is the same network as JSON for the interactive view.

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
        ranks_version = cache.get(cache_key("ranks:latest-version", ()))
        return cache_key("ego", (version, ranks_version, organization.slug, steps, get_language()))

    shown = cache.get(key())
    if shown is None:
        shown = _ego_shown(organization, steps, version)
        # Under the ranks it was drawn with, which drawing it may just have computed.
        cache.set(key(), shown, settings.NETWORK_CACHE_SECONDS)
    graph_url = reverse("network:organization_network_graph", kwargs={"slug": organization.slug})
    return {
        "ego_network": {
            "organization": organization,
            "steps": steps,
            "graph_url": f"{graph_url}?steps={steps}",
            **shown,
        }
    }


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
        analysis = whole_network_ranks(version, prepare=schedule_whole_network_analysis)
        whole = analysis.value
        title = gettext("Collaboration network of %(name)s") % {"name": organization.display_name}
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


def cluster_context(cluster: Cluster) -> dict:
    """Context for ``network/_cluster_network.html``: ``{"cluster_network": {...}}``, whose
    ``graph_url`` is the same network as JSON for the interactive view.

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
    graph_url = reverse("network:cluster_network_graph", kwargs={"slug": cluster.slug})
    return {"cluster_network": {"cluster": cluster, "graph_url": graph_url, **shown}}


def _cluster_shown(cluster: Cluster) -> dict:
    network = cluster_graph(cluster)
    drawing = (
        draw(
            network,
            title=gettext("Collaboration network of %(cluster)s")
            % {"cluster": cluster.display_name},
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
