"""Party proposals from a news article: each rule on short sentences, then the seed articles."""

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from agreements.models import AgreementParty, PartyRole
from news import parties
from news.mentions import ORGANIZATION, Mention, Target
from news.models import NewsItem
from news.parties import propose_parties, split_sentences

KHIDI, SNUH, MOHW, SEOUL, SBA, EUMC, EWHA, HALL, CIC, MOTIE, MOE = (
    Target(ORGANIZATION, pk) for pk in range(1, 12)
)
NAMES = {
    "한국보건산업진흥원": KHIDI,
    "서울대병원": SNUH,
    "보건복지부": MOHW,
    "복지부": MOHW,
    "서울시": SEOUL,
    "서울산업진흥원": SBA,
    "이화의료원": EUMC,
    "이화여대 산학협력단": EWHA,
    "이대서울병원": HALL,
    "캠브리지 혁신 센터": CIC,
    "산업통상자원부": MOTIE,
    "교육부": MOE,
}


def mentions_in(text: str, names: dict[str, Target] = NAMES) -> list[Mention]:
    """Every occurrence of each name (found with str.find), the longer where two overlap:
    "보건복지부", not "복지부" inside it."""
    found = []
    for name, target in names.items():
        start = text.find(name)
        while start >= 0:
            found.append(Mention(target, name, start, start + len(name)))
            start = text.find(name, start + 1)
    found.sort(key=lambda mention: (mention.start, mention.start - mention.end))
    kept: list[Mention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def proposals(text: str, names: dict[str, Target] = NAMES) -> dict[Target, tuple]:
    """Each organization's (role, is_party, reason) for ``text``."""
    return {
        proposal.target: (proposal.role, proposal.is_party, proposal.reason)
        for proposal in propose_parties(text, mentions_in(text, names))
    }


def roles(text: str) -> dict[Target, str | None]:
    return {target: role for target, (role, _party, _reason) in proposals(text).items()}


# --- signatories ---------------------------------------------------------------------------


def test_it_makes_both_subjects_of_a_signing_signatories():
    found = proposals("한국보건산업진흥원과 서울대병원은 22일 업무 협약을 체결했다.")
    assert found == {
        KHIDI: ("signatory", True, "subject of 체결"),
        SNUH: ("signatory", True, "subject of 체결"),
    }


def test_it_makes_the_partners_named_with_와_signatories_too():
    text = "서울산업진흥원(대표 장영승)은 이화의료원, 이화여대 산학협력단과 업무 협약을 체결했다."
    found = proposals(text)
    assert found[SBA] == ("signatory", True, "subject of 체결")
    assert found[EUMC] == ("signatory", True, "partner (와) in 체결")
    assert found[EWHA] == ("signatory", True, "partner (와) in 체결")


def test_a_list_that_made_an_mou_is_all_signatories():
    text = "서울시, 서울대병원, 한국보건산업진흥원이 바이오 창업 지원 MOU를 맺었다."
    assert roles(text) == {SEOUL: "signatory", SNUH: "signatory", KHIDI: "signatory"}


def test_a_headline_between_several_organizations_makes_them_signatories():
    assert roles("서울시-서울대병원-한국보건산업진흥원 간 공동의향서 체결") == {
        SEOUL: "signatory",
        SNUH: "signatory",
        KHIDI: "signatory",
    }


def test_an_organization_that_only_qualifies_a_noun_does_not_sign():
    text = "서울대병원은 서울시 바이오허브 입주기업들과 협약을 체결했다."
    assert proposals(text)[SEOUL] == (None, False, "mentioned only")
    assert roles(text)[SNUH] == "signatory"


# --- hosts and co-organizers ---------------------------------------------------------------


def test_co_hosts_of_an_event_are_hosts():
    found = proposals("서울대병원과 한국보건산업진흥원이 공동 주최한 포럼이 7일 열렸다.")
    assert found == {
        SNUH: ("host", True, "subject of 공동주최"),
        KHIDI: ("host", True, "subject of 공동주최"),
    }


def test_the_subject_and_partner_of_개최_host_the_event():
    text = "한국보건산업진흥원은 서울대병원과 함께 보스턴에서 ‘BIO & AI Night’ 행사를 개최했다."
    assert roles(text) == {KHIDI: "host", SNUH: "host"}


def test_공동_주관_makes_co_organizers():
    assert roles("서울시와 서울산업진흥원이 공동 주관한 박람회에 기업 200곳이 참가했다.") == {
        SEOUL: "co_organizer",
        SBA: "co_organizer",
    }


def test_an_event_labelled_with_its_host_and_supporter():
    assert roles("이번 포럼은 한국보건산업진흥원 주최, 보건복지부 후원으로 열린다.") == {
        KHIDI: "host",
        MOHW: "supporter",
    }


def test_a_list_named_as_the_organizing_committee_co_organizes():
    text = (
        "간담회에는 ▲서울대병원 ▲한국보건산업진흥원 ▲서울산업진흥원 등 "
        "6개 조직위 기관장이 참석했다."
    )
    assert roles(text) == {SNUH: "co_organizer", KHIDI: "co_organizer", SBA: "co_organizer"}


# --- not parties ---------------------------------------------------------------------------


def test_the_place_of_a_signing_is_a_venue_not_a_party():
    text = "서울산업진흥원은 이대서울병원 대강당에서 이화의료원과 업무 협약을 체결했다."
    found = proposals(text)
    assert found[HALL] == (None, False, "venue")
    assert {SBA, EUMC} == {target for target, value in found.items() if value[1]}


def test_a_place_glossed_in_parentheses_is_a_venue():
    text = "한국보건산업진흥원은 캠브리지 혁신 센터(CIC)에서 행사를 개최했다."
    found = proposals(text, {**NAMES, "CIC": CIC})
    assert found[CIC] == (None, False, "venue")
    assert found[KHIDI][:2] == ("host", True)


def test_an_organization_that_commissions_in_the_background_is_mentioned_only():
    text = "한국보건산업진흥원은 서울시로부터 바이오허브를 위탁받아 운영 중이다."
    assert proposals(text) == {
        KHIDI: (None, False, "mentioned only"),
        SEOUL: (None, False, "mentioned only"),
    }


def test_those_attending_a_signing_are_not_its_parties():
    text = (
        "서울산업진흥원과 이화의료원은 한국보건산업진흥원 관계자가 참석한 가운데 "
        "업무 협약을 체결했다."
    )
    found = proposals(text)
    assert found[KHIDI] == (None, False, "attended")
    assert found[SBA][:2] == found[EUMC][:2] == ("signatory", True)


def test_a_side_note_and_a_quote_are_not_evidence():
    text = (
        "서울시는 서울대병원과 협약을 체결했다. 한편, 서울산업진흥원은 이화의료원과 협약을 "
        "체결한 바 있다. 교육부 관계자는 “한국보건산업진흥원과 협약을 체결하겠다”고 말했다."
    )
    found = proposals(text)
    assert found[SBA] == found[EUMC] == (None, False, "background (한편)")
    assert found[KHIDI] == (None, False, "quoted")
    assert found[MOE] == (None, False, "mentioned only")
    assert found[SEOUL][1] and found[SNUH][1]


# --- councils --------------------------------------------------------------------------------


def test_a_council_has_its_chair_and_the_members_it_is_made_of():
    text = (
        "이번 협의체는 보건복지부 박민수 제2차관을 위원장으로 구성하고, 산업통상자원부, "
        "교육부 등 관계 부처와 한국보건산업진흥원 등 유관 공공기관이 모여 결성됐다."
    )
    found = proposals(text)
    assert found[MOHW] == ("chair", True, "chair (위원장)")
    assert found[MOTIE] == found[MOE] == found[KHIDI] == ("member", True, "member of 협의체")


def test_the_organization_named_after_위원장_chairs():
    assert roles("협의체 위원장은 보건복지부 차관이 맡는다.") == {MOHW: "chair"}


# --- designations ----------------------------------------------------------------------------


def test_the_subject_of_지정했다_designates_its_object():
    assert roles("보건복지부는 서울대병원을 국가 전략 기술 특화연구소로 지정했다.") == {
        MOHW: "designator",
        SNUH: "designee",
    }


def test_the_one_designated_로부터_another_is_the_designee():
    found = proposals("서울대병원은 올해 1월 복지부로부터 ‘특화연구소’로 지정됐다.")
    assert found[SNUH] == ("designee", True, "designated (subject of 지정됐다)")
    assert found[MOHW] == ("designator", True, "designates (로부터 … 지정)")


def test_a_designation_written_as_a_title_before_the_name():
    assert roles("복지부 지정 특화연구소 서울대병원이 보스턴에 진출한다.") == {
        MOHW: "designator",
        SNUH: "designee",
    }


# --- one proposal per organization ---------------------------------------------------------


def test_an_organization_keeps_its_strongest_evidence_and_that_sentence():
    text = (
        "서울대병원은 지난해 보스턴에 진출했다. 서울대병원과 한국보건산업진흥원은 "
        "협약을 체결했다. 서울대병원 관계자가 소감을 밝혔다."
    )
    [snuh, khidi] = propose_parties(text, mentions_in(text))
    assert (snuh.target, snuh.role, snuh.is_party) == (SNUH, "signatory", True)
    assert snuh.sentence == "서울대병원과 한국보건산업진흥원은 협약을 체결했다."
    assert khidi.pk == KHIDI.pk


def test_a_short_name_glossed_with_another_organization_means_that_one_throughout():
    names = {"BMS": Target(ORGANIZATION, 50), "한국BMS제약": Target(ORGANIZATION, 51), **NAMES}
    text = "서울시는 BMS(한국BMS제약)와 협약을 체결했다. BMS는 오피스를 연다."
    found = proposals(text, names)
    assert Target(ORGANIZATION, 50) not in found
    assert found[Target(ORGANIZATION, 51)][:2] == ("signatory", True)


def test_stored_mentions_work_and_clusters_are_not_parties():
    text = "서울시와 서울대병원은 홍릉 클러스터 협약을 체결했다."
    stored = [
        SimpleNamespace(organization_id=SEOUL.pk, cluster_id=None, text="서울시", start=0, end=3),
        SimpleNamespace(
            organization_id=SNUH.pk, cluster_id=None, text="서울대병원", start=5, end=10
        ),
        SimpleNamespace(organization_id=None, cluster_id=9, text="홍릉", start=12, end=14),
    ]
    found = propose_parties(text, stored)
    assert [(proposal.pk, proposal.role) for proposal in found] == [
        (SEOUL.pk, "signatory"),
        (SNUH.pk, "signatory"),
    ]


def test_every_role_proposed_is_a_party_role():
    assert set(parties.ROLE_STRENGTH) == set(PartyRole.values)


# --- sentences -------------------------------------------------------------------------------


def test_sentences_end_at_다_요_and_line_breaks_but_not_inside_quotes_or_parentheses():
    body = (
        "– 협약 체결(3.11) 소식\n"
        "□ 그는 “잘 됐다. 기쁘다.”며 웃었다. 좋아요. 그 다음 문장이다\n"
        "'제목. 안'을 보라. 끝."
    )
    sentences = split_sentences(body)
    assert [sentence.text for sentence in sentences] == [
        "협약 체결(3.11) 소식",
        "그는 “잘 됐다. 기쁘다.”며 웃었다.",
        "좋아요.",
        "그 다음 문장이다",
        "'제목. 안'을 보라.",
        "끝.",
    ]
    assert all(body[s.start : s.end] == s.text for s in sentences)


def test_an_apostrophe_year_does_not_open_a_quote():
    body = "오피스를 설치한다(’22.4월 예정). 다음 문장이다."
    assert len(split_sentences(body)) == 2


# --- the seed articles -----------------------------------------------------------------------


def load_quality_script():
    path = Path(__file__).resolve().parents[2] / "scripts" / "party_quality.py"
    spec = importlib.util.spec_from_file_location("party_quality", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # Its dataclasses look their module up by name.
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_proposals_on_the_seed_articles_meet_the_precision_and_recall_goals(seed):
    quality = load_quality_script()
    scores = []
    for item in NewsItem.objects.prefetch_related("mentions"):
        expected: dict[int, set[str]] = {}
        for party in AgreementParty.objects.filter(agreement__sources=item):
            expected.setdefault(party.organization_id, set()).add(party.role)
        scores.append(quality.score_article(item.title, item.body, item.mentions.all(), expected))
    assert len(scores) == 5
    precision, recall = quality.overall(scores)
    assert precision >= quality.PRECISION_GOAL
    assert recall >= quality.RECALL_GOAL
    hits = sum(score.true_positives for score in scores)
    assert sum(score.matching_roles for score in scores) >= 0.9 * hits


def test_a_name_defined_with_its_short_form_in_parentheses_keeps_its_part():
    osong, daegu = Target(ORGANIZATION, 21), Target(ORGANIZATION, 22)
    names = {
        "오송첨단의료산업진흥재단": osong,
        "오송재단": osong,
        "대구경북첨단의료산업진흥재단": daegu,
    }
    text = (
        "오송첨단의료산업진흥재단(이하 오송재단)과 대구경북첨단의료산업진흥재단(이하 첨복재단)이 "
        "11일 업무협약을 체결했다고 밝혔다."
    )
    found = proposals(text, names)
    assert (found[osong][0], found[daegu][0]) == ("signatory", "signatory")
