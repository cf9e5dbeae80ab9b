"""``__any_of`` finds what ``__in`` finds, whatever the values hold, on either database; on
PostgreSQL the values go as one parameter."""

import pytest
from django.db import connection
from django.db.models.functions import Lower
from django.test.utils import CaptureQueriesContext

from orgs.models import Organization, OrganizationName
from tests.factories import OrganizationFactory, OrganizationNameFactory

pytestmark = pytest.mark.django_db

# What an array literal must quote or escape: quotes, backslashes, commas, braces, spaces,
# the word NULL, Hangul.
AWKWARD_NAMES = [
    '큰 "따옴표" 연구원',
    "역\\슬래시",
    "쉼표, 기관",
    "{중괄호}",
    "NULL",
    "  공백  ",
    "한글",
]


def test_strings_find_what_in_finds_even_those_an_array_literal_must_escape():
    for name in AWKWARD_NAMES:
        OrganizationFactory(name_ko=name)
    OrganizationFactory(name_ko="다른 기관")
    wanted = [*AWKWARD_NAMES, "없는 이름", ""]
    found = Organization.objects.filter(name_ko__any_of=wanted)
    assert sorted(found.values_list("name_ko", flat=True)) == sorted(AWKWARD_NAMES)
    assert set(found) == set(Organization.objects.filter(name_ko__in=wanted))


def test_ids_related_ids_and_annotations_are_looked_up_too():
    first, second, third = OrganizationFactory.create_batch(3)
    alias = OrganizationNameFactory(organization=second, name="KHIDI")
    assert set(Organization.objects.filter(pk__any_of={first.pk, third.pk, 0})) == {first, third}
    assert list(OrganizationName.objects.filter(organization__any_of=[second.pk])) == [alias]
    folded = OrganizationName.objects.annotate(key=Lower("name")).filter(key__any_of=["khidi"])
    assert list(folded) == [alias]


def test_none_and_no_values_find_nothing_as_in_does():
    OrganizationFactory(name_ko="보산진")
    assert not Organization.objects.filter(name_ko__any_of=[None]).exists()
    assert not Organization.objects.filter(name_ko__any_of=[]).exists()
    assert Organization.objects.filter(name_ko__any_of=[None, "보산진"]).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="arrays are PostgreSQL's")
def test_postgresql_gets_the_values_as_one_parameter():
    names = [f"기관{n}" for n in range(5000)]
    with CaptureQueriesContext(connection) as queries:
        list(Organization.objects.filter(name_ko__any_of=names))
    sql = queries.captured_queries[0]["sql"]
    assert "= ANY(" in sql and "IN (" not in sql
