"""The network's long work, run by the worker (``manage.py db_worker``) instead of a
visitor's request: analysing the whole network after writes, analysing a large selection,
and writing a selection's GraphML or GEXF file.

Every task is idempotent: it first checks whether its result already exists for the data's
version, so a duplicate costs a lookup.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from agreements.filters import AgreementFilterSet
from agreements.models import Agreement
from jobs.files import prepared_file, write_prepared_file
from jobs.services import enqueue_once, report_progress

from .cache import (
    Ranks,
    _summary,
    bump_analyses_generation,
    cache_key,
    data_version,
    selection_is_analysed,
    selection_key,
    store,
    whole_network_is_analysed,
)
from .explore import graph_data
from .files import gexf_chunks, graphml_chunks
from .graph import load_network
from .metrics import chain_links, network_metrics

# Agreements listed under one step of a chain; the rest are counted.
AGREEMENTS_PER_STEP = 5
# File formats of a network: extension -> (content type, writer).
FILE_FORMATS = {
    "graphml": ("application/graphml+xml", graphml_chunks),
    "gexf": ("application/gexf+xml", gexf_chunks),
}


def selected_agreements(filters: list):
    """The published agreements chosen by ``filters``, the network page's (name, values)
    pairs, bound as the page binds them."""
    query = QueryDict(mutable=True)
    for name, values in filters:
        query.setlist(name, values)
    return AgreementFilterSet(query, queryset=Agreement.objects.published()).qs


# The whole network -------------------------------------------------------------------------


def analyse_whole_network() -> str:
    """Compute and cache the whole network's ranks, its unfiltered network page and the
    page's interactive view in every language, however large: ``manage.py analyse_network``
    and the task queued after writes. Returns the version analysed."""
    version = data_version()
    graph = load_network()
    store("ranks", (), version, Ranks.of_graph(graph))
    _store_selection(graph, [], version)
    bump_analyses_generation()
    return version


def _store_selection(graph, filters: list, version: str) -> None:
    metrics = network_metrics(graph)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            # As network_page() and explore.network_graph() look them up.
            title = gettext("Collaboration network")
            key = selection_key(filters)
            store("page", key, version, _summary(graph, metrics, title=title))
            store("explore", key, version, graph_data(graph, title=title))


@task()
def analyse_network() -> str:
    """The whole network, unless it is analysed for the data's current version."""
    version = data_version()
    if whole_network_is_analysed(version):
        return version
    return analyse_whole_network()


def schedule_whole_network_analysis() -> str:
    """Queue the whole network's analysis to run after ``NETWORK_ANALYSIS_DELAY`` seconds,
    unless one is already waiting: a burst of writes (an import, a curator's session) is
    analysed once, after its last write has had time to land."""
    delayed = analyse_network.using(
        run_after=timezone.now() + timezone.timedelta(seconds=settings.NETWORK_ANALYSIS_DELAY)
    )
    return enqueue_once(delayed, "network:whole")


# A selection ------------------------------------------------------------------------------


@task()
def analyse_network_selection(filters: list) -> str:
    """The network page and interactive view of the selection ``filters``, in every
    language, unless they are stored for the data's current version."""
    version = data_version()
    if selection_is_analysed(filters, version):
        return version
    _store_selection(load_network(selected_agreements(filters)), filters, version)
    bump_analyses_generation()
    return version


def prepare_selection(filters: list, *, before_new=None) -> str:
    """Queue the analysis of ``filters`` once, however many visitors ask; the whole network
    (no filter) is analysed with its ranks."""
    if not filters:
        return enqueue_once(analyse_network, "network:whole", before_new=before_new)
    return enqueue_once(
        analyse_network_selection,
        f"network:selection:{_digest(filters)}",
        filters,
        before_new=before_new,
    )


# Files ---------------------------------------------------------------------------------------


def network_file_name(filters: list, file_format: str, version: str) -> str:
    """The prepared file of a selection at a version: its selection part first, so the
    file of an older version is found and replaced."""
    return f"{network_file_prefix(filters, file_format)}{_digest(version)}.{file_format}"


def network_file_prefix(filters: list, file_format: str) -> str:
    return f"network-{file_format}-{_digest(filters)}-"


@task()
def build_network_file(filters: list, file_format: str) -> str:
    """Write the selection's GraphML or GEXF file for the data's current version; answer
    its name."""
    version = data_version()
    name = network_file_name(filters, file_format, version)
    if prepared_file(name):
        return name
    progress_key = name
    report_progress(progress_key, 0, None)
    graph = load_network(selected_agreements(filters))
    total = graph.number_of_nodes() + graph.number_of_edges()
    _content_type, writer = FILE_FORMATS[file_format]

    def counted(chunks):
        # One chunk per node or edge, after the header.
        for done, chunk in enumerate(chunks):
            if done % 5000 == 0:
                report_progress(progress_key, min(done, total), total)
            yield chunk

    write_prepared_file(
        name, counted(writer(graph)), replaces=network_file_prefix(filters, file_format)
    )
    report_progress(progress_key, total, total)
    return name


def prepare_network_file(filters: list, file_format: str, version: str, *, before_new=None) -> str:
    name = network_file_name(filters, file_format, version)
    return enqueue_once(
        build_network_file, f"network:file:{name}", filters, file_format, before_new=before_new
    )


def _digest(value) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:20]


# Paths -------------------------------------------------------------------------------------


def chains_key(source: str, target: str, filters: list, version: str) -> str:
    return cache_key("chains", (version, source, target, filters))


@task()
def find_chains(source: str, target: str, filters: list) -> str:
    """The shortest chains between two organizations within a large selection, kept in the
    cache for the data's current version."""
    version = data_version()
    key = chains_key(source, target, filters, version)
    if cache.get(key) is None:
        graph = load_network(selected_agreements(filters))
        links = chain_links(graph, source, target, per_step=AGREEMENTS_PER_STEP)
        cache.set(key, links, settings.NETWORK_CACHE_SECONDS)
        bump_analyses_generation()
    return version


def prepare_chains(
    source: str, target: str, filters: list, version: str, *, before_new=None
) -> str:
    key = chains_key(source, target, filters, version)
    return enqueue_once(
        find_chains, f"network:chains:{key}", source, target, filters, before_new=before_new
    )
