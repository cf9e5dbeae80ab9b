"""Pages of the collaboration network: the whole network, ego and cluster networks, the
"how are these two connected?" finder, the GraphML/GEXF exports and the JSON each drawing's
interactive view reads.

Every page binds the agreement list's filters (:class:`AgreementFilterSet`), so a network is
always the network of the agreements a user has selected; the graph, its measures and its
drawing come from the network app's other modules.
"""

from django import forms
from django.conf import settings
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from agreements.filters import AgreementFilterSet
from agreements.models import Agreement
from bionet.lib.csv import invalid_filters_response
from bionet.lib.filters import bind_filters, refused
from clusters.models import Cluster
from network import explore
from network.cache import data_version, network_page
from network.files import gexf_chunks, graphml_chunks
from network.graph import load_network
from network.metrics import MAX_CHAINS, METRICS, metric_labels, node_organization, shortest_chains
from network.partials import cluster_context, ego_context
from orgs.forms import OrganizationField
from orgs.models import Organization, OrganizationRedirect

# The agreement list's filters that make sense for a network (no text search, no ordering).
NETWORK_FILTERS = ("cluster", "kind", "year_from", "year_to", "organization_kind")
# Agreements listed under one step of a chain; the rest are counted.
AGREEMENTS_PER_STEP = 5


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


def _filter_fields(filterset):
    return [filterset.form[name] for name in NETWORK_FILTERS]


@require_safe
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
    analysis = network_page(filterset.qs, sorted(_network_filters(request).lists()), data_version())
    context.update(
        order=order,
        analysis_current=analysis.current,
        analysis_computed=analysis.computed,
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
    return render(request, "network/network.html", context)


@require_safe
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


@require_safe
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


@require_safe
def network_graph(request):
    """The network of the filtered agreements as JSON, for the interactive view of
    ``/network/``: the organizations and links of its drawing (see
    :func:`network.explore.graph_data`), plus ``current`` and ``computed`` as on the page.

    Takes the page's filters and answers 400 with the refused ones under ``errors``. A
    network too large to analyse now and never analysed has no nodes and ``too_large``.
    """
    filterset, _query = _filtered(request)
    if refused(filterset):
        return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
    analysis = explore.network_graph(
        filterset.qs, sorted(_network_filters(request).lists()), data_version()
    )
    if analysis.value is None:
        return _graph_response({"nodes": [], "edges": []}, too_large=True, current=False)
    return _graph_response(
        analysis.value,
        current=analysis.current,
        computed=analysis.computed.isoformat() if analysis.computed else None,
    )


@require_safe
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


@require_safe
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


@require_safe
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
    graph = load_network(filterset.qs)
    source, target = form.cleaned_data["source"], form.cleaned_data["target"]
    context["chains"] = _chain_steps(graph, shortest_chains(graph, source.slug, target.slug))
    context["source"], context["target"] = source, target
    return render(request, "network/path.html", context)


def _named_initial(source: str) -> dict:
    """The form's first field filled in with the organization a link names, by its name."""
    if not source:
        return {}
    organization = Organization.objects.published().named(source).first()
    return {"source": organization.display_name if organization else source}


def _chain_steps(graph, chains):
    """Chains of slugs as linked steps: organization, its shared agreements, organization."""
    shown_ids = set()
    steps_by_chain = []
    for chain in chains:
        steps = []
        for first, second in zip(chain, chain[1:], strict=False):
            ids = graph.edges[first, second]["agreements"]
            shown = ids[-AGREEMENTS_PER_STEP:]
            shown_ids.update(shown)
            steps.append(
                {
                    "source": node_organization(graph, first),
                    "target": node_organization(graph, second),
                    "agreement_ids": shown,
                    "more": len(ids) - len(shown),
                }
            )
        steps_by_chain.append(steps)
    agreements = Agreement.objects.only("pk", "title", "kind", "date", "date_precision").in_bulk(
        shown_ids
    )
    for steps in steps_by_chain:
        for step in steps:
            step["agreements"] = [agreements[pk] for pk in reversed(step.pop("agreement_ids"))]
    return steps_by_chain


def _export(chunks, extension: str, content_type: str):
    """Stream an export: the graph is already built, so no query runs while streaming."""
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in chunks), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="bionet-network.{extension}"'
    return response


def _export_graph(request):
    filterset, _query = _filtered(request)
    if refused(filterset):
        return None, invalid_filters_response(filterset)
    return load_network(filterset.qs), None


@require_safe
def network_graphml(request):
    """The filtered network as GraphML (for Cytoscape, Gephi, yEd)."""
    graph, error = _export_graph(request)
    if error:
        return error
    return _export(graphml_chunks(graph), "graphml", "application/graphml+xml")


@require_safe
def network_gexf(request):
    """The filtered network as GEXF (for Gephi)."""
    graph, error = _export_graph(request)
    if error:
        return error
    return _export(gexf_chunks(graph), "gexf", "application/gexf+xml")
