"""Public pages cite news items (outlet, date, title, link, a curator's summary) and never
reprint them: the article text is for curators, in the admin."""

import html
import re

import pytest

from news.models import NewsItem
from tests.crawling import crawl

pytestmark = pytest.mark.django_db

# A run this long of an article's text on a public page is a reprint, not a citation.
RUN = 60
WHITESPACE = re.compile(r"\s+")


def runs(text: str) -> set[str]:
    text = WHITESPACE.sub(" ", text)
    return {text[start : start + RUN] for start in range(len(text) - RUN + 1)}


def test_no_public_page_contains_a_run_of_an_article_body(client, seed):
    bodies = set().union(*(runs(body) for body in NewsItem.objects.values_list("body", flat=True)))
    assert bodies

    pages = crawl(client, ["/", "/news/", "/agreements.csv", "/organizations.csv"])

    assert any(path.startswith("/news/") and path != "/news/" for path in pages)
    for path, (_status, page) in pages.items():
        assert not runs(html.unescape(WHITESPACE.sub(" ", page))) & bodies, path


def test_a_news_item_page_shows_its_citation_summary_and_link(client, seed):
    item = NewsItem.objects.get(title__startswith="보산진")
    item.summary = "보산진과 서울대병원이 보스턴에서 행사를 열었다는 보도."
    item.url = "https://www.yakup.com/news/index.html?nid=300000"
    item.save()

    page = client.get(item.get_absolute_url()).content.decode()

    assert item.title in page and "약업신문" in page and 'datetime="2024-11-11"' in page
    assert item.summary in page
    assert f'href="{html.escape(item.url)}"' in page
    assert item.body[:RUN] not in page
