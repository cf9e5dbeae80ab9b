"""Character n-grams that let PostgreSQL find short substrings of names through an index.

Trigram indexes cannot serve one- or two-character queries, and Korean words are short
("진흥", "병원"). Each organization therefore keeps, in ``search_grams``, every character and
every pair of adjacent characters of its names (Korean, English, slug and aliases), upper-cased
as PostgreSQL's ``UPPER()`` does and encoded as space-free tokens. A GIN index over that list
finds the few organizations holding all of a query's grams; the ordinary ``icontains``
conditions then keep exactly the ones that contain the query.
"""

from django.db.models import BooleanField, F, Func, Value


def _fold(char: str) -> str:
    # Python upper-cases a few characters into two ("ß" -> "SS"); PostgreSQL keeps one.
    upper = char.upper()
    return upper if len(upper) == 1 else char


def _token(gram: str) -> str:
    # Code points in hex: a token never holds the space that separates tokens.
    return "-".join(f"{ord(char):x}" for char in gram)


def _grams(text: str) -> set[str]:
    folded = "".join(_fold(char) for char in text)
    return {*folded, *(folded[i : i + 2] for i in range(len(folded) - 1))}


def search_grams(*names: str) -> str:
    """The grams of all ``names`` as stored in ``Organization.search_grams``."""
    grams = set().union(*(_grams(name) for name in names if name))
    return " ".join(sorted(_token(gram) for gram in grams))


def _folds_like_postgresql(char: str) -> bool:
    # ASCII letters and characters without case (Hangul, digits, punctuation) are upper-cased
    # identically by Python and PostgreSQL; other cased letters may differ between the two.
    return char.isascii() or char.upper() == char.lower()


def query_grams(query: str) -> str:
    """The grams every name containing ``query`` holds, or "" if they cannot be relied on."""
    if not query or not all(_folds_like_postgresql(char) for char in query):
        return ""
    folded = "".join(_fold(char) for char in query)
    grams = {folded} if len(folded) == 1 else {folded[i : i + 2] for i in range(len(folded) - 1)}
    return " ".join(sorted(_token(gram) for gram in grams))


class HasGrams(Func):
    """True where a ``search_grams`` column holds every token of ``grams`` (PostgreSQL only).

    The expression is the one the GIN index in ``orgs/migrations/0003_search_indexes.py``
    is built on, so the planner can use that index.
    """

    output_field = BooleanField()

    def __init__(self, grams: str, field: str = "search_grams"):
        super().__init__(F(field), Value(grams))

    def as_sql(self, compiler, connection, **extra_context):
        column, column_params = compiler.compile(self.source_expressions[0])
        wanted, wanted_params = compiler.compile(self.source_expressions[1])
        sql = f"string_to_array({column}, ' ') @> string_to_array({wanted}, ' ')"
        return sql, (*column_params, *wanted_params)
