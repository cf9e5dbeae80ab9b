"""Migration operations the apps share: some only PostgreSQL runs (SQLite migrates past them
unchanged), and indexes dropped by name."""

from django.db import migrations

TRIGRAM_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"


def postgresql_only(sql: list[str], reverse_sql: list[str]) -> migrations.RunPython:
    """Run ``sql`` (and ``reverse_sql`` when unapplied) on PostgreSQL and nothing elsewhere."""

    def run(statements):
        def execute(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement)

        return execute

    return migrations.RunPython(run(sql), run(reverse_sql), elidable=False)


def trigram_index(name: str, table: str, column: str) -> tuple[str, str]:
    """A GIN trigram index on ``UPPER(column::text)``: the expression ``icontains`` compiles to.

    Returns the statements that create and drop it.
    """
    return (
        f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER("{column}"::text) '
        "gin_trgm_ops)",
        f"DROP INDEX IF EXISTS {name}",
    )


def without_own_index(
    *, model_name: str, name: str, field, index: str, table: str, column: str
) -> migrations.SeparateDatabaseAndState:
    """The foreign key ``name`` becomes ``field`` (``db_index=False``: another index's leading
    column serves its lookups), its index ``index`` dropped by name on either database.
    Django's AlterField would rebuild the whole table on SQLite, taking its triggers with it,
    and drop and check again the foreign key on PostgreSQL."""
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name, name=name, field=field)],
        database_operations=[
            migrations.RunSQL(
                f"DROP INDEX IF EXISTS {index}", f"CREATE INDEX {index} ON {table} ({column})"
            )
        ],
    )
