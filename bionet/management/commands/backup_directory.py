from django.core import serializers
from django.core.management.base import BaseCommand, CommandError

from bionet.backup import (
    BackupEncoder,
    curated_querysets,
    curated_records_pointing_at_synthetic_ones,
)


class Command(BaseCommand):
    help = (
        "Writes every curated directory record (organizations and their names, clusters and "
        "memberships, news items, agreements and parties, with their primary keys) to FILE as "
        "JSON. Synthetic records and everything that belongs to them are left out; so are "
        "accounts and the audit history. Restore with `manage.py restore_directory FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the backup ('-' for standard output).")

    def handle(self, *args, file, **options):
        problems = curated_records_pointing_at_synthetic_ones()
        if problems:
            raise CommandError(
                "These curated records refer to synthetic ones, which a backup leaves out: "
                + "; ".join(problems)
                + ". Point them at curated records first."
            )
        querysets = curated_querysets()
        counts = {label: queryset.count() for label, queryset in querysets}

        def records():
            for _, queryset in querysets:
                yield from queryset.iterator()

        def write(stream):
            serializers.serialize(
                "json",
                records(),
                indent=1,
                stream=stream,
                use_natural_foreign_keys=True,
                cls=BackupEncoder,  # times to the microsecond
            )

        if file == "-":
            write(self.stdout)
            return
        with open(file, "w", encoding="utf-8") as stream:
            write(stream)
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(f"Wrote {sum(counts.values())} records to {file}: {summary}.")
