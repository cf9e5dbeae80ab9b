"""Benchmark of the collaboration network at 10,000 organizations and 100,000 agreements.

    python bench/network.py                      # throwaway SQLite file in a temporary folder
    .ci/with-postgres python bench/network.py    # throwaway PostgreSQL 15 cluster

Generates synthetic records (``is_synthetic=True``) with bulk_create into a database it
migrates itself (never the project's own ``db.sqlite3``), then times building the graph,
its metrics, the network page, an ego page, the path finder and both exports. One process,
one core: it stays bounded on a shared machine. Partners are drawn with a skewed
(Zipf-like) weight so that, as in the real directory, a few hubs take part in many
agreements. Figures go to README.md under "Network" by hand.
"""

import bisect
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from databases import migrated_database  # noqa: E402

ORGANIZATIONS = int(os.environ.get("BENCH_ORGANIZATIONS", 10_000))
AGREEMENTS = int(os.environ.get("BENCH_AGREEMENTS", 100_000))
SEED = 7


def setup_database():
    return migrated_database(
        DJANGO_ALLOWED_HOSTS="testserver",
        # This benchmark times the analyses themselves, so pages may run them however large.
        NETWORK_PARTIES_PER_REQUEST=str(10**9),
    )


def generate():
    import datetime

    from agreements.models import Agreement, AgreementParty
    from clusters.models import Cluster, ClusterMembership
    from news.models import NewsItem
    from orgs.models import Organization

    rng = random.Random(SEED)
    kinds = Organization.Kind.values
    organizations = Organization.objects.bulk_create(
        [
            Organization(
                name_ko=f"합성기관{i:05d}",
                name_en=f"Synthetic Organization {i:05d}",
                slug=f"synthetic-{i:05d}",
                kind=kinds[i % len(kinds)],
                region="seoul",
                review_status=Organization.ReviewStatus.PUBLISHED,
                is_synthetic=True,
            )
            for i in range(ORGANIZATIONS)
        ],
        batch_size=2000,
    )
    clusters = Cluster.objects.bulk_create(
        [
            Cluster(
                name_ko=f"합성클러스터{i}",
                slug=f"synthetic-cluster-{i}",
                kind=Cluster.Kind.BIO_CLUSTER,
                region="seoul",
                operator=organizations[i],
                is_synthetic=True,
            )
            for i in range(40)
        ]
    )
    ClusterMembership.objects.bulk_create(
        [
            ClusterMembership(
                cluster=clusters[i % len(clusters)],
                organization=organization,
                role=ClusterMembership.Role.RESIDENT,
            )
            for i, organization in enumerate(organizations[::3])
        ],
        batch_size=2000,
    )
    news = NewsItem.objects.create(title="합성 기사", body="합성 데이터", is_synthetic=True)
    agreement_kinds = Agreement.Kind.values
    agreements = Agreement.objects.bulk_create(
        [
            Agreement(
                title=f"합성 협약 {i}",
                kind=agreement_kinds[i % len(agreement_kinds)],
                date=datetime.date(2010 + i % 15, 1 + i % 12, 1),
                date_precision=Agreement.DatePrecision.MONTH,
                review_status=Agreement.ReviewStatus.PUBLISHED,
                is_synthetic=True,
            )
            for i in range(AGREEMENTS)
        ],
        batch_size=5000,
    )
    Agreement.sources.through.objects.bulk_create(
        [Agreement.sources.through(agreement=a, newsitem=news) for a in agreements],
        batch_size=5000,
    )
    cumulative, total = [], 0.0
    for rank in range(ORGANIZATIONS):
        total += 1 / (rank + 1) ** 0.8
        cumulative.append(total)
    sizes = [2] * 6 + [3] * 3 + [4, 5, 6]
    parties = []
    for agreement in agreements:
        chosen = set()
        size = rng.choice(sizes)
        while len(chosen) < size:
            chosen.add(min(bisect.bisect(cumulative, rng.random() * total), ORGANIZATIONS - 1))
        parties.extend(
            AgreementParty(
                agreement=agreement,
                organization=organizations[i],
                role=AgreementParty.Role.SIGNATORY,
            )
            for i in sorted(chosen)
        )
    AgreementParty.objects.bulk_create(parties, batch_size=5000)
    return len(parties)


def consume(response):
    """Read a streamed response to its end, so that its time is measured too."""
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    return response


def timed(label, function, results):
    start = time.perf_counter()
    value = function()
    results.append((label, time.perf_counter() - start))
    print(f"{label:<52} {results[-1][1]:8.2f} s", flush=True)
    return value


def main():
    workdir = setup_database()
    from django.core.cache import cache
    from django.db import connection
    from django.db.transaction import atomic
    from django.test import Client

    from network.cache import data_version
    from network.drawing import draw
    from network.files import gexf_bytes, graphml_bytes
    from network.graph import Neighbourhood, load_ego, load_neighbourhood, load_network
    from network.metrics import network_metrics
    from orgs.models import Organization

    results = []
    # In one transaction: a published agreement is committed with its parties (PostgreSQL's
    # deferred check refuses it alone).
    party_count = timed("generate records (bulk_create)", atomic()(generate), results)
    graph = timed("build the whole graph (3 queries)", load_network, results)
    print(
        f"  {graph.number_of_nodes()} organizations, {graph.number_of_edges()} links, "
        f"{party_count} parties, {graph.graph['agreement_count']} agreements "
        f"on {connection.vendor}"
    )
    metrics = timed(
        "metrics (degree, betweenness, brokerage, Louvain)",
        lambda: network_metrics(graph),
        results,
    )
    print(f"  betweenness sample: {metrics.betweenness_sample}")
    print(f"  communities: {len(metrics.communities)}")
    timed("draw the 150 most connected (layout + SVG)", lambda: draw(graph, title="t"), results)
    graphml = timed(
        "GraphML of the whole network (in memory)", lambda: graphml_bytes(graph), results
    )
    gexf = timed("GEXF of the whole network (in memory)", lambda: gexf_bytes(graph), results)
    print(f"  GraphML {len(graphml) / 1e6:.1f} MB, GEXF {len(gexf) / 1e6:.1f} MB")

    timed("data version (1 lookup by primary key)", data_version, results)
    hub = Organization.objects.get(slug="synthetic-00000")
    typical = Organization.objects.get(slug=f"synthetic-{ORGANIZATIONS // 2:05d}")
    for label, function in [
        ("ego network of the hub, 1 step (cut to 150)", lambda: load_ego(hub, 1)),
        ("ego network of a typical organization, 1 step", lambda: load_ego(typical, 1)),
        ("ego network of a typical organization, 2 steps", lambda: load_ego(typical, 2)),
        ("the hub's whole 1-step neighbourhood (uncut)", lambda: load_neighbourhood(hub)),
    ]:
        ego = timed(label, function, results)
        graph_of = ego.graph if isinstance(ego, Neighbourhood) else ego
        print(f"  {graph_of.number_of_nodes()} organizations, {graph_of.number_of_edges()} links")

    cache.clear()
    client = Client()
    for label, url in [
        ("GET /network/ (whole network page), cold", "/network/"),
        ("GET /network/ (whole network page), cached", "/network/"),
        ("GET /network/?kind=mou (filtered page), cold", "/network/?kind=mou"),
        ("GET /network/?kind=mou (filtered page), cached", "/network/?kind=mou"),
        ("GET /network/bionet-network.graphml", "/network/bionet-network.graphml"),
        ("GET /network/bionet-network.gexf", "/network/bionet-network.gexf"),
        (
            "GET /network/organizations/<typical>/, cold (ranks computed)",
            f"/network/organizations/{typical.slug}/",
        ),
        (
            "GET /network/organizations/<hub>/ (ego page), ranks cached",
            "/network/organizations/synthetic-00000/",
        ),
        (
            "GET /network/organizations/<typical>/ (ego page), ranks cached",
            f"/network/organizations/{typical.slug}/",
        ),
        (
            "GET /network/organizations/<typical>/?steps=2, ranks cached",
            f"/network/organizations/{typical.slug}/?steps=2",
        ),
        ("GET /organizations/<typical>/ (organization page)", typical.get_absolute_url()),
        (
            "GET /network/clusters/<cluster>/ (cluster page)",
            "/network/clusters/synthetic-cluster-0/",
        ),
        (
            "GET /network/path/ (two far-apart organizations)",
            f"/network/path/?source=synthetic-{ORGANIZATIONS - 2:05d}"
            f"&target=synthetic-{ORGANIZATIONS - 1:05d}",
        ),
    ]:
        response = timed(label, lambda url=url: consume(client.get(url)), results)
        assert response.status_code == 200, (url, response.status_code)
    if workdir is not None:
        workdir.cleanup()


if __name__ == "__main__":
    main()
