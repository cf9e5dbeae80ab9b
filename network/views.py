"""Pages of the collaboration network: the whole network, ego and cluster networks, the
"how are these two connected?" finder, the GraphML/GEXF exports and the JSON each drawing's
interactive view reads.

Every page binds the agreement list's filters (:class:`AgreementFilterSet`), so a network is
always the network of the agreements a user has selected; the graph, its measures and its
drawing come from the network app's other modules.
"""

from functools import wraps

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agreements.filters import AgreementFilterSet
from agreements.models import Agreement
from bionet.lib.csv import invalid_filters_response
from bionet.lib.filters import bind_filters, refused
from bionet.lib.views import read_only
from clusters.models import Cluster
from jobs.budget import OverBudget, ensure_affordable, over_budget_response, spender
from jobs.files import file_response, prepared_file
from jobs.services import progress
from network import explore
from network.cache import data_version, network_page, too_large_to_analyse_now
from network.graph import load_network
from network.metrics import MAX_CHAINS, METRICS, chain_links, linked_organization, metric_labels
from network.partials import cluster_context, ego_context
from network.tasks import (
    AGREEMENTS_PER_STEP,
    FILE_FORMATS,
    chains_key,
    network_file_name,
    prepare_chains,
    prepare_network_file,
    prepare_selection,
)
from orgs.forms import OrganizationField
from orgs.models import Organization, OrganizationRedirect

# Seconds before the page of a file being prepared asks again.
FILE_REFRESH_SECONDS = 5
# The agreement list's filters that make sense for a network (no text search, no ordering).
NETWORK_FILTERS = ("cluster", "kind", "year_from", "year_to", "organization_kind")


def _filtered(request):
    """The bound filter set over all agreements, and the query string to carry it on."""
    filterset = bind_filters(AgreementFilterSet, request, Agreement.objects.published())
    return filterset, _network_filters(request).urlencode()


def _network_filters(request):
    """The request's parameters that choose the network: the filters, nothing else."""
    query = request.GET.copy()
    for name in list(query):
        if name not in NETWORK_FILTERS:
            del query[name]
    return query


def _selection(request) -> list:
    """The network's filters as a selection: sorted [name, values] pairs, the same whether
    read from a request or from a task's arguments."""
    return [[name, list(values)] for name, values in sorted(_network_filters(request).lists())]


def _answers_429_over_budget(view):
    """A view that may start uncached work answers 429 when the client is over budget."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except OverBudget as refusal:
            return over_budget_response(refusal)

    return wrapped


def _filter_fields(filterset):
    return [filterset.form[name] for name in NETWORK_FILTERS]


@read_only
@_answers_429_over_budget
def network(request):
    """The network of the filtered agreements, drawn and ranked.

    Template: ``network/network.html``. Context: ``filter``, ``filter_fields``,
    ``filter_query`` (the filters as a query string), ``graph_url`` (the same network as
    JSON, for the interactive view), ``drawing`` (:class:`Drawing`), ``table`` (ranked rows),
    ``order``, ``metric_labels``, ``summary`` (organization, link, agreement, component and
    community counts), ``betweenness_sample``.
    """
    filterset, filter_query = _filtered(request)
    graph_url = reverse("network:network_graph")
    context = {
        "filter": filterset,
        "filter_fields": _filter_fields(filterset),
        "filter_query": filter_query,
        "graph_url": f"{graph_url}?{filter_query}" if filter_query else graph_url,
        "metric_labels": metric_labels(),
    }
    if refused(filterset):
        return render(request, "network/network.html", context, status=400)
    order = request.GET.get("order", "degree")
    if order not in METRICS:
        order = "degree"
    selection = _selection(request)
    analysis = network_page(
        filterset.qs,
        selection,
        data_version(),
        prepare=lambda: prepare_selection(selection, before_new=spender(request)),
        on_miss=spender(request),
        affordable=lambda: ensure_affordable(request),
    )
    context.update(
        order=order,
        analysis_current=analysis.current,
        analysis_computed=analysis.computed,
        analysis_preparing=analysis.preparing,
        analysis_busy=analysis.busy,
        party_limit=settings.NETWORK_PARTIES_PER_REQUEST,
    )
    if analysis.value is not None:
        page = analysis.value
        context.update(
            drawing=page["drawing"],
            table=page["tables"][order],
            summary=page["summary"],
            betweenness_sample=page["betweenness_sample"],
        )
    response = render(request, "network/network.html", context)
    if not analysis.current:
        # Shown until the analysis queued for it is ready: never kept as final.
        response["Cache-Control"] = "no-store"
    return response


@read_only
def organization_network(request, slug):
    """An organization's ego network, one or two steps out (``?steps=2``), and its ranks.

    Template: ``network/organization.html``, which includes ``network/_ego_network.html``.
    Context: ``organization`` and ``ego_network`` (see :func:`ego_context`).
    """
    organization = Organization.objects.published().filter(slug=slug).first()
    if organization is None:
        moved = OrganizationRedirect.objects.destination(slug)
        if moved is None:
            raise Http404
        return redirect("network:organization_network", slug=moved.slug, permanent=True)
    context = {"organization": organization}
    context.update(ego_context(organization, steps=request.GET.get("steps")))
    return render(request, "network/organization.html", context)


@read_only
def cluster_network(request, slug):
    """The network among a cluster's operator and members.

    Template: ``network/cluster.html``, which includes ``network/_cluster_network.html``.
    Context: ``cluster`` and ``cluster_network`` (see :func:`cluster_context`).
    """
    cluster = get_object_or_404(Cluster.objects.select_related("operator"), slug=slug)
    context = {"cluster": cluster}
    context.update(cluster_context(cluster))
    return render(request, "network/cluster.html", context)


def _graph_response(data: dict, **extra) -> JsonResponse:
    """A network for the interactive view (see :mod:`network.explore`), as UTF-8 JSON."""
    return JsonResponse({**data, **extra}, json_dumps_params={"ensure_ascii": False})


@read_only
@_answers_429_over_budget
def network_graph(request):
    """The network of the filtered agreements as JSON, for the interactive view of
    ``/network/``: the organizations and links of its drawing (see
    :func:`network.explore.graph_data`), plus ``current`` and ``computed`` as on the page.

    Takes the page's filters and answers 400 with the refused ones under ``errors``. A
    network too large to analyse now and never analysed has no nodes and ``too_large``; one
    left to the worker because this process was analysing others, no nodes and ``preparing``.
    """
    filterset, _query = _filtered(request)
    if refused(filterset):
        return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
    selection = _selection(request)
    analysis = explore.network_graph(
        filterset.qs,
        selection,
        data_version(),
        prepare=lambda: prepare_selection(selection, before_new=spender(request)),
        on_miss=spender(request),
        affordable=lambda: ensure_affordable(request),
    )
    if analysis.value is None:
        response = _graph_response(
            {"nodes": [], "edges": []},
            too_large=not analysis.busy,
            current=False,
            preparing=True,
        )
    else:
        response = _graph_response(
            analysis.value,
            current=analysis.current,
            computed=analysis.computed.isoformat() if analysis.computed else None,
            preparing=analysis.preparing,
        )
    if not analysis.current:
        response["Cache-Control"] = "no-store"
    return response


@read_only
def organization_network_graph(request, slug):
    """An organization's ego network as JSON (``?steps=2`` for partners of partners), for
    the interactive view on its pages; a former address redirects like the page's."""
    organization = Organization.objects.published().filter(slug=slug).first()
    if organization is None:
        moved = OrganizationRedirect.objects.destination(slug)
        if moved is None:
            raise Http404
        url = reverse("network:organization_network_graph", kwargs={"slug": moved.slug})
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url, permanent=True)
    return _graph_response(
        explore.organization_graph(organization, request.GET.get("steps"), data_version())
    )


@read_only
def cluster_network_graph(request, slug):
    """The network among a cluster's operator and members as JSON, for the interactive view
    on its pages."""
    cluster = get_object_or_404(Cluster, slug=slug)
    return _graph_response(explore.cluster_network_graph(cluster, data_version()))


class OrganizationPairForm(forms.Form):
    source = OrganizationField(
        label=_("From"),
        max_length=200,
        help_text=_("A name, acronym or slug, e.g. 보산진 or KHIDI."),
    )
    target = OrganizationField(
        label=_("To"),
        max_length=200,
        help_text=_("A name, acronym or slug, e.g. 보건복지부."),
    )

    def clean(self):
        cleaned_data = super().clean()
        source, target = cleaned_data.get("source"), cleaned_data.get("target")
        if source and target and source == target:
            raise forms.ValidationError(_("Choose two different organizations."), code="same")
        return cleaned_data


@read_only
@_answers_429_over_budget
def network_path(request):
    """How are these two connected? The shortest chains of agreements between two
    organizations, within the filtered agreements.

    Template: ``network/path.html``. Context: ``form``, ``filter``, ``filter_fields``,
    ``chains`` (None before a valid search; else a list of chains, each a list of steps
    ``{"source", "target", "agreements", "more"}``) and ``max_chains``.
    """
    # A link may name the first organization only ("How is this organization connected to
    # another?"): the form then starts with it filled in, by its name, not as a refusal.
    bound = "source" in request.GET and "target" in request.GET  # the form was sent
    form = OrganizationPairForm(
        request.GET if bound else None, initial=_named_initial(request.GET.get("source", ""))
    )
    filterset, _query = _filtered(request)
    context = {
        "form": form,
        "filter": filterset,
        "filter_fields": _filter_fields(filterset),
        "chains": None,
        "max_chains": MAX_CHAINS,
    }
    if not form.is_bound:
        return render(request, "network/path.html", context)
    if not form.is_valid() or refused(filterset):
        return render(request, "network/path.html", context, status=400)
    source, target = form.cleaned_data["source"], form.cleaned_data["target"]
    context["source"], context["target"] = source, target
    selection = _selection(request)
    if too_large_to_analyse_now(filterset.qs):
        # Searched by a task once; the page shows it when found.
        version = data_version()
        links = cache.get(chains_key(source.slug, target.slug, selection, version))
        if links is None:
            prepare_chains(
                source.slug, target.slug, selection, version, before_new=spender(request)
            )
            context["preparing"] = True
            response = render(request, "network/path.html", context, status=202)
            response["Cache-Control"] = "no-store"
            return response
    else:
        graph = load_network(filterset.qs)
        links = chain_links(graph, source.slug, target.slug, per_step=AGREEMENTS_PER_STEP)
    context["chains"] = _chain_steps(links)
    return render(request, "network/path.html", context)


def _named_initial(source: str) -> dict:
    """The form's first field filled in with the organization a link names, by its name."""
    if not source:
        return {}
    organization = Organization.objects.published().named(source).first()
    return {"source": organization.display_name if organization else source}


def _chain_steps(links: dict) -> list:
    """Chains as linked steps (see metrics.chain_links): organization, its latest shared
    agreements, organization. One query, for the agreements."""
    ids = {pk for chain in links["chains"] for step in chain for pk in step["agreement_ids"]}
    agreements = Agreement.objects.only("pk", "title", "kind", "date", "date_precision").in_bulk(
        ids
    )
    nodes = links["nodes"]
    return [
        [
            {
                "source": linked_organization(step["source"], nodes[step["source"]]),
                "target": linked_organization(step["target"], nodes[step["target"]]),
                "agreements": [agreements[pk] for pk in step["agreement_ids"] if pk in agreements],
                "more": step["more"],
            }
            for step in chain
        ]
        for chain in links["chains"]
    ]


def _network_file(request, file_format: str):
    """The selected network as a file: a small one written while the visitor waits; a
    large one written once by a task and then served whole, with its Content-Length, while
    the page in between says it is being prepared and reloads itself."""
    filterset, _query = _filtered(request)
    if refused(filterset):
        return invalid_filters_response(filterset)
    content_type, writer = FILE_FORMATS[file_format]
    filename = f"bionet-network.{file_format}"
    if not too_large_to_analyse_now(filterset.qs):
        # Small: the graph is built first, so no query runs while streaming.
        graph = load_network(filterset.qs)
        response = StreamingHttpResponse(
            (chunk.encode() for chunk in writer(graph)), content_type=content_type
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    selection = _selection(request)
    name = network_file_name(selection, file_format, data_version())
    ready = prepared_file(name)
    if ready is not None:
        return file_response(ready, filename=filename, content_type=content_type)
    prepare_network_file(selection, file_format, data_version(), before_new=spender(request))
    response = render(
        request,
        "network/file_preparing.html",
        {
            "file_format": file_format.upper(),
            "progress": progress(name),
            "refresh_seconds": FILE_REFRESH_SECONDS,
            "network_url": _with_query(reverse("network:network"), request),
        },
        status=202,
    )
    # Neither kept nor reused: the next request may find the file ready.
    response["Cache-Control"] = "no-store"
    return response


def _with_query(url: str, request) -> str:
    query = _network_filters(request).urlencode()
    return f"{url}?{query}" if query else url


@read_only
@_answers_429_over_budget
def network_graphml(request):
    """The filtered network as GraphML (for Cytoscape, Gephi, yEd)."""
    return _network_file(request, "graphml")


@read_only
@_answers_429_over_budget
def network_gexf(request):
    """The filtered network as GEXF (for Gephi)."""
    return _network_file(request, "gexf")
