"""``__any_of``: ``__in`` for the thousands of values a CSV import looks up at once.

Django compiles ``name__in=names`` into a parameter per value, each prepared for the database
one by one, and PostgreSQL parses each as a constant of its own: building, parsing and planning
the 64,000 values with which an import of 5,000 agreements looks its parties' names up took
more of its time than finding them. ``name__any_of=names`` sends them to PostgreSQL as one
parameter, an array literal (``name = ANY(%s::text[])``), which the server reads as one
constant. On other databases, and for values other than strings and integers, it is ``__in``.
"""

from django.db import models
from django.db.models.fields import AutoFieldMixin
from django.db.models.lookups import In

# The array each type of value is sent as: strings compare with varchar and text columns
# through their own indexes, integers with integer and bigint ones.
ARRAY_TYPES = {str: "text", int: "bigint"}
# Fields whose values go to the database as they are: any other (a date, a field preparing its
# own, such as the search grams) is looked up by ``__in``.
PLAIN_PREPARATIONS = {
    models.Field.get_db_prep_value,
    models.IntegerField.get_db_prep_value,
    AutoFieldMixin.get_db_prep_value,
}


class AnyOf(In):
    lookup_name = "any_of"

    def get_prep_lookup(self):
        # In's, without its check of every value for an expression: strings and integers are
        # none (a fifth of the time an import took to look its names up).
        if isinstance(self.rhs, (list, set, frozenset, tuple)) and all(
            type(value) in ARRAY_TYPES for value in self.rhs
        ):
            prepare = self.lhs.output_field.get_prep_value
            return [prepare(value) for value in self.rhs]
        return super().get_prep_lookup()

    def as_sql(self, compiler, connection):
        array_type = self.array_type(connection)
        if array_type is None:
            return super().as_sql(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        if not values:  # In raises EmptyResultSet, as ``__in`` does
            return super().as_sql(compiler, connection)
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::{array_type}[])", [*params, array_literal(values)]

    def array_type(self, connection) -> str | None:
        if connection.vendor != "postgresql" or not self.rhs_is_direct_value():
            return None
        field = self.lhs.output_field
        while isinstance(field, models.ForeignKey):
            field = field.target_field
        if type(field).get_db_prep_value not in PLAIN_PREPARATIONS:
            return None
        types = {type(value) for value in self.rhs if value is not None}
        if len(types) != 1:
            return None
        return ARRAY_TYPES.get(types.pop())


models.Field.register_lookup(AnyOf)
# Relations keep lookups of their own: ids of related rows, as integers.
models.ForeignObject.register_lookup(AnyOf)


def array_literal(values) -> str:
    """PostgreSQL's text form of an array of ``values`` (strings, or integers)."""
    return (
        "{"
        + ",".join(
            '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            if isinstance(value, str)
            else str(value)
            for value in values
        )
        + "}"
    )
