import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bionet.directory_data import directory_load


class Command(BaseCommand):
    help = (
        "Loads the curated directory data: organizations and their aliases, clusters and their "
        "memberships, news items, agreements with their parties and sources, from PATH "
        "(fixtures/directory.json by default). Safe on a database curators work in, and to "
        "run again: a record loaded once is never touched again, so a curator's edit stays "
        "and a record a curator deleted is not brought back; a record already in the database "
        "(same slug, same URL ...) is adopted unchanged; everything else is created, published, "
        "with an audit-history entry. Everything is saved in one transaction. Prints what was "
        "created, adopted, kept and skipped, and why records were skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=settings.BASE_DIR / "fixtures" / "directory.json",
            help="The directory data file (JSON). Default: fixtures/directory.json.",
        )

    def handle(self, *args, path, verbosity, **options):
        try:
            report = directory_load(path=path, stdout=self.stdout if verbosity >= 2 else None)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from error
        if verbosity >= 1:
            self.stdout.write(str(report))
