from django.core.checks import Tags, Warning, register
from django.db import connections

C_CTYPES = {"C", "POSIX"}


@register(Tags.database)
def check_postgresql_ctype(app_configs, databases=None, **kwargs):
    """Warn when PostgreSQL's character classification cannot see Hangul.

    With LC_CTYPE "C", pg_trgm treats Korean letters as separators: trigram indexes hold no
    Korean and every Korean search reads the whole table.
    """
    warnings = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
            (ctype,) = cursor.fetchone()
        if ctype in C_CTYPES:
            warnings.append(
                Warning(
                    f"Database {alias!r} has LC_CTYPE {ctype!r}: Korean search cannot use its "
                    "trigram indexes.",
                    hint=(
                        "Create the database with a UTF-8 locale, e.g. `initdb --locale=C.UTF-8 "
                        "--encoding=UTF8` or `CREATE DATABASE bionet TEMPLATE template0 "
                        "ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`, then reload "
                        "the data (dump and restore) and run migrate."
                    ),
                    id="orgs.W001",
                )
            )
    return warnings
