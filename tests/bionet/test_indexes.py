"""Search and the list pages' queries use their indexes on PostgreSQL at a realistic size.

The module fills the test database once with 20,000 synthetic organizations and agreements,
runs VACUUM ANALYZE so the planner sees real statistics and flushed GIN pending lists,
and reads each query's EXPLAIN.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.filters import AgreementFilterSet
from agreements.models import Agreement
from clusters.models import Cluster
from orgs.filters import OrganizationFilterSet
from orgs.models import Organization, OrganizationName

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="trigram, gram and NULLS LAST indexes exist on PostgreSQL only",
    ),
]


@pytest.fixture(scope="module", autouse=True)
def directory(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        yield
        return
    with django_db_blocker.unblock():
        call_command("generate_synthetic", orgs=20000, agreements=20000, seed=5, stdout=StringIO())
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        yield
        call_command("remove_synthetic", stdout=StringIO())


def plan(queryset) -> str:
    return queryset.explain()


def first_page(filterset_class, data, model):
    # As the list pages read them: ordered by the name shown (the Korean name in Korean).
    return filterset_class(data, queryset=model.objects.with_shown_name()).qs[:50]


@pytest.mark.parametrize("query", ["진흥", "병원", "의료기기", "바이오의약"])
def test_search_for_short_and_long_korean_words_uses_the_gram_index(query):
    assert "orgs_org_search_grams_gin" in plan(Organization.objects.search(query))
    # The first page of a common word may instead walk the name index, checking grams.
    page = plan(first_page(OrganizationFilterSet, {"q": query}, Organization))
    assert "orgs_org_search_grams_gin" in page or "orgs_org_name_idx" in page
    assert "Seq Scan" not in page


def test_icontains_on_a_name_uses_its_trigram_index():
    brand = Organization.objects.filter(kind="company").order_by("pk").first().name_ko[:4]
    assert "orgs_org_name_ko_trgm" in plan(Organization.objects.filter(name_ko__icontains=brand))
    former_name = OrganizationName.objects.filter(kind="former").order_by("pk").first().name
    assert "orgs_orgname_name_trgm" in plan(
        OrganizationName.objects.filter(name__icontains=former_name)
    )
    assert "agreements_agr_title_trgm" in plan(Agreement.objects.filter(title__icontains=brand))


@pytest.mark.parametrize(
    ("data", "index"),
    [
        ({}, "orgs_org_name_idx"),
        ({"ordering": "-name"}, "orgs_org_name_idx"),
        ({"kind": "hospital"}, "orgs_org_kind_name_idx"),
        ({"region": "jeju"}, "orgs_org_region_name_idx"),
        ({"kind": "university", "region": "seoul"}, "orgs_org_kind_region_idx"),
        ({"ordering": "-updated"}, "orgs_org_updated_idx"),
    ],
)
def test_the_organization_list_reads_its_first_page_from_an_index(data, index):
    assert index in plan(first_page(OrganizationFilterSet, data, Organization))


@pytest.mark.parametrize(
    ("data", "index"),
    [
        ({}, "agreements_agr_newest_idx"),
        ({"kind": "loi"}, "agreements_agr_kind_newest_idx"),
        ({"year_from": 2010, "year_to": 2011}, "agreements_agr_newest_idx"),
        ({"ordering": "title"}, "agreements_agr_title_idx"),
        ({"ordering": "date"}, "agreements_agr_date_idx"),
    ],
)
def test_the_agreement_list_reads_its_first_page_from_an_index(data, index):
    assert index in plan(first_page(AgreementFilterSet, data, Agreement))


def test_filtering_agreements_by_organization_reads_that_organizations_parties_only():
    organization = Organization.objects.filter(is_synthetic=True).order_by("-pk").first()
    explained = plan(first_page(AgreementFilterSet, {"organization": organization.slug}, Agreement))
    assert "agreements_agreementparty_organization_id" in explained
    assert "Seq Scan on agreements_agreement " not in explained


def test_a_rare_word_in_agreements_is_found_through_the_four_trigram_indexes():
    by_text, _ = Agreement.objects.all()._search_parts("없는말입니다")

    explained = plan(Agreement.objects.filter(by_text))

    for column in ("title", "title_en", "summary", "place"):
        assert f"agreements_agr_{column}_trgm" in explained
    assert "Seq Scan" not in explained


def test_the_search_page_finds_a_rare_organizations_agreements_without_a_table_scan():
    organization = Organization.objects.filter(is_synthetic=True).order_by("-pk").first()

    with CaptureQueriesContext(connection) as queries:
        first = Agreement.objects.first_matches(organization.name_ko, shown=20, cap=1000)

    assert first.records and not first.capped
    for query in queries.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + query["sql"])
            explained = "\n".join(row[0] for row in cursor.fetchall())
        assert "Seq Scan on agreements_agreement " not in explained, query["sql"]


def test_a_clusters_agreements_of_a_kind_over_some_years_come_from_the_cluster_index():
    cluster = Cluster.objects.filter(is_synthetic=True).order_by("pk").first()
    data = {"cluster": cluster.slug, "kind": "mou", "year_from": 2015, "year_to": 2020}

    explained = plan(AgreementFilterSet(data, queryset=Agreement.objects.all()).qs)

    assert "agreements_agr_cluster_idx" in explained
