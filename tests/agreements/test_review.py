"""Drafts and review: contributors draft, curators publish, visitors see published records only."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.urls import reverse

from agreements.models import Agreement, AgreementParty
from orgs.models import Organization
from tests.crawling import crawl
from tests.factories import AgreementFactory, AgreementPartyFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

# What only the unpublished records below are called: no public response may contain it
# (a search echoes its query, so the queries below name them only in part).
UNPUBLISHED_MARKERS = [
    "초안전용기관",
    "초안전용협약",
    "DraftOnly Institute",
    "철회된협약",
    "/organizations/draft-only-institute/",
]
EXPORTS = [
    "/agreements.csv",
    "/partnerships.csv",
    "/organizations.csv",
    "/sitemap.xml",
    "/network/bionet-network.graphml",
    "/network/bionet-network.gexf",
    "/search/?q=초안전용",
    "/search/?q=DRAFTONLY",
    "/organizations/?q=초안전용",
    "/agreements/?q=초안전용",
    "/agreements/?organization=draft-only-institute",
    "/network/path/?source=draft-only-institute&target=khidi",
]


@pytest.fixture
def unpublished(seed):
    """A draft organization in a draft agreement with KHIDI, and a withdrawn agreement."""
    khidi = Organization.objects.get(slug="khidi")
    draft_organization = OrganizationFactory(
        name_ko="초안전용기관",
        name_en="DraftOnly Institute",
        slug="draft-only-institute",
        review_status=Organization.ReviewStatus.DRAFT,
    )
    draft_organization.names.create(name="DRAFTONLY", kind="acronym", language="en")
    draft = AgreementFactory(title="초안전용협약", review_status=Agreement.ReviewStatus.DRAFT)
    for organization in (khidi, draft_organization):
        AgreementPartyFactory(agreement=draft, organization=organization)
    withdrawn = AgreementFactory(title="철회된협약", review_status=Agreement.ReviewStatus.WITHDRAWN)
    for slug in ("khidi", "kribb"):
        AgreementPartyFactory(agreement=withdrawn, organization=Organization.objects.get(slug=slug))
    return {"organization": draft_organization, "draft": draft, "withdrawn": withdrawn}


def test_no_public_page_or_export_shows_an_unpublished_record(client, unpublished):
    pages = crawl(client, ["/", *EXPORTS])

    assert len(pages) > 60
    for path, (status, body) in pages.items():
        assert status < 500, path
        for marker in UNPUBLISHED_MARKERS:
            assert marker not in body, f"{marker} on {path}"
    for record in unpublished.values():
        assert client.get(record.get_absolute_url()).status_code == 404
    # KHIDI's own page counts its published agreements only.
    khidi = client.get("/organizations/khidi/")
    assert khidi.context["agreement_count"] == 3


def test_a_draft_party_cannot_join_a_published_agreement(unpublished):
    party = AgreementParty(
        agreement=AgreementFactory(), organization=unpublished["organization"], role="signatory"
    )
    with pytest.raises(ValidationError, match="아직 게시되지 않았습니다"):
        party.full_clean()


def user_in(group_name: str) -> User:
    user = User.objects.create_user(group_name.lower(), password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_a_contributor_drafts_but_cannot_publish_or_change_what_is_published(client, unpublished):
    client.force_login(user_in("Contributors"))
    draft = unpublished["draft"]

    changelist = client.get(reverse("admin:agreements_agreement_changelist"))
    assert changelist.status_code == 200
    assert "publish_selected" not in changelist.content.decode()
    change_page = client.get(reverse("admin:agreements_agreement_change", args=[draft.pk]))
    assert change_page.status_code == 200
    assert 'name="review_status"' not in change_page.content.decode()

    response = client.post(
        reverse("admin:agreements_agreement_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.review_status == Agreement.ReviewStatus.DRAFT

    published = Agreement.objects.published().first()
    url = reverse("admin:agreements_agreement_change", args=[published.pk])
    assert client.post(url, {"title": "바뀐 제목"}).status_code == 403
    published.refresh_from_db()
    assert published.title != "바뀐 제목"
    assert response.status_code in (200, 302)


def test_a_curator_publishes_an_agreement_with_its_draft_organizations(client, unpublished):
    client.force_login(user_in("Curators"))
    draft = unpublished["draft"]

    response = client.post(
        reverse("admin:agreements_agreement_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert "Published: 1." in response.content.decode() or "게시" in response.content.decode()
    draft.refresh_from_db()
    unpublished["organization"].refresh_from_db()
    assert draft.is_published and unpublished["organization"].is_published
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert "초안전용기관" in client.get("/organizations/khidi/").content.decode()
    history = draft.history.first()
    assert (history.review_status, history.history_user.username) == ("published", "curators")


def test_an_organization_in_published_agreements_is_not_withdrawn(client, seed):
    client.force_login(user_in("Curators"))
    khidi = Organization.objects.get(slug="khidi")

    response = client.post(
        reverse("admin:orgs_organization_changelist"),
        {"action": "withdraw_selected", "_selected_action": [khidi.pk]},
        follow=True,
    )

    khidi.refresh_from_db()
    assert khidi.is_published
    assert "withdraw them first" in response.content.decode() or "먼저" in response.content.decode()


def test_the_admin_front_page_lists_the_drafts_waiting_for_review(client, unpublished):
    client.force_login(user_in("Curators"))
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="review-queue"' in page
    assert "?review_status__exact=draft" in page
    drafts = client.get(
        reverse("admin:agreements_agreement_changelist") + "?review_status__exact=draft"
    )
    assert list(drafts.context["cl"].result_list) == [unpublished["draft"]]
