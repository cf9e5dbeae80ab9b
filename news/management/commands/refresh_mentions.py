from django.core.management.base import BaseCommand

from news.services import mentions_refresh


class Command(BaseCommand):
    help = (
        "Recompute every news item's mentions of organizations and clusters from its main "
        "text and the directory's current names (needed after loaddata, which skips signals)."
    )

    def handle(self, *args, **options):
        count = mentions_refresh()
        self.stdout.write(self.style.SUCCESS(f"Stored {count} mention(s)."))
