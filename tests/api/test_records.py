"""What each endpoint shows: published records only, with what their pages show, as JSON."""

import datetime

import pytest

from orgs.models import Organization
from tests.api.helpers import walk
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

DRAFT = Organization.ReviewStatus.DRAFT
WITHDRAWN = Organization.ReviewStatus.WITHDRAWN


def test_the_root_lists_the_endpoints_the_schema_and_the_docs(client):
    response = client.get("/api/")
    assert response.status_code == 200
    assert response.json() == {
        "organizations": "http://testserver/api/organizations/",
        "clusters": "http://testserver/api/clusters/",
        "agreements": "http://testserver/api/agreements/",
        "news": "http://testserver/api/news/",
        "schema": "http://testserver/api/schema/",
        "docs": "http://testserver/api/docs/",
    }


def test_it_answers_json_only_even_to_a_browser(client):
    browser_accepts = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/api/organizations/", HTTP_ACCEPT=browser_accepts)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert client.get("/api/organizations/", HTTP_ACCEPT="text/html").status_code == 406
    assert client.get("/api/organizations/?format=api").status_code == 404


def test_it_accepts_no_writes(client):
    OrganizationFactory(slug="khidi")
    assert client.post("/api/organizations/", {"slug": "new"}).status_code == 405
    assert client.delete("/api/organizations/khidi/").status_code == 405
    assert Organization.objects.filter(slug="khidi").exists()


def test_drafts_and_withdrawn_organizations_never_appear(client):
    published = OrganizationFactory(slug="published")
    draft = OrganizationFactory(slug="draft", review_status=DRAFT)
    withdrawn = OrganizationFactory(slug="withdrawn", review_status=WITHDRAWN)
    child = OrganizationFactory(slug="child", parent=draft)
    cluster = ClusterFactory(operator=draft)

    assert [o["slug"] for o in walk(client, "/api/organizations/")] == ["published", "child"]
    for hidden in (draft, withdrawn):
        assert client.get(f"/api/organizations/{hidden.slug}/").status_code == 404
    # Nor as a parent or an operator.
    assert client.get(f"/api/organizations/{child.slug}/").json()["parent"] is None
    assert client.get(f"/api/clusters/{cluster.slug}/").json()["operator"] is None
    assert client.get(f"/api/organizations/{published.slug}/").status_code == 200


def test_drafts_never_appear_as_agreements_parties_or_citing_agreements(client):
    visible, hidden = OrganizationFactory(slug="visible"), OrganizationFactory(review_status=DRAFT)
    news_item = NewsItemFactory()
    agreement = AgreementFactory(sources=[news_item])
    AgreementPartyFactory(agreement=agreement, organization=visible)
    # A party the admin refuses (AgreementParty.clean), entered behind its back.
    AgreementPartyFactory(agreement=agreement, organization=hidden)
    draft_agreement = AgreementFactory(review_status=DRAFT, sources=[news_item])
    AgreementPartyFactory(agreement=draft_agreement, organization=visible)

    agreements = walk(client, "/api/agreements/")
    assert [a["id"] for a in agreements] == [agreement.pk]
    assert [p["organization"] for p in agreements[0]["parties"]] == ["visible"]
    assert client.get(f"/api/agreements/{draft_agreement.pk}/").status_code == 404
    assert client.get(f"/api/news/{news_item.pk}/").json()["agreements"] == [agreement.pk]
    assert client.get("/api/organizations/visible/").json()["agreement_count"] == 1


def test_an_organization_shows_its_names_place_identifiers_and_clusters(client):
    parent = OrganizationFactory(slug="mohw")
    organization = OrganizationFactory(
        slug="khidi",
        name_ko="한국보건산업진흥원",
        name_en="Korea Health Industry Development Institute",
        kind=Organization.Kind.PUBLIC_AGENCY,
        region="chungbuk",
        parent=parent,
        website="https://www.khidi.or.kr",
        ror_id="04h9pn542",
        wikidata_qid="Q12345",
    )
    OrganizationNameFactory(organization=organization, name="KHIDI")
    operated = ClusterFactory(slug="seoul-bio-hub", name_ko="서울바이오허브", operator=organization)
    ClusterMembershipFactory(
        cluster=ClusterFactory(slug="osong", name_ko="오송", operator=None),
        organization=organization,
        role="support",
    )
    AgreementPartyFactory(organization=organization)

    body = client.get("/api/organizations/khidi/").json()
    assert body == {
        "slug": "khidi",
        "name_ko": "한국보건산업진흥원",
        "name_en": "Korea Health Industry Development Institute",
        "aliases": [{"name": "KHIDI", "kind": "acronym", "language": "en"}],
        "kind": "public_agency",
        "region": "chungbuk",
        "parent": "mohw",
        "description": "",
        "website": "https://www.khidi.or.kr",
        "ror_id": "04h9pn542",
        "wikidata_qid": "Q12345",
        "clusters": [
            {"slug": "seoul-bio-hub", "name_ko": "서울바이오허브", "name_en": operated.name_en,
             "role": "operator"},
            {"slug": "osong", "name_ko": "오송", "name_en": body["clusters"][1]["name_en"],
             "role": "support"},
        ],
        "agreement_count": 1,
        "is_synthetic": False,
        "page_url": "http://testserver/organizations/khidi/",
    }  # fmt: skip


def test_an_old_slug_redirects_to_the_organization(client):
    organization = OrganizationFactory(slug="old-name")
    organization.slug = "new-name"
    organization.save()
    response = client.get("/api/organizations/old-name/")
    assert response.status_code == 301
    assert response["Location"] == "/api/organizations/new-name/"
    assert client.get("/api/organizations/no-such-body/").status_code == 404


def test_a_cluster_shows_its_operator_place_year_and_counts(client):
    operator = OrganizationFactory(slug="kbiohealth", name_ko="재단", name_en="Foundation")
    cluster = ClusterFactory(
        slug="osong",
        operator=operator,
        region="chungbuk",
        city="청주시 흥덕구",
        latitude="36.63700",
        longitude="127.32900",
        founded_year=2009,
    )
    ClusterMembershipFactory(cluster=cluster)
    ClusterMembershipFactory(cluster=cluster, organization=OrganizationFactory(review_status=DRAFT))
    AgreementFactory(cluster=cluster)
    AgreementFactory(cluster=cluster, review_status=DRAFT)

    body = client.get("/api/clusters/osong/").json()
    assert body["operator"] == {"slug": "kbiohealth", "name_ko": "재단", "name_en": "Foundation"}
    assert body["coordinates"] == {"latitude": 36.637, "longitude": 127.329}
    assert (body["region"], body["city"], body["kind"]) == (
        "chungbuk",
        "청주시 흥덕구",
        "bio_cluster",
    )
    assert body["founded_year"] == 2009
    assert (body["member_count"], body["agreement_count"]) == (1, 1)
    assert body["page_url"] == "http://testserver/clusters/osong/"
    assert client.get("/api/clusters/no-such-cluster/").status_code == 404


def test_an_agreement_shows_its_parties_with_roles_and_its_sources_as_citations(client):
    news_item = NewsItemFactory(
        title="협약 기사",
        outlet="바이오신문",
        reporter="김기자",
        published_on=datetime.date(2024, 1, 5),
        url="https://news.example/1",
        body="기사 본문은 큐레이터만 본다.",
    )
    agreement = AgreementFactory(
        title="업무협약",
        date=datetime.date(2024, 1, 1),
        date_precision="month",
        cluster=ClusterFactory(slug="osong"),
        sources=[news_item],
    )
    AgreementPartyFactory(
        agreement=agreement,
        organization=OrganizationFactory(slug="khidi", name_ko="진흥원"),
        role="host",
    )

    body = client.get(f"/api/agreements/{agreement.pk}/").json()
    assert (body["date"], body["date_precision"], body["cluster"]) == ("2024-01", "month", "osong")
    assert body["parties"] == [
        {"organization": "khidi", "name_ko": "진흥원", "name_en": body["parties"][0]["name_en"],
         "role": "host", "note": ""},
    ]  # fmt: skip
    assert body["sources"] == [
        {"id": news_item.pk, "title": "협약 기사", "outlet": "바이오신문", "reporter": "김기자",
         "published_on": "2024-01-05", "url": "https://news.example/1"},
    ]  # fmt: skip
    assert "기사 본문" not in str(body)


def test_news_items_are_citations_and_never_carry_the_article(client):
    body_text = "기사 본문은 큐레이터만 본다."
    news_item = NewsItemFactory(body=body_text, summary="큐레이터의 요약.")
    AgreementFactory(sources=[news_item])

    for response in (client.get("/api/news/"), client.get(f"/api/news/{news_item.pk}/")):
        assert response.status_code == 200
        assert "body" not in response.content.decode()
        assert body_text not in response.content.decode()
    record = client.get(f"/api/news/{news_item.pk}/").json()
    assert set(record) == {
        "id", "title", "outlet", "reporter", "published_on", "url", "language", "summary",
        "agreements", "is_synthetic", "page_url",
    }  # fmt: skip
    assert record["summary"] == "큐레이터의 요약."
