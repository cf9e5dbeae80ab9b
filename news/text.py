"""Reading a saved news page: its title, outlet, reporter, publication date and main text.

Pure text logic, no database: the import service and the admin build on it. Pages arrive as
the text a browser shows (copied or saved), so the article sits between site furniture —
weather widgets, share buttons, comment boxes, "more news" lists, footers — and sometimes
appears twice. The rules below recognise that furniture by what Korean news sites put there.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bionet.lib.dates import YEARLESS


class ArticleError(ValueError):
    """The text cannot be read as a news article."""


@dataclass
class ParsedArticle:
    title: str
    body: str
    outlet: str = ""
    reporter: str = ""
    published_on: datetime.date | None = None
    url: str = ""


# A publication date only counts when the page labels it as such ("입력 2024.11.11 21:55",
# "승인 2019.07.04 08:28"); a bare date at the top of the page is a weather widget or a clock,
# and "발행일 : 2007-01-01" in a footer is the day the paper was founded.
PUBLISHED_RE = re.compile(
    r"(?<![가-힣])(?:기사입력|입력|승인|등록|게재|작성)\s*:?\s*"
    r"(?P<y>(?:19|20)\d\d)\s*[.\-/년]\s*(?P<m>\d{1,2})\s*[.\-/월]\s*(?P<d>\d{1,2})"
)
# One run of spaces before the colon and one after it: "\s*:?\s*" could split a long run of
# spaces between its two halves every way, costing the square of the run's length.
URL_RE = re.compile(r"^(?:원문|출처|URL|url)?\s*(?::\s*)?(https?://\S+)$")
# "name@example.com". Search with find_emails, not with this pattern's search(): that tries
# every start in a run of letters and reads the run to its end each time, the square of the
# run's length (a 100,000-character line without "@" took 57 s). fullmatch() is safe. The
# search pattern below starts only where a run starts, which is the same but for an address
# glued to the end of another ("a@b.kr+c@d.kr"), which find_emails looks for itself.
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMAIL_RUN_START_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMAIL_LOCAL_RE = re.compile(r"[\w.+-]+")
_EMAIL_DOMAIN_RE = re.compile(r"@[\w-]+(?:\.[\w-]+)+")
HANGUL_NAME = r"[가-힣]{2,4}"
OUTLET_SUFFIX_RE = re.compile(
    r"(?:뉴스|신문|닷컴|일보|경제|저널|타임즈|타임스|투데이|방송|미디어|헤럴드|데일리|포스트|"
    r"뉴시스|뉴스1|통신|매일|플러스|리포트|[Nn]ews)$"
)
# "[헬스코리아뉴스 / 박정식 기자] ..." opening the first paragraph.
BRACKET_BYLINE_RE = re.compile(
    rf"^\[(?P<outlet>[^\]/]+?)\s*/\s*(?P<reporter>{HANGUL_NAME})\s*기자\]\s*"
)
# "어웨이크뉴스 오경하 기자 | ..." opening the first paragraph.
BAR_BYLINE_RE = re.compile(rf"^(?P<outlet>\S+)\s+(?P<reporter>{HANGUL_NAME})\s*기자\s*[|｜]\s*")
# A line of its own: "김세길 기자", "경규민 한경닷컴 기자 gyumin@hankyung.com", "• 박정식 기자".
BYLINE_LINE_RE = re.compile(
    rf"^[•·\-]?\s*(?P<first>{HANGUL_NAME})\s+(?:(?P<second>\S+)\s+)?기자"
    r"(?:\s*\(?[\w.+-]+@[\w.-]+\)?)?\s*$"
)
OUTLET_FOOTER_RES = [
    re.compile(r"제호\s*:\s*(?P<outlet>[^\s,]+)"),
    re.compile(
        r"^(?P<outlet>[가-힣A-Za-z0-9]+)\s*(?:의|에서 발행하는) 모든 (?:컨텐츠|콘텐츠|저작물)"
    ),
    re.compile(r"Copyright\s*[©ⓒ]\s*(?:\d{4}\s+)?(?P<outlet>[가-힣][가-힣0-9]*)"),
]

# Lines that start the page furniture after the article: nothing from here on is main text.
END_MARKERS_RE = re.compile(
    r"^(?:댓글|전체댓글|최신기사|인기기사|관련기사|많이 본|많이본|주요기사|추천기사|편집자 추천|"
    r"베스트 클릭|이 시각|You may also|Leave a reply|Related|Copyright|저작권자|[©ⓒ]|"
    r"<저작권|무단 ?전재|기사제보|\[?ⓒ)",
    re.IGNORECASE,
)
# Widgets and buttons inside the article area.
FURNITURE_RE = re.compile(
    r"인쇄하기|스크랩|크게보기|작게보기|글자크기|공유합니다|공유하기|기사를 공유|페이스북|트위터|"
    r"카카오톡|기상청 제공|검색창|Read More|바로가기|구독하기|좋아요|댓글 ?\d+$"
)
# A photo caption names its source at the end of its line: "(사진=한국신약개발연구조합)",
# "©한국보건산업진흥원". This is the pattern
#     (?:\((?:사진|자료|그래픽|제공)\s*[=:][^)]*\)|[©ⓒ]\s*\S+)\s*$
# written backwards, to be matched at the start of the reversed line (is_caption): searched
# forwards, it read from every "(사진=" or "©" of a line to the line's end, the square of the
# line's length when a long line holds many of them.
CAPTION_REVERSED_RE = re.compile(r"\s*(?:\)[^)]*[=:]\s*(?:진사|료자|픽래그|공제)\(|\S+\s*[©ⓒ])")
DATE_LINE_RE = re.compile(r"^\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2}")
LABEL_ONLY_RE = re.compile(r"^(?:입력|수정|승인|등록|업데이트|기사입력|최종수정)\b")
# Sentences that lost their line break when the page was copied: "…담고 있다.이번 협약의".
GLUED_SENTENCE_RE = re.compile(r"(?<=[다요죠])\.(?=[가-힣“\"‘'])")
# A headline bullet that lost its line break before the first paragraph:
# "- … 산업거점 활성화 기대서울시와 서울시 …". Headline bullets end in one of these nouns.
GLUED_HEADLINE_RE = re.compile(
    r"(?<=\s)(?:기대|추진|활용|체결|개최|확대|강화|지원|모색|설치|제공|출범|선정|협력)"
    r"(?=[가-힣]{2,}\s)"
)
BULLET_RE = re.compile(r"^[\-–—]\s")

TITLE_MIN_CHARS = 10
SUBTITLE_MIN_CHARS = 12
# The first line this long that reads as prose starts the article proper.
PARAGRAPH_MIN_CHARS = 80
# A saved article page is tens of kilobytes; anything this large is some other file.
MAX_ARTICLE_BYTES = 1024 * 1024


@dataclass
class Byline:
    outlet: str = ""
    reporter: str = ""
    candidates: list[str] = field(default_factory=list)


def find_emails(text: str) -> Iterator[tuple[int, int]]:
    """The spans ``EMAIL_RE.finditer(text)`` gives, in time linear in the text: an address
    is only tried from the start of a run of the characters it may begin with."""
    position = 0
    while True:
        if 0 < position < len(text) and _EMAIL_LOCAL_RE.match(text, position):
            # Right after an address, a run of them: EMAIL_RE may start in the middle of it.
            run = _EMAIL_LOCAL_RE.match(text, position)
            domain = _EMAIL_DOMAIN_RE.match(text, run.end())
            if domain is not None:
                yield position, domain.end()
                position = domain.end()
            else:
                position = run.end()
            continue
        match = _EMAIL_RUN_START_RE.search(text, position)
        if match is None:
            return
        yield match.span()
        position = match.end()


def has_email(text: str) -> bool:
    return next(find_emails(text), None) is not None


def replace_emails(text: str, replacement: str) -> str:
    """``EMAIL_RE.sub(replacement, text)``, in linear time."""
    pieces, position = [], 0
    for start, end in find_emails(text):
        pieces += [text[position:start], replacement]
        position = end
    return "".join(pieces) + text[position:]


def decode(raw: bytes) -> str:
    """The page text from a file's bytes; a clear error for anything but non-empty UTF-8
    text of at most MAX_ARTICLE_BYTES."""
    if len(raw) > MAX_ARTICLE_BYTES:
        raise ArticleError(
            f"larger than {MAX_ARTICLE_BYTES // 1024 // 1024} MB: not a saved article page"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleError(
            f"not UTF-8 text (byte {error.start} cannot be read); save the page as UTF-8"
        ) from None
    if not text.strip():
        raise ArticleError("the file is empty")
    if "\x00" in text:
        # Text files hold no NUL character (and PostgreSQL could not store one).
        raise ArticleError("not a text file (it holds a NUL character)")
    return text


def parse_article(text: str) -> ParsedArticle:
    """Split a saved news page into its metadata and its main text."""
    lines = [normalize_line(line) for line in text.replace("\r\n", "\n").split("\n")]
    title_index = _find_title(lines)
    if title_index is None:
        raise ArticleError("no title found: the text has no line that reads as a headline")
    title = lines[title_index]
    byline = Byline()
    published_on = find_published_on(lines)
    url = next((m.group(1) for line in lines if (m := URL_RE.match(line))), "")

    paragraphs: list[str] = []
    said = _Paragraphs()
    seen: set[str] = {title}
    in_article = False
    for line in lines[title_index + 1 :]:
        if not line:
            continue
        if END_MARKERS_RE.match(line):
            if in_article:
                break
            continue
        byline_match = BYLINE_LINE_RE.match(line)
        if byline_match:
            take_byline_line(byline, byline_match)
            if in_article:
                break
            continue
        if _is_furniture(line, in_article):
            continue
        line = strip_opening_byline(line, byline)
        if line in seen or line in said:
            # The page repeats the headline, a caption or the whole article.
            if in_article and len(line) >= PARAGRAPH_MIN_CHARS:
                break
            continue
        seen.add(line)
        if not in_article and len(line) >= PARAGRAPH_MIN_CHARS:
            in_article = True
        for paragraph in _split_glued(line):
            paragraphs.append(paragraph)
            said.add(paragraph)

    if not paragraphs:
        raise ArticleError("no main text found below the title")
    outlet = byline.outlet or find_footer_outlet(lines)
    return ParsedArticle(
        title=title,
        body="\n\n".join(paragraphs),
        outlet=outlet,
        reporter=byline.reporter,
        published_on=published_on,
        url=url,
    )


class _Paragraphs:
    """The paragraphs kept so far, to ask whether a line repeats part of one.

    Asking each paragraph in turn costs the number of lines times the number of paragraphs
    (6.5 s for a page of 11,000 short lines). They are kept joined into a few strings
    instead, the i-th holding 2**i paragraphs (two of a size are joined into one of twice
    that), so that each paragraph is copied a few times in all and a question is a few
    substring searches. No line holds the "\n" that separates them."""

    def __init__(self):
        self.blocks: list[tuple[int, str]] = []  # (paragraphs, their text)

    def add(self, paragraph: str) -> None:
        count, text = 1, paragraph
        while self.blocks and self.blocks[-1][0] == count:
            earlier_count, earlier = self.blocks.pop()
            count, text = count + earlier_count, f"{earlier}\n{text}"
        self.blocks.append((count, text))

    def __contains__(self, line: str) -> bool:
        return any(line in text for _count, text in self.blocks)


def normalize_line(line: str) -> str:
    return re.sub(r"[ \t\u00a0\u200b\u3000]+", " ", line).strip()


def _find_title(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if (
            len(line) >= TITLE_MIN_CHARS
            and not line.startswith(("•", "·", "▶", "[", "<"))
            and not DATE_LINE_RE.match(line)
            and not FURNITURE_RE.search(line)
            and not has_email(line)
        ):
            return index
    return None


def find_published_on(lines: list[str]) -> datetime.date | None:
    for line in lines:
        match = PUBLISHED_RE.search(line)
        if match:
            try:
                return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
    return None


def _is_furniture(line: str, in_article: bool) -> bool:
    if FURNITURE_RE.search(line) and len(line) < 40:
        return True
    if is_caption(line) and not line.endswith(("다.", "다”", "다.”")):
        return True
    if in_article:
        return False
    # Above the article: labels, bullets with metadata, section names, empty timestamps.
    return (
        len(line) < SUBTITLE_MIN_CHARS
        or line.startswith(("•", "·"))
        or bool(LABEL_ONLY_RE.match(line))
        or bool(PUBLISHED_RE.search(line))
        or has_email(line)
    )


def is_caption(line: str) -> bool:
    """Whether the line ends with a photo caption's source (see CAPTION_REVERSED_RE)."""
    return CAPTION_REVERSED_RE.match(line[::-1]) is not None


def take_byline_line(byline: Byline, match: re.Match) -> None:
    first, second = match["first"], match["second"]
    if second and (OUTLET_SUFFIX_RE.search(second) or not re.fullmatch(HANGUL_NAME, second)):
        # "경규민 한경닷컴 기자": the reporter, then the outlet the reporter writes for.
        byline.reporter = byline.reporter or first
        byline.outlet = byline.outlet or second
    elif second and OUTLET_SUFFIX_RE.search(first):
        byline.outlet = byline.outlet or first
        byline.reporter = byline.reporter or second
    else:
        byline.reporter = byline.reporter or (second or first)


def strip_opening_byline(line: str, byline: Byline) -> str:
    for pattern in (BRACKET_BYLINE_RE, BAR_BYLINE_RE):
        match = pattern.match(line)
        if match:
            byline.outlet = byline.outlet or match["outlet"].strip()
            byline.reporter = byline.reporter or match["reporter"]
            return line[match.end() :]
    return line


def _split_glued(line: str) -> list[str]:
    parts = []
    if BULLET_RE.match(line) and len(line) > PARAGRAPH_MIN_CHARS:
        match = GLUED_HEADLINE_RE.search(line, 0, 120)
        if match and match.end() < len(line) - PARAGRAPH_MIN_CHARS:
            parts.append(line[: match.end()])
            line = line[match.end() :]
    pieces = GLUED_SENTENCE_RE.split(line)
    parts.extend(piece + "." for piece in pieces[:-1])
    parts.append(pieces[-1])
    return [part.strip() for part in parts if part.strip()]


def find_footer_outlet(lines: list[str]) -> str:
    for pattern in OUTLET_FOOTER_RES:
        for line in lines:
            match = pattern.search(line)
            if match:
                return match["outlet"].strip()
    return ""


# --- Dates stated in the text, resolved against the publication date ---------------------


@dataclass(frozen=True)
class StatedDate:
    """A date as the text words it, with what can be known of it."""

    stated: str
    start: int
    date: datetime.date | None
    precision: str  # a DatePrecision value: "day", "month_day", "month", "year", "unknown"
    basis: str
    near_event: bool = False

    @property
    def is_known(self) -> bool:
        return self.date is not None


_DATE_PATTERNS = [
    (
        "ymd",
        re.compile(
            r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*(?:년\s*|[.\-/]\s*)(?P<m>\d{1,2})\s*(?:월\s*|[.\-/]\s*)"
            r"(?P<d>\d{1,2})(?:일|(?!\d))"
        ),
    ),
    ("yy_m", re.compile(r"[’'‘](?P<yy>\d\d)\s*[.년]\s*(?P<m>\d{1,2})\s*월")),
    ("ym", re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*년\s*(?P<m>\d{1,2})\s*월")),
    (
        "rel_m",
        re.compile(
            r"(?P<rel>올해|금년|지난해|작년|전년|내년)\s*(?P<m>\d{1,2})\s*월(?!\s*\d{1,2}\s*일)"
        ),
    ),
    ("md", re.compile(r"(?<![\d.])(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일")),
    ("paren_md", re.compile(r"(?<=\()(?P<m>\d{1,2})\.(?P<d>\d{1,2})(?=\.?\))")),
    ("last_d", re.compile(r"지난\s*(?P<d>\d{1,2})\s*일(?![간째내])")),
    ("last_m", re.compile(r"지난\s*(?P<m>\d{1,2})\s*월(?!\s*\d)")),
    ("d", re.compile(r"(?<![\d.월])(?<!월 )(?P<d>\d{1,2})\s?일(?![간째내치분자])")),
    ("y", re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*년(?!\s*\d{1,2}\s*월)")),
]
LOCAL_TIME_RE = re.compile(r"\((?:현지시간|현지 시간)\)")
# Words near a date that say something happened on it: signed, held, launched, designated.
EVENT_WORDS_RE = re.compile(r"체결|개최|출범|협약|열린|열었|열어|지정|발표|선정|간담회|회의|서명")


def find_dates(text: str, published_on: datetime.date | None) -> list[StatedDate]:
    """Every date the text states, in order, each resolved as far as the text allows."""
    # The characters a date already found takes (1): a later pattern's match overlapping
    # one is left out. Looked up in its own span only, whatever the number of dates.
    taken = bytearray(len(text))
    found: list[StatedDate] = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if taken.find(1, start, end) != -1:
                continue
            resolved = _resolve(kind, match, published_on)
            if resolved is None:
                continue
            taken[start:end] = b"\x01" * (end - start)
            stated = match.group(0).strip()
            # Keep a qualifier the text puts right after the date: "지난 7일(현지시간)".
            qualifier = LOCAL_TIME_RE.match(text, end)
            if qualifier:
                stated += qualifier.group(0)
            window = text[max(0, start - 30) : end + 60]
            date, precision, basis = resolved
            found.append(
                StatedDate(
                    stated=stated,
                    start=start,
                    date=date,
                    precision=precision,
                    basis=basis,
                    near_event=bool(EVENT_WORDS_RE.search(window)),
                )
            )
    return sorted(found, key=lambda item: item.start)


def best_event_date(dates: list[StatedDate]) -> StatedDate | None:
    """The date most likely to be the agreement's: the first one next to an event word.

    Where the text states that date more than once (a subtitle, then the first paragraph),
    the fullest wording is kept: "지난 7일(현지시간)" rather than "지난 7일".
    """
    events = [item for item in dates if item.near_event and item.precision != "year"]
    if not events:
        return dates[0] if dates else None
    first = events[0]
    same = [item for item in events if (item.date, item.precision) == (first.date, first.precision)]
    if first.date is None:
        same = [item for item in same if item.stated.endswith(first.stated[-3:])]
    return max(same, key=lambda item: len(item.stated))


def _resolve(kind: str, match: re.Match, published_on: datetime.date | None):
    groups = {
        key: int(value) for key, value in match.groupdict().items() if value and value.isdigit()
    }
    pub = published_on
    pub_text = pub.strftime("%Y.%m.%d") if pub else ""
    try:
        if kind == "ymd":
            return (
                datetime.date(groups["y"], groups["m"], groups["d"]),
                "day",
                "본문에 연·월·일이 모두 있다.",
            )
        if kind == "ym":
            return datetime.date(groups["y"], groups["m"], 1), "month", "본문에 연·월이 있다."
        if kind == "yy_m":
            year = 2000 + groups["yy"]
            return (
                datetime.date(year, groups["m"], 1),
                "month",
                f"‘{groups['yy']:02d}년을 {year}년으로 보았다.",
            )
        if kind == "y":
            return datetime.date(groups["y"], 1, 1), "year", "본문에 연도만 있다."
        month = groups.get("m")
        day = groups.get("d")
        if month is not None and not 1 <= month <= 12:
            return None
        if day is not None and not 1 <= day <= 31:
            return None
        if pub is None and kind in ("md", "paren_md"):
            # The month and day are known, the year is not: the curator may know it.
            return (
                datetime.date(YEARLESS, month, day),
                "month_day",
                _no_year_basis(),
            )
        if pub is None:
            return None if kind == "d" else (None, "unknown", _no_year_basis())
        if kind == "rel_m":
            offset = {"올해": 0, "금년": 0, "지난해": -1, "작년": -1, "전년": -1, "내년": 1}[
                match["rel"]
            ]
            year = pub.year + offset
            return (
                datetime.date(year, month, 1),
                "month",
                f"‘{match['rel']}’를 기사 발행일({pub_text})에 맞춰 {year}년으로 풀었다.",
            )
        if kind == "last_m":
            year = pub.year if month < pub.month else pub.year - 1
            return (
                datetime.date(year, month, 1),
                "month",
                f"‘지난 {month}월’을 기사 발행일({pub_text}) 이전의 "
                f"가장 가까운 {month}월로 보았다.",
            )
        if kind in ("md", "paren_md"):
            return (
                datetime.date(pub.year, month, day),
                "day",
                f"본문은 월·일만 밝힌다. 연도는 기사 발행일({pub_text})에서 취했다.",
            )
        # "지난 7일", "3일": a day of the publication month, or of the month before when the
        # day has not yet come in the publication month.
        year, month = pub.year, pub.month
        if day > pub.day:
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return (
            datetime.date(year, month, day),
            "day",
            f"본문은 일({day}일)만 밝힌다. 연·월은 기사 발행일({pub_text})에서 취했다.",
        )
    except ValueError:
        return None


def _no_year_basis() -> str:
    return "기사 페이지에 발행일이 없고 본문에 연도가 없어 연도를 알 수 없다."
