"""Readable addresses for records: from the English name, else the Korean name romanized."""

from collections.abc import Callable

from django.utils.text import slugify
from korean_romanizer.romanizer import Romanizer

# Words that name a kind of body, not a body: never an address on their own.
GENERIC_WORDS = frozenset(
    {
        "organization",
        "organisation",
        "institute",
        "institution",
        "center",
        "centre",
        "company",
        "corporation",
        "foundation",
        "agency",
        "association",
        "university",
        "hospital",
        "cluster",
        "council",
        "committee",
    }
)


def romanized(korean: str) -> str:
    """The Korean name in Revised Romanization, word by word: '한국 바이오' -> 'hanguk baio'."""
    return " ".join(Romanizer(word).romanize() for word in korean.split())


def readable_slug(
    *, english: str, korean: str, taken: Callable[[str], bool], max_length: int = 100
) -> str:
    """A slug from the English name when there is one, else from the Korean name romanized;
    never a generic word alone; a number is added only when another record has the slug."""
    base = slugify(english)[:max_length].strip("-")
    if not base or base in GENERIC_WORDS:
        base = slugify(romanized(korean))[:max_length].strip("-")
    if not base or base in GENERIC_WORDS:
        raise ValueError(f"No readable address can be made from {english!r} or {korean!r}.")
    slug, number = base, 1
    while taken(slug):
        number += 1
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
    return slug
