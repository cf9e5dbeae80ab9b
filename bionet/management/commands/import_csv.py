from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agreements.imports import agreements_import
from bionet.lib.csv import CsvFileError
from orgs.imports import organizations_import

IMPORTS = {"organizations": organizations_import, "agreements": agreements_import}


class Command(BaseCommand):
    help = (
        "Import organizations.csv or agreements.csv in the export's format, as the admin's "
        "import page does. Without --commit it is a dry run listing each row's outcome (new, "
        "updated, unchanged or error); with --commit every row is saved, or none is if any "
        "row has an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTS), help="What the file holds.")
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8).")
        parser.add_argument(
            "--commit", action="store_true", help="Save the rows (otherwise a dry run)."
        )
        parser.add_argument(
            "--ignore-ids",
            action="store_true",
            help="Create every row as a new record (a file exported from another database).",
        )

    def handle(self, *args, kind, file, commit, ignore_ids, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            report = IMPORTS[kind](data=data, commit=commit, ignore_ids=ignore_ids)
        except CsvFileError as error:
            raise CommandError(str(error)) from error
        for row in report.rows:
            line = f"row {row.number}: {row.outcome_label}  {row.record}"
            if row.reason:
                line += f"  ({row.message})"
            self.stdout.write(line)
        summary = report.summary()
        totals = ", ".join(f"{count} {name}" for name, count in summary.items())
        if report.errors:
            raise CommandError(f"{totals}. Nothing was saved: fix the rows with errors.")
        if report.committed:
            self.stdout.write(self.style.SUCCESS(f"Saved: {totals}."))
        else:
            self.stdout.write(f"Dry run, nothing saved: {totals}. Add --commit to save.")
