from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class BackgroundTask(DBTaskResult):
    """A task run by the worker (``manage.py db_worker``), as curators see it in the admin:
    what it was, when it ran, how it ended and, when it failed, why."""

    class Meta:
        proxy = True
        ordering = ["-enqueued_at"]
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
