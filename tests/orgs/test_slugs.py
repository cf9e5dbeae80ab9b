"""Readable addresses: from the English name, else the Korean name romanized; an old address
leads on to the new one."""

import pytest

from bionet.lib.slugs import readable_slug
from orgs.models import Organization, OrganizationRedirect
from tests.factories import OrganizationFactory


def test_a_slug_comes_from_the_english_name_when_there_is_one():
    slug = readable_slug(
        english="Korea Health Industry Development Institute",
        korean="한국보건산업진흥원",
        taken=lambda slug: False,
    )
    assert slug == "korea-health-industry-development-institute"


def test_a_korean_name_alone_is_romanized_word_by_word():
    assert readable_slug(english="", korean="삼성 바이오로직스", taken=lambda s: False) == (
        "samseong-baiorojikseu"
    )


def test_a_generic_english_word_is_never_the_address():
    slug = readable_slug(english="Organization", korean="특화연구소", taken=lambda s: False)
    assert slug == "teukhwayeonguso"


def test_a_number_is_added_only_on_collision():
    taken = {"kribb", "kribb-2"}
    assert readable_slug(english="KRIBB", korean="", taken=taken.__contains__) == "kribb-3"
    assert readable_slug(english="KBSI", korean="", taken=taken.__contains__) == "kbsi"


@pytest.mark.django_db
def test_a_changed_slug_leaves_its_old_address_leading_to_the_new(client):
    organization = OrganizationFactory(slug="organization-2", name_en="Seoul Business Agency")
    organization = Organization.objects.get(pk=organization.pk)
    organization.slug = organization.readable_slug()
    organization.save()

    assert organization.slug == "seoul-business-agency"
    response = client.get("/organizations/organization-2/")
    assert response.status_code == 301
    assert response["Location"] == "/organizations/seoul-business-agency/"
    network = client.get("/network/organizations/organization-2/")
    assert network.status_code == 301
    assert client.get("/organizations/never-was/").status_code == 404


@pytest.mark.django_db
def test_an_old_address_is_not_reused_and_a_draft_is_not_revealed(client):
    organization = OrganizationFactory(slug="old-name", name_en="New Name")
    organization = Organization.objects.get(pk=organization.pk)
    organization.slug = "new-name"
    organization.save()
    other = OrganizationFactory(name_en="Old Name", slug="x")
    assert Organization.objects.get(pk=other.pk).readable_slug() == "old-name-2"

    organization.review_status = Organization.ReviewStatus.DRAFT
    organization.save()
    assert client.get("/organizations/old-name/").status_code == 404
    assert OrganizationRedirect.objects.filter(old_slug="old-name").exists()
