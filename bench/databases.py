"""A database of a benchmark's own, with Django set up on it."""

import os
import tempfile


def migrated_database(**environ) -> tempfile.TemporaryDirectory | None:
    """Set Django up on the database in DATABASE_URL, or, without one, on a new SQLite file
    in a temporary folder, and migrate it. ``environ`` names settings' variables to set
    unless already set. Answers the temporary folder, for the caller to remove (or None)."""
    workdir = None
    if not os.environ.get("DATABASE_URL"):
        workdir = tempfile.TemporaryDirectory(prefix="bionet-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bionet.settings")
    for name, value in environ.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return workdir
