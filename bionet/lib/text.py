"""
Text typed or pasted by people: one Unicode form for names and queries, and numbers written
in ASCII digits only.

Names arrive in several spellings of the same characters. macOS and some Korean input methods
send decomposed Hangul (NFD: 한 as the three jamo ᄒ ᅡ ᆫ), which no stored name contains, and a
Korean or Japanese keyboard in full-width mode types ｋｈｉｄｉ for khidi. :func:`normalize`
brings both to the form the directory stores and searches: composed (NFC), with full-width
ASCII folded to ASCII.

Why not NFKC, which folds full-width forms too: it also rewrites characters Korean text uses
on purpose. It turns the compatibility jamo of initials such as ㅂㅅㅈ (an abbreviation of
보산진) into conjoining jamo that render and compare differently, ㈜ into (주), ² into 2 and ①
into 1. NFKC is therefore applied to the full-width ASCII block (U+FF01–U+FF5E, where it maps
each character to its ASCII twin, U+0021–U+007E) and the ideographic space (U+3000, to a
space) only, and plain NFC everywhere else.
"""

import re
import unicodedata

from django import forms

# NFKC restricted to full-width ASCII and the ideographic space: each maps to one ASCII character.
_FULLWIDTH_TO_ASCII = {code: code - 0xFF01 + 0x21 for code in range(0xFF01, 0xFF5F)} | {
    0x3000: 0x20
}

_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")

_ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")


def normalize(text: str) -> str:
    """``text`` composed (NFC), with full-width ASCII and the ideographic space folded."""
    if text.isascii():
        return text  # already both: an import normalizes tens of thousands of names
    text = unicodedata.normalize("NFC", text)
    return text.translate(_FULLWIDTH_TO_ASCII) if _FULLWIDTH.search(text) else text


def ascii_int(value) -> int | None:
    """``value`` as a whole number when it is one written in ASCII digits (with an optional
    sign and surrounding ASCII spaces), else None.

    Python's ``int()`` also reads other scripts' digits ("٣١" and "３１" are 31) and raises on
    "²", which ``str.isdigit()`` accepts: neither belongs in an id, a year or a page size.
    """
    if not isinstance(value, str):
        return None
    value = value.strip(" \t")
    return int(value) if _ASCII_INTEGER.fullmatch(value) else None


class NormalizedCharField(forms.CharField):
    """A text field that cleans to :func:`normalize`'s form: for names and search queries."""

    def to_python(self, value):
        # Before CharField strips: the ideographic space becomes a space it strips too.
        return super().to_python(normalize(value) if isinstance(value, str) else value)
