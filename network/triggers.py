"""The data version's triggers on SQLite, put back whenever a migration has dropped them.

Agreements migration 0007 and network migration 0002 install triggers that bump
NetworkVersion on every write to the tables public pages are drawn from. SQLite adds a column
or a constraint by rebuilding the table, and the rebuild drops the table's triggers;
PostgreSQL alters tables in place and keeps them. So after every ``migrate`` on SQLite the
missing triggers are created again
(``CREATE TRIGGER IF NOT EXISTS``: existing ones are left as they are).
"""

from django.db import connections

from .models import NetworkVersion

# The tables public pages are built from: any write to them is a new version.
TABLES = [
    "agreements_agreement",
    "agreements_agreementparty",
    "agreements_agreement_sources",
    "orgs_organization",
    "orgs_organizationname",
    "orgs_organizationredirect",
    "clusters_cluster",
    "clusters_clustermembership",
    "news_newsitem",
    "news_newsmention",
]
EVENTS = ("INSERT", "UPDATE", "DELETE")


def bump_sql() -> str:
    table = NetworkVersion._meta.db_table
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    return (
        f"INSERT INTO {table} (id, token, counter, changed) "
        f"VALUES (1, lower(hex(randomblob(16))), 1, {now}) "
        f"ON CONFLICT (id) DO UPDATE SET counter = {table}.counter + 1, changed = {now}"
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
