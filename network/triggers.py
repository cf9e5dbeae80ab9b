"""The data version's triggers on SQLite, put back whenever a migration has dropped them.

Agreements migration 0007 installs triggers that bump NetworkVersion on every write to the
tables the network is drawn from. SQLite adds a column or a constraint by rebuilding the
table, and the rebuild drops the table's triggers; PostgreSQL alters tables in place and
keeps them. So after every ``migrate`` on SQLite the missing triggers are created again
(``CREATE TRIGGER IF NOT EXISTS``: existing ones are left as they are).
"""

from django.db import connections

from .models import NetworkVersion

# The tables the network is built from: any write to them is a new version.
TABLES = [
    "agreements_agreement",
    "agreements_agreementparty",
    "orgs_organization",
    "clusters_cluster",
    "clusters_clustermembership",
]
EVENTS = ("INSERT", "UPDATE", "DELETE")


def bump_sql() -> str:
    table = NetworkVersion._meta.db_table
    return (
        f"INSERT INTO {table} (id, token, counter) VALUES (1, lower(hex(randomblob(16))), 1) "
        f"ON CONFLICT (id) DO UPDATE SET counter = {table}.counter + 1"
    )


def ensure_sqlite_triggers(using: str = "default") -> int:
    """Create the version triggers SQLite lacks; return how many were missing."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
        tables = set(connection.introspection.table_names(cursor))
        missing = [
            (table, event)
            for table in TABLES
            for event in EVENTS
            if table in tables and f"{table}_network_version_{event.lower()}" not in present
        ]
        for table, event in missing:
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_network_version_{event.lower()} "
                f"AFTER {event} ON {table} BEGIN {bump_sql()}; END"
            )
    return len(missing)
