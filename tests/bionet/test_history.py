"""Every change to a directory record is recorded with who made it and what changed, and an
earlier version can be restored from the admin."""

import pytest
from django.urls import reverse

from orgs.models import OrganizationName
from tests.factories import (
    DIRECTORY_MODELS,
    AgreementPartyFactory,
    ClusterMembershipFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

pytestmark = pytest.mark.django_db


def organization_form(organization, **changes):
    data = {
        "name_ko": organization.name_ko,
        "name_en": organization.name_en,
        "slug": organization.slug,
        "kind": organization.kind,
        "region": organization.region,
        "parent": organization.parent_id or "",
        "description": organization.description,
        "website": organization.website,
        "ror_id": organization.ror_id,
        "wikidata_qid": organization.wikidata_qid,
        "review_status": organization.review_status,
        "names-TOTAL_FORMS": "0",
        "names-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_a_change_in_the_admin_records_the_curator_and_the_changed_fields(client, curator):
    organization = OrganizationFactory(name_en="KHIDI")
    client.force_login(curator)
    response = client.post(
        reverse("admin:orgs_organization_change", args=[organization.pk]),
        organization_form(organization, name_en="Korea Health Industry Development Institute"),
    )
    assert response.status_code == 302
    latest, created = organization.history.all()[:2]
    assert latest.history_user == curator
    assert latest.history_type == "~"
    delta = latest.diff_against(created)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field != "updated"] == [
        ("name_en", "KHIDI", "Korea Health Industry Development Institute")
    ]


def test_the_history_page_shows_who_changed_what(client, curator):
    organization = OrganizationFactory(name_en="KHIDI")
    client.force_login(curator)
    client.post(
        reverse("admin:orgs_organization_change", args=[organization.pk]),
        organization_form(organization, name_en="K-HIDI"),
    )
    response = client.get(reverse("admin:orgs_organization_history", args=[organization.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "curator" in page
    assert "K-HIDI" in page


def test_an_earlier_version_is_restored_from_the_admin(client, curator):
    organization = OrganizationFactory(name_en="KHIDI", website="https://khidi.or.kr")
    original = organization.history.get()
    client.force_login(curator)
    client.post(
        reverse("admin:orgs_organization_change", args=[organization.pk]),
        organization_form(organization, name_en="Wrong name", website=""),
    )
    organization.refresh_from_db()
    assert organization.name_en == "Wrong name"

    revert_url = reverse(
        "admin:orgs_organization_simple_history", args=[organization.pk, original.pk]
    )
    form = client.get(revert_url).context["adminform"].form
    assert form.initial["name_en"] == "KHIDI"
    response = client.post(revert_url, organization_form(original.instance))
    assert response.status_code == 302
    organization.refresh_from_db()
    assert (organization.name_en, organization.website) == ("KHIDI", "https://khidi.or.kr")
    assert organization.history.first().history_user == curator


def test_a_deleted_record_leaves_its_history(admin_client):
    alias = OrganizationNameFactory(name="보산진")
    alias_pk = alias.pk
    response = admin_client.post(
        reverse("admin:orgs_organizationname_delete", args=[alias_pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not OrganizationName.objects.filter(pk=alias_pk).exists()
    deleted = OrganizationName.history.filter(id=alias_pk).first()
    assert deleted.history_type == "-"
    assert deleted.name == "보산진"


def test_every_directory_model_keeps_a_history():
    party = AgreementPartyFactory()
    ClusterMembershipFactory(organization=party.organization)
    OrganizationNameFactory(organization=party.organization)
    for model in DIRECTORY_MODELS:
        assert model.history.exists(), model


def test_changing_an_agreements_sources_is_recorded(admin_client):
    party = AgreementPartyFactory()
    agreement = party.agreement
    first_source = agreement.sources.get()
    second_source = type(first_source).objects.create(title="두 번째 기사", body="본문")
    agreement.sources.add(second_source)
    latest = agreement.history.first()
    assert {row.newsitem_id for row in latest.sources.all()} == {first_source.pk, second_source.pk}
