"""Character n-grams that let PostgreSQL find short substrings of names through an index.

Trigram indexes cannot serve one- or two-character queries, and Korean words are short
("진흥", "병원"). Each organization therefore keeps, in ``search_grams``, every character and
every pair of adjacent characters of its names (Korean, English, slug and aliases), upper-cased
as PostgreSQL's ``UPPER()`` does and encoded as space-free tokens, and in ``search_names`` all
those names, one a line. A GIN index over the grams finds the few organizations holding all of
a query's grams; ``icontains`` on their ``search_names`` keeps exactly those containing the
query, as the plain search over each name and alias would.
"""

import functools
import re

from django.db import models
from django.db.models import BooleanField, F, Func, Value

from bionet.lib.lookups import array_literal
from bionet.lib.text import normalize


def _fold(char: str) -> str:
    # Python upper-cases a few characters into two ("ß" -> "SS"); PostgreSQL keeps one.
    upper = char.upper()
    return upper if len(upper) == 1 else char


@functools.cache
def _token(gram: str) -> str:
    # Code points in hex: a token never holds the space that separates tokens. Remembered:
    # the directory's names share few thousand grams, and an import computes many names'.
    return "-".join(f"{ord(char):x}" for char in gram)


def _grams(text: str) -> set[str]:
    folded = text.upper()
    if len(folded) != len(text):  # a character upper-cased into two: see _fold
        folded = "".join(_fold(char) for char in text)
    return {*folded, *(folded[i : i + 2] for i in range(len(folded) - 1))}


NAME_SEPARATOR = "\n"


HANGUL = re.compile(r"[\uac00-\ud7a3]")


def unspaced(text: str) -> str:
    """``text`` without its spaces: Korean names are written both ways ("한국 보건 산업 진흥원",
    "이화여자대학교 산학협력단"), and a search finds them either way."""
    return "".join(text.split())


def search_columns(*names: str) -> tuple[str, str]:
    """``Organization.search_names`` and ``search_grams`` for an organization's ``names``;
    each name with spaces is also held without them, and all in the form queries are read in
    (even names loaded raw, as fixtures and restores load them)."""
    names = [normalize(name) for name in names if name]
    names += [unspaced(name) for name in names if unspaced(name) != name]
    grams = set().union(*(_grams(name) for name in names))
    return NAME_SEPARATOR.join(names), " ".join(sorted(_token(gram) for gram in grams))


def _folds_like_postgresql(char: str) -> bool:
    # ASCII letters and characters without case (Hangul, digits, punctuation) are upper-cased
    # identically by Python and PostgreSQL; other cased letters may differ between the two.
    return char.isascii() or char.upper() == char.lower()


def query_grams(query: str) -> str:
    """The grams every name containing ``query`` holds, or "" if they cannot be relied on."""
    if NAME_SEPARATOR in query or not all(_folds_like_postgresql(char) for char in query):
        # A query spanning the separator would match across two names.
        return ""
    folded = "".join(_fold(char) for char in query)
    grams = {folded} if len(folded) == 1 else {folded[i : i + 2] for i in range(len(folded) - 1)}
    return " ".join(sorted(_token(gram) for gram in grams))


class GramsField(models.TextField):
    """Grams separated by spaces; stored as a ``text[]`` on PostgreSQL, for its GIN index.

    A real array column (not ``string_to_array()`` over text) gives the planner element
    statistics and spares it splitting every row's text when it estimates a table scan.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "text[]"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor == "postgresql" and isinstance(value, str):
            # One array literal, which the column's type reads: psycopg2 sends a list as
            # ARRAY['4e00', '4e00-ac00', ...], a constant per gram (about a hundred an
            # organization) for it to quote and for the server to parse.
            return array_literal(value.split())
        return super().get_db_prep_value(value, connection, prepared)

    def get_placeholder(self, value, compiler, connection):
        # Also keeps PostgreSQL's bulk inserts from passing the column as text through UNNEST.
        return "%s"

    def from_db_value(self, value, expression, connection):
        return " ".join(value) if isinstance(value, list) else value


class HasGrams(Func):
    """True where ``search_grams`` holds every gram of ``grams`` (PostgreSQL only).

    ``@>`` on the array column is what its GIN index in
    ``orgs/migrations/0003_search_indexes.py`` serves.
    """

    output_field = BooleanField()

    def __init__(self, grams: str, field: str = "search_grams"):
        super().__init__(F(field), Value(grams.split()))

    def as_sql(self, compiler, connection, **extra_context):
        column, column_params = compiler.compile(self.source_expressions[0])
        wanted, wanted_params = compiler.compile(self.source_expressions[1])
        return f"{column} @> {wanted}::text[]", (*column_params, *wanted_params)
