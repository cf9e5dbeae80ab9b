"""Pages lead on: list pages to their CSV exports, records to the news items naming them."""

import pytest
from django.urls import reverse

from news.models import NewsItem
from news.services import mentions_refresh
from tests.factories import NewsItemFactory

pytestmark = pytest.mark.django_db


def test_the_agreement_list_links_both_exports_with_its_filters(client, seed):
    html = client.get(reverse("agreements:agreement_list"), {"kind": "mou"}).content.decode()
    assert f'href="{reverse("agreements:agreement_export")}?kind=mou"' in html
    assert f'href="{reverse("agreements:partnership_export")}?kind=mou"' in html


def test_the_organization_list_links_its_export(client, seed):
    html = client.get(reverse("orgs:organization_list")).content.decode()
    assert f'href="{reverse("orgs:organization_export")}"' in html


def test_an_organization_page_lists_news_that_mention_it_without_it_being_a_party(client, seed):
    boston = NewsItem.objects.get(title__startswith="보산진")
    response = client.get(reverse("orgs:organization_detail", args=["mit"]))
    assert list(response.context["mentioning_news"]) == [boston]
    assert boston.get_absolute_url() in response.content.decode()


def test_a_cluster_page_lists_news_that_mention_it(client, seed):
    magok_news = NewsItem.objects.get(title__startswith="마곡산업단지")
    mentioning = NewsItemFactory(title="마곡 소식", body="마곡산업단지에 새 연구소가 문을 열었다.")
    mentions_refresh(news_items=[mentioning])
    response = client.get(reverse("clusters:cluster_detail", args=["magok"]))
    # The article its agreement cites is listed among the sources, the other under the news.
    assert magok_news in response.context["news_items"]
    assert list(response.context["mentioning_news"]) == [mentioning]
    other = client.get(reverse("clusters:cluster_detail", args=["daedeok-innopolis"]))
    assert magok_news not in other.context["mentioning_news"]
