"""One search box: organizations by any name or alias, clusters and agreements."""

import pytest

from agreements.models import Agreement
from tests.conftest import names_in

pytestmark = pytest.mark.django_db


def found(client, query, key="organizations"):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return set(names_in(response, key))


def test_a_partial_korean_name_finds_every_organization_containing_it(client, seed):
    assert found(client, "산업진흥") == {
        "한국보건산업진흥원",
        "서울산업진흥원",
        "대구경북첨단의료산업진흥재단",
        "오송첨단의료산업진흥재단",
    }


@pytest.mark.parametrize("query", ["khidi", "KHIDI", "보산진", "Health Industry Development"])
def test_an_acronym_short_name_or_english_name_finds_khidi(client, seed, query):
    assert found(client, query) == {"한국보건산업진흥원"}


def test_clusters_and_agreements_are_found_too(client, seed):
    assert found(client, "바이오허브", "clusters") == {"서울바이오허브"}
    assert found(client, "Songdo", "clusters") == {"송도 바이오클러스터"}
    # An agreement is found by its title, or by a party's alias.
    assert found(client, "보스턴", "agreements") == {
        "BOSTON-SEOUL BIO & AI Night 2024 (보스턴-서울 바이오&AI 나이트)"
    }
    assert "국내 바이오·의료 산업 지원 공동의향서 (서울시-BMS-한국보건산업진흥원)" in found(
        client, "BMS Korea", "agreements"
    )


def test_the_page_counts_results_and_says_when_nothing_matches(client, seed):
    response = client.get("/search/", {"q": "존재하지않는기관"})
    assert response.context["result_count"] == 0
    assert response.context["organizations"].count() == 0
    response = client.get("/search/", {"q": "khidi"})
    assert response.context["organization_count"] == 1


def test_an_empty_search_shows_the_box_without_errors(client):
    response = client.get("/search/", {"q": "  "})
    assert response.status_code == 200
    assert response.context["query"] == ""
    assert "field-errors" not in response.content.decode()


def test_an_overlong_search_is_refused_with_a_message(client):
    response = client.get("/search/", {"q": "가" * 201})
    assert response.status_code == 200
    assert response.context["form"].errors["q"]
    assert "field-errors" in response.content.decode()


def test_search_runs_a_fixed_number_of_queries(client, seed, django_assert_max_num_queries):
    # For organizations and clusters: the matches and their count. For agreements: the
    # matches by text and by party, each counted up to the limit and its newest; the newest
    # of both with their parties. For news items: the matches counted up to the limit, and the
    # first of them.
    with django_assert_max_num_queries(12):
        client.get("/search/", {"q": "바이오"})


@pytest.mark.parametrize("query", ["바이오", "보산진", "KHIDI", "오송", "협약", "첨단", "없는말"])
def test_the_first_matches_are_the_newest_of_the_whole_search(seed, query):
    everything = Agreement.objects.search(query)

    first = Agreement.objects.first_matches(query, shown=3, cap=1000)

    assert first.records == list(everything.for_list()[:3])
    assert (first.count, first.capped) == (everything.count(), False)


def test_a_common_word_is_counted_up_to_the_limit(seed, client, monkeypatch, in_english):
    matching = Agreement.objects.search("바이오").count()
    assert matching > 3
    monkeypatch.setattr("bionet.views.SEARCH_AGREEMENTS_COUNTED", 3)

    response = client.get("/search/", {"q": "바이오"})

    html = response.content.decode()
    assert '<span class="count">3+</span>' in html
    assert "More than" in html
    assert len(response.context["agreements"]) == min(matching, 20)


def test_a_name_is_found_written_with_or_without_spaces(client, seed):
    spaced = client.get("/search/", {"q": "한국 보건 산업 진흥원"}).context["organizations"]
    assert [o.slug for o in spaced] == ["khidi"]
    unspaced = client.get("/search/", {"q": "이화여자대학교산학협력단"}).context["organizations"]
    assert [o.slug for o in unspaced] == ["ewha-industry-academic-cooperation-foundation"]


def test_news_items_are_searched_and_cited_not_reprinted(client, seed):
    response = client.get("/search/", {"q": "BMS"})
    titles = [item.title for item in response.context["news_items"]]
    assert any("BMS" in title for title in titles)
    assert response.context["news_item_count"] >= 1
    assert 'href="/agreements.csv?q=BMS"' in response.content.decode()
