"""Every internal link of the site leads somewhere, in Korean and in English."""

import pytest

from tests.crawling import crawl

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("start", ["/", "/en/"])
def test_a_crawl_from_the_home_page_finds_no_link_answering_4xx_or_5xx(client, seed, start):
    pages = crawl(client, [start], limit=800)

    assert len(pages) > 100
    broken = {path: status for path, (status, _body) in pages.items() if status >= 400}
    assert broken == {}
    if start == "/en/":  # English pages lead to English pages
        assert any(path.startswith("/en/organizations/") for path in pages)
