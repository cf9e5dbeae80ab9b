"""On PostgreSQL every change of the version row is announced: ``NOTIFY bionet_data_version``.

Web processes keep the data's version in memory and learn of every change from this
announcement (httpcache.watch) instead of reading the version row for every request. The
trigger is on the version row itself, so every bump is announced, whichever table's trigger
made it. A notification is sent when the writing transaction commits, once per transaction
however many statements changed the version.
"""

from django.db import migrations

# network.cache.VERSION_CHANNEL: a migration keeps its own copy of what it writes.
VERSION_CHANNEL = "bionet_data_version"
VERSION_TABLE = "agreements_networkversion"


def announce(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION network_announce_version() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('{VERSION_CHANNEL}', ''); "
            "RETURN NULL; END $$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {VERSION_TABLE}_announce "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {VERSION_TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION network_announce_version()"
        )


def keep_quiet(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {VERSION_TABLE}_announce ON {VERSION_TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS network_announce_version()")


class Migration(migrations.Migration):
    dependencies = [("network", "0002_data_version_of_every_public_table")]

    operations = [migrations.RunPython(announce, keep_quiet, elidable=False)]
