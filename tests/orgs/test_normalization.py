"""Names and queries in one Unicode form: decomposed Hangul (NFD, as macOS and some input
methods send it) and full-width letters (ｋｈｉｄｉ) are stored, matched and searched as the
composed, ASCII spelling they stand for; the compatibility jamo of abbreviations (ㅂㅅㅈ) are
left as they are."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from agreements.models import Agreement
from bionet.forms import SearchForm
from bionet.lib.text import normalize
from clusters.models import Cluster
from network.triggers import ensure_sqlite_triggers
from news.models import NewsItem
from news.services import news_item_import
from news.text import ParsedArticle
from orgs.imports import organizations_import
from orgs.models import Organization, OrganizationName
from tests.csv_helpers import csv_bytes
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    NewsItemFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

pytestmark = pytest.mark.django_db


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.fixture
def khidi():
    khidi = OrganizationFactory(
        name_ko="한국보건산업진흥원",
        name_en="Korea Health Industry Development Institute",
        slug="khidi",
    )
    OrganizationNameFactory(organization=khidi, name="보산진", kind="short", language="ko")
    OrganizationNameFactory(organization=khidi, name="KHIDI", kind="acronym", language="en")
    OrganizationFactory(name_ko="서울대학교병원", name_en="Seoul National University Hospital")
    return khidi


# Stored ---------------------------------------------------------------------------------------


def test_names_are_stored_composed_and_folded_from_full_width_on_every_save():
    organization = OrganizationFactory(
        name_ko=nfd("한국보건산업진흥원"), name_en="ＫＨＩＤＩ　Ｉｎｓｔ"
    )
    alias = OrganizationNameFactory(organization=organization, name=nfd("보산진"))
    cluster = ClusterFactory(name_ko=nfd("오송첨단의료복합단지"), name_en="Ｏｓｏｎｇ")
    news_item = NewsItemFactory(title=nfd("보산진, 협약") + "！")
    organization.refresh_from_db()
    alias.refresh_from_db()
    cluster.refresh_from_db()
    news_item.refresh_from_db()
    assert (organization.name_ko, organization.name_en) == ("한국보건산업진흥원", "KHIDI Inst")
    assert alias.name == "보산진"
    assert (cluster.name_ko, cluster.name_en) == ("오송첨단의료복합단지", "Osong")
    assert news_item.title == "보산진, 협약!"


def test_full_clean_normalizes_before_checking_uniqueness(khidi, in_english):
    duplicate = OrganizationName(organization=khidi, name=nfd("보산진"), kind="other")
    with pytest.raises(ValidationError, match="This organization already has this name"):
        duplicate.full_clean()
    assert duplicate.name == "보산진"


def test_compatibility_jamo_and_other_korean_signs_are_left_as_they_are():
    # NFKC would turn ㅂㅅㅈ into conjoining jamo (ᄇᄉᄌ) and ㈜ into (주).
    organization = OrganizationFactory(name_ko="㈜셀트리온")
    alias = OrganizationNameFactory(organization=organization, name="ㅂㅅㅈ")
    alias.refresh_from_db()
    organization.refresh_from_db()
    assert (organization.name_ko, alias.name) == ("㈜셀트리온", "ㅂㅅㅈ")
    assert normalize("ㅂㅅㅈ ㈜ ² ①") == "ㅂㅅㅈ ㈜ ² ①"
    assert Organization.objects.search("ㅂㅅㅈ").get() == organization


def test_the_admin_refuses_the_same_alias_typed_twice_in_two_forms(admin_client, in_english):
    response = admin_client.post(
        reverse("admin:orgs_organization_add"),
        {
            "name_ko": "한국보건산업진흥원",
            "slug": "khidi",
            "kind": "public_agency",
            "review_status": "published",
            "names-TOTAL_FORMS": "2",
            "names-INITIAL_FORMS": "0",
            "names-0-name": "보산진",
            "names-0-kind": "short",
            "names-0-language": "ko",
            "names-1-name": nfd("보산진"),
            "names-1-kind": "short",
            "names-1-language": "ko",
        },
    )
    assert response.status_code == 200  # the form again, with the error; not a 500
    assert "Please correct the duplicate data for name" in response.content.decode()
    assert not Organization.objects.exists()


# Searched --------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [nfd("보산진"), nfd("진흥"), "ｋｈｉｄｉ", "ＫＨＩＤＩ", "ｋｈ"])
def test_decomposed_and_full_width_queries_find_what_they_spell(khidi, query):
    assert list(Organization.objects.search(query)) == [khidi]
    assert list(Organization.objects.names_contain(query)) == [khidi]


def test_a_decomposed_query_is_also_read_without_its_spaces(khidi):
    assert list(Organization.objects.search(nfd("한국 보건 산업"))) == [khidi]


def test_the_site_search_reads_and_shows_the_query_as_it_is_spelled(client, khidi):
    response = client.get(reverse("search"), {"q": nfd("보산진")})
    assert list(response.context["organizations"]) == [khidi]
    assert response.context["query"] == "보산진"
    response = client.get(reverse("search"), {"q": "ｋｈｉｄｉ　"})
    assert list(response.context["organizations"]) == [khidi]
    assert response.context["query"] == "khidi"


def test_the_search_form_cleans_to_the_stored_form():
    form = SearchForm({"q": "　" + nfd("진흥") + "ｗ　"})
    assert form.is_valid()
    assert form.cleaned_data["q"] == "진흥w"


def test_every_lists_q_filter_finds_what_a_decomposed_query_spells(client, khidi):
    cluster = ClusterFactory(name_ko="오송첨단의료복합단지")
    agreement = AgreementFactory(title="바이오 협약")
    AgreementPartyFactory(agreement=agreement, organization=khidi)
    AgreementPartyFactory(agreement=agreement)
    news_item = NewsItemFactory(title="보산진, 스타트업 지원")
    pages = {
        "orgs:organization_list": (nfd("보산진"), [khidi]),
        "clusters:cluster_list": (nfd("첨단의료"), [cluster]),
        "agreements:agreement_list": (nfd("보산진"), [agreement]),
        "news:newsitem_list": (nfd("스타트업"), [news_item]),
    }
    for name, (query, expected) in pages.items():
        response = client.get(reverse(name), {"q": query})
        assert list(response.context["object_list"]) == expected, name
    assert client.get("/api/organizations/", {"q": "ｋｈｉｄｉ"}).json()["results"][0]["slug"] == (
        "khidi"
    )


def test_an_organization_is_taken_by_a_decomposed_or_full_width_name(client, khidi):
    assert Organization.objects.get_by_name(nfd("보산진")) == khidi
    assert Organization.objects.get_by_name("ＫＨＩＤＩ") == khidi
    agreement = AgreementFactory()
    AgreementPartyFactory(agreement=agreement, organization=khidi)
    AgreementPartyFactory(agreement=agreement)
    AgreementFactory()  # another organization's
    response = client.get(reverse("agreements:agreement_list"), {"organization": nfd("보산진")})
    assert list(response.context["object_list"]) == [agreement]


def test_clusters_agreements_and_news_are_searched_in_the_stored_form(khidi):
    cluster = ClusterFactory(name_ko="오송첨단의료복합단지")
    agreement = AgreementFactory(title="Ｍｏｕ 체결")  # stored as typed: titles are not names
    news_item = NewsItemFactory(title="진흥원 소식", body="본문")
    assert list(Cluster.objects.search(nfd("첨단"))) == [cluster]
    assert list(Agreement.objects.search("Ｍｏｕ")) == []
    assert list(Agreement.objects.search(nfd("체결"))) == [agreement]
    assert list(NewsItem.objects.search(nfd("진흥원"))) == [news_item]


# Imported --------------------------------------------------------------------------------------

ORG_HEADER = ["id", "slug", "name_ko", "name_en", "aliases", "kind", "region", "parent"]


def test_a_decomposed_name_already_in_the_directory_is_refused_as_a_duplicate(khidi, in_english):
    data = csv_bytes(
        ORG_HEADER, ["", "khidi-2", nfd("한국보건산업진흥원"), "", "", "public_agency", "", ""]
    )
    report = organizations_import(data=data, commit=True)
    assert [(row.outcome, str(row.reason)) for row in report.rows] == [("error", "duplicate")]
    assert "(khidi)" in report.rows[0].detail
    assert Organization.objects.count() == 2


def test_a_full_width_english_name_already_in_the_directory_is_refused_too(khidi, in_english):
    data = csv_bytes(
        ORG_HEADER, ["", "khidi-2", "새이름", "ＫＨＩＤＩ", "", "public_agency", "", ""]
    )
    report = organizations_import(data=data, commit=True)
    assert [(row.outcome, str(row.reason)) for row in report.rows] == [("error", "duplicate")]


def test_an_export_row_reimported_with_decomposed_names_is_unchanged(khidi):
    aliases = nfd("KHIDI (acronym, en); 보산진 (short, ko)")
    row = [str(khidi.pk), "khidi", nfd(khidi.name_ko), khidi.name_en, aliases]
    data = csv_bytes(ORG_HEADER, [*row, khidi.kind, khidi.region, ""])
    report = organizations_import(data=data, commit=True)
    assert [row.outcome for row in report.rows] == ["unchanged"]
    assert sorted(khidi.names.values_list("name", flat=True)) == ["KHIDI", "보산진"]


def test_a_new_organizations_names_are_stored_composed_and_folded(in_english):
    data = csv_bytes(
        ORG_HEADER,
        ["", "snuh", nfd("서울대학교병원"), "ＳＮＵＨ", nfd("서울대병원"), "hospital", "", ""],
    )
    report = organizations_import(data=data, commit=True)
    assert [row.outcome for row in report.rows] == ["new"]
    organization = Organization.objects.get(slug="snuh")
    assert (organization.name_ko, organization.name_en) == ("서울대학교병원", "SNUH")
    assert list(organization.names.values_list("name", flat=True)) == ["서울대병원"]
    assert Organization.objects.search("서울대병원").get() == organization


def test_the_same_article_imported_with_a_decomposed_title_updates_its_news_item():
    article = ParsedArticle(title="보산진, 바이오 스타트업 지원", body="본문.", outlet="약업신문")
    first, created = news_item_import(article=article)
    article.title = nfd(article.title)
    again, created_again = news_item_import(article=article)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert NewsItem.objects.get().title == "보산진, 바이오 스타트업 지원"


# Migrated -------------------------------------------------------------------------------------

BEFORE = [("orgs", "0008_unspaced_search_names"), ("clusters", "0005_founding_and_operators")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(targets).apps


@pytest.fixture
def migrated_back():
    """The database before names were normalized; migrated to the latest state afterwards, so
    the tests after this one find the schema they expect."""
    yield migrate(BEFORE)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ensure_sqlite_triggers()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_normalizes_stored_names_and_aliases_and_their_search(migrated_back):
    Organization_ = migrated_back.get_model("orgs", "Organization")
    OrganizationName_ = migrated_back.get_model("orgs", "OrganizationName")
    Cluster_ = migrated_back.get_model("clusters", "Cluster")
    # Saved raw, as the code before wrote them: no search columns, no normalization.
    khidi = Organization_.objects.create(
        name_ko=nfd("한국보건산업진흥원"), name_en="ＫＨＩＤＩ", slug="khidi", kind="public_agency"
    )
    OrganizationName_.objects.create(organization=khidi, name=nfd("보산진"), kind="short")
    # The same alias twice once normalized: one is kept.
    OrganizationName_.objects.create(organization=khidi, name="진흥원", kind="short")
    OrganizationName_.objects.create(organization=khidi, name=nfd("진흥원"), kind="other")
    Cluster_.objects.create(
        name_ko=nfd("오송"),
        name_en="Ｏｓｏｎｇ",
        slug="osong",
        kind="bio_cluster",
        region="chungbuk",
    )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    khidi = Organization.objects.get(slug="khidi")
    assert (khidi.name_ko, khidi.name_en) == ("한국보건산업진흥원", "KHIDI")
    assert sorted(khidi.names.values_list("name", flat=True)) == ["보산진", "진흥원"]
    assert "보산진" in khidi.search_names.splitlines()
    assert list(Organization.objects.search("보산진")) == [khidi]
    assert list(Organization.objects.search("한국보건")) == [khidi]
    cluster = Cluster.objects.get(slug="osong")
    assert (cluster.name_ko, cluster.name_en) == ("오송", "Osong")
