"""Finding the organizations and clusters an article names, and the names it has that are new.

Pure text logic, no database. One Aho-Corasick automaton (pyahocorasick) holds every name and
alias, so an article is scanned once whatever the size of the directory. Korean attaches
particles straight to a name ("서울대병원은", "한국보건산업진흥원과"), so a Hangul name may be
followed by more Hangul; it may not be preceded by Hangul, or "서울대병원" would be found inside
"분당서울대병원". A Latin name must stand alone among Latin letters and digits: "BMS" is not
in "BMSX", but it is in "한국BMS제약".
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate

import ahocorasick

ORGANIZATION = "organization"
CLUSTER = "cluster"

# Particles that may follow a name; a two-letter Hangul name ("이대", "하버드" is fine) must be
# followed by one of these or by a non-Hangul character, or it is a piece of another word.
PARTICLE_STARTS = frozenset("은는이가을를의와과에도로으만께랑부까처보측장")
PARTICLES = sorted(
    [
        "에서는",
        "에서도",
        "으로서",
        "으로부터",
        "에서",
        "으로",
        "에게",
        "부터",
        "까지",
        "과의",
        "와의",
        "과는",
        "와는",
        "처럼",
        "보다",
        "이다",
        "이며",
        "이고",
        "은",
        "는",
        "이",
        "가",
        "을",
        "를",
        "의",
        "와",
        "과",
        "에",
        "도",
        "로",
        "만",
        "측",
    ],
    key=len,
    reverse=True,
)
# A university's hospital or foundation is written with or without a space:
# "이화여자대학교의료원" and "이화여자대학교 의료원" are the same body.
SPACED_SUFFIX_RE = re.compile(r"^(?P<head>.+(?:대학교|대학|대))(?P<tail>의료원|병원|산학협력단)$")
PARENTHESIZED_RE = re.compile(r"^(?P<outer>[^()]+?)\s*\((?P<inner>[^()]+)\)$")


def is_hangul(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3"


def is_latin_or_digit(char: str) -> bool:
    return char.isascii() and char.isalnum()


@dataclass(frozen=True)
class Target:
    kind: str  # ORGANIZATION or CLUSTER
    pk: int


@dataclass(frozen=True)
class Mention:
    target: Target
    text: str
    start: int
    end: int


def name_variants(name: str) -> set[str]:
    """The ways a directory name appears in running text."""
    name = " ".join(name.split())
    variants = {name}
    parenthesized = PARENTHESIZED_RE.match(name)
    if parenthesized:
        # "G밸리 (서울디지털국가산업단지)": either part alone names the place.
        variants = {parenthesized["outer"], parenthesized["inner"]}
    for variant in list(variants):
        if " " in variant and any(is_hangul(char) for char in variant):
            variants.add(variant.replace(" ", ""))
        spaced = SPACED_SUFFIX_RE.match(variant)
        if spaced:
            variants.add(f"{spaced['head']} {spaced['tail']}")
    return {variant for variant in variants if len(variant) >= 2}


def _lower(text: str) -> str:
    """Lower-cased text with the same length, so offsets found in it hold in the original."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)


class MentionMatcher:
    """Finds every name of a fixed name set in a text; build once, use for many articles."""

    def __init__(self, names: Iterable[tuple[str, Target]]):
        entries: dict[str, tuple[str, set[Target]]] = {}
        for name, target in names:
            for variant in name_variants(name):
                key = _lower(variant)
                entries.setdefault(key, (variant, set()))[1].add(target)
        self._entries = {
            key: (variant, frozenset(targets)) for key, (variant, targets) in entries.items()
        }
        self._automaton = ahocorasick.Automaton()
        for key, (variant, targets) in self._entries.items():
            self._automaton.add_word(key, (len(key), variant, _is_acronym(variant), targets))
        if self._entries:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._entries)

    def knows(self, name: str) -> bool:
        return _lower(" ".join(name.split())) in self._entries

    def find(self, text: str) -> list[Mention]:
        """Every mention in ``text``, left to right, the longest name where names overlap."""
        if not self._entries:
            return []
        candidates = []
        for last, (length, variant, acronym, targets) in self._automaton.iter(_lower(text)):
            start, end = last - length + 1, last + 1
            if acronym and text[start:end] != variant:
                continue
            if _stands_alone(text, start, end):
                candidates.append((start, end, targets))
        candidates.sort(key=lambda item: (item[0], item[0] - item[1]))
        mentions: list[Mention] = []
        reach = 0
        for start, end, targets in candidates:
            if start < reach:
                continue
            reach = end
            mentions.extend(self._elided(text, start, end))
            mentions.extend(
                Mention(target, text[start:end], start, end)
                for target in sorted(targets, key=_order)
            )
        return mentions

    def _elided(self, text: str, start: int, end: int) -> list[Mention]:
        """The first of two names sharing an ending: "대구경북·오송첨단의료산업진흥재단"."""
        if start < 2 or text[start - 1] != "·":
            return []
        head = re.search(r"[가-힣]+$", text[: start - 1])
        if not head:
            return []
        matched = text[start:end]
        for cut in range(1, len(matched) - 1):
            entry = self._entries.get(_lower(head.group(0) + matched[cut:]))
            if entry:
                return [
                    Mention(target, head.group(0), head.start(), start - 1)
                    for target in sorted(entry[1], key=_order)
                ]
        return []


def _order(target: Target) -> tuple[str, int]:
    return (target.kind, target.pk)


def _is_acronym(name: str) -> bool:
    """An upper-case Latin name ("MOE", "BMS") matches only in upper case, not "moe"."""
    return any(char.isupper() for char in name) and not any(char.islower() for char in name)


def _stands_alone(text: str, start: int, end: int) -> bool:
    first, last = text[start], text[end - 1]
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if is_hangul(first) and is_hangul(before):
        return False
    if is_latin_or_digit(first) and is_latin_or_digit(before):
        return False
    if is_latin_or_digit(last) and is_latin_or_digit(after):
        return False
    return not (
        end - start <= 2 and is_hangul(last) and is_hangul(after) and after not in PARTICLE_STARTS
    )


# --- Names not yet in the directory ------------------------------------------------------

# Endings of Korean institution names, longest first, with the kind of body each suggests.
INSTITUTION_ENDINGS = [
    ("산학협력단", "public_agency"),
    ("진흥재단", "public_agency"),
    ("사업단", "public_agency"),
    ("대학교병원", "hospital"),
    ("진흥원", "public_agency"),
    ("개발원", "public_agency"),
    ("연구원", "research_institute"),
    ("연구소", "research_institute"),
    ("의료원", "hospital"),
    ("대학교", "university"),
    ("병원", "hospital"),
    ("재단", "public_agency"),
    ("협회", "association"),
    ("학회", "association"),
    ("조합", "association"),
    ("공사", "public_agency"),
    ("공단", "public_agency"),
    ("제약", "company"),
    ("바이오", "company"),
    ("센터", "other"),
    ("시청", "local_government"),
    ("도청", "local_government"),
    ("구청", "local_government"),
    ("부", "ministry"),
    ("처", "ministry"),
    ("청", "ministry"),
]
# Words ending like a ministry that are not one.
NOT_INSTITUTIONS = frozenset(
    [
        "정부",
        "일부",
        "내부",
        "외부",
        "전부",
        "본부",
        "세부",
        "간부",
        "대부분",
        "부부",
        "학부",
        "지부",
        "부처",
        "관계부처",
        "각부",
        "근처",
        "거처",
        "출처",
        "용처",
        "대처",
        "요청",
        "신청",
        "민원처",
        "바이오",
        "레드바이오",
        "그린바이오",
        "화이트바이오",
        "첨단바이오",
        "제약바이오",
    ]
)
# Words before an institution ending that make it a kind of body, not a name: "특화연구소",
# "대학병원", "협력기관 산하 연구소".
GENERIC_STEMS = frozenset(
    [
        "특화",
        "부설",
        "산하",
        "소속",
        "지정",
        "해당",
        "국내",
        "전국",
        "주요",
        "관련",
        "지역",
        "공공",
        "국공립",
        "민간",
        "대형",
        "종합",
        "상급종합",
        "대학",
        "협력",
        "전문",
        "거점",
        "참여",
        "연구",
        "입주",
        "기업부설",
    ]
)
# Who heads a body, as articles introduce it: "삼성바이오로직스(대표 존 림)".
HEAD_TITLES = (
    "대표이사|대표|회장|사장|원장|이사장|총장|병원장|의료원장|청장|장관|시장|도지사|군수|구청장"
    "|센터장|단장|소장|위원장|본부장"
)
HEADED_NAME_RE = re.compile(
    rf"(?<![가-힣A-Za-z0-9])(?P<name>[가-힣][가-힣A-Za-z0-9]{{1,30}})\s*\((?P<title>{HEAD_TITLES})\s"
)
COMPANY_MARK_RE = re.compile(
    r"(?:㈜|\(주\)|주식회사)\s*(?P<after>[가-힣A-Za-z][가-힣A-Za-z0-9]{1,30})"
    r"|(?P<before>[가-힣A-Za-z][가-힣A-Za-z0-9]{1,30})\s*(?:㈜|\(주\))"
)
COMPANY_HEADS = frozenset(["대표이사", "대표", "회장", "사장"])
WORD_RE = re.compile(r"[가-힣A-Za-z0-9&]+")
ABBREVIATION_RE = re.compile(
    r"(?<![A-Za-z0-9])(?P<abbr>[A-Z][A-Za-z0-9&\-]{1,11})\s*"
    r"\((?P<full>[가-힣][가-힣A-Za-z0-9 ]{2,40}?)\s*[,)]"
)
REVERSE_ABBREVIATION_RE = re.compile(
    r"(?P<full>[가-힣][가-힣A-Za-z0-9]{2,40})\s*\((?P<abbr>[A-Z][A-Za-z0-9&\-]{1,11})\)"
)


@dataclass(frozen=True)
class NameCandidate:
    """An organization-like name the directory does not know yet."""

    name: str
    kind: str
    abbreviation: str = ""
    start: int = 0


def guess_kind(name: str) -> str:
    for ending, kind in INSTITUTION_ENDINGS:
        if name.endswith(ending):
            if kind == "ministry" and re.search(r"(?:특별시|광역시|도|시|군|구)청$", name):
                return "local_government"
            return kind
    return "other"


def strip_particle(word: str) -> str:
    for particle in PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            stripped = word[: -len(particle)]
            if _institution_ending(stripped):
                return stripped
    return word


def _institution_ending(word: str) -> str:
    for ending, _kind in INSTITUTION_ENDINGS:
        if word.endswith(ending):
            # A bare ending ("진흥원 관계자", "병원") names no one in particular, and neither
            # does a kind of body ("특화연구소", "대학병원").
            minimum = len(ending) + (2 if len(ending) == 1 else 1)
            if len(word) < minimum or word[: -len(ending)] in GENERIC_STEMS:
                return ""
            return ending
    return ""


def _is_generic(name: str) -> bool:
    """A kind of body ("특화연구소") rather than a name."""
    return any(
        name.endswith(ending) and name[: -len(ending)] in GENERIC_STEMS
        for ending, _kind in INSTITUTION_ENDINGS
    )


def find_new_names(
    text: str, mentions: Iterable[Mention], is_known: Callable[[str], bool]
) -> list[NameCandidate]:
    """Organization-like names in ``text`` that are neither mentions nor known names."""
    covered = sorted((mention.start, mention.end) for mention in mentions)
    starts = [start for start, _ in covered]
    # The furthest end of the mentions up to each one: a binary search per name, not a loop
    # over every mention (an article of many mentions and many words would take their product).
    reach = list(accumulate((end for _, end in covered), max))

    def overlaps(start: int, end: int) -> bool:
        before = bisect_left(starts, end)  # the mentions starting before ``end``
        return before > 0 and reach[before - 1] > start

    found: dict[str, NameCandidate] = {}

    def add(name: str, start: int, abbreviation: str = "", kind: str = "") -> None:
        name = " ".join(name.split())
        if name in NOT_INSTITUTIONS or is_known(name) or (abbreviation and is_known(abbreviation)):
            return
        existing = found.get(name)
        if existing is None or (abbreviation and not existing.abbreviation):
            found[name] = NameCandidate(name, kind or guess_kind(name), abbreviation, start)

    for pattern in (ABBREVIATION_RE, REVERSE_ABBREVIATION_RE):
        for match in pattern.finditer(text):
            full = strip_particle(match["full"].strip())
            if pattern is REVERSE_ABBREVIATION_RE and not _institution_ending(full):
                continue  # "플랫폼(NSTRI)": an abbreviation, but not of an institution.
            if not overlaps(match.start("full"), match.end("full")):
                add(full, match.start("full"), match["abbr"])
    # Names introduced with their head, or marked as companies, whatever their ending.
    for match in HEADED_NAME_RE.finditer(text):
        name = match["name"]
        if not overlaps(match.start("name"), match.end("name")) and not _is_generic(name):
            kind = guess_kind(name)
            if kind == "other" and match["title"] in COMPANY_HEADS:
                kind = "company"
            add(name, match.start("name"), kind=kind)
    for match in COMPANY_MARK_RE.finditer(text):
        group = "after" if match["after"] else "before"
        name = strip_particle(match[group])
        if not overlaps(match.start(group), match.start(group) + len(name)):
            add(name, match.start(group), kind="company")
    for match in WORD_RE.finditer(text):
        word = strip_particle(match.group(0))
        if not any(is_hangul(char) for char in word) or not _institution_ending(word):
            continue
        start, end = match.start(), match.start() + len(word)
        if overlaps(start, end) or word in NOT_INSTITUTIONS:
            continue
        add(word, start)
    return sorted(found.values(), key=lambda candidate: candidate.start)
