"""The search indexes: created on PostgreSQL exactly on what icontains compiles to, skipped on
SQLite, whose migrate keeps working."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

TRIGRAM_INDEXES = {
    "orgs_org_name_ko_trgm": "upper((name_ko)::text) gin_trgm_ops",
    "orgs_org_name_en_trgm": "upper((name_en)::text) gin_trgm_ops",
    "orgs_orgname_name_trgm": "upper((name)::text) gin_trgm_ops",
    "clusters_cluster_name_ko_trgm": "upper((name_ko)::text) gin_trgm_ops",
    "clusters_cluster_name_en_trgm": "upper((name_en)::text) gin_trgm_ops",
    "agreements_agr_title_trgm": "upper((title)::text) gin_trgm_ops",
    "agreements_agr_title_en_trgm": "upper((title_en)::text) gin_trgm_ops",
    "agreements_agr_summary_trgm": "upper(summary) gin_trgm_ops",
    "agreements_agr_place_trgm": "upper((place)::text) gin_trgm_ops",
}
POSTGRESQL_ONLY = [
    *TRIGRAM_INDEXES,
    "orgs_org_search_grams_gin",
    "agreements_agr_newest_idx",
    "agreements_agr_kind_newest_idx",
    "agreements_news_newest_idx",
]


def index_definitions() -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes")
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
        return {name: definition or "" for name, definition in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL-only indexes")
def test_postgresql_gets_trigram_indexes_on_the_expression_icontains_compiles_to():
    definitions = index_definitions()
    for name, expression in TRIGRAM_INDEXES.items():
        assert "USING gin" in definitions[name]
        assert expression in definitions[name]
    assert "USING gin (search_grams)" in definitions["orgs_org_search_grams_gin"]
    assert "date DESC NULLS LAST, title" in definitions["agreements_agr_newest_idx"]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks what SQLite is spared")
def test_sqlite_migrates_without_the_postgresql_only_indexes_but_with_the_ordinary_ones():
    definitions = index_definitions()
    assert not set(POSTGRESQL_ONLY) & set(definitions)
    assert {"orgs_org_name_idx", "orgs_org_region_name_idx", "agreements_agr_title_idx"} <= set(
        definitions
    )


# Indexes whose lookups another index's leading column serves: each only made writes dearer.
COVERED_INDEXES = {
    "orgs_organizationname_organization_id_2b61ad37": (
        "orgs_organizationname_unique_per_organization"
    ),
    "agreements_agreementparty_agreement_id_15a1ff1d": "agreements_party_unique_role",
    "agreements_agreement_cluster_id_e3f9e100": "agreements_agr_cluster_idx",
}


def test_no_index_is_kept_whose_lookups_another_serves():
    definitions = index_definitions()
    assert not set(COVERED_INDEXES) & set(definitions)
    if connection.vendor == "postgresql":
        assert set(COVERED_INDEXES.values()) <= set(definitions)
    else:  # SQLite names the indexes of unique constraints after their table
        assert "agreements_agr_cluster_idx" in definitions


# Every table a public page reads: a write to any of them is a new data version.
VERSIONED_TABLES = [
    "agreements_agreement",
    "agreements_agreementparty",
    "agreements_agreement_sources",
    "orgs_organization",
    "orgs_organizationname",
    "orgs_organizationredirect",
    "clusters_cluster",
    "clusters_clustermembership",
    "news_newsitem",
    "news_newsmention",
]


def test_every_write_to_the_tables_pages_read_has_a_version_trigger():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT event_object_table, event_manipulation FROM information_schema.triggers "
                "WHERE trigger_name LIKE '%%_network_version'"
            )
        else:
            cursor.execute(
                "SELECT tbl_name, upper(substr(name, length(tbl_name) + 18)) FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE '%_network_version_%'"
            )
        found = set(cursor.fetchall())
    assert found == {
        (table, event) for table in VERSIONED_TABLES for event in ("INSERT", "UPDATE", "DELETE")
    }
