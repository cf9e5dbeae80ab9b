"""Admin pieces every curated app shares: CSV export of the selection and CSV import."""

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks.exceptions import TaskResultDoesNotExist

from jobs.services import failure
from jobs.services import progress as import_progress
from jobs.uploads import progress_key, report_from, save_upload

from .csv import MAX_UPLOAD_BYTES, Column, CsvFileError, ImportReport, csv_response, site_url
from .models import ReviewRefused

# Seconds before the page of an import in progress asks again.
IMPORT_REFRESH_SECONDS = 3


def csv_export_action(columns: list[Column], rows: Callable, *, name: str):
    """An admin action streaming the selected records in the public export's format."""

    @admin.action(description=_("Export selected as CSV"))
    def export_selected(modeladmin, request, queryset):
        base_url = site_url(request)
        return csv_response(columns, rows(queryset, base_url=base_url), name=name)

    return export_selected


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, in the export's format; at most %(limit)d MB.")
        % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )
    commit = forms.BooleanField(
        label=_("Save the rows"),
        required=False,
        help_text=_(
            "Unticked, the import is a dry run that only reports each row's outcome. Ticked, "
            "every row is saved, or none is if any row has an error."
        ),
    )
    ignore_ids = forms.BooleanField(
        label=_("Create every row as a new record"),
        required=False,
        help_text=_("For a file exported from another database: its ids mean nothing here."),
    )


class CsvImportAdminMixin:
    """Adds an "Import CSV" page, linked from the changelist, for curators who may add and
    change records."""

    change_list_template = "admin/csv_import_change_list.html"
    csv_import: Callable[..., ImportReport]
    # The task importing a file of more than IMPORT_ROWS_PER_REQUEST rows (jobs.uploads).
    csv_import_task: Task

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "import/<uuid:task_id>/",
                self.admin_site.admin_view(self.import_status_view),
                name="{}_{}_import_status".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        """admin/csv_import.html: the upload form, then the report of every row. A file of
        more than IMPORT_ROWS_PER_REQUEST rows is imported by the task worker, its page
        (import_status_view) following the task."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        report, file_error = None, ""
        form = CsvImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD_BYTES:
                file_error = _("The file is larger than %(limit)d MB: split it.") % {
                    "limit": MAX_UPLOAD_BYTES // (1024 * 1024)
                }
            else:
                data = upload.read()
                options = {
                    "commit": form.cleaned_data["commit"],
                    "ignore_ids": form.cleaned_data["ignore_ids"],
                    "publish": request.user.has_perm(self.model.publish_permission()),
                }
                if data.count(b"\n") > settings.IMPORT_ROWS_PER_REQUEST:
                    result = self.csv_import_task.enqueue(
                        save_upload(data),
                        user_id=request.user.pk,
                        language=get_language(),
                        **options,
                    )
                    return redirect(self.import_status_url_name(), result.id)
                try:
                    report = type(self).csv_import(data=data, **options)
                except CsvFileError as error:
                    file_error = str(error)
        return self.import_response(request, form, report, file_error)

    def import_response(self, request, form, report, file_error, *, task=None):
        """The import page: the form, the report of every row once there is one, and while
        the task worker imports a large file, its progress."""
        if report is not None and report.committed:
            self.message_user(
                request,
                _("Imported: %(new)d new, %(updated)d updated, %(unchanged)d unchanged.")
                % report.summary(),
                messages.SUCCESS,
            )
        elif report is not None and report.errors:
            self.message_user(
                request,
                _("%(error)d rows have errors: nothing was saved.") % report.summary(),
                messages.ERROR,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import %(name)s from CSV") % {"name": self.opts.verbose_name_plural},
            "form": form,
            "report": report,
            "file_error": file_error,
            "changelist_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
            ),
            "task": task,
        }
        status = 400 if file_error else 200
        response = TemplateResponse(request, "admin/csv_import.html", context, status=status)
        if task is not None:
            response["Cache-Control"] = "no-store"
        return response

    def import_status_url_name(self) -> str:
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_import_status"

    def import_status_view(self, request, task_id):
        """The import of a large file by the task worker: its progress on a page that
        reloads itself, then its report as for a small file."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        try:
            result = self.csv_import_task.get_result(task_id)
        except (TaskResultDoesNotExist, ValueError):
            raise Http404 from None
        form = CsvImportForm()
        if result.status == TaskResultStatus.SUCCESSFUL:
            outcome = result.return_value
            if "file_error" in outcome:
                return self.import_response(request, form, None, outcome["file_error"])
            return self.import_response(request, form, report_from(outcome), "")
        if result.status == TaskResultStatus.FAILED:
            error = failure(result.errors[-1].traceback)
            message = _("The import failed: %(error)s. Nothing was saved.") % {"error": error}
            return self.import_response(request, form, None, message)
        task = {
            "progress": import_progress(progress_key(result.id)),
            "refresh_seconds": IMPORT_REFRESH_SECONDS,
        }
        return self.import_response(request, form, None, "", task=task)


class ReviewAdminMixin:
    """Drafts and review for a model with a ``review_status``.

    Everyone who may change records sees the status; only users with the model's publish
    permission set it, and a user without it changes drafts only, never what visitors see.
    Subclasses say how one record is published and withdrawn (``publish_record``,
    ``withdraw_record``), raising ReviewRefused to say why one cannot be.
    """

    review_fieldset = (_("Review"), {"fields": ["review_status"]})

    def may_publish(self, request) -> bool:
        return request.user.has_perm(self.model.publish_permission())

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.may_publish(request):
            readonly.append("review_status")
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published and not self.may_publish(request):
            return False
        return super().has_change_permission(request, obj)

    def has_publish_permission(self, request) -> bool:
        return self.may_publish(request)

    def get_list_display(self, request):
        return [*super().get_list_display(request), "review_status"]

    def get_list_filter(self, request):
        return ["review_status", *super().get_list_filter(request)]

    @admin.action(description=_("Publish selected"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._review(request, queryset, self.publish_record, _("Published: %(count)d."))

    @admin.action(description=_("Withdraw selected"), permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        self._review(request, queryset, self.withdraw_record, _("Withdrawn: %(count)d."))

    def _review(self, request, queryset, change, done_message):
        done = 0
        for record in queryset:
            try:
                change(record, request.user)
            except ReviewRefused as error:
                self.message_user(request, f"{record}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
