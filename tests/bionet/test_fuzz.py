"""
Random and hostile query strings sent to every public page and export.

Every named URL outside the admin is found in the URLconf (pages added later are fuzzed too),
and the parameter names come from the FilterSets the pages use. Whatever is sent, the site
answers 200, a redirect, 400 or 404, never a 5xx, and markup in the input never comes back
unescaped in a page. Run longer with HYPOTHESIS_PROFILE=thorough (tests/conftest.py).
"""

from urllib.parse import quote, urlencode

import django_filters
import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, SlugConverter
from hypothesis import given
from hypothesis import strategies as st

from agreements.models import Agreement
from bionet.forms import SearchForm
from bionet.sitemaps import SectionConverter, sitemaps
from clusters.models import Cluster
from news.models import NewsItem
from orgs.models import Organization
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ALLOWED_STATUSES = {200, 301, 302, 400, 404}

# A page number that is not one is a 404 before anything else is read.
PAGING_PARAMETERS = {"page", "p"}

# The curators' admin is not public; set_language is the language switch's POST target.
PRIVATE_NAMESPACES = {"admin"}
NOT_PAGES = {"set_language"}

# Markup that, found verbatim in a page, means input was echoed unescaped.
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
]
UNESCAPED_MARKERS = ("<script>alert", "<img src=x", "<svg onload")

HOSTILE_VALUES = [
    *MARKUP,
    "' OR 1=1 --",
    "'; DROP TABLE orgs_organization; --",
    "%",
    "_",
    "\\",
    "%_\\'\"",
    "\x00",
    "a\x00b",
    "\x01\x07\x1b\x7f\x9f",
    "\u202eevil",
    "\ufeff",
    "\U0001f9ec",
    "보산진",
    "한국보건산업진흥원",
    "ㅂㅅㅈ",
    str(10**30),
    str(-(10**30)),
    str(2**63),
    "1e400",
    "-1",
    "0",
    "1.5",
    "-2.5",
    "NaN",
    "Infinity",
    "0x10",
    "٢٠٢٢",
    "２０２２",
    "x" * 10_000,
    "가" * 10_000,
    "true",
    "-name",
    "name,-name,name",
    ",",
    "",
]

# Appended to the encoded query: malformed percent escapes, NUL and bytes that are not UTF-8,
# empty and value-less parameters.
RAW_SUFFIXES = ["", "&%zz=%", "&q=%ff%fe", "&%00=1", "&&==&", "&q", ";q=1", "&page=%2"]


def all_subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from all_subclasses(subclass)


def public_routes():
    """(URL name, {keyword: converter}) of every named public URL in the URLconf."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in PRIVATE_NAMESPACES:
                    continue
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name and pattern.name not in NOT_PAGES:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                converters = dict(getattr(pattern.pattern, "converters", {}))
                groups = getattr(getattr(pattern.pattern, "regex", None), "groupindex", {})
                if "format" in groups:
                    continue  # the API's ".json" twin of a route listed without it
                # Regular-expression routes (the API's router) name their keywords only.
                for group in groups:
                    converters.setdefault(
                        group, IntConverter() if group == "pk" else SlugConverter()
                    )
                yield name, converters

    return sorted(walk(get_resolver().url_patterns, ""))


def filter_parameter_names():
    """Every GET parameter a FilterSet of the site reads, plus paging and search."""
    import bionet.urls  # noqa: F401  (imports every view, hence every FilterSet)

    names = {*PAGING_PARAMETERS, "per_page", *SearchForm.base_fields}
    for filterset in all_subclasses(django_filters.FilterSet):
        if not filterset.__module__.startswith("django_filters"):
            names.update(filterset.base_filters)
    return sorted(names)


ROUTES = public_routes()
PARAMETER_NAMES = filter_parameter_names()

values = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=40),  # any code point: controls, NUL, unassigned, right-to-left
    st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=8),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(str),
    st.tuples(st.text(max_size=4), st.sampled_from(MARKUP), st.text(max_size=4)).map("".join),
)
# Mostly the names pages read, sometimes unknown ones.
names = st.one_of(*[st.sampled_from(PARAMETER_NAMES)] * 3, st.text(max_size=12))
single = st.tuples(names, values).map(lambda pair: [pair])
repeated = st.tuples(
    st.sampled_from(PARAMETER_NAMES), st.lists(values, min_size=2, max_size=3)
).map(lambda pair: [(pair[0], value) for value in pair[1]])
query_strings = st.tuples(
    st.lists(st.one_of(single, repeated), max_size=5), st.sampled_from(RAW_SUFFIXES)
).map(lambda parts: urlencode([pair for group in parts[0] for pair in group]) + parts[1])


def valid_values(converter) -> list[str]:
    """Values of a URL keyword that name real records (of any model with such keys)."""
    if isinstance(converter, IntConverter):
        return [str(model.objects.order_by("pk").first().pk) for model in (Agreement, NewsItem)]
    if isinstance(converter, SlugConverter):
        return [model.objects.order_by("pk").first().slug for model in (Organization, Cluster)]
    if isinstance(converter, SectionConverter):
        return list(sitemaps)
    return []


HOSTILE_SEGMENTS = ["0", str(10**30), str(2**63), "-1", "-", "_", "a" * 2000, "%00", "<script>"]


def path_for(name: str, converters: dict, segment_values: dict) -> str:
    """The URL's path with each keyword replaced by the (percent-encoded) value given."""
    placeholders = {
        key: "1" if isinstance(c, IntConverter) else "x" if isinstance(c, SlugConverter) else v
        for key, c in converters.items()
        for v in [next(iter(valid_values(c)), "x")]
    }
    path = reverse(name, kwargs=placeholders)
    if not converters:
        return path
    # Rebuild the path segment by segment so that any value (even one that the converter
    # would not accept, which reverse() refuses) can be put in place.
    for key, value in segment_values.items():
        marker = f"/{placeholders[key]}/"
        if marker not in path:  # a keyword inside a segment, as in sitemap-<section>.xml
            marker = placeholders[key]
            path = path.replace(marker, quote(value, safe=""), 1)
        else:
            path = path.replace(marker, f"/{quote(value, safe='')}/", 1)
    return path


def assert_answered_sensibly(response, url):
    assert response.status_code in ALLOWED_STATUSES, (url, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("text/html"):
        html = body.decode()
        for marker in UNESCAPED_MARKERS:
            assert marker not in html, (url, marker)


@pytest.mark.parametrize(("name", "converters"), ROUTES, ids=[name for name, _ in ROUTES])
def test_any_query_string_gets_a_sensible_answer_and_no_unescaped_markup(
    client, seed, name, converters
):
    candidates = {key: valid_values(c) for key, c in converters.items()}
    if converters:
        # The real pages answer: the fuzzing below exercises pages with content.
        valid_paths = [
            path_for(name, converters, {key: value})
            for key, values_ in candidates.items()
            for value in values_
        ]
        assert 200 in [client.get(path).status_code for path in valid_paths]

    # Markup in every parameter at once, each echoed wherever the page shows its filters.
    path = path_for(name, converters, {key: values_[0] for key, values_ in candidates.items()})
    for markup in MARKUP:
        query = urlencode(
            [(key, markup) for key in PARAMETER_NAMES if key not in PAGING_PARAMETERS]
        )
        assert_answered_sensibly(client.get(path, QUERY_STRING=query), f"{path}?{query}")

    segments = st.fixed_dictionaries(
        {
            key: st.one_of(
                st.sampled_from(candidates[key]) if candidates[key] else st.nothing(),
                st.sampled_from(HOSTILE_SEGMENTS),
                st.text(min_size=1, max_size=20),
            )
            for key in converters
        }
    )

    @given(segment_values=segments, query=query_strings)
    def fuzz(segment_values, query):
        url = path_for(name, converters, segment_values)
        response = client.get(url, QUERY_STRING=query)
        assert_answered_sensibly(response, f"{url}?{query}")

    fuzz()


# Found by fuzzing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/organizations/?q=%00",
        "/agreements.csv?cluster=osong%00",
        "/search/?q=a%00b&q=ok",
        "/?%00=1",
    ],
)
def test_a_nul_character_in_the_query_string_answers_400_with_the_error_page(client, url):
    response = client.get(url, headers={"accept-language": "en"})
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(
    "url",
    [
        # PostgreSQL refused these with a 500: the admin passes list filters straight to a query.
        "/admin/orgs/organization/?kind__exact=%00",
        "/admin/autocomplete/?app_label=orgs&model_name=organization&field_name=parent&term=%00",
    ],
)
def test_the_admin_answers_400_to_a_nul_character_in_a_filter_or_search(admin_client, url):
    assert admin_client.get(url).status_code == 400


def test_percent_zero_zero_typed_as_text_is_an_ordinary_search(client):
    organization = OrganizationFactory(name_ko="연구소 %00")
    response = client.get("/organizations/", {"q": "%00"})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [organization]
