"""Deleting a record others depend on is refused, naming what depends on it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from agreements.models import NewsItem
from bionet.lib.deletion import delete_unless_depended_on
from orgs.models import Organization, OrganizationName
from orgs.services import organization_delete
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    NewsItemFactory,
    OrganizationFactory,
    OrganizationNameFactory,
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


def test_the_service_refuses_and_names_the_dependents(admin_user):
    organization = OrganizationFactory(name_ko="한국보건산업진흥원")
    AgreementPartyFactory(organization=organization, agreement__title="공동의향서")
    ClusterFactory(name_ko="오송첨단의료산업진흥재단", operator=organization)
    with pytest.raises(ValidationError) as refused:
        organization_delete(organization=organization, user=admin_user)
    message = refused.value.messages[0]
    assert message.startswith("Organization “한국보건산업진흥원” cannot be deleted")
    assert "cluster “오송첨단의료산업진흥재단”" in message
    assert "party “한국보건산업진흥원 (Signatory)”" in message
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_the_service_deletes_an_organization_nobody_depends_on_with_its_aliases(admin_user):
    organization = OrganizationFactory()
    OrganizationNameFactory(organization=organization)
    organization_delete(organization=organization, user=admin_user)
    assert not Organization.objects.exists()
    assert not OrganizationName.objects.exists()
    assert Organization.history.filter(history_type="-").get().history_user == admin_user


def test_a_news_item_cited_by_an_agreement_is_not_deleted(admin_client):
    source = NewsItemFactory(title="서울바이오허브 공동의향서 체결")
    agreement = AgreementFactory(title="공동의향서", sources=[source])
    with pytest.raises(ValidationError) as refused:
        delete_unless_depended_on(source)
    assert "agreement “공동의향서”" in refused.value.messages[0]

    url = reverse("admin:agreements_newsitem_delete", args=[source.pk])
    response = admin_client.get(url)
    assert len(response.context["protected"]) == 1
    assert agreement.title in response.content.decode()
    assert admin_client.post(url, {"post": "yes"}).status_code == 200
    assert list(agreement.sources.all()) == [source]


def test_a_news_item_nobody_cites_is_deleted(admin_client):
    source = NewsItemFactory()
    url = reverse("admin:agreements_newsitem_delete", args=[source.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not NewsItem.objects.exists()


def test_a_refusal_names_ten_dependents_and_counts_the_rest():
    cluster = ClusterFactory()
    for index in range(12):
        AgreementFactory(title=f"협약 {index:02d}", cluster=cluster)
    with pytest.raises(ValidationError) as refused:
        delete_unless_depended_on(cluster)
    message = refused.value.messages[0]
    assert message.count("agreement “") == 10
    assert message.endswith("2 more depend on it.")
