"""The curators' admin: changelists load, search reaches aliases, bad agreements are refused."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from agreements.models import Agreement
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterMembershipFactory,
    NewsItemFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "orgs_organization",
    "orgs_organizationname",
    "clusters_cluster",
    "clusters_clustermembership",
    "news_newsitem",
    "agreements_agreement",
    "agreements_agreementparty",
]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_it_loads_every_changelist_with_records(admin_client, name):
    party = AgreementPartyFactory()
    ClusterMembershipFactory(organization=party.organization)
    OrganizationNameFactory(organization=party.organization, name="보산진")
    response = admin_client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_it_finds_an_organization_by_alias(admin_client):
    khidi = OrganizationFactory(name_ko="한국보건산업진흥원")
    OrganizationNameFactory(organization=khidi, name="보산진", kind="short", language="ko")
    OrganizationFactory(name_ko="서울산업진흥원")
    response = admin_client.get(reverse("admin:orgs_organization_changelist"), {"q": "보산진"})
    assert list(response.context["cl"].result_list) == [khidi]


def agreement_form(sources, parties):
    data = {
        "title": "공동의향서",
        "kind": "loi",
        "status": "concluded",
        "date": "2022-03-11",
        "date_precision": "day",
        "review_status": "published",
        "citations-TOTAL_FORMS": str(len(sources)),
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
        "parties-TOTAL_FORMS": str(len(parties)),
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
    }
    for index, source in enumerate(sources):
        data[f"citations-{index}-newsitem"] = source.pk
    for index, (organization, role) in enumerate(parties):
        data[f"parties-{index}-organization"] = organization.pk
        data[f"parties-{index}-role"] = role
    return data


def test_it_refuses_an_agreement_with_one_party(admin_client):
    data = agreement_form([NewsItemFactory()], [(OrganizationFactory(), "signatory")])
    response = admin_client.post(reverse("admin:agreements_agreement_add"), data)
    assert response.status_code == 200
    assert "협약에는 기관이 둘 이상 있어야 합니다" in response.content.decode()
    assert not Agreement.objects.exists()


def test_it_refuses_an_agreement_without_a_source(admin_client):
    parties = [(OrganizationFactory(), "signatory"), (OrganizationFactory(), "signatory")]
    response = admin_client.post(
        reverse("admin:agreements_agreement_add"), agreement_form([], parties)
    )
    assert response.status_code == 200
    assert "출처가 된 뉴스를 하나 이상 인용하세요" in response.content.decode()
    assert not Agreement.objects.exists()


def test_it_refuses_the_same_party_twice(admin_client):
    organization = OrganizationFactory()
    parties = [
        (organization, "signatory"),
        (organization, "signatory"),
        (OrganizationFactory(), "host"),
    ]
    response = admin_client.post(
        reverse("admin:agreements_agreement_add"), agreement_form([NewsItemFactory()], parties)
    )
    assert response.status_code == 200
    assert not Agreement.objects.exists()


def test_it_saves_an_agreement_with_two_parties_and_a_source(admin_client):
    source = NewsItemFactory()
    parties = [(OrganizationFactory(), "signatory"), (OrganizationFactory(), "signatory")]
    response = admin_client.post(
        reverse("admin:agreements_agreement_add"), agreement_form([source], parties)
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.parties.count() == 2
    assert list(agreement.sources.all()) == [source]


def test_it_searches_organizations_for_autocomplete(admin_client):
    khidi = OrganizationFactory(name_ko="한국보건산업진흥원")
    OrganizationNameFactory(organization=khidi, name="KHIDI")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "khidi",
            "app_label": "agreements",
            "model_name": "agreementparty",
            "field_name": "organization",
        },
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["한국보건산업진흥원"]


@pytest.fixture
def curator_client(client):
    user = User.objects.create_user("curator", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client.force_login(user)
    return client


def test_curators_can_add_organizations_but_not_delete_them_or_see_users(curator_client):
    organization = OrganizationFactory()
    assert curator_client.get(reverse("admin:orgs_organization_add")).status_code == 200
    delete_url = reverse("admin:orgs_organization_delete", args=[organization.pk])
    assert curator_client.get(delete_url).status_code == 403
    assert curator_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_saving_a_likely_duplicate_warns_until_confirmed(admin_client):
    source = NewsItemFactory()
    first, second = OrganizationFactory(), OrganizationFactory()
    existing = AgreementFactory(title="기존 협약", date=datetime.date(2022, 3, 10))
    for organization in (first, second):
        AgreementPartyFactory(agreement=existing, organization=organization)
    data = agreement_form([source], [(first, "signatory"), (second, "signatory")])

    warned = admin_client.post(reverse("admin:agreements_agreement_add"), data)

    assert warned.status_code == 200
    assert "기존 협약" in warned.content.decode()
    assert Agreement.objects.count() == 1
    saved = admin_client.post(
        reverse("admin:agreements_agreement_add"), {**data, "confirm_same_event": "on"}
    )
    assert saved.status_code == 302
    assert Agreement.objects.count() == 2
