import sys

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt

from agreements.models import Agreement, with_agreement_counts
from clusters.models import Cluster
from news.models import NewsItem
from orgs.models import Organization

from .forms import SearchForm
from .lib.error_pages import error_page
from .lib.views import read_only
from .middleware import DATABASE_UNAVAILABLE_ERRORS, service_unavailable_response

LATEST_AGREEMENTS = 6
# The home page's counts read every row of four tables (60 ms at 1,000,000 agreements on
# PostgreSQL): they are kept for a minute, which no visitor can tell from exact.
HOME_COUNTS_KEY = "bionet:home:counts"
HOME_COUNTS_SECONDS = 60
# The home page's cluster cards; the cluster list shows them all on a map.
HOME_CLUSTERS = 24
SEARCH_RESULTS_PER_KIND = 20
# Agreements the search page counts before it says "more than".
SEARCH_AGREEMENTS_COUNTED = 1000
# ... and how many matching news items, for the same reason.
SEARCH_NEWS_COUNTED = 1000


# The language switch sets a preference and nothing else: a forged switch can only change the
# language a visitor reads in. Without a CSRF token the switcher on every page sets no cookie,
# so public pages stay the same for every anonymous visitor and a shared cache can keep them.
set_language = csrf_exempt(i18n.set_language)


@read_only
def home(request: HttpRequest) -> HttpResponse:
    """What the directory is, its counts, its clusters and latest agreements.

    Template: home.html. Context: counts, clusters, latest_agreements, search_form.
    """
    counts = cache.get_or_set(HOME_COUNTS_KEY, directory_counts, HOME_COUNTS_SECONDS)
    return render(
        request,
        "home.html",
        {
            "counts": counts,
            "clusters": with_agreement_counts(Cluster.objects.for_list()).order_by(
                "-agreement_count", "name_ko", "pk"
            )[:HOME_CLUSTERS],
            "latest_agreements": Agreement.objects.published().for_list()[:LATEST_AGREEMENTS],
            "search_form": SearchForm(),
        },
    )


def directory_counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.published().count(),
        "clusters": Cluster.objects.count(),
        "agreements": Agreement.objects.published().count(),
        "news_items": NewsItem.objects.count(),
    }


@read_only
def search(request: HttpRequest) -> HttpResponse:
    """Organizations (by any name or alias), clusters and agreements matching ``?q=``.

    Template: search.html. Context: form, query, and for each kind of record the first
    matches and their total (``organizations``/``organization_count`` and so on).
    """
    # An empty box is a fresh search page, not an error.
    form = SearchForm(request.GET) if request.GET.get("q", "").strip() else SearchForm()
    context = {"form": form, "query": ""}
    if form.is_valid():
        query = form.cleaned_data["q"]
        results = {
            "organizations": with_agreement_counts(
                Organization.objects.published().search(query).for_list()
            ),
            "clusters": with_agreement_counts(Cluster.objects.search(query).for_list()),
        }
        context["query"] = query
        for name, queryset in results.items():
            context[name] = queryset[:SEARCH_RESULTS_PER_KIND]
            context[f"{name[:-1]}_count"] = queryset.count()
        # A common word can match a fifth of every agreement: counted up to a limit.
        agreements = Agreement.objects.published().first_matches(
            query, shown=SEARCH_RESULTS_PER_KIND, cap=SEARCH_AGREEMENTS_COUNTED
        )
        context.update(
            agreements=agreements.records,
            agreement_count=agreements.count,
            agreement_count_capped=agreements.capped,
        )
        # News items are cited, not reprinted: the page lists their citations only.
        news_items = NewsItem.objects.search(query).for_list()
        matching = list(news_items.values_list("pk", flat=True)[: SEARCH_NEWS_COUNTED + 1])
        context.update(
            news_items=news_items[:SEARCH_RESULTS_PER_KIND],
            news_item_count=min(len(matching), SEARCH_NEWS_COUNTED),
            news_item_count_capped=len(matching) > SEARCH_NEWS_COUNTED,
        )
        context["result_count"] = sum(
            context[f"{name}_count"]
            for name in ("organization", "cluster", "agreement", "news_item")
        )
        context["results_per_kind"] = SEARCH_RESULTS_PER_KIND
    return render(request, "search.html", context)


@read_only
def site_map(request: HttpRequest) -> HttpResponse:
    """The directory's sections and every cluster, for people (sitemap.xml is for crawlers).

    Template: site_map.html. Context: clusters (in the order of the names shown).
    """
    clusters = Cluster.objects.with_shown_name().order_by("shown_name", "pk")
    return render(request, "site_map.html", {"clusters": clusters})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form posted without a valid CSRF token.

    Template: 403_csrf.html (the site's 403 page, which the Content-Security-Policy allows:
    Django's own has an inline style). Context: none; ``reason`` is for the logs only.
    """
    return render(request, "403_csrf.html", status=403)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 handler: templates/400.html, e.g. for a request to an unknown host name."""
    return error_page("400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """
    The 500 handler: templates/500.html, or templates/503.html when the error is a lost
    database connection raised outside a view (e.g. while loading the session).
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE_ERRORS):
        return service_unavailable_response()
    return error_page("500.html", status=500)
