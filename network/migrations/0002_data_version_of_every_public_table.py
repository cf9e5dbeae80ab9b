"""The data version covers every table public pages read, and records when it last changed.

Pages and exports are now cached by this version (httpcache), so it must change on a write to
anything they show: besides the network's tables, news items and their mentions, agreements'
sources, organizations' other names and old addresses. ``changed`` is the time of the last
write, sent as Last-Modified.
"""

from django.db import migrations, models

VERSION_TABLE = "agreements_networkversion"
# The tables 0007 of agreements already watched, and the ones added here.
NETWORK_TABLES = [
    "agreements_agreement",
    "agreements_agreementparty",
    "orgs_organization",
    "clusters_cluster",
    "clusters_clustermembership",
]
PAGE_TABLES = [
    "agreements_agreement_sources",
    "news_newsitem",
    "news_newsmention",
    "orgs_organizationname",
    "orgs_organizationredirect",
]
POSTGRESQL_TOKEN = "md5(random()::text || clock_timestamp()::text)"
SQLITE_TOKEN = "lower(hex(randomblob(16)))"
POSTGRESQL_NOW = "now()"
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def bump(token_sql: str, now_sql: str | None) -> str:
    if now_sql is None:  # as agreements 0007 wrote it
        return (
            f"INSERT INTO {VERSION_TABLE} (id, token, counter) VALUES (1, {token_sql}, 1) "
            f"ON CONFLICT (id) DO UPDATE SET counter = {VERSION_TABLE}.counter + 1"
        )
    return (
        f"INSERT INTO {VERSION_TABLE} (id, token, counter, changed) "
        f"VALUES (1, {token_sql}, 1, {now_sql}) "
        f"ON CONFLICT (id) DO UPDATE SET counter = {VERSION_TABLE}.counter + 1, "
        f"changed = {now_sql}"
    )


def install(apps, schema_editor, *, tables=NETWORK_TABLES + PAGE_TABLES, with_time=True):
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        bump_sql = bump(POSTGRESQL_TOKEN, POSTGRESQL_NOW if with_time else None)
        execute(
            "CREATE OR REPLACE FUNCTION agreements_bump_network_version() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {bump_sql}; RETURN NULL; END $$"
        )
        for table in PAGE_TABLES:
            execute(f"DROP TRIGGER IF EXISTS {table}_network_version ON {table}")
            if table in tables:
                execute(
                    f"CREATE TRIGGER {table}_network_version "
                    f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION agreements_bump_network_version()"
                )
        execute(bump_sql)
    else:
        bump_sql = bump(SQLITE_TOKEN, SQLITE_NOW if with_time else None)
        for table in NETWORK_TABLES + PAGE_TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                name = f"{table}_network_version_{event.lower()}"
                execute(f"DROP TRIGGER IF EXISTS {name}")
                if table in tables:
                    execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {bump_sql}; END")
        execute(bump_sql)


def uninstall(apps, schema_editor):
    install(apps, schema_editor, tables=NETWORK_TABLES, with_time=False)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0001_initial"),
        ("agreements", "0014_month_day_and_english_summary"),
        ("news", "0003_summary"),
        ("orgs", "0009_normalized_names"),
        ("clusters", "0006_normalized_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="networkversion",
            name="changed",
            field=models.DateTimeField(null=True, verbose_name="changed"),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
