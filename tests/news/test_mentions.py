"""Mention detection: Hangul-aware matching, stored mentions kept current, seed quality."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.utils import translation

from news import services
from news.mentions import ORGANIZATION, MentionMatcher, Target, find_new_names
from news.models import NewsItem, NewsMention
from orgs.models import Organization
from tests.factories import (
    ClusterFactory,
    NewsItemFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

SNUH, KHIDI, BMS, BMS_KOREA, SEOUL, SEOUL_HALL = (Target(ORGANIZATION, pk) for pk in range(1, 7))
MATCHER = MentionMatcher(
    [
        ("서울대학교병원", SNUH),
        ("서울대병원", SNUH),
        ("한국보건산업진흥원", KHIDI),
        ("BMS", BMS),
        ("한국BMS제약", BMS_KOREA),
        ("서울특별시", SEOUL),
        ("서울시", SEOUL),
        ("서울시청", SEOUL_HALL),
    ]
)


def found(text):
    return [(mention.text, mention.target) for mention in MATCHER.find(text)]


def test_it_finds_names_with_korean_particles_attached():
    assert found("서울대병원은 한국보건산업진흥원과 함께") == [
        ("서울대병원", SNUH),
        ("한국보건산업진흥원", KHIDI),
    ]


def test_it_gives_offsets_into_the_text():
    text = "지정 특화연구소 서울대병원과"
    [mention] = MATCHER.find(text)
    assert text[mention.start : mention.end] == "서울대병원"


def test_an_acronym_does_not_match_inside_a_longer_word():
    assert found("BMSX와 XBMS, BMS2는 다른 회사") == []
    assert found("BMS의 오픈이노베이션") == [("BMS", BMS)]


def test_an_acronym_matches_only_in_capitals():
    assert found("bms and Bms") == []


def test_the_longest_name_wins_where_names_overlap():
    assert found("BMS(한국BMS제약)") == [("BMS", BMS), ("한국BMS제약", BMS_KOREA)]
    assert found("서울시청에서") == [("서울시청", SEOUL_HALL)]


def test_a_name_inside_a_longer_korean_word_is_not_a_mention():
    assert found("분당서울대병원은") == []


def test_a_short_korean_name_needs_a_particle_or_a_break_after_it():
    matcher = MentionMatcher([("이대", Target(ORGANIZATION, 9))])
    assert [m.text for m in matcher.find("이대는 이대로 이대 이대생")] == ["이대", "이대", "이대"]


def test_it_resolves_two_names_sharing_an_ending():
    daegu, osong = Target(ORGANIZATION, 14), Target(ORGANIZATION, 15)
    matcher = MentionMatcher(
        [("대구경북첨단의료산업진흥재단", daegu), ("오송첨단의료산업진흥재단", osong)]
    )
    mentions = matcher.find("대구경북·오송첨단의료산업진흥재단, 연구개발특구진흥재단")
    assert [(m.text, m.target) for m in mentions] == [
        ("대구경북", daegu),
        ("오송첨단의료산업진흥재단", osong),
    ]


def test_it_matches_spacing_and_parenthesized_variants_of_a_name():
    medical_center, g_valley = Target(ORGANIZATION, 26), Target("cluster", 10)
    matcher = MentionMatcher(
        [("이화여자대학교의료원", medical_center), ("G밸리 (서울디지털국가산업단지)", g_valley)]
    )
    assert [(m.text, m.target) for m in matcher.find("이화여자대학교 의료원장, G밸리 등")] == [
        ("이화여자대학교 의료원", medical_center),
        ("G밸리", g_valley),
    ]


# --- names not in the directory ----------------------------------------------------------


def test_it_proposes_abbreviated_names_and_institution_like_words():
    text = "SBA(서울산업진흥원, 대표)와 한국바이오협회가 정부와 함께, 진흥원 관계자는 교육부에"
    matcher = MentionMatcher([("교육부", Target(ORGANIZATION, 11))])
    candidates = find_new_names(text, matcher.find(text), matcher.knows)
    assert [(c.name, c.kind, c.abbreviation) for c in candidates] == [
        ("서울산업진흥원", "public_agency", "SBA"),
        ("한국바이오협회", "association", ""),
    ]


def test_it_does_not_propose_names_the_directory_knows():
    text = "SBA(서울산업진흥원)와 협약"
    matcher = MentionMatcher([("서울산업진흥원", Target(ORGANIZATION, 24))])
    assert find_new_names(text, matcher.find(text), matcher.knows) == []


# --- stored mentions ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_mention_names_exactly_one_organization_or_cluster():
    item = NewsItemFactory()
    with pytest.raises(IntegrityError):
        NewsMention.objects.create(
            news_item=item,
            organization=OrganizationFactory(),
            cluster=ClusterFactory(),
            text="x",
            start=0,
            end=1,
        )


@pytest.mark.django_db
def test_mentions_are_stored_for_an_article_and_its_organizations():
    snuh = OrganizationFactory(name_ko="서울대학교병원")
    OrganizationNameFactory(organization=snuh, name="서울대병원", kind="short", language="ko")
    item = NewsItemFactory(body="서울대병원은 보스턴에서 행사를 열었다. 서울대학교병원 관계자는")
    services.mentions_refresh(news_items=[item])
    assert list(item.mentions.values_list("organization__name_ko", "text", "start", "end")) == [
        ("서울대학교병원", "서울대병원", 0, 5),
        ("서울대학교병원", "서울대학교병원", 22, 29),
    ]


@pytest.mark.django_db
def test_adding_an_alias_finds_the_mentions_it_makes():
    khidi = OrganizationFactory(name_ko="한국보건산업진흥원")
    item = NewsItemFactory(body="보산진은 스타트업 해외 진출을 돕는다.")
    assert not item.mentions.exists()
    alias = OrganizationNameFactory(organization=khidi, name="보산진", kind="short", language="ko")
    assert list(item.mentions.values_list("organization", "text")) == [(khidi.pk, "보산진")]
    alias.delete()
    assert not item.mentions.exists()


@pytest.mark.django_db
def test_renaming_an_organization_moves_its_mentions():
    organization = OrganizationFactory(name_ko="연구성과실용화진흥원")
    old = NewsItemFactory(body="연구성과실용화진흥원이 주관했다.")
    new = NewsItemFactory(body="과학기술일자리진흥원이 주관했다.")
    services.mentions_refresh()
    assert old.mentions.exists() and not new.mentions.exists()
    organization.name_ko = "과학기술일자리진흥원"
    organization.save()
    assert not old.mentions.exists()
    assert list(new.mentions.values_list("organization", flat=True)) == [organization.pk]


@pytest.mark.django_db
def test_deleting_a_longer_name_lets_the_shorter_one_match():
    bms = OrganizationFactory(name_ko="브리스톨마이어스스퀴브")
    OrganizationNameFactory(organization=bms, name="BMS")
    bms_korea = OrganizationFactory(name_ko="한국BMS제약")
    item = NewsItemFactory(body="한국BMS제약은 서울시와 손잡았다.")
    services.mentions_refresh(news_items=[item])
    assert list(item.mentions.values_list("organization", flat=True)) == [bms_korea.pk]
    bms_korea.delete()
    assert list(item.mentions.values_list("organization", "text")) == [(bms.pk, "BMS")]


@pytest.mark.django_db
def test_the_automaton_is_built_once_per_name_set():
    OrganizationFactory(name_ko="한국생명공학연구원")
    first = services.name_matcher()
    assert services.name_matcher() is first
    OrganizationNameFactory(name="KRIBB")
    assert services.name_matcher() is not first
    assert services.name_matcher().knows("KRIBB")


@pytest.mark.django_db
def test_news_items_mentioning_an_organization_or_a_cluster():
    khidi = OrganizationFactory(name_ko="한국보건산업진흥원")
    hub = ClusterFactory(name_ko="서울바이오허브")
    both = NewsItemFactory(body="한국보건산업진흥원은 서울바이오허브를 운영한다.")
    only_org = NewsItemFactory(body="한국보건산업진흥원과 협약")
    NewsItemFactory(body="관계없는 기사")
    services.mentions_refresh()
    assert set(NewsItem.objects.mentioning_organization(khidi)) == {both, only_org}
    assert list(NewsItem.objects.mentioning_cluster(hub)) == [both]


@pytest.mark.django_db
def test_the_mentioning_news_partial_lists_items_with_outlet_and_date():
    dated = NewsItemFactory(title="보산진 기사", outlet="약업신문")
    undated = NewsItemFactory(title="날짜 없는 기사", outlet="", published_on=None)
    with translation.override("en"):
        html = render_to_string("news/_mentioning_news.html", {"mentioning_news": [dated, undated]})
    # Rendered in English, its links are the English pages' addresses.
    assert f'<a href="/en/news/{dated.pk}/" class="source-title">보산진 기사</a>' in html
    assert "약업신문" in html
    assert 'datetime="2024-11-11"' in html
    assert "Date unknown" in html


def test_the_mentioning_news_partial_says_when_there_is_none():
    with translation.override("en"):
        html = render_to_string("news/_mentioning_news.html", {"mentioning_news": []})
    assert "<ul" not in html
    assert "No news item in the directory mentions it yet." in html


# --- quality on the seed articles --------------------------------------------------------


def load_quality_script():
    path = Path(__file__).resolve().parents[2] / "scripts" / "mention_quality.py"
    spec = importlib.util.spec_from_file_location("mention_quality", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # Its dataclasses look their module up by name.
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_detection_on_the_seed_articles_meets_the_recall_and_precision_goals(seed):
    quality = load_quality_script()
    names = services.directory_names()
    labels = {
        Target(ORGANIZATION, organization.pk): organization.name_ko
        for organization in Organization.objects.all()
    }
    scores = quality.score(quality.seed_articles(), names, labels)
    assert len(scores) == 5
    recall, precision = quality.overall(scores)
    assert recall >= 0.95
    assert precision >= 0.90


def test_every_expected_organization_is_in_the_seed_fixture():
    quality = load_quality_script()
    _names, labels = quality.fixture_names()
    expected = json.loads(quality.EXPECTED.read_text(encoding="utf-8"))
    known = set(labels.values())
    for title, lists in expected.items():
        assert set(lists["organizations"]) <= known, title
        assert set(lists["clusters"]) <= known, title


def test_a_kind_of_body_is_not_proposed_as_a_new_name():
    text = "복지부 지정 특화연구소인 서울대병원, 국내 대학병원과 종합병원 관계자가 참석했다."
    names = [candidate.name for candidate in find_new_names(text, [], lambda name: False)]
    assert "특화연구소" not in names and "대학병원" not in names and "종합병원" not in names
    assert "서울대병원" in names


def test_a_company_named_with_its_head_or_marked_as_one_is_proposed():
    text = "삼성바이오로직스(대표 존 림)와 ㈜에이비엘바이오, 셀트리온(주)이 협약을 맺었다."
    found = {c.name: c.kind for c in find_new_names(text, [], lambda name: False)}
    assert found == {
        "삼성바이오로직스": "company",
        "에이비엘바이오": "company",
        "셀트리온": "company",
    }
