"""What pages show of the network, cached by the data's version: analyses, ranks, the
network page, and the whole network analysed off the request by ``analyse_network``."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext

from agreements.models import AgreementParty
from jobs.services import computed_once

from .drawing import draw
from .graph import load_network
from .metrics import METRICS, NetworkMetrics, metric_labels, network_metrics, ranked
from .models import NetworkVersion

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
# Bumped whenever a background analysis stores what pages show: a page drawn while an
# analysis was missing or stale is then drawn again (httpcache keys pages by it).
GENERATION_KEY = f"{CACHE_PREFIX}:generation"
# On PostgreSQL every change of the version (the triggers' bump, a stored analysis) is also
# announced on this channel (NOTIFY), so that a process can keep the version in memory and
# still learn of a write at once (httpcache.watch). network/migrations/0003 names it too.
VERSION_CHANNEL = "bionet_data_version"


@dataclass(frozen=True)
class DataVersion:
    """The data's version (``tag``) and the time of the last write (``changed``, None when
    unknown)."""

    tag: str
    changed: datetime.datetime | None


def current_data_version() -> DataVersion:
    """The version of the directory's data, in one query.

    When the version row is missing (its table was emptied and nothing has been written
    since), every call answers a new version, so nothing is served from a cache.
    """
    return stored_data_version() or DataVersion(secrets.token_hex(16), None)


def stored_data_version() -> DataVersion | None:
    """The version row's version, None when the row is missing."""
    row = NetworkVersion.objects.filter(pk=1).values_list("token", "counter", "changed")[:1]
    for token, counter, changed in row:
        return DataVersion(f"{token}:{counter}", changed)
    return None


def data_version() -> str:
    """The tag of :func:`current_data_version`."""
    return current_data_version().tag


def cache_key(name: str, key: Iterable) -> str:
    digest = hashlib.sha256(repr(tuple(key)).encode()).hexdigest()
    return f"{CACHE_PREFIX}:{name}:{digest}"


def cached(name: str, key: Iterable, compute):
    """``compute()``, or its result cached under ``name`` and ``key`` (which should include
    :func:`data_version`); computed once while concurrent requests wait for it."""
    return computed_once(cache_key(name, key), compute)


def analyses_generation() -> int:
    """How many times background analyses have stored results (0 when unknown)."""
    return cache.get(GENERATION_KEY, 0)


def bump_analyses_generation() -> None:
    if not cache.add(GENERATION_KEY, 1, None):
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # expired in between
            cache.set(GENERATION_KEY, 1, None)
    announce_version_change()


def announce_version_change() -> None:
    """Tell the processes watching the version (PostgreSQL only) that it changed; sent when
    the current transaction commits, as the triggers' own announcements are."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [VERSION_CHANNEL])


def too_large_to_analyse_now(agreements=None) -> bool:
    """Whether the network of ``agreements`` (default all) has more parties than a request
    may analyse (``settings.NETWORK_PARTIES_PER_REQUEST``).

    Counts at most one party past the limit, so the answer costs the same at any size.
    """
    limit = settings.NETWORK_PARTIES_PER_REQUEST
    parties = AgreementParty.objects.published()
    if agreements is not None:
        parties = parties.filter(agreement__in=agreements.values("pk"))
    return parties.order_by()[: limit + 1].count() > limit


@dataclass(frozen=True)
class Analysis:
    """A cached analysis of a network and whether it describes the data as it is now.

    ``value`` is None when the network was never analysed and is too large to analyse in
    the request; ``current`` is False when it was analysed before the data last changed.
    ``preparing`` is True when a background task is analysing it now; ``busy`` when it was
    small enough to analyse in the request but left to the task because this process was
    already analysing others.
    """

    value: object
    current: bool
    computed: datetime.datetime | None
    preparing: bool = False
    busy: bool = False


def analysed(
    name: str,
    key: Iterable,
    version: str,
    compute,
    agreements=None,
    *,
    prepare=None,
    on_miss=None,
    affordable=None,
    counted_as=None,
    wait_for_slot=False,
) -> Analysis:
    """``compute()`` for the data's ``version``, cached; when the network of ``agreements``
    is too large to analyse while a visitor waits, ``prepare()`` queues its analysis (once,
    however many ask) and the latest result computed for ``key`` (by an earlier request, a
    task or ``manage.py analyse_network``) is answered meanwhile. So is a network small
    enough while this process's requests already run ``NETWORK_ANALYSES_PER_PROCESS``
    analyses (``busy``), unless ``wait_for_slot`` (or there is no ``prepare``): then the
    request waits for one.

    Whether the network is too large is counted once per version and ``counted_as`` (what
    chooses ``agreements``, the same for every page and language; default ``key``).
    ``affordable()`` is called before the parties are counted, ``on_miss()`` by the request
    about to compute: the per-client budget, checked, then spent, which may refuse
    either by raising (``prepare`` spends it when it queues new work). Concurrent requests
    for one missing analysis compute it once (jobs.computed_once).
    """
    key = tuple(key)
    current_key = cache_key(name, (version, *key))
    found = cache.get(current_key)
    if found is not None:
        return Analysis(found[0], True, found[2])
    counted_as = (name, *key) if counted_as is None else tuple(counted_as)
    busy = False
    if not _too_large(version, agreements, counted_as, affordable):

        def compute_here():
            # The budget is spent by the request that computes, once it may.
            if not _analyses_in_requests.acquire(blocking=wait_for_slot or prepare is None):
                raise ProcessBusy
            try:
                if on_miss is not None:
                    on_miss()
                return store(name, key, version, compute())
            finally:
                _analyses_in_requests.release()

        try:
            found = computed_once(current_key, compute_here, timeout=None)
        except ProcessBusy:
            busy = True  # left to the worker, as a large network is
        else:
            return Analysis(found[0], True, found[2])
    latest = cache.get(cache_key(f"{name}:latest", key))
    if latest is not None and latest[1] == version:
        return Analysis(latest[0], True, latest[2])
    if prepare is not None:
        prepare()
    if latest is None:
        return Analysis(None, False, None, preparing=prepare is not None, busy=busy)
    return Analysis(latest[0], False, latest[2], preparing=prepare is not None, busy=busy)


class ProcessBusy(Exception):
    """This process's requests already run as many analyses as they may."""


# An analysis holds the interpreter for up to half a second (NETWORK_PARTIES_PER_REQUEST),
# slowing every other request of its process; a burst of uncached selections would take all
# of a process's threads. Past this many at once, the worker analyses them.
_analyses_in_requests = threading.BoundedSemaphore(settings.NETWORK_ANALYSES_PER_PROCESS)


def _too_large(version: str, agreements, counted_as: tuple, affordable=None) -> bool:
    """too_large_to_analyse_now(agreements), remembered for the data's version under
    ``counted_as`` (what chooses the agreements)."""
    verdict_key = cache_key("too-large", (version, *counted_as))
    verdict = cache.get(verdict_key)
    if verdict is None:
        if affordable is not None:
            affordable()
        verdict = too_large_to_analyse_now(agreements)
        cache.set(verdict_key, verdict, settings.NETWORK_CACHE_SECONDS)
    return verdict


def store(name: str, key: Iterable, version: str, value) -> tuple:
    """Cache ``value`` as the result for ``version`` and as the latest for ``key``."""
    key = tuple(key)
    found = (value, version, timezone.now())
    cache.set(cache_key(name, (version, *key)), found, settings.NETWORK_CACHE_SECONDS)
    # The latest result outlives its version: it is what large networks show until the
    # next analysis.
    cache.set(cache_key(f"{name}:latest", key), found, None)
    cache.set(cache_key(f"{name}:latest-version", key), version, None)
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
        """``slug``'s value and rank for each metric, out of every organization ranked."""
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


def whole_network_ranks(version: str | None = None, *, prepare=None) -> Analysis:
    """The whole network's ranks for the data's ``version`` (default: read it), cached; or,
    for a network too large to analyse in a request, the latest ranks computed (and
    ``prepare()`` queues a new analysis)."""
    # Organization pages show these ranks: a small network's are worth waiting a moment
    # for, rather than the delayed whole-network analysis prepare() schedules.
    return analysed(
        "ranks",
        (),
        version or data_version(),
        compute_whole_network_ranks,
        prepare=prepare,
        wait_for_slot=True,
    )


def compute_whole_network_ranks() -> Ranks:
    return Ranks.of_graph(load_network())


def network_page(
    agreements, filters: list, version: str, *, prepare=None, on_miss=None, affordable=None
) -> Analysis:
    """What the network page shows for ``agreements``, chosen by the page's ``filters``
    (a sorted list of (name, values) pairs), in the active language."""
    return analysed(
        "page",
        selection_key(filters),
        version,
        lambda: network_summary(agreements, title=gettext("Collaboration network")),
        agreements=agreements,
        counted_as=("selection", filters),
        prepare=prepare,
        on_miss=on_miss,
        affordable=affordable,
    )


def selection_key(filters: list) -> tuple:
    """What a selection's analyses are cached under, besides the data's version."""
    return (filters, get_language())


def selection_is_analysed(filters: list, version: str) -> bool:
    """Whether the network page of ``filters`` is stored for ``version`` (in the site's
    language: every language is stored together)."""
    with translation.override(settings.LANGUAGE_CODE):
        key = cache_key("page:latest-version", selection_key(filters))
    return cache.get(key) == version


def whole_network_is_analysed(version: str) -> bool:
    """Whether the whole network's ranks are stored for ``version``."""
    return cache.get(cache_key("ranks:latest-version", ())) == version


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
