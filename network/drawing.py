"""The network drawn without JavaScript: a deterministic layout and an inline SVG. The same
graph always gives byte-identical SVG."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext

from orgs.models import Organization

from .graph import agreement_kind_labels, kind_labels
from .metrics import most_connected, numbered, sorted_subgraph

# The layout and the communities use this seed: the same data always gives the same picture.
SEED = 20240101


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
    components = numbered(nx.connected_components(graph))
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


def shown_name(node: dict) -> str:
    """An organization's name as pages show it: English on English pages where it has one."""
    english = node.get("name_en")
    return english if english and (get_language() or "").startswith("en") else node["name_ko"]


def edge_description(graph: nx.Graph, first: str, second: str) -> str:
    """'A — B: 3 shared agreements (MOU, Council), 2019–2024'."""
    data = graph.edges[first, second]
    kinds = agreement_kind_labels()
    text = ngettext(
        "%(first)s — %(second)s: %(count)d shared agreement (%(kinds)s)",
        "%(first)s — %(second)s: %(count)d shared agreements (%(kinds)s)",
        data["weight"],
    ) % {
        "first": shown_name(graph.nodes[first]),
        "second": shown_name(graph.nodes[second]),
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
        # A group, not an image: its organizations are links (axe: nested-interactive).
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network-graph" role="group" '
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
            "name": shown_name(data),
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
            f"{escape(shown_name(data))}</text></a>"
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
    """Draw ``graph``, cut to its ``max_nodes`` (default ``NETWORK_DRAWING_NODES``) most
    connected organizations if larger. The highlighted node is always kept.
    """
    max_nodes = max_nodes or settings.NETWORK_DRAWING_NODES
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
