"""Who may do what in the admin, and sign-in lockouts after repeated failures."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from orgs.models import Organization
from tests.factories import (
    AgreementPartyFactory,
    ClusterMembershipFactory,
    OrganizationNameFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    "orgs.organization",
    "orgs.organizationname",
    "clusters.cluster",
    "clusters.clustermembership",
    "agreements.agreement",
    "agreements.agreementparty",
    "news.newsitem",
    "auth.user",
]
ACTIONS = ["changelist", "add", "change", "delete"]
# Curators may delete only records that live inside another one.
CURATOR_DELETES = {
    "orgs.organizationname",
    "clusters.clustermembership",
    "agreements.agreementparty",
}


@pytest.fixture
def records():
    """One record of every kind, the organization a party to an agreement and a member. The
    agreement has two other parties, so that the party's delete page may delete it."""
    party = AgreementPartyFactory()
    AgreementPartyFactory.create_batch(2, agreement=party.agreement)
    membership = ClusterMembershipFactory(organization=party.organization)
    return {
        "orgs.organization": party.organization,
        "orgs.organizationname": OrganizationNameFactory(organization=party.organization),
        "clusters.cluster": membership.cluster,
        "clusters.clustermembership": membership,
        "agreements.agreement": party.agreement,
        "agreements.agreementparty": party,
        "news.newsitem": party.agreement.sources.get(),
        "auth.user": User.objects.create_user("someone"),
    }


@pytest.fixture
def role_client(client, curator):
    def sign_in(role):
        if role == "curator":
            client.force_login(curator)
        elif role == "staff":
            client.force_login(User.objects.create_user("staff", is_staff=True))
        elif role == "superuser":
            client.force_login(User.objects.create_superuser("root", password="x"))
        return client

    return sign_in


def admin_url(records, model, action):
    name = f"admin:{model.replace('.', '_')}_{action}"
    if action in ("change", "delete"):
        return reverse(name, args=[records[model].pk])
    return reverse(name)


def expected_status(role, model, action):
    if role == "anonymous":
        return 302
    if role == "superuser":
        return 200
    if role == "curator" and model != "auth.user":
        return 200 if action != "delete" or model in CURATOR_DELETES else 403
    return 403


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("role", ["anonymous", "staff", "curator", "superuser"])
def test_each_role_reaches_exactly_the_admin_pages_it_may(
    role_client, records, role, model, action
):
    response = role_client(role).get(admin_url(records, model, action))
    assert response.status_code == expected_status(role, model, action)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("admin:login"))


def test_a_curator_adds_and_changes_an_organization(client, curator):
    client.force_login(curator)
    data = {
        "name_ko": "한국보건산업진흥원",
        "name_en": "KHIDI",
        "slug": "khidi",
        "kind": "public_agency",
        "region": "chungbuk",
        "review_status": "draft",
        "names-TOTAL_FORMS": "0",
        "names-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:orgs_organization_add"), data)
    assert response.status_code == 302
    organization = Organization.objects.get(slug="khidi")
    response = client.post(
        reverse("admin:orgs_organization_change", args=[organization.pk]),
        {**data, "name_en": "Korea Health Industry Development Institute"},
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name_en == "Korea Health Industry Development Institute"


def test_a_curator_cannot_delete_an_organization_even_by_posting(client, curator, records):
    client.force_login(curator)
    organization = records["orgs.organization"]
    response = client.post(
        reverse("admin:orgs_organization_delete", args=[organization.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_a_curator_is_not_offered_the_bulk_delete_action_on_organizations(client, curator):
    client.force_login(curator)
    response = client.get(reverse("admin:orgs_organization_changelist"))
    actions = [value for value, label in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert "merge_organizations" in actions


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def test_sign_in_is_locked_after_five_failures_even_with_the_right_password(
    client, curator, in_english
):
    statuses = [sign_in(client, "curator", "wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    response = sign_in(client, "curator", "curator-password")
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_holds_only_for_the_address_that_failed(client, curator):
    for _ in range(5):
        sign_in(client, "curator", "wrong", address="10.0.0.1")
    response = sign_in(client, "curator", "curator-password", address="10.0.0.2")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(curator.pk)


def test_fewer_failures_than_the_limit_do_not_lock_and_a_success_resets_them(client, curator):
    for _ in range(4):
        sign_in(client, "curator", "wrong")
    assert sign_in(client, "curator", "curator-password").status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "curator", "wrong")
    assert sign_in(client, "curator", "curator-password").status_code == 302


def test_the_client_address_behind_a_proxy_is_read_from_the_hops_it_added(settings, rf):
    from bionet.middleware import client_ip_address

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.1")
    assert client_ip_address(request) == "10.0.0.1"
    settings.PROXY_HOPS = 1
    assert client_ip_address(request) == "203.0.113.9"
