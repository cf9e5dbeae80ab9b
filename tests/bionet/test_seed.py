"""The curated seed data: it loads into an empty database, twice, and states what the news says."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import translation

from agreements.models import Agreement
from clusters.models import Cluster
from news.models import NewsItem
from orgs.models import Organization
from tests.factories import DIRECTORY_MODELS

pytestmark = pytest.mark.django_db

MODELS = DIRECTORY_MODELS


def parties(agreement):
    return {(party.organization.slug, party.role) for party in agreement.parties.all()}


def test_loading_twice_duplicates_nothing(seed):
    counts = [model.objects.count() for model in MODELS]
    call_command("loaddata", "tests/data/seed.json", verbosity=0)
    assert [model.objects.count() for model in MODELS] == counts
    assert counts[4] == 5  # one news item per seed article


def test_every_agreement_cites_a_news_item_and_has_two_parties(seed):
    for agreement in Agreement.objects.all():
        assert agreement.sources.exists(), agreement
        assert agreement.parties.values("organization").distinct().count() >= 2, agreement
        agreement.full_clean()


def test_the_seoul_bms_letter_of_intent_is_dated_and_signed_by_three(seed):
    letter = Agreement.objects.get(kind="loi")
    assert letter.date == datetime.date(2022, 3, 11)
    assert letter.date_precision == "day"
    assert letter.date_stated == "3.11"
    assert {slug for slug, role in parties(letter) if role == "signatory"} == {
        Organization.objects.named("서울특별시").get().slug,
        Organization.objects.named("한국BMS제약").get().slug,
        Organization.objects.named("KHIDI").get().slug,
    }
    assert letter.cluster.name_ko == "서울바이오허브"
    assert letter.sources.get().reporter == "김세길"


def test_the_boston_event_date_is_resolved_from_the_publication_date(seed):
    event = Agreement.objects.get(title__startswith="BOSTON-SEOUL")
    source = event.sources.get()
    assert source.published_on == datetime.date(2024, 11, 11)
    assert event.date == datetime.date(2024, 11, 7)
    assert {party.organization.name_ko for party in event.parties.all()} == {
        "한국보건산업진흥원",
        "서울대학교병원",
    }


def test_the_designation_is_dated_to_the_month(seed):
    designation = Agreement.objects.get(kind="designation")
    with translation.override("ko"):
        assert designation.date_display() == "2024년 1월"
    assert parties(designation) == {
        ("ministry-of-health-and-welfare", "designator"),
        ("snuh", "designee"),
    }


def test_dates_without_a_year_stay_unknown_with_the_stated_text(seed):
    mou = Agreement.objects.get(kind="mou")
    assert mou.date is None
    assert mou.date_stated == "5월 22일"
    assert mou.cluster.slug == "magok"
    assert len(parties(mou)) == 3
    council = Agreement.objects.get(kind="council")
    assert council.date is None
    assert council.date_stated == "5월 29일"
    assert council.sources.get().published_on is None


def test_the_bio_cluster_council_joins_the_ministry_to_six_cluster_operators(seed):
    council = Agreement.objects.get(kind="council")
    ministry = Organization.objects.named("보건복지부").get()
    assert council.parties.get(role="chair").organization == ministry
    operators = Organization.objects.filter(
        operated_clusters__slug__in=[
            "songdo-bio-cluster",
            "daegu-gyeongbuk-medical-complex",
            "osong-medical-complex",
            "daedeok-innopolis",
            "gwanggyo-techno-valley",
            "wonju-medical-device-cluster",
        ]
    )
    assert operators.count() == 6
    members = set(council.parties.filter(role="member").values_list("organization", flat=True))
    assert set(operators.values_list("pk", flat=True)) <= members


def test_cluster_operators_are_as_the_news_states(seed):
    assert Cluster.objects.get(slug="osong-medical-complex").operator.name_ko == (
        "오송첨단의료산업진흥재단"
    )
    assert Cluster.objects.get(slug="seoul-bio-hub").operator == (
        Organization.objects.named("보산진").get()
    )


def test_aliases_and_misspellings_lead_to_one_organization(seed):
    khidi = Organization.objects.get(name_ko="한국보건산업진흥원")
    assert list(Organization.objects.named("보산진")) == [khidi]
    assert list(Organization.objects.named("KHIDI")) == [khidi]
    kribb = Organization.objects.named("한국생물공학연구원").get()
    assert kribb.name_ko == "한국생명공학연구원"
    assert kribb.names.get(name="한국생물공학연구원").kind == "misspelling"


def test_news_bodies_hold_the_article_without_page_clutter(seed):
    for item in NewsItem.objects.all():
        for clutter in ["기상청 제공", "댓글", "Copyright", "Read More", "더보기", "℃"]:
            assert clutter not in item.body, (item.title, clutter)
    sba = NewsItem.objects.get(title__startswith="마곡산업단지")
    assert sba.body.count("이날 협약식에는") == 1  # the page repeats the article; kept once
