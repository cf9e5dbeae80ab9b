"""Template helpers every page shares: bilingual names and dates at their precision."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from bionet.lib.dates import format_partial_date

register = template.Library()


@register.inclusion_tag("_partials/names.html")
def names(record, url=None, tag="span"):
    """A record's name in the active language, the other language's name beneath it.

    ``record`` is anything ``BilingualNamed``; ``url`` links the main name.
    """
    return {
        "name": record.display_name,
        # Marked only where it differs from the page's: a Korean name on an English page.
        "name_language": ""
        if (translation.get_language() or "").startswith(record.display_name_language)
        else record.display_name_language,
        "other_name": record.other_name,
        "other_language": record.other_name_language,
        "url": url,
        "synthetic": getattr(record, "is_synthetic", False),
    }


@register.filter
def partial_date(value, precision):
    """``{{ date|partial_date:precision }}``: '2024년 1월', 'March 11, 2022', 'Date unknown'."""
    return format_partial_date(value, precision or "unknown")


SECTIONS = {
    "home": "home",
    "search": "search",
    "cluster_list": "clusters",
    "cluster_detail": "clusters",
    "organization_list": "organizations",
    "organization_detail": "organizations",
    "agreement_list": "agreements",
    "agreement_detail": "agreements",
    "newsitem_list": "news",
    "newsitem_detail": "news",
    "network": "network",
    "network_path": "network",
    "organization_network": "network",
    "cluster_network": "network",
}


@register.simple_tag(takes_context=True)
def current_section(context):
    """The navigation section of the page being shown ("" on pages outside the sections)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return SECTIONS.get(match.url_name, "") if match else ""


@register.filter
def elided_pages(page):
    """The page numbers a pagination bar shows around ``page``: the first and last, two on
    each side, and ``Paginator.ELLIPSIS`` for each gap; computed, not looped over every page,
    so that a list of 40,000 pages renders as fast as one of 4."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.inclusion_tag("_partials/sort_header.html", takes_context=True)
def sort_header(context, key: str, label: str, numeric: bool = False):
    """A column header that sorts the list by ``key`` (an ordering of the list's FilterSet):
    ascending first, or descending first for numbers; the next click reverses it."""
    request = context["request"]
    current = request.GET.get("ordering", "")
    if current == key:
        state, following = "ascending", f"-{key}"
    elif current == f"-{key}":
        state, following = "descending", key
    else:
        state, following = "", f"-{key}" if numeric else key
    query = request.GET.copy()
    query["ordering"] = following
    query.pop("page", None)
    return {"label": label, "url": f"?{query.urlencode()}", "sort": state, "numeric": numeric}


@register.inclusion_tag("_partials/language_alternates.html", takes_context=True)
def language_alternates(context):
    """<link rel="alternate" hreflang> for the page in each language (the Korean address is
    also the default), so that search engines index both and link each to the other."""
    request = context.get("request")
    if request is None or getattr(request, "resolver_match", None) is None:
        return {"alternates": []}
    path = request.get_full_path()
    alternates = []
    for code, _name in settings.LANGUAGES:
        translated = translate_url(path, code)
        if translated == path and translation.get_language() != code:
            return {"alternates": []}  # a page with one address only (e.g. an error page)
        alternates.append((code, request.build_absolute_uri(translated)))
    default = dict(alternates).get(settings.LANGUAGE_CODE)
    return {"alternates": alternates, "default": default}
