"""schema.org JSON-LD on the organization and cluster pages, for search engines."""

import json
import re

import pytest

from api.templatetags.structured_data import cluster_data, organization_data
from clusters.models import Cluster
from orgs.models import Organization
from tests.factories import ClusterFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def json_ld(response) -> dict:
    """The page's one JSON-LD block, parsed."""
    assert response.status_code == 200
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_an_organization_page_describes_the_organization(client, seed):
    data = json_ld(client.get("/organizations/khidi/"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "한국보건산업진흥원"
    assert {"Korea Health Industry Development Institute", "KHIDI", "보산진"} <= set(
        data["alternateName"]
    )
    assert data["url"] == "http://testserver/organizations/khidi/"
    assert "https://www.khidi.or.kr" in data["sameAs"]
    assert data["parentOrganization"] == {
        "@type": "Organization",
        "name": "보건복지부",
        "url": "http://testserver/organizations/ministry-of-health-and-welfare/",
    }
    assert data["address"]["addressCountry"] == "KR"


def test_in_english_the_english_name_leads(client, seed, in_english):
    data = json_ld(client.get("/organizations/khidi/", HTTP_ACCEPT_LANGUAGE="en"))
    assert data["name"] == "Korea Health Industry Development Institute"
    assert "한국보건산업진흥원" in data["alternateName"]


def test_identifiers_are_same_as_links_and_drafts_are_not_named(client):
    draft = OrganizationFactory(review_status=Organization.ReviewStatus.DRAFT)
    organization = OrganizationFactory(
        slug="kbio", parent=draft, ror_id="04h9pn542", wikidata_qid="Q12345"
    )
    OrganizationFactory(parent=organization, slug="unit", name_ko="산하기관")
    data = json_ld(client.get("/organizations/kbio/"))
    assert data["sameAs"] == ["https://ror.org/04h9pn542", "https://www.wikidata.org/wiki/Q12345"]
    assert "parentOrganization" not in data
    assert [unit["name"] for unit in data["subOrganization"]] == ["산하기관"]


def test_a_cluster_page_describes_the_cluster_as_a_place(client, seed):
    data = json_ld(client.get("/clusters/osong-medical-complex/"))
    assert data["@type"] == "Place"
    assert data["name"] == "오송첨단의료복합단지"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 36.637, "longitude": 127.329}
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressRegion": "충북",
        "addressLocality": "청주시 흥덕구",
        "addressCountry": "KR",
    }
    assert data["url"] == "http://testserver/clusters/osong-medical-complex/"


def test_a_cluster_without_coordinates_has_no_geo(client):
    ClusterFactory(slug="somewhere")
    assert "geo" not in json_ld(client.get("/clusters/somewhere/"))


def test_no_name_or_description_can_close_the_block(client):
    hostile = '</script><script>alert("x")</script> R&D <!--'
    OrganizationFactory(slug="hostile", description=hostile)
    response = client.get("/organizations/hostile/")
    html = response.content.decode()
    assert "</script><script>alert" not in html
    assert json_ld(response)["description"] == hostile


def test_the_blocks_read_only_what_the_detail_pages_load(django_assert_num_queries):
    parent = OrganizationFactory()
    organization = OrganizationFactory(parent=parent, ror_id="04h9pn542")
    OrganizationFactory(parent=organization)
    ClusterFactory(slug="somewhere", latitude="36.6", longitude="127.3")
    organization = Organization.objects.published().for_detail().get(pk=organization.pk)
    cluster = Cluster.objects.for_detail().get(slug="somewhere")
    with django_assert_num_queries(0):
        assert organization_data(organization, str)["subOrganization"]
        assert cluster_data(cluster, str)["geo"]
