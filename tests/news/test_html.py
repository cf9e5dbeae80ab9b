"""Reading news pages saved or fetched as HTML: metadata, main text, Korean bylines."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import translation

from news.html import MAX_PAGE_BYTES, looks_like_html, parse_html
from news.text import ArticleError

PAGES = Path(__file__).parent.parent / "data" / "pages"
SEEDS = Path(__file__).parent.parent / "data" / "seeds"


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English."""
    with translation.override("en"):
        yield


def read_page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def minimal_page(first_paragraph: str, *, head: str = "") -> str:
    """A bare article page whose first paragraph opens with the byline under test."""
    return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>바이오 기업 12곳 보스턴 투자설명회</title>{head}
</head><body><nav><a href="/">홈</a> <a href="/bio">바이오</a></nav>
<h1>바이오 기업 12곳 보스턴 투자설명회</h1>
<div class="article-body">
<p>{first_paragraph} 한국바이오협회와 대한무역투자진흥공사가 미국 보스턴에서 국내 바이오 기업
12곳이 참가한 투자설명회를 공동으로 열었다고 4일 밝혔다.</p>
<p>설명회에는 현지 벤처캐피털과 글로벌 제약사 사업개발 담당자 80여 명이 참석했으며, 참가
기업들은 항암제와 세포치료제, 디지털 헬스케어 분야의 기술과 임상 계획을 소개했다.</p>
</div></body></html>"""


def test_it_reads_the_metadata_of_a_typical_article_page():
    article = parse_html(read_page("biohealth_article.html"))

    assert article.title == "오송재단·대구경북첨복재단, 신약 개발 공동연구 협약 체결"
    assert article.outlet == "바이오헬스뉴스"
    # The byline stands under the headline only: "홍길동 기자".
    assert article.reporter == "홍길동"
    # article:published_time, not article:modified_time (11-13) nor the weather widget's date.
    assert article.published_on == datetime.date(2024, 11, 11)
    assert article.url == "https://www.biohealthnews.example/news/articleView.html?idxno=10234"


def test_the_url_the_page_came_from_wins_over_its_canonical_link():
    article = parse_html(
        read_page("biohealth_article.html"), url="https://m.biohealthnews.example/10234"
    )

    assert article.url == "https://m.biohealthnews.example/10234"


@pytest.mark.parametrize(
    ("page", "first", "last", "furniture"),
    [
        (
            "biohealth_article.html",
            "오송첨단의료산업진흥재단(이하 오송재단)과",
            "첫 공동 지원 과제를 선정하겠다”고 말했다.",
            [
                "제약바이오 채용박람회",  # top banner ad
                "임상시험 수탁기관 무료 상담",  # ad inside the article
                "건강기능식품 특가",  # sidebar ad
                "회원가입",  # menus
                "의료기기",
                "기상청 제공",
                "페이스북",
                "관련기사",
                "첨단의료복합단지 입주기업 매출",  # related articles
                "많이 본 뉴스",
                "희귀의약품 신속심사",
                "댓글",
                "hong@biohealthnews.example",
                "저작권자",
                "무단전재",
                "청소년보호책임자",  # footer
            ],
        ),
        (
            "regional_article.html",
            "충북도와 청주시가 오송 K-바이오스퀘어",
            "한 팀으로 움직이겠다”고 말했다.",
            [
                "[동양일보 임재업 기자]",
                "임재업 기자",
                "limjy@dynews.example",
                "ⓒ",
                "무단전재",
                "오늘의 운세",
                "이 시각 주요뉴스",
                "청주국제공항",
                "많이 본 기사",
                "신축 아파트",
                "입력 2024",
            ],
        ),
        (
            "wire_article.html",
            "한국바이오협회와 대한무역투자진흥공사(KOTRA)가",
            "같은 형식의 설명회를 열 계획이다.",
            ["(서울=뉴스1)", "김민지 기자", "kimmj@news1.example", "관련 뉴스", "Copyright"],
        ),
    ],
)
def test_the_body_is_the_article_without_the_page_furniture(page, first, last, furniture):
    body = parse_html(read_page(page)).body
    paragraphs = body.split("\n\n")

    assert paragraphs[0].startswith(first)
    assert paragraphs[-1].endswith(last)
    assert len(paragraphs) in (3, 4)
    assert [text for text in furniture if text in body] == []


def test_a_page_without_a_date_in_its_markup_takes_the_date_labelled_입력():
    article = parse_html(read_page("regional_article.html"))

    # "입력 2024.11.11 21:55", not "수정 2024.11.12 10:03".
    assert article.published_on == datetime.date(2024, 11, 11)


def without_meta_dates(html: str) -> str:
    return re.sub(r'<meta property="article:(published|modified)_time"[^>]*>\n', "", html)


def test_the_founding_date_in_the_footer_is_not_taken_for_the_publication_date():
    # The footer's "발행일 : 2007-01-01" is a date in the page's text, as "입력" is.
    html = without_meta_dates(read_page("biohealth_article.html"))

    assert parse_html(html).published_on == datetime.date(2024, 11, 11)


def test_a_date_stated_without_label_or_markup_is_not_taken():
    html = without_meta_dates(read_page("biohealth_article.html"))
    html = html.replace("입력 2024.11.11 21:55", "2024.11.11 21:55")

    assert parse_html(html).published_on is None


def test_bylines_and_dates_of_other_articles_around_the_headline_are_not_taken():
    html = without_meta_dates(read_page("biohealth_article.html")).replace(
        "<body>",
        '<body>\n<div class="ticker"><a href="/news/99">[칼럼] 바이오 규제 샌드박스의 명암</a>'
        " <span>김철수 기자</span> <span>등록 2024.10.02</span></div>",
    )

    article = parse_html(html)

    assert (article.reporter, article.published_on) == ("홍길동", datetime.date(2024, 11, 11))


def test_a_photo_credit_inside_the_article_is_dropped_without_ending_the_article():
    html = read_page("biohealth_article.html").replace(
        "<p>이번 협약에 따라", "<p>ⓒ 게티이미지뱅크</p>\n<p>이번 협약에 따라"
    )

    body = parse_html(html).body

    assert "게티이미지뱅크" not in body
    assert body.endswith("첫 공동 지원 과제를 선정하겠다”고 말했다.")


def test_a_bracketed_byline_opening_the_text_gives_the_reporter():
    article = parse_html(read_page("regional_article.html"))

    assert article.reporter == "임재업"
    assert article.outlet == "동양일보"
    assert article.title == "충북도·청주시, 오송 K-바이오스퀘어 조성 위해 손잡아"


def test_a_wire_service_dateline_gives_the_reporter_and_the_date_of_its_json_ld():
    article = parse_html(read_page("wire_article.html"))

    assert article.reporter == "김민지"
    assert article.outlet == "뉴스1"
    # datePublished, not dateModified (06-05).
    assert article.published_on == datetime.date(2024, 6, 4)


@pytest.mark.parametrize(
    ("byline", "reporter", "outlet"),
    [
        ("(서울=뉴스1) 홍길동 기자 =", "홍길동", "뉴스1"),
        ("(서울=연합뉴스) 홍길동 김철수 기자 =", "홍길동, 김철수", "연합뉴스"),
        ("[세종=뉴시스]김철수 기자 =", "김철수", "뉴시스"),
        ("[동양일보 임재업 기자]", "임재업", "동양일보"),
        ("[헬스코리아뉴스 / 박정식 기자]", "박정식", "헬스코리아뉴스"),
        ("어웨이크뉴스 오경하 기자 |", "오경하", "어웨이크뉴스"),
    ],
)
def test_a_byline_opening_the_text_names_reporter_and_outlet_and_is_cut(byline, reporter, outlet):
    article = parse_html(minimal_page(byline))

    assert (article.reporter, article.outlet) == (reporter, outlet)
    assert article.body.startswith("한국바이오협회와")


@pytest.mark.parametrize(
    ("author", "reporter"),
    [
        ("홍길동 기자", "홍길동"),
        ("홍길동 기자 hong@news1.example", "홍길동"),
        ("홍길동·김철수 기자", "홍길동, 김철수"),
        ("Jane Doe", "Jane Doe"),
        # The outlet's own name is no reporter: the byline in the text is used instead.
        ("바이오헬스뉴스", "김민지"),
    ],
)
def test_the_author_in_the_page_metadata_is_read_without_job_title_or_email(author, reporter):
    page = minimal_page(
        "(서울=뉴스1) 김민지 기자 =", head=f'<meta name="author" content="{author}">'
    )

    assert parse_html(page).reporter == reporter


def test_a_page_in_euc_kr_is_read_by_its_charset_declaration():
    html = read_page("regional_article.html").replace("charset=utf-8", "charset=euc-kr")

    article = parse_html(html.encode("cp949"))

    assert article.title == "충북도·청주시, 오송 K-바이오스퀘어 조성 위해 손잡아"
    assert article.body.startswith("충북도와 청주시가")


def test_a_list_of_articles_is_refused_as_having_no_article():
    with pytest.raises(ArticleError, match="no article text found"):
        parse_html(read_page("section_index.html"))


@pytest.mark.parametrize("html", ["", "   ", "<html><body></body></html>", "just a few words"])
def test_an_empty_page_is_refused(html):
    with pytest.raises(ArticleError):
        parse_html(html)


def test_a_page_larger_than_the_limit_is_refused():
    html = read_page("biohealth_article.html").replace(
        "</body>", "<!--" + "x" * MAX_PAGE_BYTES + "--></body>"
    )

    with pytest.raises(ArticleError, match="larger than 2 MB"):
        parse_html(html)


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.html")), ids=lambda path: path.name)
def test_saved_pages_look_like_html(path):
    assert looks_like_html(path.read_bytes())


@pytest.mark.parametrize(
    "raw",
    [
        b"\xef\xbb\xbf<!DOCTYPE html><html><body>x</body></html>",
        b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">',
        b"<!-- saved from url=(0042)https://www.dynews.example/news/77801 -->\n<html>",
        b"\n  <HTML><HEAD><TITLE>x</TITLE>",
    ],
)
def test_html_with_a_bom_a_declaration_or_a_comment_first_looks_like_html(raw):
    assert looks_like_html(raw)


@pytest.mark.parametrize(
    "raw",
    [
        *(path.read_bytes() for path in sorted(SEEDS.glob("*.txt"))),
        "<저작권자 © 연합뉴스 무단전재>\n본문".encode(),
        "오송재단, 협약 체결\n\n<html> 태그를 설명하는 기사".encode(),
        b"",
    ],
)
def test_saved_article_text_does_not_look_like_html(raw):
    assert not looks_like_html(raw)
