from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from news.services import NewsImportError, NewsImportProblem, news_items_import_files
from news.text import MAX_ARTICLE_BYTES


class Command(BaseCommand):
    help = (
        "Import saved news article pages (UTF-8 text files): title, outlet, reporter, "
        "publication date and main text, then the organizations and clusters they mention. "
        "An article already in the directory (same URL, or same outlet and title) is updated. "
        "All files are imported in one transaction: if any file cannot be read, nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="article text files")

    def handle(self, *args, files, **options):
        contents, problems = [], []
        for name in files:
            try:
                with Path(name).open("rb") as file:
                    # One byte past the limit is enough for the import to refuse the file.
                    contents.append((name, file.read(MAX_ARTICLE_BYTES + 1)))
            except OSError as error:
                problems.append(NewsImportProblem(name, f"cannot be read ({error.strerror})"))
        try:
            results = news_items_import_files(files=contents, unreadable=problems)
        except NewsImportError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Nothing was imported: {len(error.problems)} of {len(files)} file(s) failed."
            ) from None
        for result in results:
            item = result.news_item
            action = "created" if result.created else "updated"
            self.stdout.write(
                f"{result.source}: {action} “{item.title}” ({item.outlet or 'outlet unknown'}, "
                f"{item.published_on or 'date unknown'}), {result.mention_count} mention(s)"
            )
        self.stdout.write(self.style.SUCCESS(f"Imported {len(results)} news item(s)."))
