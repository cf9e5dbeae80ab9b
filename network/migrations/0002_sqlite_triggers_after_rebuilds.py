"""SQLite rebuilds a table to add a column or a constraint, and the rebuild drops the table's
triggers: the review status migrations rebuilt the organization and agreement tables, so the
data version's triggers (agreements migration 0007) are installed again on SQLite.
PostgreSQL alters tables in place and keeps its triggers."""

from importlib import import_module

from django.db import migrations

version_triggers = import_module("agreements.migrations.0007_networkversion")


def reinstall(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        version_triggers.uninstall(apps, schema_editor)
        version_triggers.install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0001_initial"),
        ("orgs", "0006_review_status"),
        ("agreements", "0012_review_status"),
    ]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
