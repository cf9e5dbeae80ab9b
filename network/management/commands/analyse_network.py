import time

from django.conf import settings
from django.core.management.base import BaseCommand

from network.tasks import analyse_whole_network


class Command(BaseCommand):
    help = (
        "Analyse the whole collaboration network (ranks of every organization and the "
        "unfiltered network page) and keep the result in the cache. Pages analyse networks "
        "up to NETWORK_PARTIES_PER_REQUEST parties themselves; for a larger directory run "
        "this after imports and from cron, with a cache the web servers share."
    )

    def handle(self, *args, **options):
        backend = settings.CACHES["default"]["BACKEND"]
        if backend.endswith(("LocMemCache", "DummyCache")):
            self.stderr.write(
                self.style.WARNING(
                    f"The cache ({backend}) is not shared with the web servers: they will not "
                    "see this analysis. Set DJANGO_CACHE_URL to file:///var/cache/bionet."
                )
            )
        started = time.perf_counter()
        version = analyse_whole_network()
        self.stdout.write(
            self.style.SUCCESS(
                f"Analysed the network of version {version} "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
