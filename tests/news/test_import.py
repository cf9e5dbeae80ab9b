"""Importing saved news pages: main text, metadata, dates, idempotent updates, bad files."""

import datetime
import difflib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bionet.lib.dates import YEARLESS
from news.models import NewsItem
from news.text import (
    MAX_ARTICLE_BYTES,
    ArticleError,
    decode,
    find_dates,
    parse_article,
)

SEEDS = Path(__file__).parent.parent / "data" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
CURATED = {
    row["fields"]["title"]: row["fields"]
    for row in json.loads(Path("tests/data/seed.json").read_text(encoding="utf-8"))
    if row["model"] == "news.newsitem"
}


def read_seed(name_start: str):
    path = next(path for path in SEED_FILES if path.name.startswith(name_start))
    return parse_article(decode(path.read_bytes()))


def test_there_are_five_seed_pages():
    assert len(SEED_FILES) == 5


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda path: path.name[:3])
def test_it_extracts_the_main_text_the_curators_kept(path):
    article = parse_article(decode(path.read_bytes()))
    curated = CURATED[article.title]
    similarity = difflib.SequenceMatcher(None, article.body, curated["body"]).ratio()
    assert similarity >= 0.98, similarity
    assert article.outlet == curated["outlet"]
    assert article.reporter == curated["reporter"]
    published = curated["published_on"]
    assert article.published_on == (datetime.date.fromisoformat(published) if published else None)


@pytest.mark.parametrize(
    ("seed", "boilerplate"),
    [
        (
            "000",
            ["댓글", "회사명", "헬코미디어", "이 기사를 공유합니다", "(사진=", "[헬스코리아뉴스"],
        ),
        (
            "001",
            ["기상청 제공", "맑음서울", "최신기사", "경기주택도시공사", "어웨이크뉴스 오경하 기자"],
        ),
        ("002", ["입력", "gyumin@hankyung.com", "한경닷컴 기자"]),
        ("003", ["인쇄하기", "전체댓글", "개인정보", "Copyright", "©한국보건산업진흥원", "P-CAB"]),
        ("004", ["In 서울시", "You may also read", "용인특례시", "Leave a reply", "김세길 기자"]),
    ],
)
def test_it_leaves_out_the_page_furniture(seed, boilerplate):
    body = read_seed(seed).body
    for text in boilerplate:
        assert text not in body


def test_it_keeps_one_copy_of_an_article_the_page_repeats():
    body = read_seed("002").body
    assert body.count("세 기관이 보유하고 있는 뛰어난 역량") == 1
    # The headline bullet glued to the first paragraph is split off again.
    assert "산업거점 활성화 기대\n\n서울시와 서울시 일자리" in body


def test_a_weather_widget_date_is_not_the_publication_date():
    article = read_seed("001")
    assert article.published_on is None
    assert "2025" not in article.body


def test_labelled_dates_are_publication_dates():
    assert read_seed("000").published_on == datetime.date(2019, 7, 4)  # "승인 2019.07.04 08:28"
    assert read_seed("003").published_on == datetime.date(2024, 11, 11)  # "입력 2024.11.11 21:55"


def test_a_footer_founding_date_is_not_the_publication_date():
    article = parse_article(
        "바이오 협력 기사 제목입니다\n" + "본문 문장입니다. " * 10 + "\n발행일 : 2007-01-01"
    )
    assert article.published_on is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"  \n\t", "empty"),
        ("기사".encode("euc-kr"), "UTF-8"),
        ("제목\x00본문".encode(), "NUL"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "UTF-8"),
        ("가".encode() * (MAX_ARTICLE_BYTES // 3 + 1), "larger than 1 MB"),
    ],
)
def test_it_refuses_empty_binary_oversized_and_non_utf8_text(raw, message):
    with pytest.raises(ArticleError, match=message):
        decode(raw)


def test_it_refuses_text_without_an_article():
    with pytest.raises(ArticleError):
        parse_article("짧은 줄\n")


@pytest.mark.parametrize(
    ("text", "published_on", "stated", "date", "precision"),
    [
        (
            "5월 22일 협약을 체결했다",
            datetime.date(2023, 6, 1),
            "5월 22일",
            datetime.date(2023, 5, 22),
            "day",
        ),
        ("5월 22일 협약을 체결했다", None, "5월 22일", datetime.date(YEARLESS, 5, 22), "month_day"),
        (
            "협약을 체결(3.11)하고",
            datetime.date(2022, 3, 14),
            "3.11",
            datetime.date(2022, 3, 11),
            "day",
        ),
        ("협약을 체결(3.11)하고", None, "3.11", datetime.date(YEARLESS, 3, 11), "month_day"),
        (
            "지난 7일(현지시간) 개최",
            datetime.date(2024, 11, 11),
            "지난 7일(현지시간)",
            datetime.date(2024, 11, 7),
            "day",
        ),
        (
            "지난 28일 개최",
            datetime.date(2024, 11, 11),
            "지난 28일",
            datetime.date(2024, 10, 28),
            "day",
        ),
        (
            "올해 1월 지정됐다",
            datetime.date(2024, 11, 11),
            "올해 1월",
            datetime.date(2024, 1, 1),
            "month",
        ),
        (
            "지난해 9월 시행된",
            datetime.date(2024, 11, 11),
            "지난해 9월",
            datetime.date(2023, 9, 1),
            "month",
        ),
        ("3일 간담회 개최", datetime.date(2019, 7, 4), "3일", datetime.date(2019, 7, 3), "day"),
        ("2022년 3월 11일 체결", None, "2022년 3월 11일", datetime.date(2022, 3, 11), "day"),
        ("’22.4월 중 설치", None, "’22.4월", datetime.date(2022, 4, 1), "month"),
    ],
)
def test_it_resolves_stated_dates_at_the_precision_the_text_supports(
    text, published_on, stated, date, precision
):
    found = find_dates(text, published_on)
    assert [(d.stated, d.date, d.precision) for d in found] == [(stated, date, precision)]
    assert found[0].basis


def test_a_bare_day_without_a_publication_date_is_not_a_date():
    assert find_dates("4일간 열린다. 3일 개최", None) == []


# --- import_news -------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_imports_the_seed_pages_with_their_metadata():
    call_command("import_news", *map(str, SEED_FILES), stdout=StringIO())
    items = {item.title: item for item in NewsItem.objects.all()}
    assert set(items) == set(CURATED)
    assert (
        items["보산진, 첨단바이오·AI 기술로 바이오 스타트업 해외 진출 기회 확대"].outlet
        == "약업신문"
    )


@pytest.mark.django_db
def test_importing_again_updates_and_never_duplicates(seed):
    before = dict(NewsItem.objects.values_list("title", "pk"))
    call_command("import_news", *map(str, SEED_FILES), stdout=StringIO())
    call_command("import_news", *map(str, SEED_FILES), stdout=StringIO())
    assert dict(NewsItem.objects.values_list("title", "pk")) == before


@pytest.mark.django_db
def test_importing_again_finds_the_article_by_its_url(tmp_path):
    page = tmp_path / "article.txt"
    body = "서울바이오허브 입주기업 지원 사업을 확대한다고 밝혔다. " * 5
    page.write_text(
        f"첫 제목: 바이오 협약 체결 소식\n{body}\nhttps://example.com/news/1\n", "utf-8"
    )
    call_command("import_news", str(page), stdout=StringIO())
    page.write_text(
        f"고친 제목: 바이오 협약 체결 소식\n{body}\nhttps://example.com/news/1\n", "utf-8"
    )
    call_command("import_news", str(page), stdout=StringIO())
    assert list(NewsItem.objects.values_list("title", "url")) == [
        ("고친 제목: 바이오 협약 체결 소식", "https://example.com/news/1")
    ]


@pytest.mark.django_db
def test_importing_keeps_what_a_curator_entered_and_the_page_omits(seed):
    item = NewsItem.objects.get(title__startswith="보산진")
    item.reporter = "이름기자"
    item.save()
    call_command("import_news", str(SEED_FILES[3]), stdout=StringIO())
    item.refresh_from_db()
    assert item.reporter == "이름기자"


@pytest.mark.django_db
def test_a_bad_file_stops_the_whole_import_with_a_clear_error(tmp_path, capsys):
    not_utf8 = tmp_path / "euc-kr.txt"
    not_utf8.write_bytes("한국보건산업진흥원 기사".encode("euc-kr"))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    with pytest.raises(CommandError, match="Nothing was imported: 3 of 4"):
        call_command("import_news", str(SEED_FILES[0]), str(not_utf8), str(empty), str(missing))
    errors = capsys.readouterr().err
    assert "euc-kr.txt: not UTF-8" in errors
    assert "empty.txt: the file is empty" in errors
    assert "missing.txt: cannot be read" in errors
    assert NewsItem.objects.count() == 0
