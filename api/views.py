"""The read-only JSON API: the directory's published records, filtered as the list pages
filter them (api.filters), in cursor pages (api.pagination), rate limited per client
(api.throttling). Each list reads the same records as its page, plus what its rows show, in a
fixed number of queries however long the page."""

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView
from rest_framework.viewsets import ReadOnlyModelViewSet

from agreements.models import Agreement, AgreementParty, with_agreement_counts
from clusters.models import Cluster, ClusterMembership
from news.models import NewsItem
from orgs.models import Organization, OrganizationRedirect

from .filters import AgreementFilter, ClusterFilter, NewsItemFilter, OrganizationFilter
from .serializers import (
    AgreementSerializer,
    ClusterSerializer,
    NewsItemSerializer,
    OrganizationSerializer,
)

# The news item columns a citation shows: the article's text is never read.
CITATION_FIELDS = ["id", "title", "outlet", "reporter", "published_on", "url"]


class ApiRootView(APIView):
    """The API's endpoints, its OpenAPI schema and its documentation."""

    @extend_schema(exclude=True)
    def get(self, request):
        def url(name):
            return reverse(f"api:{name}", request=request)

        return Response(
            {
                "organizations": url("organization-list"),
                "clusters": url("cluster-list"),
                "agreements": url("agreement-list"),
                "news": url("newsitem-list"),
                "schema": url("schema"),
                "docs": url("docs"),
            }
        )


class OrganizationViewSet(ReadOnlyModelViewSet):
    """Published organizations with their names, clusters and agreement counts; the
    organization list's filters. An old slug redirects (301) to the organization's new one."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    lookup_field = "slug"

    def get_queryset(self):
        # The list page's records (orgs.views.OrganizationListView), with what a row shows.
        return with_agreement_counts(Organization.objects.published().for_list()).prefetch_related(
            "names",
            "operated_clusters",
            Prefetch(
                "cluster_memberships", queryset=ClusterMembership.objects.select_related("cluster")
            ),
        )

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            moved = OrganizationRedirect.objects.destination(kwargs["slug"])
            if moved is None:
                raise
            return redirect(
                reverse("api:organization-detail", kwargs={"slug": moved.slug}), permanent=True
            )


class ClusterViewSet(ReadOnlyModelViewSet):
    """Clusters with their operator, place, member and agreement counts; the cluster list's
    filters."""

    serializer_class = ClusterSerializer
    filterset_class = ClusterFilter
    lookup_field = "slug"

    def get_queryset(self):
        # The list page's records (clusters.views.ClusterListView).
        return with_agreement_counts(Cluster.objects.for_list())


class AgreementViewSet(ReadOnlyModelViewSet):
    """Published agreements with their parties (published organizations only) and the news
    items they cite; the agreement list's filters."""

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter

    def get_queryset(self):
        # The list page's records (agreements.views.AgreementListView), with parties and
        # sources; the page's party count only orders the page, which the API does not.
        parties = (
            AgreementParty.objects.filter(
                organization__review_status=Organization.ReviewStatus.PUBLISHED
            )
            .select_related("organization")
            .order_by("role", "organization__name_ko")
        )
        return (
            Agreement.objects.published()
            .select_related("cluster")
            .prefetch_related(
                Prefetch("parties", queryset=parties, to_attr="public_parties"),
                Prefetch("sources", queryset=NewsItem.objects.only(*CITATION_FIELDS)),
            )
        )


class NewsItemViewSet(ReadOnlyModelViewSet):
    """News items as citations, with the published agreements citing each; the news list's
    filters. The articles' text is not part of the API."""

    serializer_class = NewsItemSerializer
    filterset_class = NewsItemFilter

    def get_queryset(self):
        # The list page's records (news.views.NewsItemListView), without the article text.
        return (
            NewsItem.objects.for_list()
            .defer("body")
            .prefetch_related(
                Prefetch(
                    "agreements",
                    queryset=Agreement.objects.published().only("id"),
                    to_attr="citing_agreements",
                )
            )
        )


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI over the schema, from the drf-spectacular-sidecar bundle in static/, with its
    start-up script served as a file of its own (``?script``): the page runs no inline script
    or style, as the site's Content-Security-Policy requires.

    Its stylesheet draws its icons (arrows, copy, tick) as ``data:`` SVG images, which the
    site's policy refuses as images from elsewhere; this page alone also allows them. A
    ``data:`` image cannot run script or reach another site.

    Template: api/swagger_ui.html.
    """

    template_name = "api/swagger_ui.html"
    url_name = "api:schema"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # bionet.middleware.ContentSecurityPolicyMiddleware keeps a policy a view has set.
        directives = {**settings.SECURE_CSP, "img-src": ["'self'", "data:"]}
        response.headers["Content-Security-Policy"] = "; ".join(
            f"{directive} {' '.join(sources)}" for directive, sources in directives.items()
        )
        return response
