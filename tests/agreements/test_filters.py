"""List filters in GET parameters: the exact records each returns, and bad input handled."""

import datetime
import re

import pytest

from tests.conftest import names_in
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ organizations


def test_organizations_filter_by_kind_and_region(client, seed):
    hospitals = names_in(client.get("/organizations/?kind=hospital"))
    assert set(hospitals) == {"이화여자대학교의료원", "이대서울병원", "서울대학교병원"}
    seoul_hospitals = names_in(client.get("/organizations/?kind=hospital&region=seoul"))
    assert "서울대학교병원" in seoul_hospitals
    assert len(seoul_hospitals) < 4


def test_organizations_filter_by_cluster_includes_the_operator(client, seed):
    hub = set(names_in(client.get("/organizations/?cluster=seoul-bio-hub")))
    assert hub == {"서울특별시", "한국BMS제약", "한국보건산업진흥원"}


def test_organizations_with_and_without_agreements(client):
    lonely = OrganizationFactory(name_ko="홀로연구소")
    busy = OrganizationFactory(name_ko="바쁜연구소")
    AgreementPartyFactory(organization=busy)
    with_agreements = names_in(client.get("/organizations/?has_agreements=true&q=연구소"))
    without = names_in(client.get("/organizations/?has_agreements=false&q=연구소"))
    assert with_agreements == ["바쁜연구소"]
    assert without == [lonely.name_ko]


def test_organizations_order_by_most_agreements(client, seed):
    response = client.get("/organizations/?ordering=-agreements")
    top = [(o.name_ko, o.agreement_count) for o in response.context["object_list"][:3]]
    # Three agreements each, more than any other; ties in name order.
    assert top == [
        ("한국보건산업진흥원", 3),
        ("한국생명공학연구원", 3),
        ("과학기술일자리진흥원", 2),
    ]


# ------------------------------------------------------------------ agreements


@pytest.fixture
def dated_agreements():
    cluster = ClusterFactory(slug="osong")
    hospital = OrganizationFactory(slug="hospital", kind="hospital")
    old = AgreementFactory(title="2019 협약", date=datetime.date(2019, 7, 3), kind="mou")
    mid = AgreementFactory(title="2022 협의체", date=datetime.date(2022, 3, 11), kind="council")
    new = AgreementFactory(
        title="2024 협약", date=datetime.date(2024, 1, 1), date_precision="month", cluster=cluster
    )
    undated = AgreementFactory(title="미상 협약", date=None, date_precision="unknown")
    AgreementPartyFactory(agreement=mid, organization=hospital)
    for agreement in (old, mid, new, undated):
        AgreementPartyFactory(agreement=agreement)
    return old, mid, new, undated


def titles(client, query):
    response = client.get("/agreements/?" + query)
    assert response.status_code == 200
    return names_in(response)


def test_agreements_filter_by_year_range(client, dated_agreements):
    assert titles(client, "year_from=2020") == ["2024 협약", "2022 협의체"]
    assert titles(client, "year_from=2019&year_to=2022") == ["2022 협의체", "2019 협약"]
    # A reversed range means the range the user meant.
    assert titles(client, "year_from=2022&year_to=2019") == ["2022 협의체", "2019 협약"]


def test_agreements_filter_by_kind_cluster_organization_and_its_kind(client, dated_agreements):
    assert titles(client, "kind=council") == ["2022 협의체"]
    assert titles(client, "cluster=osong") == ["2024 협약"]
    assert titles(client, "organization=hospital") == ["2022 협의체"]
    assert titles(client, "organization_kind=hospital") == ["2022 협의체"]


def test_agreements_filter_by_search_and_order_oldest_first(client, dated_agreements):
    # Undated agreements come last whichever way the dates run.
    assert titles(client, "q=협약&ordering=date") == ["2019 협약", "2024 협약", "미상 협약"]
    assert titles(client, "q=협약&ordering=-date") == ["2024 협약", "2019 협약", "미상 협약"]


def test_agreements_order_by_most_parties(client, dated_agreements):
    assert titles(client, "ordering=-parties")[0] == "2022 협의체"


# ------------------------------------------------------------------ bad input, pagination


@pytest.mark.parametrize(
    "path",
    [
        "/organizations/",
        "/agreements/",
        "/clusters/",
        "/news/",
        "/organizations/export.csv",
        "/agreements.csv",
    ],
)
def test_an_ordering_of_empty_choices_keeps_the_default_order(client, dated_agreements, path):
    default = client.get(path)
    response = client.get(path, {"ordering": ","})

    assert response.status_code == 200
    if response.streaming:
        assert b"".join(response.streaming_content) == b"".join(default.streaming_content)
    else:
        assert list(response.context["object_list"]) == list(default.context["object_list"])


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/agreements/?year_from=soon", "year_from"),
        ("/agreements/?organization=no-such-slug", "organization"),
        ("/agreements/?kind=treaty", "kind"),
        ("/organizations/?region=mars", "region"),
        ("/organizations/?cluster=atlantis", "cluster"),
        ("/organizations/?ordering=-password", "ordering"),
        ("/clusters/?kind=spaceport", "kind"),
        ("/news/?year=last", "year"),
        # Years no date can hold, and fractions, are refused rather than failing the query.
        ("/agreements/?year_from=1000000000000000000000000000000", "year_from"),
        ("/agreements/?year_to=0", "year_to"),
        ("/agreements/?year_from=2020.5", "year_from"),
        ("/news/?year=-5", "year"),
        ("/news/?year=10000", "year"),
    ],
)
def test_an_invalid_filter_value_shows_the_error_and_the_page_renders(client, url, field):
    response = client.get(url)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    html = response.content.decode()
    # The error is where the field's aria-describedby points, and no result count or export
    # offers what the filter could not select.
    assert f'id="id_{field}_error"' in html
    assert f'aria-describedby="id_{field}_error"' in html or field == "ordering"
    assert response.context["filter"].errors
    assert 'class="result-count"' not in html and ".csv" not in html.split("</aside>")[1]


def test_the_per_page_menu_shows_the_size_in_use(client):
    OrganizationFactory.create_batch(12)
    html = client.get("/organizations/?per_page=10").content.decode()
    assert '<option value="10" selected>10</option>' in html


def test_pages_hold_25_rows_and_per_page_goes_up_to_100(client):
    OrganizationFactory.create_batch(120)
    assert len(client.get("/organizations/").context["object_list"]) == 25
    assert len(client.get("/organizations/?per_page=50").context["object_list"]) == 50
    assert len(client.get("/organizations/?per_page=1000").context["object_list"]) == 100
    assert len(client.get("/organizations/?per_page=many").context["object_list"]) == 25
    last = client.get("/organizations/?page=5")
    assert len(last.context["object_list"]) == 20
    assert client.get("/organizations/?page=6").status_code == 404
    assert client.get("/organizations/?page=zero").status_code == 404


def test_pagination_links_keep_the_filters(client):
    for _ in range(30):
        ClusterMembershipFactory(cluster=ClusterFactory(slug=f"c{_}"))
    OrganizationFactory.create_batch(30, kind="hospital")
    html = client.get("/organizations/?kind=hospital").content.decode()
    assert 'href="?kind=hospital&amp;page=2"' in html


def test_the_pagination_bar_shows_the_ends_and_the_pages_around_the_current_one(client):
    OrganizationFactory.create_batch(30)

    html = client.get("/organizations/?per_page=1&page=15").content.decode()

    linked = {int(n) for n in re.findall(r'href="\?per_page=1&amp;page=(\d+)"', html)}
    assert linked == {1, 13, 14, 16, 17, 30}  # previous (14) and next (16) among them
    assert '<span class="current" aria-current="page">15</span>' in html
    assert html.count('class="gap"') == 2


def test_the_organization_filter_takes_any_of_its_names(client, seed):
    by_slug = titles(client, "organization=khidi")
    assert by_slug
    assert titles(client, "organization=보산진") == by_slug
    assert titles(client, "organization=KHIDI") == by_slug
    news = client.get("/news/", {"organization": "보산진"})
    assert news.status_code == 200 and len(news.context["object_list"]) >= 1
