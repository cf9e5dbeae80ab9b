"""Proposing an agreement's parties, and their roles, as a news article states them.

Pure text logic, no database. The input is an article's main text and the mentions of
organizations found in it (``news.mentions.Mention`` or stored ``NewsMention`` rows); the output
is one ``PartyProposal`` per organization: whether the article makes it a party, in which role,
why, and the sentence that says so, for the curator to confirm.

Korean marks an organization's part in a sentence with the particle after its name, so each
mention gets a *slot* from what follows it ("A는" subject, "A와 함께" partner, "A에서" place,
"A로부터" source, "A 지정" designating, "A 일자리" a modifier of another noun). Names joined by
"와/과", commas, "·" or "▲" share the slot of the last one, and a list closed by "등" shares the
slot (and the meaning) of the noun phrase after "등". A few rules then read a sentence's
predicate (체결, 개최, 구성, 지정, 위원장 …) and give the mentions in the right slots a role.
An organization judged in several sentences keeps its strongest evidence: a party role beats
any other reason, and of two roles the one naming its particular position wins.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .mentions import ORGANIZATION, Target

# The party roles, as ``agreements.models.PartyRole`` stores them (news may not import
# agreements: it sits below it in the app order).
SIGNATORY = "signatory"
CHAIR = "chair"
MEMBER = "member"
HOST = "host"
ORGANIZER = "organizer"
CO_ORGANIZER = "co_organizer"
OPERATOR = "operator"
DESIGNATOR = "designator"
DESIGNEE = "designee"
PARTICIPANT = "participant"
SUPPORTER = "supporter"

# Which role wins when one organization gets several: a role that names one organization's
# own position (chair, signatory, designator) says more than one it shares with many (member).
ROLE_STRENGTH = {
    CHAIR: 10,
    SIGNATORY: 9,
    DESIGNATOR: 8,
    DESIGNEE: 8,
    HOST: 7,
    CO_ORGANIZER: 6,
    ORGANIZER: 6,
    OPERATOR: 5,
    MEMBER: 4,
    SUPPORTER: 3,
    PARTICIPANT: 2,
}

# Reasons for not proposing an organization, the most telling first.
ATTENDED = "attended"
VENUE = "venue"
QUOTED = "quoted"
BACKGROUND = "background (한편)"
MENTIONED_ONLY = "mentioned only"
NON_PARTY_STRENGTH = {ATTENDED: 4, VENUE: 3, QUOTED: 2, BACKGROUND: 1, MENTIONED_ONLY: 0}


class MentionLike(Protocol):
    """What ``propose_parties`` reads of a mention: ``news.mentions.Mention`` or a stored
    ``NewsMention`` (which has ``organization_id`` instead of a ``Target``)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class PartyProposal:
    """One organization the article names, and what the article makes of it."""

    target: Target
    role: str | None  # a PartyRole value when is_party, else None
    is_party: bool
    reason: str  # short English label, e.g. "subject of 체결", "venue", "mentioned only"
    sentence: str  # the sentence it was judged from, to show next to the proposal

    @property
    def pk(self) -> int:
        return self.target.pk


@dataclass(frozen=True)
class Sentence:
    """A sentence of the article: ``text`` is ``body[start:end]``."""

    start: int
    end: int
    text: str


# --- Sentences ----------------------------------------------------------------------------

OPENING_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉"}
STRAIGHT_QUOTES = frozenset("\"'")
# A line's bullet: "- ", "– ", "□", "○", "▶" … (but not "▲", which lists names mid-sentence).
BULLET_RE = re.compile(r"^[\s\-–—□■○●◎◇◆▶▷※•*]+")
# "Inc.", "Co.", "U.S." end abbreviations, not sentences.
ABBREVIATION_BEFORE_RE = re.compile(r"(?:\b[A-Z]|\bInc|\bCo|\bLtd|\bCorp|\bDr|\bNo|\bvs)$")


def split_sentences(body: str) -> list[Sentence]:
    """The sentences of ``body``, in order, with their offsets.

    A line break always ends a sentence (headlines and bullets have no full stop); inside a
    line a sentence ends at ".", "?" or "!" followed by a space, but not inside quotes or
    parentheses: “…했다.”며 continues the sentence that quotes it. A line's bullet is left out.
    """
    sentences: list[Sentence] = []
    offset = 0
    for line in body.splitlines(keepends=True):
        for start, end in _line_sentences(line):
            sentences.extend(_trimmed(body, offset + start, offset + end))
        offset += len(line)
    return sentences


def _line_sentences(line: str) -> Iterable[tuple[int, int]]:
    start = 0
    for index, depth in _depths(line):
        char = line[index]
        if char not in ".?!" or depth:
            continue
        ends_line = index + 1 == len(line) or line[index + 1].isspace()
        # The few characters before the stop are all an abbreviation takes (line[start - 1]
        # ended the sentence before, so no word runs on from it into the one searched).
        if ends_line and not ABBREVIATION_BEFORE_RE.search(line, max(start, index - 8), index):
            yield start, index + 1
            start = index + 1
    yield start, len(line)


def _depths(text: str) -> Iterable[tuple[int, int]]:
    """Each index of ``text`` with how many quotes or parentheses are open after it."""
    stack: list[str] = []
    last = {quote: text.rfind(quote) for quote in STRAIGHT_QUOTES}
    for index, char in enumerate(text):
        if char in OPENING_QUOTES or char == "(":
            stack.append(OPENING_QUOTES.get(char, ")"))
        elif stack and char == stack[-1]:
            stack.pop()
        elif char in STRAIGHT_QUOTES and last[char] > index:
            # A straight quote opens only if it is closed later on: "Korea's" has none.
            stack.append(char)
        yield index, len(stack)


def _trimmed(body: str, start: int, end: int) -> list[Sentence]:
    text = body[start:end]
    bullet = BULLET_RE.match(text)
    if bullet:
        start += bullet.end()
    while end > start and body[end - 1].isspace():
        end -= 1
    return [Sentence(start, end, body[start:end])] if end > start else []


def _enclosed_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` inside quotes or parentheses (the marks included), outermost only."""
    spans = []
    opened = None
    previous_depth = 0
    for index, depth in _depths(text):
        if depth and not previous_depth:
            opened = index
        elif not depth and previous_depth and opened is not None:
            spans.append((opened, index + 1))
        previous_depth = depth
    if previous_depth and opened is not None:
        spans.append((opened, len(text)))
    return spans


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` inside quotes: speech and titles, which state nothing themselves."""
    return [span for span in _enclosed_spans(text) if text[span[0]] != "("]


def _outside(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` without ``spans``: the words the sentence itself states."""
    kept, position = [], 0
    for start, end in spans:
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return "".join(kept)


# --- Names in the article -----------------------------------------------------------------


@dataclass
class _Name:
    """Where an organization is named: one span, the organizations it stands for."""

    start: int
    end: int  # past a gloss: "SBA(서울산업진흥원, 대표이사 장영승)" ends after ")"
    text: str
    targets: tuple[Target, ...]
    spelled_out: bool = False  # followed by its full name in parentheses
    redefines: bool = False  # ... and that names another organization than the short name


def _organization(mention: MentionLike) -> Target | None:
    if hasattr(mention, "organization_id"):  # a stored NewsMention
        organization_id = mention.organization_id
        return Target(ORGANIZATION, organization_id) if organization_id else None
    target = getattr(mention, "target", None)
    return target if isinstance(target, Target) and target.kind == ORGANIZATION else None


def _names(body: str, mentions: Iterable[MentionLike]) -> list[_Name]:
    """The article's organization names, each gloss resolved.

    Korean news writes a short name with the full one in parentheses, "SBA(서울산업진흥원)",
    "BMS(한국BMS제약)": the pair is one name, of the organization in the parentheses. When
    the parentheses name a different organization than the short name alone would, the
    article has said what it means by the short name, and its other uses mean that too
    (except where it spells the short name out again, as something else).
    """
    spans: dict[tuple[int, int], set[Target]] = {}
    for mention in mentions:
        target = _organization(mention)
        if target is not None:
            spans.setdefault((mention.start, mention.end), set()).add(target)
    names = [
        _Name(start, end, body[start:end], tuple(sorted(targets, key=lambda t: t.pk)))
        for (start, end), targets in sorted(spans.items())
    ]
    names = _merge_glosses(body, names)
    meanings: dict[str, tuple[Target, ...]] = {}
    for name in names:
        if name.redefines and name.text not in meanings:
            meanings[name.text] = name.targets
    for name in names:
        if not name.spelled_out and name.text in meanings:
            name.targets = meanings[name.text]
    return names


# What may stand between a name's opening parenthesis and the name it is glossed with:
# "SBA(서울산업진흥원)", "오송첨단의료산업진흥재단(이하 오송재단)", "(이하 ‘오송재단’)".
GLOSS_OPENING_RE = re.compile(r"\s*(?:이하\s*)?[‘'\"“]?\s*")
# A short name defined in parentheses that the directory may not know: "(이하 첨복재단)".
SHORT_NAME_GLOSS_RE = re.compile(r"\(\s*이하[^()]{1,30}\)")


def _merge_glosses(body: str, names: list[_Name]) -> list[_Name]:
    merged: list[_Name] = []
    index = 0
    # body.find(")", found_from) is found (-1: no ")" after it); looked up again only when
    # asked from past it, so that the text is read once however many glosses it holds.
    found_from, found = 0, body.find(")")
    while index < len(names):
        name = names[index]
        inner = names[index + 1] if index + 1 < len(names) else None
        opening = body.find("(", name.end, name.end + 2)
        if (
            inner
            and opening >= 0
            and GLOSS_OPENING_RE.fullmatch(body[opening + 1 : inner.start])
            and ")" not in body[opening : inner.start]
        ):
            if inner.end < found_from or 0 <= found < inner.end:
                found_from, found = inner.end, body.find(")", inner.end)
            end = found + 1 if found >= 0 else inner.end
            redefines = inner.targets != name.targets
            merged.append(_Name(name.start, end, name.text, inner.targets, True, redefines))
            index += 2
            continue
        # A short name the directory does not know is still part of the name: the particle
        # that tells the name's part in the sentence comes after it.
        gloss = SHORT_NAME_GLOSS_RE.match(body, name.end)
        if gloss:
            name.end = gloss.end()
        merged.append(name)
        index += 1
    return merged


# --- Slots: what a name is in its sentence ------------------------------------------------

SUBJECT = "subject"  # A는, A가
OBJECT = "object"  # A를
PARTNER = "partner"  # A와 함께, A와 협약 (a "와" with no second name after it)
BETWEEN = "between"  # A-B 간
AS = "as"  # A로 (구성)
SOURCE = "source"  # A로부터
PLACE = "place"  # A에서, A 대강당에서
GENITIVE = "genitive"  # A의
JOINED = "joined"  # A와 B, A, B, ▲A ▲B: shares the slot of the next name
LISTED = "listed"  # A 등 …: shares the slot of the noun phrase after 등
DESIGNATING = "designating"  # A 지정 (특화연구소 B)
ATTRIBUTED = "attributed"  # A 주최, A 공동 주관, A 후원
MODIFIER = "modifier"  # A 일자리, A 특화연구소: part of another noun phrase
IN_QUOTE = "in quote"
ATTENDING = "attending"  # inside "… 참석한 가운데"
OTHER = "other"

# The slots of names that take part in what the sentence's predicate says.
ARGUMENT_SLOTS = frozenset({SUBJECT, OBJECT, PARTNER, BETWEEN, AS})

# "A 박민수 제2차관을", "A 기획조정실장과", "A장은": a person speaking for A takes A's place.
REPRESENTATIVE_RE = re.compile(
    r"^\s?(?:[가-힣]{2,4}\s)?[가-힣0-9]{0,8}?"
    r"(?:장|차관|장관|비서관|대표이사|대표|이사|관계자들?)(?=[은는이가을를과와의,\s]|로|으로)"
)
PLACE_RE = re.compile(r"^(?:\s[^\s,]{1,8}?)?에서")
SOURCE_RE = re.compile(r"^(?:으로|로)부터")
GENITIVE_RE = re.compile(r"^(?:와의|과의|의)(?![가-힣])")
PARTNER_RE = re.compile(
    r"^(?:와|과)\s*(?:함께|공동|같이|협약|업무|MOU|양해각서|협력|손[을잡]|계약|파트너)"
)
JOINED_RE = re.compile(r"^(?:(?:와|과|및|,|、|·|ㆍ|-|–|/)\s?|\s(?:및|▲|■|•)\s?|\s*▲)")
LISTED_RE = re.compile(r"^\s?등(?=\s|의)")
LISTED_NOUN_RE = re.compile(r"^\s[가-힣]+\s등(?=\s|의)")
BETWEEN_RE = re.compile(r"^\s?(?:간|사이)(?:의)?(?![가-힣])")
SUBJECT_RE = re.compile(r"^(?:은|는|이|가|께서|측은|측이|도)(?![가-힣])")
OBJECT_RE = re.compile(r"^(?:을|를)(?![가-힣])")
AS_RE = re.compile(r"^(?:으로|로)(?:서|써)?(?![가-힣])")
DESIGNATING_RE = re.compile(r"^\s지정(?:한|된)?\s")
ATTRIBUTED_RE = re.compile(
    r"^\s?(?P<word>(?:공동\s?)?(?:주최|주관|후원))(?=$|[\s,)]|로|으로|하에|의\s|인\s)"
)
# The word ending a noun phrase after "등": its particle gives the phrase's slot.
PHRASE_END_RE = re.compile(r"(?P<particle>[은는이가을를과와,]|로부터|로|에서)$")
ATTENDANCE_RE = re.compile(
    r"참석한\s?가운데|참석했|참석하였|참석해|참석하여|참석하고|참가했|참가해|자리했|함께한\s?가운데"
)
# Where the clause attending starts: after a topic ("협약식에는 ", "A와 B는 ") or after another
# predicate ("A가 공동 주관한 박람회에 기업이 참가했다": A organizes, the companies attend).
# Tried only where a word starts (the look-behind): from inside a long word, each try would
# read to the word's end, the square of its length. A break found from inside a word is
# also found from its start, so the breaks are the same.
CLAUSE_BREAK_RE = re.compile(
    r"(?<![가-힣A-Za-z0-9)])[가-힣A-Za-z0-9)]+(?:[은는]|[한된]|하고|했고|되고|하며|했으며|되며|하여)\s"
)
# What is read after a name to tell its part (a particle, a parenthesis, the phrase after
# "등"): far more than any of them takes in an article. A name followed by a longer run of
# text is read as if the text stopped there; every name's reading costs the same however
# long its sentence.
AFTER_NAME_CHARS = 500
# A chair's title next to a name: CHAIR_AFTER_RE and CHAIR_BEFORE_RE match fewer characters.
CHAIR_CHARS = 64


@dataclass
class _Reading:
    """One sentence prepared for the rules."""

    sentence: Sentence
    stated: str  # the sentence without quotes and parentheses: its own predicates
    names: list[_Name]
    slots: list[str] = field(default_factory=list)  # each name's slot, joined names resolved
    own_slots: list[str] = field(default_factory=list)  # each name's slot before resolving
    phrases: list[str] = field(default_factory=list)  # the noun phrase after "등" or "A 주최"
    group_ends: list[int] = field(default_factory=list)  # index of the last name of its list
    next_heads: list[int | None] = field(default_factory=list)  # see _next_head


def _read(body: str, sentence: Sentence, names: list[_Name]) -> _Reading:
    quotes = _quoted_spans(sentence.text)  # in order, none inside another
    quote_starts = [start for start, _ in quotes]
    reading = _Reading(sentence, _outside(sentence.text, _enclosed_spans(sentence.text)), names)
    for name in names:
        local = name.start - sentence.start
        quote = bisect_right(quote_starts, local) - 1
        if quote >= 0 and local < quotes[quote][1]:
            slot, phrase = IN_QUOTE, ""
        else:
            end = min(sentence.end, name.end + AFTER_NAME_CHARS)
            slot, phrase = _own_slot(body[name.end : end])
        reading.own_slots.append(slot)
        reading.phrases.append(phrase)
    reading.next_heads = _next_heads(reading)
    _resolve_lists(reading)
    for index in _attending(sentence, names):
        if reading.slots[index] in ARGUMENT_SLOTS:
            reading.slots[index] = ATTENDING
    return reading


def _own_slot(after: str) -> tuple[str, str]:
    """The slot the words right after a name give it, and the noun phrase it heads, if any."""
    if after.startswith("("):
        closing = after.find(")")
        after = after[closing + 1 :] if closing >= 0 else after
    if PLACE_RE.match(after):
        return PLACE, ""
    representative = REPRESENTATIVE_RE.match(after)
    if representative:
        after = after[representative.end() :]
    for slot, pattern in (
        (SOURCE, SOURCE_RE),
        (GENITIVE, GENITIVE_RE),
        (PARTNER, PARTNER_RE),
        (LISTED, LISTED_RE),
        (BETWEEN, BETWEEN_RE),
        (JOINED, JOINED_RE),
        (SUBJECT, SUBJECT_RE),
        (OBJECT, OBJECT_RE),
        (AS, AS_RE),
        (DESIGNATING, DESIGNATING_RE),
    ):
        found = pattern.match(after)
        if found:
            if slot == LISTED:
                return LISTED, _phrase_after(after[found.end() :])
            return slot, ""
    attributed = ATTRIBUTED_RE.match(after)
    if attributed:
        return ATTRIBUTED, attributed["word"]
    if after[:1].isspace():
        # "A 연구자 등 행사 참가자들": A names the people of a list closed by "등".
        listed = LISTED_NOUN_RE.match(after)
        if listed:
            return LISTED, _phrase_after(after[listed.end() :])
        return MODIFIER, ""
    return OTHER, ""


def _phrase_after(text: str) -> str:
    """The noun phrase after "등", to the first word ending in a particle or a comma:
    "포럼에 참석한 6개 조직위 기관장과"."""
    words = []
    for word in text.split()[:8]:
        words.append(word)
        if PHRASE_END_RE.search(word):
            break
    return " ".join(words)


def _phrase_slot(phrase: str) -> str:
    """The slot the particle ending a noun phrase gives a list closed by "등"."""
    ending = PHRASE_END_RE.search(phrase)
    return _own_slot(ending["particle"])[0] if ending else OTHER


def _resolve_lists(reading: _Reading) -> None:
    """Give joined and listed names the slot of the name or phrase that ends their list.

    "A와 B는": A takes B's subject slot. A modifier between them ("A와 서울시 일자리 … B는")
    or a designating name ("A과 보건복지부 지정 특화연구소 B은") is part of B's phrase and
    does not end A's list. A "와" with no name after it is a partner: "B와 업무 협약을".
    """
    count = len(reading.names)
    reading.slots = [OTHER] * count
    reading.group_ends = list(range(count))
    for index in reversed(range(count)):
        slot = reading.own_slots[index]
        if slot == LISTED:
            slot = _phrase_slot(reading.phrases[index])
        if slot == JOINED:
            following = _next_head(reading, index)
            if following is None:
                slot = PARTNER
            else:
                slot = reading.slots[following]
                reading.group_ends[index] = reading.group_ends[following]
        reading.slots[index] = slot


def _next_head(reading: _Reading, index: int) -> int | None:
    """The next name after ``index`` that heads its own phrase (not "서울시" in "서울시
    일자리", not "복지부" in "복지부 지정 특화연구소 B", not a name inside a quote)."""
    return reading.next_heads[index]


def _next_heads(reading: _Reading) -> list[int | None]:
    """_next_head of every name, from the last one back: one pass over the names."""
    heads: list[int | None] = [None] * len(reading.names)
    following = None
    for index in reversed(range(len(reading.names))):
        heads[index] = following
        if reading.own_slots[index] not in (MODIFIER, DESIGNATING, IN_QUOTE):
            following = index
    return heads


def _attending(sentence: Sentence, names: list[_Name]) -> Iterable[int]:
    """Names inside "… 참석한 가운데" / "… 참석했다": from the topic or predicate before the
    verb ("협약식에는", "A와 B는") to the verb, they attend; they are not its subject."""
    # The clause breaks of the text before a verb are those of the sentence that end before
    # the verb: each ends with a space, which a break running on past the verb's start
    # would not have there.
    breaks = [found.end() for found in CLAUSE_BREAK_RE.finditer(sentence.text)]
    starts = [name.start for name in names]
    for verb in ATTENDANCE_RE.finditer(sentence.text):
        before = bisect_right(breaks, verb.start())
        clause_start = sentence.start + (breaks[before - 1] if before else 0)
        clause_end = sentence.start + verb.start()
        yield from range(bisect_left(starts, clause_start), bisect_left(starts, clause_end))


# --- Rules ---------------------------------------------------------------------------------

# A rule reads a sentence and returns (name index, role, reason) for the names it makes parties.
Finding = tuple[int, str, str]
Rule = Callable[[_Reading, str], list[Finding]]

SIGNING_RE = re.compile(
    r"체결|(?:협약|협정|MOU|MOA|LOI|양해각서|의향서|계약)[을를]?\s?(?:맺|교환|서명)"
    r"|서명(?:했|하였|한)"
)
HOSTING_RE = re.compile(
    r"(?P<word>(?:공동\s?)?(?:주최|개최|주관))(?:했|하였|한다|하고|하며|해|할|한|하는|하기로|$)"
    r"|(?P<open>열었|열어|연다|열고|열기로|열\s예정)"
)
COUNCIL_RE = re.compile(r"협의체|협의회|위원회|조직위|컨소시엄|얼라이언스|연합체")
COMPOSING_RE = re.compile(r"구성|결성|꾸렸|꾸려")
DESIGNATED_RE = re.compile(r"지정(?:됐|되었|되어|되|돼|된|받)")
DESIGNATING_VERB_RE = re.compile(r"지정(?:했|하였|한다|하고|하며|해|할|하기)")
# "A 박민수 제2차관을 위원장으로", "A가 위원장을 맡아"
CHAIR_AFTER_RE = re.compile(
    r"^\s?(?:[가-힣]{2,4}\s)?(?:[가-힣0-9]{0,8}?(?:장|차관|장관|대표이사|대표|이사))?"
    r"[을를이가은는]?\s?(?:공동\s?)?위원장(?:으로|에|을|직)"
)
# "위원장은 A …", "위원장에는 A 차관이"
CHAIR_BEFORE_RE = re.compile(r"(?:공동\s?)?위원장(?:은|는|에는|으로는|인|에)\s(?:[가-힣]{2,4}\s)?$")
# The noun phrase a list is gathered under names what its members are.
COMMITTEE_PHRASE_RE = re.compile(r"조직위|공동\s?주관|주관기관|공동\s?주최")
MEMBERS_PHRASE_RE = re.compile(r"회원사|회원기관|구성원|구성기관|참여기관|위원기관")
ATTENDEES_PHRASE_RE = re.compile(r"참석자|참가자|참석 기관|참가 기관")


def _arguments(reading: _Reading, slots: Iterable[str]) -> Iterable[tuple[int, str]]:
    wanted = frozenset(slots)
    return ((i, slot) for i, slot in enumerate(reading.slots) if slot in wanted)


def _slot_reason(slot: str, verb: str) -> str:
    return {
        SUBJECT: f"subject of {verb}",
        PARTNER: f"partner (와) in {verb}",
        BETWEEN: f"between (간) … {verb}",
    }.get(slot, f"named in {verb}")


def signatories(reading: _Reading, _body: str) -> list[Finding]:
    """Signing: "A와 B는 … 협약을 체결", "A(대표 …)는 … B, C와 업무 협약을 체결", "A, B, C가 … MOU를
    맺었다", "A-B-C 간 … 공동의향서 체결": the subject and its partners sign."""
    signing = SIGNING_RE.search(reading.stated)
    if not signing:
        return []
    verb = "체결" if "체결" in signing.group(0) else signing.group(0)
    return [
        (index, SIGNATORY, _slot_reason(slot, verb))
        for index, slot in _arguments(reading, (SUBJECT, PARTNER, BETWEEN))
    ]


def hosts(reading: _Reading, _body: str) -> list[Finding]:
    """Hosting: "A와 B가 공동 주최/개최한", "A는 … 행사를 개최했다", "… B와 '행사' 개최"
    (a headline): the subject and its partners hold the event; "공동 주관" makes them
    co-organizers."""
    hosting = HOSTING_RE.search(reading.stated)
    if not hosting:
        return []
    verb = (hosting["word"] or "열다").replace(" ", "")
    return [
        (index, _hosting_role(verb), _slot_reason(slot, verb))
        for index, slot in _arguments(reading, (SUBJECT, PARTNER, BETWEEN))
    ]


def _hosting_role(word: str) -> str:
    """주최, 개최: host; 주관: organizer; 공동 주관: co-organizer; 후원: supporter."""
    if word.endswith("후원"):
        return SUPPORTER
    if word.endswith("주관"):
        return CO_ORGANIZER if word.startswith("공동") else ORGANIZER
    return HOST


def attributed_hosts(reading: _Reading, _body: str) -> list[Finding]:
    """A label: "A 주최로", "A·B 공동 주관", "A 후원": the name carries its part directly."""
    findings = []
    for index in range(len(reading.names)):
        end = reading.group_ends[index]
        if reading.own_slots[end] != ATTRIBUTED:
            continue
        word = reading.phrases[end].replace(" ", "")
        findings.append((index, _hosting_role(word), f"named as {word}"))
    return findings


def listed_members(reading: _Reading, _body: str) -> list[Finding]:
    """A named list: "▲A ▲B ▲C 등 포럼에 참석한 6개 조직위 기관장": a list closed by "등"
    is what the phrase after it calls it; an organizing committee's members co-organize, a
    council's or association's members are members."""
    findings = []
    for index in range(len(reading.names)):
        end = reading.group_ends[index]
        if reading.own_slots[end] != LISTED:
            continue
        phrase = reading.phrases[end]
        if COMMITTEE_PHRASE_RE.search(phrase):
            findings.append((index, CO_ORGANIZER, "listed as 조직위 / 공동주관기관"))
        elif MEMBERS_PHRASE_RE.search(phrase):
            findings.append((index, MEMBER, "listed as members"))
    return findings


def council_members(reading: _Reading, _body: str) -> list[Finding]:
    """A council: "협의체는 A를 위원장으로 B, C … 로 구성", "A, B … 가 모여 결성됐다": the names a
    council, committee or consortium is made of are its members."""
    if not (COUNCIL_RE.search(reading.stated) and COMPOSING_RE.search(reading.stated)):
        return []
    council = COUNCIL_RE.search(reading.stated).group(0)
    return [
        (index, MEMBER, f"member of {council}")
        for index, _slot in _arguments(reading, ARGUMENT_SLOTS)
    ]


def chairs(reading: _Reading, body: str) -> list[Finding]:
    """A chair: "A 박민수 제2차관을 위원장으로", "위원장은 A …": the name next to 위원장 chairs."""
    findings = []
    for index, name in enumerate(reading.names):
        if reading.own_slots[index] == IN_QUOTE:
            continue
        after = body[name.end : min(reading.sentence.end, name.end + CHAIR_CHARS)]
        before = body[max(reading.sentence.start, name.start - CHAIR_CHARS) : name.start]
        if CHAIR_AFTER_RE.match(after) or CHAIR_BEFORE_RE.search(before):
            findings.append((index, CHAIR, "chair (위원장)"))
    return findings


def designations(reading: _Reading, _body: str) -> list[Finding]:
    """A designation: "A가 B를 … 로 지정했다", "B는 A로부터 … 로 지정됐다", "A 지정 특화연구소 B":
    the one who designates and the one designated."""
    findings = []
    passive = DESIGNATED_RE.search(reading.stated)
    active = DESIGNATING_VERB_RE.search(reading.stated)
    if passive or active:
        for index, slot in enumerate(reading.slots):
            if slot == SOURCE:
                findings.append((index, DESIGNATOR, "designates (로부터 … 지정)"))
            elif slot == SUBJECT and passive:
                findings.append((index, DESIGNEE, "designated (subject of 지정됐다)"))
            elif slot == SUBJECT and active:
                findings.append((index, DESIGNATOR, "subject of 지정"))
            elif slot == OBJECT and active:
                findings.append((index, DESIGNEE, "designated (object of 지정)"))
    for index, slot in enumerate(reading.own_slots):
        if slot != DESIGNATING:
            continue
        findings.append((index, DESIGNATOR, "designates (A 지정 …)"))
        designee = _next_head(reading, index)
        if designee is not None:
            findings.append((designee, DESIGNEE, "designated (A 지정 … B)"))
    return findings


RULES: tuple[Rule, ...] = (
    signatories,
    hosts,
    attributed_hosts,
    listed_members,
    council_members,
    chairs,
    designations,
)

# A side note ("한편, …", "앞서 …") tells background, not the event the article reports.
BACKGROUND_RE = re.compile(r"^(?:한편|앞서)[,\s]")


# --- Judging an article ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Evidence:
    target: Target
    role: str | None
    reason: str
    sentence: Sentence

    @property
    def strength(self) -> tuple[int, int, int]:
        """Party evidence first, then the stronger role or reason, then the earlier sentence."""
        if self.role is not None:
            return (1, ROLE_STRENGTH[self.role], -self.sentence.start)
        return (0, NON_PARTY_STRENGTH[self.reason], -self.sentence.start)


def propose_parties(body: str, mentions: Iterable[MentionLike]) -> list[PartyProposal]:
    """One proposal per organization ``mentions`` name in ``body``, in order of first mention.

    ``mentions`` are ``news.mentions.Mention`` objects or stored ``NewsMention`` rows; cluster
    mentions are ignored (a party is an organization).
    """
    names = _names(body, mentions)
    if not names:
        return []
    starts = [name.start for name in names]
    evidence: list[_Evidence] = []
    for sentence in split_sentences(body):
        inside = names[bisect_left(starts, sentence.start) : bisect_left(starts, sentence.end)]
        if inside:
            evidence.extend(_judge(body, sentence, inside))
    strongest: dict[Target, _Evidence] = {}
    for item in evidence:
        if item.target not in strongest or item.strength > strongest[item.target].strength:
            strongest[item.target] = item
    order = _first_mentions(names)
    return [
        PartyProposal(
            target=item.target,
            role=item.role,
            is_party=item.role is not None,
            reason=item.reason,
            sentence=item.sentence.text,
        )
        for item in sorted(strongest.values(), key=lambda item: order[item.target])
    ]


def _first_mentions(names: list[_Name]) -> dict[Target, int]:
    order: dict[Target, int] = {}
    for name in names:
        for target in name.targets:
            order.setdefault(target, name.start)
    return order


def _judge(body: str, sentence: Sentence, names: list[_Name]) -> list[_Evidence]:
    """The evidence one sentence gives about each organization it names."""
    if BACKGROUND_RE.match(sentence.text):
        return _evidence(names, [BACKGROUND] * len(names), sentence)
    reading = _read(body, sentence, names)
    found: dict[int, list[tuple[str, str]]] = {}
    for rule in RULES:
        for index, role, reason in rule(reading, body):
            found.setdefault(index, []).append((role, reason))
    evidence = []
    for index, name in enumerate(names):
        for role, reason in found.get(index, []):
            evidence.extend(_Evidence(target, role, reason, sentence) for target in name.targets)
        if index not in found:
            reason = _why_not(reading, index)
            evidence.extend(_Evidence(target, None, reason, sentence) for target in name.targets)
    return evidence


def _evidence(names: list[_Name], reasons: list[str], sentence: Sentence) -> list[_Evidence]:
    return [
        _Evidence(target, None, reason, sentence)
        for name, reason in zip(names, reasons, strict=True)
        for target in name.targets
    ]


def _why_not(reading: _Reading, index: int) -> str:
    """Why a name no rule made a party is not one."""
    slot = reading.slots[index]
    end = reading.group_ends[index]
    if slot == ATTENDING or (
        reading.own_slots[end] == LISTED and ATTENDEES_PHRASE_RE.search(reading.phrases[end])
    ):
        return ATTENDED
    if reading.own_slots[index] == PLACE:
        return VENUE
    if reading.own_slots[index] == IN_QUOTE:
        return QUOTED
    return MENTIONED_ONLY
