from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Collaboration network")

    def ready(self):
        from . import signals

        post_migrate.connect(restore_sqlite_triggers, sender=self)
        signals.connect()


def restore_sqlite_triggers(sender, using="default", **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds it: see network.triggers."""
    from .triggers import ensure_sqlite_triggers

    ensure_sqlite_triggers(using)
