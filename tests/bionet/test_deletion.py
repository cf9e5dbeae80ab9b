"""Deleting a record others depend on is refused, naming what depends on it."""

import pytest
from django.urls import reverse
from django.utils import translation

from news.models import NewsItem
from orgs.models import Organization
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    NewsItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The refusals are asserted word for word, in English."""
    with translation.override("en"):
        yield


def test_the_admin_refuses_to_delete_an_organization_that_is_a_party(admin_client):
    party = AgreementPartyFactory(agreement__title="바이오헬스 업무협약")
    organization = party.organization
    url = reverse("admin:orgs_organization_delete", args=[organization.pk])
    response = admin_client.get(url)
    assert len(response.context["protected"]) == 1
    assert f">{party}</a>" in str(response.context["protected"][0])
    assert str(party) in response.content.decode()
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_a_news_item_cited_by_an_agreement_is_not_deleted(admin_client):
    source = NewsItemFactory(title="서울바이오허브 공동의향서 체결")
    agreement = AgreementFactory(title="공동의향서", sources=[source])
    url = reverse("admin:news_newsitem_delete", args=[source.pk])
    response = admin_client.get(url)
    assert len(response.context["protected"]) == 1
    assert agreement.title in response.content.decode()
    assert admin_client.post(url, {"post": "yes"}).status_code == 200
    assert list(agreement.sources.all()) == [source]


def test_a_news_item_nobody_cites_is_deleted(admin_client):
    source = NewsItemFactory()
    url = reverse("admin:news_newsitem_delete", args=[source.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not NewsItem.objects.exists()
