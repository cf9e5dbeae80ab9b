"""Migration operations that only PostgreSQL runs; SQLite migrates past them unchanged."""

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


def move_content_types(from_app: str, to_app: str, models: list[str]) -> migrations.RunPython:
    """Hand the content types of ``models`` from ``from_app`` to ``to_app``, for a model that
    moved between apps: its permissions (and the groups holding them), admin log entries and
    history keep pointing at it. A content type the new app already has is replaced."""

    def move(source, target):
        def run(apps, schema_editor):
            content_types = apps.get_model("contenttypes", "ContentType").objects
            for model in models:
                old = content_types.filter(app_label=source, model=model)
                if old.exists():
                    content_types.filter(app_label=target, model=model).delete()
                    old.update(app_label=target)

        return run

    return migrations.RunPython(move(from_app, to_app), move(to_app, from_app), elidable=False)
