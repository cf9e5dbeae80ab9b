from django.core.management.base import BaseCommand

from .generate_synthetic import Command as GenerateSynthetic


class Command(BaseCommand):
    help = (
        "Delete every synthetic record (organizations, aliases, clusters, memberships, news "
        "items, agreements, parties) and nothing curated. Refuses, deleting nothing, while a "
        "curated record refers to a synthetic one."
    )

    def handle(self, *args, **options):
        GenerateSynthetic(stdout=self.stdout, stderr=self.stderr).remove()
