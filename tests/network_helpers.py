"""What network tests compare the directory's own loading and drawing with."""

import networkx as nx

from network.metrics import sorted_subgraph


def ego_network(graph: nx.Graph, slug: str, steps: int = 1) -> nx.Graph:
    """``slug`` and the organizations within ``steps`` agreements of it, cut from ``graph``:
    what the pages read from the database directly (network.graph.load_neighbourhood)."""
    return sorted_subgraph(graph, nx.single_source_shortest_path_length(graph, slug, steps))
