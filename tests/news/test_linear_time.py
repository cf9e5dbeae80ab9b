"""Reading news text takes time in proportion to its length: no pattern or loop whose cost grows
with the square of a line (issue 17: a 150 KB article dropped the admin's connection at 31.5 s,
EMAIL_RE alone took 57 s on 100,000 characters without "@").

The timed tests reproduce that defect: each feeds a one-megabyte single line of the text that
made some step quadratic, and allows two seconds for what now takes a fraction of one (the
quadratic steps took hours at this size)."""

import re
import time

import pytest

from news.mentions import find_new_names
from news.parties import propose_parties, split_sentences
from news.services import news_items_import_files
from news.text import (
    EMAIL_RE,
    URL_RE,
    find_dates,
    find_emails,
    has_email,
    is_caption,
    parse_article,
    replace_emails,
)
from orgs.models import Organization
from tests.factories import OrganizationFactory

MEGABYTE = 1024 * 1024
SECONDS = 2.0
TITLE = "바이오헬스 협력 강화를 위한 업무협약 체결 소식입니다"


def one_line(unit: str, *, budget: int = MEGABYTE) -> str:
    """``unit`` repeated to fill ``budget`` bytes of UTF-8 after the title line."""
    room = budget - len(TITLE.encode()) - 1
    return unit * (room // len(unit.encode()))


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


# The whole import --------------------------------------------------------------------------

PROSE = (
    "한국보건산업진흥원은 7일 서울 본원에서 바이오 스타트업의 해외 진출을 돕기 위한 "
    "업무협약을 체결하고 공동 지원 사업을 추진하기로 했다고 밝혔다 "
)
ARTICLES = {
    # The case: a long line with no "@" anywhere near.
    "letters without an @": "abcdefghij_0123456789",
    "Korean prose naming an organization": PROSE,
    "photo credits": "(사진=",
    "an @ after every word": "name@ ",
}


@pytest.mark.django_db
@pytest.mark.parametrize("unit", ARTICLES.values(), ids=ARTICLES.keys())
def test_a_one_megabyte_single_line_article_is_imported_in_under_two_seconds(unit):
    OrganizationFactory(name_ko="한국보건산업진흥원", slug="khidi")
    text = f"{TITLE}\n{one_line(unit)}"
    assert len(text.encode()) <= MEGABYTE  # the largest article the import takes
    results, seconds = timed(news_items_import_files, files=[("article.txt", text.encode())])
    news_item = results[0].news_item
    assert len(news_item.body) > 300_000
    assert seconds < SECONDS
    if unit == PROSE:
        khidi = Organization.objects.get(slug="khidi")
        assert news_item.mentions.filter(organization=khidi).count() == text.count("진흥원은")


# Each step on its worst line -----------------------------------------------------------------

LONG_LINES = [
    pytest.param(lambda: has_email(one_line("a")), id="an e-mail address in letters"),
    pytest.param(lambda: replace_emails(one_line("a@b.kr+"), " "), id="glued addresses"),
    pytest.param(lambda: URL_RE.match(" " + "\u2003" * 500_000), id="a URL after spaces"),
    pytest.param(lambda: is_caption(one_line("(사진=") + " 끝"), id="photo credits"),
    pytest.param(lambda: is_caption("©" * 500_000 + " 끝"), id="copyright signs"),
    pytest.param(lambda: find_dates(one_line("2024년 1월 7일 "), None), id="dates"),
    pytest.param(lambda: split_sentences(one_line("U.S. ")), id="abbreviations"),
    pytest.param(lambda: split_sentences(one_line("'가")), id="straight quotes"),
    pytest.param(
        lambda: parse_article(f"{TITLE}\n{one_line('위원장 ')}"), id="a line without a stop"
    ),
]


@pytest.mark.parametrize("step", LONG_LINES)
def test_each_step_reads_a_one_megabyte_line_in_under_two_seconds(step):
    _, seconds = timed(step)
    assert seconds < SECONDS


class Mention:
    """A name found in the text, as news.mentions.Mention and NewsMention give it."""

    def __init__(self, start, end, organization_id):
        self.start, self.end, self.organization_id = start, end, organization_id


# Proposing parties and new names reads every name of a sentence: a sentence of a megabyte
# naming an organization every seven characters (58,000 names) takes 2 to 5 s. Reading the
# rest of the sentence for each name took 15 s for a quarter of it, and four times that for
# each doubling.
NAMES_SECONDS = 10.0


@pytest.mark.parametrize(
    ("unit", "organizations"),
    [
        ("진흥원과 병원은 위원장에 ", {1, 2}),  # many names in one sentence, clause breaks
        ("진흥원과 병원이 참석한 가운데 ", {1, 2}),  # many attendance verbs
        ("진흥원(병원) ", {2}),  # many glosses: a short name spelled out as another
    ],
)
def test_party_proposals_for_a_one_megabyte_sentence_of_names_are_linear(unit, organizations):
    body = one_line(unit)
    mentions = [
        Mention(match.start(), match.end(), 1 if match.group() == "진흥원" else 2)
        for match in re.finditer("진흥원|병원", body)
    ]
    proposals, seconds = timed(propose_parties, body, mentions)
    assert {proposal.target.pk for proposal in proposals} == organizations
    assert seconds < NAMES_SECONDS


def test_new_names_are_looked_for_once_per_mention_not_once_per_pair():
    body = one_line("진흥원과 새로운연구원은 ")
    mentions = [Mention(m.start(), m.end(), 1) for m in re.finditer("진흥원", body)]
    candidates, seconds = timed(find_new_names, body, mentions, lambda name: False)
    assert [candidate.name for candidate in candidates] == ["새로운연구원"]
    assert seconds < NAMES_SECONDS


# E-mail addresses are still found ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("경규민 한경닷컴 기자 gyumin@hankyung.com", ["gyumin@hankyung.com"]),
        ("(hong.gil-dong+news@example.co.kr)", ["hong.gil-dong+news@example.co.kr"]),
        ("문의: a@b.kr, c_d@e-f.com.", ["a@b.kr", "c_d@e-f.com"]),
        ("a@b.kr+c@d.kr", ["a@b.kr", "+c@d.kr"]),
        ("no address @ here, nor@here", []),
        ("한글@도메인.한국", ["한글@도메인.한국"]),
        ("", []),
    ],
)
def test_e_mail_addresses_are_found_as_the_pattern_finds_them(text, found):
    assert [text[start:end] for start, end in find_emails(text)] == found
    assert [match.group() for match in EMAIL_RE.finditer(text)] == found
    assert has_email(text) == bool(found)
    assert replace_emails(text, "□") == EMAIL_RE.sub("□", text)


def test_a_byline_with_an_address_still_names_the_reporter_and_is_left_out():
    article = parse_article(
        f"{TITLE}\n경규민 한경닷컴 기자 gyumin@hankyung.com\n"
        "한국보건산업진흥원은 7일 바이오 스타트업의 해외 진출을 돕기 위한 업무협약을 "
        "체결했다고 밝혔다. 이번 협약으로 두 기관은 공동 지원 사업을 추진한다.\n"
    )
    assert (article.reporter, article.outlet) == ("경규민", "한경닷컴")
    assert "@" not in article.body


def test_a_line_of_an_address_alone_is_not_taken_for_a_headline():
    article = parse_article(
        "hong@example.com\n"
        f"{TITLE}\n"
        "한국보건산업진흥원은 7일 바이오 스타트업의 해외 진출을 돕기 위한 업무협약을 "
        "체결했다고 밝혔다. 이번 협약으로 두 기관은 공동 지원 사업을 추진한다.\n"
    )
    assert article.title == TITLE
