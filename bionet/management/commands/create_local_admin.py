import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".local-admin"


class Command(BaseCommand):
    help = (
        "Creates a superuser 'admin' with a random password for signing in to the admin on a "
        "developer's machine, prints the credentials once and keeps them in .local-admin. "
        "Refuses to run when DJANGO_DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/admin/", help="Where the admin is served."
        )

    def handle(self, *args, username, url, **options):
        if not settings.DEBUG:
            raise CommandError("create_local_admin is for local development (DJANGO_DEBUG=true).")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            where = CREDENTIALS_FILE if CREDENTIALS_FILE.exists() else "your own records"
            self.stdout.write(
                f"Admin account '{username}' already exists; its password is in {where}."
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        CREDENTIALS_FILE.write_text(f"username: {username}\npassword: {password}\n")
        CREDENTIALS_FILE.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin account created. Sign in at {url} with\n"
                f"    username: {username}\n    password: {password}\n"
                f"(also saved in {CREDENTIALS_FILE.name})"
            )
        )
