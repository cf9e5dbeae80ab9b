"""The agreement list, an agreement's page, and the news items they cite."""

import datetime

import pytest

from agreements.models import Agreement
from news.models import NewsItem
from tests.factories import AgreementFactory, AgreementPartyFactory, NewsItemFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_agreements_newest_first_with_parties(client, seed):
    response = client.get("/agreements/")
    assert response.status_code == 200
    dates = [a.date for a in response.context["object_list"]]
    assert dates[:4] == [
        datetime.date(2024, 11, 7),
        datetime.date(2024, 1, 1),
        datetime.date(2022, 3, 11),
        datetime.date(2019, 7, 3),
    ]
    assert dates[4:] == [None, None, None]
    html = response.content.decode()
    assert "2024년 1월" in html and "2022년 3월 11일" in html


@pytest.mark.parametrize(
    ("date", "precision", "shown"),
    [
        (datetime.date(2022, 3, 11), "day", "2022년 3월 11일"),
        (datetime.date(2024, 1, 1), "month", "2024년 1월"),
        (None, "unknown", "날짜 미상"),
    ],
)
def test_the_date_is_shown_at_its_precision(client, date, precision, shown):
    agreement = AgreementFactory(date=date, date_precision=precision)
    html = client.get(agreement.get_absolute_url()).content.decode()
    # A date is a <time> with its machine-readable form; an unknown one is plain text.
    assert f">{shown}</time>" in html if date else f">{shown}</span>" in html


def test_a_page_shows_parties_stated_date_place_cluster_summary_and_sources(client, seed):
    letter = Agreement.objects.get(kind="loi")
    response = client.get(letter.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'datetime="2022-03-11"' in html
    assert "“3.11”" in html  # the date as the source words it
    assert letter.date_basis[:20] in html
    assert 'href="/clusters/seoul-bio-hub/"' in html
    for slug in ["seoul-metropolitan-government", "bms-korea", "khidi"]:
        assert f'href="/organizations/{slug}/"' in html
    source = letter.sources.get()
    assert source.title in html and source.get_absolute_url() in html
    boston = Agreement.objects.get(title__startswith="BOSTON-SEOUL")
    html = client.get(boston.get_absolute_url()).content.decode()
    assert "캠브리지 혁신 센터(CIC) 벤쳐카페" in html  # the place
    assert "약업신문" in html and "2024년 11월 11일" in html  # outlet and date of the source


def test_a_source_with_a_url_links_to_the_original_article(client):
    news_item = NewsItemFactory(url="https://news.example.com/bio/1", outlet="바이오신문")
    agreement = AgreementFactory(sources=[news_item])
    html = client.get(agreement.get_absolute_url()).content.decode()
    assert 'href="https://news.example.com/bio/1"' in html
    assert "바이오신문" in html and "2024년 11월 11일" in html


def test_an_unknown_agreement_is_a_404(client):
    assert client.get("/agreements/999999/").status_code == 404
    assert client.get("/news/999999/").status_code == 404


def test_synthetic_records_carry_a_visible_badge(client):
    agreement = AgreementFactory(title="생성된 협약")
    Agreement.objects.filter(pk=agreement.pk).update(is_synthetic=True)
    html = client.get("/agreements/").content.decode()
    assert html.count("badge-synthetic") == 1
    html = client.get(agreement.get_absolute_url()).content.decode()
    assert "badge-synthetic" in html


def test_the_news_list_and_page_show_the_citation_and_citing_records_not_the_text(client, seed):
    response = client.get("/news/")
    assert len(response.context["object_list"]) == 5
    news_item = NewsItem.objects.get(title__startswith="서울시, 세계 5위")
    assert news_item.outlet == ""
    response = client.get(news_item.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    # A citation, not a reprint: the article's text stays in the admin.
    assert news_item.title in html
    assert news_item.body[:40] not in html
    assert [a.kind for a in response.context["agreements"]] == ["loi"]
    assert "김세길" in html  # the reporter


@pytest.mark.parametrize("rows", [5, 50])
def test_agreement_and_news_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, rows
):
    news_item = NewsItemFactory(url="https://example.com/a")
    agreement = AgreementFactory(sources=[news_item])
    for _ in range(rows):
        AgreementPartyFactory(agreement=agreement)
        AgreementPartyFactory(agreement=AgreementFactory(sources=[news_item]))
    # one query for the data's version (httpcache), then
    # count, agreements with party counts, parties with organizations, the cluster choices
    with django_assert_max_num_queries(5):
        assert client.get("/agreements/?per_page=100").status_code == 200
    # one query for the data's version (httpcache), then
    # agreement with cluster, parties with organizations, sources
    with django_assert_max_num_queries(4):
        assert client.get(agreement.get_absolute_url()).status_code == 200
    # one query for the data's version (httpcache), then
    # count, news items with agreement counts, the cluster choices
    with django_assert_max_num_queries(4):
        assert client.get("/news/?per_page=100").status_code == 200
    # one query for the data's version (httpcache), then
    # news item, agreements citing it, their parties, their count
    with django_assert_max_num_queries(5):
        assert client.get(news_item.get_absolute_url()).status_code == 200


def test_an_agreement_shows_its_english_summary_in_english_and_says_when_there_is_none(client):
    both = AgreementFactory(summary="두 기관이 협력한다.", summary_en="The two work together.")
    korean_only = AgreementFactory(summary="한국어 요약만 있다.")
    for agreement in (both, korean_only):
        AgreementPartyFactory(agreement=agreement)
        AgreementPartyFactory(agreement=agreement)

    client.cookies["django_language"] = "en"
    english = client.get(both.get_absolute_url()).content.decode()
    fallback = client.get(korean_only.get_absolute_url()).content.decode()

    assert "The two work together." in english and "두 기관이 협력한다." not in english
    assert 'lang="ko"' in fallback and "Summary written in Korean only." in fallback
