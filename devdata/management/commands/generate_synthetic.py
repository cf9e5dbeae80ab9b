import time

from django.core.management.base import BaseCommand, CommandError

from devdata import synthetic


class Command(BaseCommand):
    help = (
        "Fill the directory with synthetic organizations (with aliases), clusters (with "
        "members), news items and agreements for load tests and benchmarks. The same seed gives "
        "the same records. Every record is marked synthetic and links only synthetic records; "
        "--remove (or remove_synthetic) deletes them all and nothing curated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=1000, help="organizations to create")
        parser.add_argument("--agreements", type=int, default=10000, help="agreements to create")
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument(
            "--remove", action="store_true", help="remove all synthetic records instead"
        )

    def handle(self, *args, orgs, agreements, seed, remove, **options):
        if remove:
            self.remove()
            return
        if orgs < 0 or agreements < 0:
            raise CommandError("--orgs and --agreements cannot be negative.")
        if agreements and orgs < 2:
            raise CommandError("Agreements need at least two organizations (--orgs 2 or more).")
        started = time.perf_counter()
        try:
            counts = synthetic.generate(
                organizations=orgs, agreements=agreements, seed=seed, progress=self.progress
            )
        except synthetic.SyntheticDataExists as error:
            raise CommandError(
                "The directory already holds synthetic records; remove them first "
                "(manage.py remove_synthetic)."
            ) from error
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Created {summary} in {elapsed:.1f} s."))

    def remove(self):
        try:
            counts = synthetic.remove()
        except synthetic.CuratedRecordsDependOnSynthetic as error:
            blocking = "; ".join(f"{count} {label}" for label, count in error.args[0].items())
            raise CommandError(
                f"Nothing removed: curated records refer to synthetic ones ({blocking}). "
                "Point them at curated records first."
            ) from error
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Removed {summary}."))

    def progress(self, label: str, total: int):
        """A one-line progress bar on stdout, redrawn as work is done."""
        width = 30

        def advance(done: int):
            filled = width * done // total if total else width
            bar = "#" * filled + "-" * (width - filled)
            ending = "\n" if done >= total else ""
            self.stdout.write(f"\r{label:>14} [{bar}] {done}/{total}", ending=ending)
            self.stdout.flush()

        advance(0)
        return advance
