"""The API's filters select exactly what the list pages' filters select for the same query
string: the pages' FilterSets, applied through Django REST framework."""

from urllib.parse import quote

import pytest

from tests.api.helpers import walk

pytestmark = pytest.mark.django_db


def page_records(client, path: str, query: str, key) -> list:
    """What the list page shows for ``query``, all of it on one page."""
    response = client.get(f"{path}?{quote(query, safe='=&')}&per_page=100")
    assert response.status_code == 200
    assert response.context["paginator"].num_pages == 1
    return sorted(key(record) for record in response.context["object_list"])


def api_records(client, path: str, query: str, key) -> list:
    # Percent-encoded, as browsers and curl send it.
    query = quote(query, safe="=&")
    return sorted(record[key] for record in walk(client, f"/api{path}?{query}&page_size=3"))


CASES = [
    (
        "/organizations/",
        "slug",
        [
            "kind=university",
            "region=seoul",
            "kind=company&region=seoul",
            "q=khidi",
            "q=보산진",  # an alias
            "q=연구",
            "cluster=magok",
            "cluster=seoul-bio-hub",  # its operator and members
            "has_agreements=true",
            "has_agreements=false",
        ],
    ),
    ("/clusters/", "slug", ["kind=medical_complex", "region=seoul", "q=바이오", "q=Bio"]),
    (
        "/agreements/",
        "id",
        [
            "year_from=2020",
            "year_to=2020",
            "year_from=2024&year_to=2020",  # a reversed range, read in order
            "kind=event",
            "organization=khidi",
            "organization_kind=company",
            "cluster=magok",
            "q=간담회",
            "q=보산진",  # a party's alias
        ],
    ),
    ("/news/", "id", ["year=2024", "organization=khidi", "cluster=magok", "q=보건복지부"]),
]


@pytest.mark.parametrize(
    ("path", "key", "query"),
    [(path, key, query) for path, key, queries in CASES for query in queries],
)
def test_a_filter_selects_what_the_page_lists(client, seed, path, key, query):
    def record_key(record):
        return getattr(record, "slug", None) or record.pk

    everything = page_records(client, path, "", record_key)
    listed = page_records(client, path, query, record_key)
    assert api_records(client, path, query, key) == listed
    # A filter that selected everything or nothing would prove nothing.
    assert 0 < len(listed) < len(everything)


@pytest.mark.parametrize(
    ("path", "key"), [("/organizations/", "slug"), ("/clusters/", "slug"), ("/agreements/", "id"),
                      ("/news/", "id")]
)  # fmt: skip
def test_without_filters_it_lists_what_the_page_lists(client, seed, path, key):
    def record_key(record):
        return getattr(record, "slug", None) or record.pk

    listed = page_records(client, path, "", record_key)
    assert api_records(client, path, "", key) == listed
    assert len(listed) > 3  # more than one page of the API


@pytest.mark.parametrize(
    "path",
    [
        "/api/organizations/?kind=planet",
        "/api/organizations/?cluster=no-such-cluster",
        "/api/agreements/?year_from=20x0",
        "/api/agreements/?organization=no-such-body",
        "/api/news/?year=0",
    ],
)
def test_a_value_the_page_refuses_is_a_400_naming_the_filter(client, seed, path):
    response = client.get(path)
    assert response.status_code == 400
    name = path.split("?")[1].split("=")[0]
    assert list(response.json()) == [name]


def test_the_pages_order_is_not_an_api_parameter(client, seed):
    by_name = walk(client, "/api/organizations/?ordering=-name&page_size=10")
    assert by_name == walk(client, "/api/organizations/?page_size=10")
