"""The home page, the sitemap, the error pages and the admin's "view on site"."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse

from agreements.models import Agreement
from bionet.views import HOME_COUNTS_KEY, HOME_COUNTS_SECONDS
from orgs.models import Organization, OrganizationQuerySet
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


def test_it_shows_counts_clusters_latest_agreements_and_a_search_box(client, seed):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["counts"] == {
        "organizations": 34,
        "clusters": 10,
        "agreements": 7,
        "news_items": 5,
    }
    assert "오송첨단의료복합단지" in html and "서울바이오허브" in html
    latest = [agreement.title for agreement in response.context["latest_agreements"]]
    assert latest[0].startswith("BOSTON-SEOUL")  # 2024-11-07, the newest
    assert len(latest) == 6
    assert '<form class="search-form" action="/search/"' in html
    assert 'name="q"' in html


@pytest.mark.parametrize("rows", [5, 50])
def test_home_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        AgreementPartyFactory(agreement=AgreementFactory(cluster=ClusterFactory()))
    # one query for the data's version (httpcache), then
    # 4 counts, clusters with counts, latest agreements, their parties.
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200
    # one query for the data's version (httpcache), then
    # The counts are kept for a minute.
    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200


def test_the_home_counts_are_at_most_a_minute_old(client, seed):
    first = client.get("/").context["counts"]["agreements"]
    AgreementFactory()
    assert client.get("/").context["counts"]["agreements"] == first  # kept

    cache.delete(HOME_COUNTS_KEY)  # as when the minute is over

    assert client.get("/").context["counts"]["agreements"] == first + 1
    assert HOME_COUNTS_SECONDS <= 60


def test_the_sitemap_is_an_index_of_its_sections(client, seed):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    sections = ["pages", "organizations", "clusters", "agreements", "news"]
    for section in sections:
        assert f"<loc>http://testserver/sitemap-{section}.xml</loc>" in xml, section
    assert xml.count("<sitemap>") == len(sections) and "<url>" not in xml


def test_the_sitemap_sections_list_every_public_page(client, seed):
    xml = "".join(
        client.get(f"/sitemap-{section}.xml").content.decode()
        for section in ["pages", "organizations", "clusters", "agreements", "news"]
    )
    khidi = Organization.objects.get(slug="khidi")
    letter = Agreement.objects.get(kind="loi")
    for path in [
        "/clusters/",
        "/organizations/",
        "/agreements/",
        "/news/",
        khidi.get_absolute_url(),
        letter.get_absolute_url(),
        letter.sources.get().get_absolute_url(),
        "/clusters/seoul-bio-hub/",
    ]:
        assert f"http://testserver{path}</loc>" in xml, path
        assert f"http://testserver/en{path}</loc>" in xml, path
    # home, 4 lists, network; records: each in Korean and English, naming the other
    assert xml.count("<url>") == 2 * (6 + 34 + 10 + 7 + 5)
    assert (
        '<xhtml:link rel="alternate" hreflang="en" href="http://testserver/en/organizations/khidi/"/>'
        in xml
    )


def test_a_large_sitemap_section_comes_in_pages(client, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr("bionet.sitemaps.RecordSitemap.limit", 3)
    organizations = OrganizationFactory.create_batch(7)
    index = client.get("/sitemap.xml").content.decode()
    # 7 organizations in two languages, 3 addresses a page: 5 pages.
    assert "<loc>http://testserver/sitemap-organizations.xml?p=5</loc>" in index
    assert "sitemap-organizations.xml?p=6" not in index
    # the count of organizations (for the pages), this page's organizations with only the
    # fields their addresses need
    with django_assert_max_num_queries(2):
        last = client.get("/sitemap-organizations.xml?p=5").content.decode()
    assert last.count("<url>") == 2
    assert f"http://testserver/en{organizations[-1].get_absolute_url()}</loc>" in last
    assert client.get("/sitemap-organizations.xml?p=6").status_code == 404
    assert client.get("/sitemap-unknown.xml").status_code == 404


def test_an_unknown_address_gets_the_sites_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<nav class="site-nav"' in html  # the styled page, inside the site's frame
    assert 'action="/search/"' in html


def test_the_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert '<p class="error-code">500</p>' in html
    # Self-contained: a failing server may not manage to serve a stylesheet or script.
    assert "<script" not in html and "/static/" not in html


def test_a_failing_view_gets_the_styled_500_page(client, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(OrganizationQuerySet, "count", explode)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert 'class="error-page"' in response.content.decode()


def test_the_admin_view_on_site_link_leads_to_the_public_page(admin_client, seed):
    khidi = Organization.objects.get(slug="khidi")
    content_type = ContentType.objects.get_for_model(Organization)
    change_page = admin_client.get(reverse("admin:orgs_organization_change", args=[khidi.pk]))
    shortcut = reverse("admin:view_on_site", args=[content_type.pk, khidi.pk])
    assert shortcut in change_page.content.decode()
    response = admin_client.get(shortcut)
    assert response.status_code == 302
    assert response.url.endswith("/organizations/khidi/")


def test_the_home_page_leads_with_the_clusters_that_have_the_most_agreements(client):
    quiet, busy, busier = (ClusterFactory(name_ko=name) for name in ("가클러스터", "나", "다"))
    for cluster, count in ((busy, 1), (busier, 3)):
        for _ in range(count):
            AgreementFactory(cluster=cluster)
    shown = list(client.get("/").context["clusters"])
    assert shown[:3] == [busier, busy, quiet]


def test_the_footer_leads_to_a_site_map_people_can_read(client, seed):
    home = client.get("/").content.decode()
    assert 'href="/sitemap/"' in home
    page = client.get("/sitemap/")
    assert page.status_code == 200 and "text/html" in page["Content-Type"]
    html = page.content.decode()
    assert "오송첨단의료복합단지" in html and 'href="/sitemap.xml"' in html


def test_pages_and_exports_are_sent_compressed(client, seed):
    page = client.get("/organizations/khidi/", HTTP_ACCEPT_ENCODING="gzip")
    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    export = client.get("/agreements.csv", HTTP_ACCEPT_ENCODING="gzip")
    assert export["Content-Encoding"] == "gzip"
    assert client.get("/organizations/khidi/").get("Content-Encoding") is None
