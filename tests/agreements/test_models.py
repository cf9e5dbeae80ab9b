"""What the database and the models guarantee about curated records."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation

from agreements.models import Agreement, AgreementParty
from orgs.models import Organization
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

pytestmark = pytest.mark.django_db


def test_it_rejects_the_same_party_twice_in_the_same_role():
    party = AgreementPartyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementParty.objects.create(
            agreement=party.agreement, organization=party.organization, role=party.role
        )


def test_it_allows_the_same_organization_in_two_roles():
    party = AgreementPartyFactory(role=AgreementParty.Role.CO_ORGANIZER)
    AgreementParty.objects.create(
        agreement=party.agreement, organization=party.organization, role="operator"
    )
    assert party.agreement.parties.count() == 2


def test_duplicate_party_is_a_validation_error_with_a_clear_message():
    party = AgreementPartyFactory()
    duplicate = AgreementParty(
        agreement=party.agreement, organization=party.organization, role=party.role
    )
    with (
        translation.override("ko"),
        pytest.raises(ValidationError, match="이미 이 협약에서 이 역할을 맡고 있습니다"),
    ):
        duplicate.full_clean()


def test_it_refuses_to_delete_an_organization_that_is_a_party():
    party = AgreementPartyFactory()
    with pytest.raises(ProtectedError):
        party.organization.delete()
    assert Organization.objects.filter(pk=party.organization.pk).exists()
    assert AgreementParty.objects.filter(pk=party.pk).exists()


def test_it_refuses_to_delete_a_cluster_operator_or_member_or_parent():
    cluster = ClusterFactory()
    member = ClusterMembershipFactory(cluster=cluster).organization
    child = OrganizationFactory(parent=OrganizationFactory())
    for organization in (cluster.operator, member, child.parent):
        with pytest.raises(ProtectedError):
            organization.delete()


def test_it_refuses_to_delete_a_cluster_that_agreements_are_placed_in():
    agreement = AgreementFactory(cluster=ClusterFactory())
    with pytest.raises(ProtectedError):
        agreement.cluster.delete()


def test_the_database_rejects_a_kind_outside_the_choices():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name_ko="무엇", slug="what", kind="spaceship")


def test_the_database_rejects_a_known_date_without_precision():
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementFactory(date=datetime.date(2024, 1, 1), date_precision="unknown")


def test_the_database_rejects_half_coordinates():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterFactory(latitude=36.6, longitude=None)


def test_it_validates_coordinate_ranges():
    cluster = ClusterFactory.build(latitude=95, longitude=127, operator=None)
    with pytest.raises(ValidationError) as excinfo:
        cluster.full_clean()
    assert "latitude" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [("ror_id", "https://ror.org/04h9pn542"), ("wikidata_qid", "12345")],
)
def test_it_validates_identifier_formats(field, value):
    organization = OrganizationFactory.build(**{field: value})
    with pytest.raises(ValidationError) as excinfo:
        organization.full_clean()
    assert field in excinfo.value.message_dict


def test_it_refuses_an_organization_that_is_its_own_ancestor():
    parent = OrganizationFactory()
    child = OrganizationFactory(parent=parent)
    parent.parent = child
    with (
        translation.override("ko"),
        pytest.raises(ValidationError, match="자기 자신의 상위 기관이 될 수 없습니다"),
    ):
        parent.full_clean()


@pytest.mark.parametrize(
    ("date", "precision", "korean", "english"),
    [
        (datetime.date(2022, 3, 11), "day", "2022년 3월 11일", "March 11, 2022"),
        (datetime.date(2024, 1, 1), "month", "2024년 1월", "January 2024"),
        (datetime.date(2019, 1, 1), "year", "2019년", "2019"),
        (None, "unknown", "날짜 미상", "Date unknown"),
    ],
)
def test_it_words_the_date_at_its_precision(date, precision, korean, english):
    agreement = Agreement(date=date, date_precision=precision)
    with translation.override("ko"):
        assert agreement.date_display() == korean
    with translation.override("en"):
        assert agreement.date_display() == english


def test_clean_stores_a_month_as_its_first_day():
    agreement = AgreementFactory.build(date=datetime.date(2024, 1, 17), date_precision="month")
    agreement.full_clean(exclude=["sources"])
    assert agreement.date == datetime.date(2024, 1, 1)


def test_search_finds_an_organization_by_alias_and_partial_names():
    khidi = OrganizationFactory(
        name_ko="한국보건산업진흥원", name_en="Korea Health Industry Development Institute"
    )
    OrganizationNameFactory(organization=khidi, name="보산진", kind="short", language="ko")
    OrganizationNameFactory(organization=khidi, name="KHIDI")
    sba = OrganizationFactory(name_ko="서울산업진흥원", name_en="Seoul Business Agency")
    other = OrganizationFactory(
        name_ko="서울대학교병원", name_en="Seoul National University Hospital"
    )

    assert list(Organization.objects.search("보산진")) == [khidi]
    assert list(Organization.objects.search("khidi")) == [khidi]
    assert set(Organization.objects.search("산업진흥")) == {khidi, sba}
    assert other not in Organization.objects.search("산업진흥")


def test_named_matches_whole_names_only():
    khidi = OrganizationFactory(name_ko="한국보건산업진흥원", slug="khidi")
    OrganizationNameFactory(organization=khidi, name="보산진")
    assert list(Organization.objects.named("보산진")) == [khidi]
    assert list(Organization.objects.named("khidi")) == [khidi]
    assert list(Organization.objects.named("보산")) == []
