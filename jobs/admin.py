from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import BackgroundTask
from .services import failure

# Shown once, in Korean and English, as the directory's own record of background work.
admin.site.unregister(DBTaskResult)


@admin.register(BackgroundTask)
class BackgroundTaskAdmin(admin.ModelAdmin):
    """Background tasks as curators follow them: failed ones with their error, and a retry."""

    list_display = ["task_name", "status", "enqueued_at", "finished_at", "error"]
    list_filter = ["status", "queue_name"]
    date_hierarchy = "enqueued_at"
    actions = ["retry_selected"]
    fields = [
        "task_name",
        "status",
        "args_kwargs",
        "enqueued_at",
        "started_at",
        "finished_at",
        "return_value",
        "error",
        "formatted_traceback",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The change permission is the right to retry; nothing else about a task is edited.
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description=_("task"))
    def task_name(self, task: BackgroundTask) -> str:
        return task.task_name

    @admin.display(description=_("error"))
    def error(self, task: BackgroundTask) -> str:
        if task.status != TaskResultStatus.FAILED:
            return ""
        return failure(task.traceback, task.exception_class_path)

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, task: BackgroundTask) -> str:
        return format_html("<pre>{}</pre>", task.traceback) if task.traceback else ""

    @admin.action(description=_("Retry the selected failed tasks"), permissions=["change"])
    def retry_selected(self, request, queryset):
        failed = list(queryset.filter(status=TaskResultStatus.FAILED))
        for task in failed:
            arguments = task.args_kwargs
            task.task.enqueue(*arguments["args"], **arguments["kwargs"])
        skipped = queryset.exclude(status=TaskResultStatus.FAILED).count()
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d task queued again.", "%(count)d tasks queued again.", len(failed)
                )
                % {"count": len(failed)},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d task was not retried: only failed tasks are.",
                    "%(count)d tasks were not retried: only failed tasks are.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
