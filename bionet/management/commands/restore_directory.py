from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction

from agreements.models import Agreement
from agreements.services import agreement_parties_check
from bionet.backup import DIRECTORY_MODELS, BackupError, directory_counts, read_backup
from news.services import mentions_refresh


class Command(BaseCommand):
    help = (
        "Restores a backup written by `manage.py backup_directory` into a database that holds "
        "no directory records yet (run `manage.py migrate` on a new database first). Every "
        "record keeps its primary key, so links to /organizations/..., /agreements/<id>/ keep "
        "working. All or nothing: on any error the database is left as it was, and the "
        "error says what is wrong with the file (not UTF-8, not JSON or cut short, not a "
        "backup, a record that does not fit, or a published agreement linking fewer than two "
        "organizations)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup written by backup_directory.")

    def handle(self, *args, file, **options):
        present = {label: count for label, count in directory_counts().items() if count}
        if present:
            listed = ", ".join(f"{count} {label}" for label, count in present.items())
            raise CommandError(
                f"The database already holds directory records ({listed}). Restore only into "
                "an empty database, so that nothing in it is overwritten or mixed up: create "
                "a new database and run `manage.py migrate`, or empty this one with "
                "`manage.py flush`."
            )
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        try:
            restored = self.restore(read_backup(data))
        except BackupError as error:
            raise CommandError(f"{file} is not a directory backup: {error}.") from error
        except (DeserializationError, DatabaseError) as error:
            # Some database errors have no message of their own: name them at least.
            reason = str(error).strip() or type(error).__name__
            raise CommandError(f"{file} is not a directory backup that fits: {reason}") from error
        except ValidationError as error:
            reason = " ".join(error.messages)
            raise CommandError(f"{file} is not a directory backup that fits: {reason}") from error
        # Mentions are derived from the news items' text, so they are recomputed, not stored.
        mentions = mentions_refresh()
        self.stdout.write(f"Restored {restored} records from {file}; found {mentions} mentions.")

    @transaction.atomic
    def restore(self, records) -> int:
        allowed = set(DIRECTORY_MODELS)
        restored = 0
        for record in records:
            if type(record.object) not in allowed:
                raise CommandError(
                    f"The backup holds a {record.object._meta.label} record, which is not "
                    "directory content."
                )
            record.save()
            restored += 1
        # The rules the directory keeps hold for what it restores too.
        agreement_parties_check(agreement_ids=Agreement.objects.values("pk"))
        # New records must not collide with restored primary keys (PostgreSQL sequences).
        statements = connection.ops.sequence_reset_sql(no_style(), list(allowed))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        return restored
