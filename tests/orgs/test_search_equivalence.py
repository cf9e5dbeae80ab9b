"""Organization search finds exactly what a plain case-insensitive substring match finds.

On PostgreSQL, search narrows candidates with an index over character grams first; these
tests hold it to the plain ``icontains`` result on every database.
"""

import pytest
from django.db.models import Exists, OuterRef, Q

from orgs.models import Organization, OrganizationName
from tests.factories import OrganizationFactory, OrganizationNameFactory

pytestmark = pytest.mark.django_db

QUERIES = [
    # one character
    "원", "병", "k", "K", "-",
    # two characters
    "진흥", "병원", "바이", "kh", "Kh", "o ", "대학",
    # three and more
    "연구원", "의료기기", "진흥원", "khidi", "KHIDI", "Bio", "bIO", "biopharma", "o r",
    "syn-1", "보산진", "서울바이오허브", "바이오 ", "100%", "a_b", "Straße", "É",
    # nothing matches
    "흥진", "zzz", "없는기관이름",
]  # fmt: skip


def plain_search(query):
    query = query.strip()  # search() ignores surrounding spaces
    aliases = OrganizationName.objects.filter(organization=OuterRef("pk"), name__icontains=query)
    return Organization.objects.filter(
        Q(name_ko__icontains=query)
        | Q(name_en__icontains=query)
        | Q(slug__icontains=query)
        | Exists(aliases)
    )


@pytest.fixture
def directory(seed):
    from io import StringIO

    from django.core.management import call_command

    call_command("generate_synthetic", orgs=200, agreements=0, seed=2, stdout=StringIO())
    OrganizationFactory(
        name_ko="한국보건산업진흥원", name_en="Korea Health Industry Development Institute"
    )
    OrganizationFactory(name_ko="스트라세바이오", name_en="STRASSE Bio Straße")
    OrganizationFactory(name_ko="에콜연구원", name_en="École Bio 100% a_b")


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_exactly_the_organizations_containing_the_query(directory, query):
    expected = set(plain_search(query).values_list("pk", flat=True))
    assert set(Organization.objects.search(query).values_list("pk", flat=True)) == expected


def test_common_short_korean_queries_find_many_and_miss_none(directory):
    found = Organization.objects.search("진흥").prefetch_related("names")
    names = {organization.name_ko for organization in found}
    assert "한국보건산업진흥원" in names
    assert len(names) > 5
    for organization in found:
        all_names = [organization.name_ko, *(alias.name for alias in organization.names.all())]
        assert any("진흥" in name for name in all_names), organization


def test_an_alias_added_later_is_found_and_a_removed_one_is_not(db):
    organization = OrganizationFactory(name_ko="한국보건산업진흥원", name_en="")
    alias = OrganizationNameFactory(organization=organization, name="보산진", kind="short")
    assert list(Organization.objects.search("산진")) == [organization]
    alias.delete()
    assert list(Organization.objects.search("산진")) == []


def test_a_renamed_organization_is_found_by_its_new_name_only(db):
    organization = OrganizationFactory(name_ko="오송첨단의료산업진흥재단")
    organization.name_ko = "케이바이오헬스"
    organization.save()
    assert list(Organization.objects.search("헬스")) == [organization]
    assert list(Organization.objects.search("오송")) == []


def test_seed_aliases_lead_to_their_organization(seed):
    assert Organization.objects.search("보산진").get().name_ko == "한국보건산업진흥원"
    assert Organization.objects.search("khidi").get().name_ko == "한국보건산업진흥원"


@pytest.mark.parametrize("grams", ["", "ac00", 'ac00 ac00-b098 x"y z\\w {a},b NULL'])
def test_grams_are_read_back_as_they_were_written(db, grams):
    organization = OrganizationFactory()
    Organization.objects.filter(pk=organization.pk).update(search_grams=grams)
    organization.refresh_from_db()
    assert organization.search_grams == grams
