"""Records named with markup are shown as text on every page and written as data in the CSVs."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from agreements.models import Agreement
from tests.csv_helpers import csv_rows
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    NewsItemFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

pytestmark = pytest.mark.django_db

ORGANIZATION = '<script>alert("organization")</script>'
ALIAS = '"><img src=x onerror=alert("alias")>'
CLUSTER = '<script>alert("cluster")</script>'
AGREEMENT = '<script>alert("agreement")</script>'
NEWS_ITEM = '<svg onload=alert("news")>'
# A spreadsheet would run this English name as a formula.
FORMULA = '=HYPERLINK("http://evil.example","<script>alert(1)</script>")'


@pytest.fixture
def hostile():
    """An organization, alias, cluster (on the map), agreement and news item named in markup."""
    organization = OrganizationFactory(name_ko=ORGANIZATION, name_en=FORMULA, slug="hostile")
    OrganizationNameFactory(organization=organization, name=ALIAS)
    partner = OrganizationFactory(name_ko="한국보건산업진흥원", slug="khidi")
    cluster = ClusterFactory(
        name_ko=CLUSTER,
        slug="hostile-cluster",
        latitude=Decimal("36.63"),
        longitude=Decimal("127.33"),
    )
    ClusterMembershipFactory(cluster=cluster, organization=organization)
    news_item = NewsItemFactory(title=NEWS_ITEM)
    agreement = AgreementFactory(
        title=AGREEMENT, cluster=cluster, date=datetime.date(2024, 5, 2), sources=[news_item]
    )
    AgreementPartyFactory(agreement=agreement, organization=organization)
    AgreementPartyFactory(agreement=agreement, organization=partner)
    return {"organization": organization, "cluster": cluster, "agreement": agreement}


def assert_shown_as_text(html: str, *names: str):
    for name in (ORGANIZATION, ALIAS, CLUSTER, AGREEMENT, NEWS_ITEM):
        assert name not in html
    for name in names:
        assert escape(name) in html, name


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("/", [CLUSTER, AGREEMENT]),
        ("/organizations/", [ORGANIZATION]),
        ("/clusters/", [CLUSTER]),
        ("/agreements/", [AGREEMENT, ORGANIZATION]),
        ("/news/", [NEWS_ITEM]),
        ("/organizations/hostile/", [ORGANIZATION, ALIAS, CLUSTER, AGREEMENT, NEWS_ITEM]),
        ("/clusters/hostile-cluster/", [CLUSTER, ORGANIZATION, AGREEMENT, NEWS_ITEM]),
        ("/search/?q=alert", [ORGANIZATION, CLUSTER, AGREEMENT]),
    ],
)
def test_names_with_markup_are_shown_as_text_on_every_page(client, hostile, url, names):
    response = client.get(url)
    assert response.status_code == 200
    assert_shown_as_text(response.content.decode(), *names)


def test_the_agreement_and_news_item_pages_show_markup_as_text(client, hostile):
    agreement = hostile["agreement"]
    html = client.get(agreement.get_absolute_url()).content.decode()
    assert_shown_as_text(html, AGREEMENT, ORGANIZATION, CLUSTER, NEWS_ITEM)
    news_item = agreement.sources.get()
    html = client.get(news_item.get_absolute_url()).content.decode()
    assert_shown_as_text(html, NEWS_ITEM, AGREEMENT)


def test_the_cluster_maps_label_the_cluster_as_text(client, hostile):
    for url in ("/clusters/", "/clusters/hostile-cluster/"):
        html = client.get(url).content.decode()
        svg = html[html.index("<svg") : html.index("</svg>")]
        assert CLUSTER not in svg
        assert escape(CLUSTER) in svg


@pytest.mark.parametrize(
    ("changelist", "names"),
    [
        ("orgs_organization", [ORGANIZATION]),
        ("orgs_organizationname", [ALIAS, ORGANIZATION]),
        ("clusters_cluster", [CLUSTER]),
        ("agreements_agreement", [AGREEMENT, CLUSTER]),
        ("news_newsitem", [NEWS_ITEM]),
    ],
)
def test_the_admin_changelists_show_markup_as_text(admin_client, hostile, changelist, names):
    response = admin_client.get(reverse(f"admin:{changelist}_changelist"))
    assert response.status_code == 200
    assert_shown_as_text(response.content.decode(), *names)


def test_the_exports_write_markup_as_data_and_neutralize_the_formula(client, hostile):
    organizations = {
        row[1]: row for row in csv_rows(client.get(reverse("orgs:organization_export")))[1:]
    }
    assert organizations["hostile"][2:4] == [ORGANIZATION, "'" + FORMULA]
    assert ALIAS in organizations["hostile"][4]

    agreement_rows = csv_rows(client.get(reverse("agreements:agreement_export")))[1:]
    assert [(row[1], row[10]) for row in agreement_rows] == [(AGREEMENT, CLUSTER)]
    assert ORGANIZATION in agreement_rows[0][11]

    (pair,) = csv_rows(client.get(reverse("agreements:partnership_export")))[1:]
    assert pair[:4] == [ORGANIZATION, "'" + FORMULA, "research_institute", "hostile"]
    assert (pair[9], pair[12]) == (AGREEMENT, CLUSTER)
    assert Agreement.objects.get().title == AGREEMENT
