"""Writing many rows at once, for the CSV imports: inserts, updates, deletes and their history.

Django's ``bulk_create`` compiles each value of each row through its SQL compiler (three
quarters of the time it takes on SQLite) and ``bulk_update`` resolves a ``When(pk=...)``
expression per row and field (an update of 500 organizations took half a second); those here
write the same statements directly, with the values Django would prepare. simple_history
writes a history record for each save() and delete(), a query each, and its bulk helpers build
a Python object per record; ``history_copy`` has the database copy the records from the rows
themselves, an INSERT ... SELECT a chunk, with the date, user, type and many-to-many snapshot
simple_history would give them. None sends signals, as Django's bulk methods do not: callers
do what receivers would have done.
"""

from functools import partial

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone
from simple_history.utils import get_m2m_field_name

from .csv import chunked

# Parameters in one statement: SQLite's limit as Django assumes it, and PostgreSQL's.
MAX_PARAMETERS = {"sqlite": 999, "postgresql": 65535}
IDS_PER_STATEMENT = 900


def _max_parameters(connection) -> int:
    return MAX_PARAMETERS.get(connection.vendor, 999)


def bulk_create(objects: list[models.Model], *, history: bool = False) -> None:
    """``Model.objects.bulk_create(objects)``: the objects (of one model, not yet saved) are
    inserted and given their ids, a few statements for all. With ``history``, their history
    records of creation ("+", as ``history_copy`` writes them): on PostgreSQL, for a model
    whose history records no many-to-many relation, in the same statements, from the rows
    the INSERT returns (copied afterwards, PostgreSQL read the whole table for the rows just
    written: 0.23 of the 1.2 s of its work on 5,000 agreements' 12,500 parties)."""
    connection = _connection()
    if not objects:
        return
    model = type(objects[0])
    if not connection.features.can_return_rows_from_bulk_insert:
        model._base_manager.bulk_create(objects)
        if history:
            history_copy(objects, "+")
        return
    opts = model._meta
    fields = [field for field in opts.concrete_fields if field is not opts.pk]
    quote = connection.ops.quote_name
    row = f"({', '.join(['%s'] * len(fields))})"
    size = _max_parameters(connection) // len(fields)
    pk = quote(opts.pk.column)
    logged = (
        history
        and connection.vendor == "postgresql"
        and not model.history.model._history_m2m_fields
    )
    _take_saved_relations(objects)
    with connection.cursor() as cursor:
        for batch in chunked(objects, size):
            insert = (
                f"INSERT INTO {quote(opts.db_table)} "
                f"({', '.join(quote(field.column) for field in fields)}) "
                f"VALUES {', '.join([row] * len(batch))}"
            )
            params = _values(batch, fields, connection)
            if logged:
                # Data-modifying WITH queries always run to the end; rows come out of
                # "written" in the order RETURNING gives them.
                into, select, history_params = _history_insert(model, "+", batch[0])
                cursor.execute(
                    f"WITH written AS ({insert} RETURNING *), "
                    f"logged AS ({into} SELECT {select} FROM written) "
                    f"SELECT {pk} FROM written",
                    [*params, *history_params],
                )
            else:
                cursor.execute(f"{insert} RETURNING {pk}", params)
            for instance, (pk_value,) in zip(batch, cursor.fetchall(), strict=True):
                instance.pk = pk_value
                instance._state.adding = False
                instance._state.db = connection.alias
    if history and not logged:
        history_copy(objects, "+")


def _take_saved_relations(objects: list[models.Model]) -> None:
    """What bulk_create() checks first, ``_prepare_related_fields_for_save``, looking at the
    objects' relations only (Django's looks at every field of every object: a fifth of an
    import's inserting on 5,000 agreements): an object related since saved gives its id, an
    unsaved one is refused."""
    opts = objects[0]._meta
    if opts.private_fields:  # generic relations: Django's own check
        for instance in objects:
            instance._prepare_related_fields_for_save(operation_name="bulk_create")
        return
    for field in opts.concrete_fields:
        if not field.is_relation:
            continue
        target, attname, cache_name = field.target_field.attname, field.attname, field.cache_name
        for instance in objects:
            related = instance._state.fields_cache.get(cache_name)
            if not related:
                continue
            if related.pk is None:
                # Refused as Django refuses it (its message, its cache clean-up).
                instance._prepare_related_fields_for_save(operation_name="bulk_create")
            value = getattr(related, target)
            if getattr(instance, attname) in field.empty_values:
                # What assigning the related object does, without its descriptor's checks
                # (a tenth of the work of inserting 5,000 agreements' parties): the id.
                instance.__dict__[attname] = value
            elif value != getattr(instance, attname):
                del instance._state.fields_cache[cache_name]


# Fields whose database value is the attribute itself when it is None or of this type:
# their get_db_prep_save() only checks it (a fifth of an import's inserting, called for
# each value). Exact classes: a subclass may prepare its values otherwise.
PLAIN_VALUES = {
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
}
AUTO_FIELDS = (models.AutoField, models.BigAutoField)


def _plain_types(field: models.Field) -> tuple[type, ...]:
    if type(field) is models.ForeignKey and type(field.target_field) in AUTO_FIELDS:
        return (int, type(None))
    plain = PLAIN_VALUES.get(type(field))
    return (plain, type(None)) if plain else ()


def _values(objects: list[models.Model], fields: list[models.Field], connection) -> list:
    """The objects' values of ``fields``, row after row, as Django inserts them: pre_save()
    called only where a field has its own (auto_now, NameField's normal form), the others'
    attribute as it is, prepared by the field unless plain (PLAIN_VALUES)."""
    preparations = [
        (
            field,
            partial(field.get_db_prep_save, connection=connection),
            type(field).pre_save is not models.Field.pre_save,
            field.attname,
            _plain_types(field),
        )
        for field in fields
    ]
    values = []
    append = values.append
    for instance in objects:
        for field, prepare, own, name, plain in preparations:
            value = field.pre_save(instance, True) if own else getattr(instance, name)
            append(value if type(value) in plain else prepare(value))
    return values


def bulk_update(objects: list[models.Model], fields: list[str]) -> None:
    """``Model.objects.bulk_update(objects, fields)``: each row's ``fields`` set to the
    object's values (as Django prepares them for the database), a few statements for all."""
    connection = _connection()
    if not objects:
        return
    opts = type(objects[0])._meta
    quote = connection.ops.quote_name
    pk = quote(opts.pk.column)
    columns = [opts.get_field(name) for name in fields]
    size = _max_parameters(connection) // (2 * len(columns) + 1)
    with connection.cursor() as cursor:
        for batch in chunked(objects, size):
            ids = [instance.pk for instance in batch]
            assignments, params = [], []
            for field in columns:
                case = f"CASE {pk} {' '.join(['WHEN %s THEN %s'] * len(batch))} END"
                if connection.vendor == "postgresql":
                    # The branches' type is inferred from their values: NULL and text need one.
                    case = f"CAST({case} AS {field.db_type(connection)})"
                assignments.append(f"{quote(field.column)} = {case}")
                for instance in batch:
                    value = getattr(instance, field.attname)
                    params += [instance.pk, field.get_db_prep_save(value, connection)]
            cursor.execute(
                f"UPDATE {quote(opts.db_table)} SET {', '.join(assignments)} "
                f"WHERE {pk} IN ({', '.join(['%s'] * len(ids))})",
                [*params, *ids],
            )


def history_copy(objects: list[models.Model], history_type: str) -> None:
    """Write the history record of each of ``objects`` (saved, of one model) as the database
    now holds it: created ("+"), changed ("~") or about to be deleted ("-"), by the user of
    the request (simple_history's middleware), with the objects' many-to-many relations
    simple_history records (``m2m_fields``)."""
    connection = _connection()
    if not objects:
        return
    model = type(objects[0])
    history = model.history.model
    quote = connection.ops.quote_name
    into, select, history_params = _history_insert(model, history_type, objects[0])
    date = history_params[0]
    ids = [instance.pk for instance in objects]
    # The records' own ids, for their many-to-many snapshots to name them by.
    returning = ""
    if history._history_m2m_fields and connection.features.can_return_columns_from_insert:
        returning = f" RETURNING {quote(history._meta.pk.column)}"
    with connection.cursor() as cursor:
        for batch in chunked(ids, IDS_PER_STATEMENT):
            written, params = _among(quote(model._meta.pk.column), batch)
            cursor.execute(
                f"{into} SELECT {select} FROM {quote(model._meta.db_table)} "
                f"WHERE {written}{returning}",
                [*history_params, *params],
            )
            records = [record for (record,) in cursor.fetchall()] if returning else None
            for field in history._history_m2m_fields:
                _copy_m2m(cursor, history, field, date, batch, records)


def _history_insert(model, history_type: str, instance) -> tuple[str, str, list]:
    """``INSERT INTO`` the model's history table, what to ``SELECT`` from rows of the model's
    table for it, and that select's parameters: now, ``history_type`` and the user of the
    request (simple_history's middleware), as simple_history dates and signs a record."""
    connection = _connection()
    history = model.history.model
    user = history.get_default_history_user(instance)
    date = models.DateTimeField().get_db_prep_value(timezone.now(), connection)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in history.tracked_fields)
    extra = ", ".join(
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_type", "history_user", "history_change_reason")
    )
    return (
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}, {extra})",
        f"{columns}, %s, %s, %s, NULL",
        [date, history_type, user.pk if user else None],
    )


def _among(column: str, ids: list[int]) -> tuple[str, list[int]]:
    """``column IN ids`` for a WHERE clause, and its parameters, bounded by the least and the
    greatest id too: without the bounds PostgreSQL read the whole table for the few hundred
    rows just written (a sequential scan of 68,000 parties for each 900, 15 ms of 20); with
    them it reads their range of the primary key's index."""
    return (
        f"{column} BETWEEN %s AND %s AND {column} IN ({', '.join(['%s'] * len(ids))})",
        [min(ids), max(ids), *ids],
    )


def _connection():
    # The connection itself, not django.db.connection: that proxy looks the thread's
    # connection up on every use, and a value's preparation uses it several times.
    return connections[DEFAULT_DB_ALIAS]


def _copy_m2m(cursor, history, field, date, ids, records=None) -> None:
    """The rows of ``field``'s through table for ``ids``, as the snapshot of the records just
    written: the history records ``records`` (their ids), or if not given those of ``ids``
    dated ``date``. By their ids it is two index lookups a row whatever the tables'
    statistics; by date PostgreSQL once chose plans taking 5 to 9 s for one import's 5,000
    agreements (0.1 to 0.2 s otherwise)."""
    quote = _connection().ops.quote_name
    snapshot = getattr(history, field.name).model
    through = field.remote_field.through
    own = through._meta.get_field(get_m2m_field_name(field)).column
    columns = [f.column for f in through._meta.concrete_fields]
    record = history._meta.get_field("history_id").column
    if records == []:  # none of ids was found
        return
    if records is not None:
        written, params = _among(f"h.{quote(record)}", records)
    else:
        written = (
            f"h.{quote(history._meta.get_field('history_date').column)} = %s "
            f"AND t.{quote(own)} IN ({', '.join(['%s'] * len(ids))})"
        )
        params = [date, *ids]
    cursor.execute(
        f"INSERT INTO {quote(snapshot._meta.db_table)} "
        f"({', '.join(quote(column) for column in columns)}, "
        f"{quote(snapshot._meta.get_field('history').column)}) "
        f"SELECT {', '.join('t.' + quote(column) for column in columns)}, h.{quote(record)} "
        f"FROM {quote(through._meta.db_table)} t "
        f"JOIN {quote(history._meta.db_table)} h ON h.{quote(history._meta.get_field('id').column)}"
        f" = t.{quote(own)} "
        f"WHERE {written}",
        params,
    )


def bulk_delete_with_history(objects: list[models.Model]) -> None:
    """Delete ``objects`` (of one model) in one statement, with the "-" history records that
    deleting them one by one writes. No signal is sent: the caller does what their receivers
    would have done."""
    if not objects:
        return
    history_copy(objects, "-")
    deleted = type(objects[0])._base_manager.filter(pk__in=[instance.pk for instance in objects])
    deleted._raw_delete(deleted.db)
