"""The network as files for Gephi and other tools: GraphML and GEXF, streamed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import networkx as nx

from .metrics import brokerage

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
