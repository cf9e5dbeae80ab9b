"""Reading a news page saved or fetched as HTML: its title, outlet, reporter, date and text.

trafilatura finds the main text and the page's metadata (title, site name, author); htmldate
finds the publication date its markup declares. What they leave to us is Korean: bylines in the
text ("[동양일보 임재업 기자]", "(서울=뉴스1) 홍길동 기자 =", "홍길동 기자" under the
headline), the byline, e-mail and copyright lines that close an article, and the "입력" label
Korean sites put on the publication date. Those rules come from news/text.py, which reads
the same pages saved as plain text, so both imports read a byline the same way.
"""

from __future__ import annotations

import codecs
import copy
import datetime
import re

from django.utils.translation import gettext as _
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import bare_extraction, load_html

from .text import (
    BYLINE_LINE_RE,
    EMAIL_RE,
    END_MARKERS_RE,
    HANGUL_NAME,
    OUTLET_SUFFIX_RE,
    PARAGRAPH_MIN_CHARS,
    ArticleError,
    Byline,
    ParsedArticle,
    find_footer_outlet,
    find_published_on,
    normalize_line,
    replace_emails,
    strip_opening_byline,
    take_byline_line,
)

# A news page with its scripts and styles is a few hundred kilobytes; ten times that is no
# article page, and the fetcher stops reading there too.
MAX_PAGE_BYTES = 2 * 1024 * 1024

# For htmldate.find_date: the original publication date, not the last update ("수정
# 2024.11.13"), and no extensive search, which takes any date it meets (the year of a
# footer's "© 2024"). See _date_in_markup for the rest of what confidence takes.
DATE_OPTIONS = {"original_date": True, "extensive_search": False}

# "[동양일보 임재업 기자] ..." or "[임재업 기자] ..." opening the first paragraph
# (text.py's BRACKET_BYLINE_RE covers the "[outlet / reporter 기자]" form).
BRACKET_NAME_BYLINE_RE = re.compile(
    rf"^\[(?:(?P<outlet>[^\]\s/=]+)\s+)?(?P<reporter>{HANGUL_NAME})\s*기자\]\s*"
)
# The wire services' dateline: "(서울=뉴스1) 홍길동 기자 = ...", "[세종=뉴시스]김철수 기자 = ...",
# "(서울=연합뉴스) 홍길동 김철수 기자 = ...".
WIRE_BYLINE_RE = re.compile(
    rf"^[(\[][가-힣]+\s*=\s*(?P<outlet>[^)\]]+?)[)\]]\s*"
    rf"(?P<reporters>{HANGUL_NAME}(?:\s+{HANGUL_NAME})*?)\s*(?:기자|특파원)\s*=\s*"
)
# "저작권자 © 바이오헬스뉴스 무단전재 및 재배포 금지", "[ⓒ 동양일보 무단전재 및 재배포 금지]",
# "<저작권자(c) 연합뉴스, 무단 전재-재배포, AI 학습 및 활용 금지>", "Copyright © 2024 ...".
COPYRIGHT_RE = re.compile(
    r"저작권자|[©ⓒ]|\(c\)|copyright|무단\s?전재|재배포\s?금지|all rights reserved", re.IGNORECASE
)
# Notices and headings are short; a paragraph that happens to quote "무단 전재" is not.
NOTICE_MAX_CHARS = 100
HEADING_MAX_CHARS = 40
# Job titles that follow a reporter's name in an author field: "홍길동 기자", "김철수 특파원".
REPORTER_TITLE_RE = re.compile(r"(?:선임|수석|객원|전문)?(?:기자|특파원|통신원)")
# Bytes that open an HTML document: a doctype or one of the elements a page starts with,
# possibly after an XML declaration or a "saved from url" comment.
HTML_START_RE = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)
# Where a page's own text lies: not in its scripts, styles and templates.
PAGE_TEXT_XPATH = (
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]"
)


def looks_like_html(raw: bytes) -> bool:
    """Whether an uploaded file is a web page (for parse_html) rather than text (for
    news.text.parse_article): HTML starts with a doctype or an element, article text never
    does."""
    head = raw[:4096].removeprefix(codecs.BOM_UTF8)
    return bool(HTML_START_RE.match(head))


def parse_html(html: str | bytes, *, url: str = "") -> ParsedArticle:
    """Split a news page given as HTML into its metadata and its main text.

    ``html`` may be bytes as fetched or saved: trafilatura decodes them by the page's own
    charset declaration (Korean sites still serve EUC-KR). ``url`` is where the page came
    from; without it, the page's canonical URL is used when it states one.
    """
    size = len(html) if isinstance(html, bytes) else len(html.encode("utf-8"))
    if size > MAX_PAGE_BYTES:
        raise ArticleError(
            _("larger than %(megabytes)d MB: not a news article page")
            % {"megabytes": MAX_PAGE_BYTES // 1024 // 1024}
        )
    tree = load_html(html)
    if tree is None:
        raise ArticleError(_("not an HTML page: no document could be read from the file"))
    document = bare_extraction(
        tree,
        url=url or None,
        with_metadata=True,
        # Curators want the article alone: less text rather than menus and teasers.
        favor_precision=True,
        include_comments=False,
        include_images=False,
        # trafilatura dates every page it reads; the fast search costs least. Its answer
        # is not used: _date_in_markup asks htmldate without the page's loose text.
        date_extraction_params=DATE_OPTIONS,
    )
    if document is None or not document.text:
        raise _no_main_text()
    title = normalize_line(document.title or "")
    if not title:
        raise ArticleError(_("no title found: the page names no headline"))

    raw_lines = [line for line in map(normalize_line, document.text.split("\n")) if line]
    paragraphs, byline = _clean_body(raw_lines)
    if not any(len(paragraph) >= PARAGRAPH_MIN_CHARS for paragraph in paragraphs):
        raise _no_main_text()

    page_lines = _page_text_lines(tree)
    header_lines = _lines_between(page_lines, title, raw_lines[0])
    for line in header_lines:
        if match := BYLINE_LINE_RE.match(line):
            take_byline_line(byline, match)
    sitename = normalize_line(document.sitename or "")
    return ParsedArticle(
        title=title,
        body="\n\n".join(paragraphs),
        outlet=_outlet(sitename, byline, page_lines),
        reporter=_reporter_from_author(document.author or "", sitename) or byline.reporter,
        published_on=_date_in_markup(tree, url)
        or find_published_on(header_lines)
        or find_published_on(page_lines),
        url=url or _web_url(document.url or ""),
    )


def _clean_body(lines: list[str]) -> tuple[list[str], Byline]:
    """The article's paragraphs without the furniture trafilatura leaves in its text, and
    the byline found on the way.

    Opening bylines are cut from the paragraph they start; byline, e-mail and copyright
    lines are dropped; a short heading such as "관련기사" or "댓글" after the article's
    first paragraph ends it, as what follows is the page's lists.
    """
    byline = Byline()
    paragraphs: list[str] = []
    for line in lines:
        if match := BYLINE_LINE_RE.match(line):
            take_byline_line(byline, match)
            continue
        if _is_contact_or_notice(line):
            continue
        if paragraphs and len(line) <= HEADING_MAX_CHARS and END_MARKERS_RE.match(line):
            break
        line = strip_opening_byline(line, byline)
        line = _strip_korean_dateline(line, byline)
        if line:
            paragraphs.append(line)
    return paragraphs, byline


def _reporter_from_author(author: str, outlet: str = "") -> str:
    """The reporters' names in a metadata author field, or "" when it names none.

    Korean sites fill that field with "홍길동 기자", "뉴스1 김민지 기자" or the outlet's own
    name, and trafilatura's normalisation keeps only part of them ("뉴스"); so from a Korean
    field only name-shaped words are kept. A field without Hangul ("Jane Doe") is kept whole.
    """
    names: list[str] = []
    for part in re.split(r"[;,·/]", author):
        part = normalize_line(REPORTER_TITLE_RE.sub(" ", replace_emails(part, " ")))
        if not part or part == outlet:
            continue
        if re.search("[가-힣]", part):
            names.extend(
                word
                for word in part.split()
                if re.fullmatch(HANGUL_NAME, word) and not OUTLET_SUFFIX_RE.search(word)
            )
        else:
            names.append(part)
    return ", ".join(dict.fromkeys(names))


def _no_main_text() -> ArticleError:
    return ArticleError(
        _(
            "no article text found on the page: it may be a front page, a list of articles,"
            " or a page that shows its article only with JavaScript"
        )
    )


def _is_contact_or_notice(line: str) -> bool:
    """An e-mail address alone ("hong@example.com", "(hong@example.com)") or a copyright
    notice."""
    if EMAIL_RE.fullmatch(line.strip("()<>[] ")):
        return True
    return len(line) <= NOTICE_MAX_CHARS and bool(COPYRIGHT_RE.search(line))


def _strip_korean_dateline(line: str, byline: Byline) -> str:
    """Cut the bylines text.py does not know ("[동양일보 임재업 기자]", "(서울=뉴스1) 홍길동
    기자 =") from the start of a paragraph, keeping the outlet and reporters they name."""
    if match := BRACKET_NAME_BYLINE_RE.match(line):
        byline.outlet = byline.outlet or (match["outlet"] or "")
        byline.reporter = byline.reporter or match["reporter"]
        return line[match.end() :]
    if match := WIRE_BYLINE_RE.match(line):
        byline.outlet = byline.outlet or match["outlet"].strip()
        byline.reporter = byline.reporter or ", ".join(match["reporters"].split())
        return line[match.end() :]
    return line


def _page_text_lines(tree: HtmlElement) -> list[str]:
    """The page's visible text, one entry per text node, in document order."""
    nodes = tree.xpath(PAGE_TEXT_XPATH) or tree.xpath("//text()")
    return [line for line in (normalize_line(str(node)) for node in nodes) if line]


def _lines_between(lines: list[str], title: str, first_paragraph: str) -> list[str]:
    """The page text from the headline to the article's first paragraph: where Korean sites
    put the byline and the "입력" date. Sidebars and lists of other articles, which name
    other reporters and dates, lie outside it."""
    end = next(
        (
            index
            for index, line in enumerate(lines)
            if first_paragraph[:30] in line
            or (len(line) >= 10 and first_paragraph.startswith(line))
        ),
        len(lines),
    )
    start = max((index for index in range(end) if lines[index] == title), default=0)
    return lines[start:end]


def _outlet(sitename: str, byline: Byline, page_lines: list[str]) -> str:
    """The site's own name; a domain name ("biohealthnews.co.kr") only when neither the
    byline nor the footer names the outlet."""
    if sitename and not _is_domain_name(sitename):
        return sitename
    return byline.outlet or find_footer_outlet(page_lines) or sitename


def _is_domain_name(name: str) -> bool:
    return bool(re.fullmatch(r"(?:[\w-]+\.)+[a-z]{2,}", name, re.IGNORECASE))


def _date_in_markup(tree: HtmlElement, url: str) -> datetime.date | None:
    """The publication date the page's markup declares, as htmldate reads it: meta tags,
    JSON-LD, <time datetime>, a date in the URL.

    htmldate's fast search ends by taking any date written in the page's text, and Korean
    footers write the paper's founding day there ("발행일 : 2007-01-01"). So it is given the
    page without its text; a date the text states is only trusted with its "입력" label.
    """
    markup = copy.deepcopy(tree)
    body = markup.find(".//body")
    for element in body.iter() if body is not None else ():
        if not (element.tag == "script" and "json" in element.get("type", "")):
            element.text = None
        element.tail = None
    iso_date = find_date(markup, **DATE_OPTIONS, url=url or None)
    try:
        return datetime.date.fromisoformat(iso_date) if iso_date else None
    except ValueError:
        return None


def _web_url(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else ""
