from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist
from simple_history.admin import SimpleHistoryAdmin

from jobs.services import failure
from orgs.models import Organization

from . import services
from .html import MAX_PAGE_BYTES
from .mentions import NameCandidate, find_new_names
from .models import NewsItem
from .tasks import fetch_article

# Seconds before the page of an article being fetched asks again.
FETCH_REFRESH_SECONDS = 2


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(file, initial) for file in files if file]


class NewsImportForm(forms.Form):
    url = forms.URLField(
        label=_("article address"),
        required=False,
        assume_scheme="https",
        help_text=_("The page is fetched and its article, title, outlet and date are read."),
    )
    files = MultipleFileField(
        label=_("saved article pages"),
        required=False,
        help_text=_(
            "Web pages saved from the browser (HTML) or their text (UTF-8), at most "
            "%(limit)s MB each. An article already in the directory is updated. If any file "
            "cannot be read, none is imported."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted when the form is shown, in the curator's language (not at import time).
        self.fields["files"].help_text = self.fields["files"].help_text % {
            "limit": MAX_PAGE_BYTES // (1024 * 1024)
        }

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("url") and not cleaned_data.get("files"):
            raise ValidationError(_("Give an article's address or choose saved pages."))
        return cleaned_data


class NameCandidateForm(forms.Form):
    name = forms.CharField(label=_("Korean name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=Organization.Kind.choices)
    abbreviation = forms.CharField(
        label=_("abbreviation"),
        max_length=200,
        required=False,
        help_text=_("Saved as an acronym of the new organization."),
    )

    def __init__(self, *args, matcher, **kwargs):
        super().__init__(*args, **kwargs)
        self.matcher = matcher

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if self.matcher.knows(name):
            raise ValidationError(_("The directory already knows an organization by this name."))
        return name

    def candidate(self) -> NameCandidate:
        return NameCandidate(
            self.cleaned_data["name"],
            self.cleaned_data["kind"],
            self.cleaned_data["abbreviation"].strip(),
        )


@admin.register(NewsItem)
class NewsItemAdmin(SimpleHistoryAdmin):
    class Media:
        css = {"all": ["bionet/admin.css"]}

    list_display = ["title", "outlet", "reporter", "published_on"]
    list_filter = ["outlet", "language"]
    search_fields = ["title", "outlet", "reporter", "summary", "body"]
    date_hierarchy = "published_on"
    readonly_fields = ["mentions_display", "new_names_display"]
    fieldsets = [
        (None, {"fields": ["title", "outlet", "reporter", "published_on", "url", "language"]}),
        (_("Summary"), {"fields": ["summary"]}),
        (_("Main text"), {"fields": ["body"]}),
        (_("Names in the main text"), {"fields": ["mentions_display", "new_names_display"]}),
    ]

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{prefix}_import",
            ),
            path(
                "import/fetch/<uuid:task_id>/",
                self.admin_site.admin_view(self.fetch_view),
                name=f"{prefix}_fetch",
            ),
            path(
                "<path:object_id>/organization/",
                self.admin_site.admin_view(self.organization_from_news_view),
                name=f"{prefix}_organization",
            ),
        ] + super().get_urls()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or "body" in form.changed_data:
            services.mentions_refresh(news_items=[obj])

    @admin.display(description=_("mentions"))
    def mentions_display(self, news_item):
        if news_item.pk is None:
            return _("Shown once the news item is saved.")
        mentions = list(news_item.mentions.select_related("organization", "cluster"))
        if not mentions:
            return _("The main text names no organization or cluster of the directory.")
        return format_html(
            '<p class="mention-legend"><mark class="mention mention-organization">{}</mark> '
            '<mark class="mention mention-cluster">{}</mark></p>'
            '<div class="mentioned-text">{}</div>',
            _("organization"),
            _("cluster"),
            highlighted(news_item.body, mentions),
        )

    @admin.display(description=_("names not in the directory"))
    def new_names_display(self, news_item):
        if news_item.pk is None:
            return "-"
        candidates = self.name_candidates(news_item)
        if not candidates:
            return _("None found.")
        url = reverse("admin:news_newsitem_organization", args=[news_item.pk])
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li>{} <span class="help">({}{})</span> '
                '<a class="addlink" href="{}?{}">{}</a></li>',
                (
                    (
                        candidate.name,
                        Organization.Kind(candidate.kind).label,
                        f", {candidate.abbreviation}" if candidate.abbreviation else "",
                        url,
                        urlencode(
                            {
                                "name": candidate.name,
                                "kind": candidate.kind,
                                "abbreviation": candidate.abbreviation,
                            }
                        ),
                        _("Create organization"),
                    )
                    for candidate in candidates
                ),
            ),
        )

    def name_candidates(self, news_item) -> list[NameCandidate]:
        matcher = services.name_matcher()
        return find_new_names(news_item.body, news_item.mentions.all(), matcher.knows)

    def import_view(self, request):
        """Import articles from an address or from saved pages.

        Template: ``admin/news/newsitem/action_form.html``.
        """
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = NewsImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid() and form.cleaned_data["url"]:
            # Fetched by the task worker; the next page follows it.
            result = fetch_article.enqueue(form.cleaned_data["url"])
            return redirect("admin:news_newsitem_fetch", result.id)
        if request.method == "POST" and form.is_valid():
            results = self.import_from(form)
            if results is not None:
                created = sum(created for _news_item, created in results)
                self.message_user(
                    request,
                    ngettext(
                        "Imported %(count)d article: %(created)d new, %(updated)d updated.",
                        "Imported %(count)d articles: %(created)d new, %(updated)d updated.",
                        len(results),
                    )
                    % {
                        "count": len(results),
                        "created": created,
                        "updated": len(results) - created,
                    },
                    messages.SUCCESS,
                )
                if len(results) == 1:
                    return redirect("admin:news_newsitem_change", results[0][0].pk)
                return redirect("admin:news_newsitem_changelist")
        return self.action_form_response(
            request, form, title=_("Import news articles"), submit=_("Import"), multipart=True
        )

    def fetch_view(self, request, task_id):
        """The article being fetched from its address: a page that reloads itself until the
        task is done, then the news item's change page, or the import form with the reason
        the article was refused."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        try:
            result = fetch_article.get_result(task_id)
        except (TaskResultDoesNotExist, ValueError):
            raise Http404 from None
        url = result.args[0]
        if result.status == TaskResultStatus.SUCCESSFUL and "news_item" in result.return_value:
            outcome = result.return_value
            self.message_user(
                request,
                _("Imported the article: a new news item.")
                if outcome["created"]
                else _("Imported the article: its news item was updated."),
                messages.SUCCESS,
            )
            return redirect("admin:news_newsitem_change", outcome["news_item"])
        if result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
            form = NewsImportForm(initial={"url": url})
            if result.status == TaskResultStatus.SUCCESSFUL:
                reasons = result.return_value["error"]
            else:
                reasons = [
                    _("The article could not be fetched: %(error)s")
                    % {"error": failure(result.errors[-1].traceback)}
                ]
            return self.action_form_response(
                request,
                form,
                title=_("Import news articles"),
                submit=_("Import"),
                multipart=True,
                refusals=reasons,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Fetching the article"),
            "url": url,
            "refresh_seconds": FETCH_REFRESH_SECONDS,
        }
        response = TemplateResponse(request, "admin/news/newsitem/fetching.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def import_from(self, form) -> list[tuple] | None:
        """(news item, created) for each saved page the form gives, or None with the
        form's errors saying why nothing was imported."""
        # One byte past the limit is enough for the import to refuse an oversized file.
        files = [
            (upload.name, upload.read(MAX_PAGE_BYTES + 1)) for upload in form.cleaned_data["files"]
        ]
        try:
            results = services.news_items_import_files(files=files)
        except services.NewsImportError as error:
            for problem in error.problems:
                form.add_error("files", str(problem))
            form.add_error(None, _("Nothing was imported."))
            return None
        return [(result.news_item, result.created) for result in results]

    def organization_from_news_view(self, request, object_id):
        """Create an organization the news item names, prefilled from the name found."""
        news_item = self.get_object(request, object_id)
        if news_item is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.admin_site._registry[Organization].has_add_permission(request):
            raise PermissionDenied
        form = NameCandidateForm(
            request.POST or None, initial=request.GET.dict(), matcher=services.name_matcher()
        )
        if request.method == "POST" and form.is_valid():
            try:
                organization = services.organization_create_from_candidate(
                    candidate=form.candidate()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    format_html(
                        _(
                            'Draft organization <a href="{}">{}</a> created: add its English '
                            "name and details there; a curator publishes it."
                        ),
                        reverse("admin:orgs_organization_change", args=[organization.pk]),
                        organization.name_ko,
                    ),
                    messages.SUCCESS,
                )
                return redirect("admin:news_newsitem_change", news_item.pk)
        return self.action_form_response(
            request,
            form,
            title=_("Create organization from this news item"),
            submit=_("Create organization"),
            news_item=news_item,
        )

    def action_form_response(self, request, form, *, title, submit, multipart=False, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "submit_label": submit,
            "multipart": multipart,
            **extra,
        }
        return TemplateResponse(request, "admin/news/newsitem/action_form.html", context)


def highlighted(body: str, mentions) -> str:
    """The main text, escaped, each mention marked and linked to its record in the admin."""
    by_span: dict[tuple[int, int], list] = {}
    for mention in mentions:
        by_span.setdefault((mention.start, mention.end), []).append(mention.target)
    parts, position = [], 0
    for (start, end), targets in sorted(by_span.items()):
        if start < position:
            continue
        parts.append(format_html("{}", body[position:start]))
        links = format_html_join(
            " ",
            '<a href="{}" title="{}">{}</a>',
            (
                (
                    reverse(
                        f"admin:{target._meta.app_label}_{target._meta.model_name}_change",
                        args=[target.pk],
                    ),
                    str(target),
                    body[start:end] if index == 0 else f"[{target}]",
                )
                for index, target in enumerate(targets)
            ),
        )
        kind = "organization" if targets[0]._meta.model_name == "organization" else "cluster"
        parts.append(format_html('<mark class="mention mention-{}">{}</mark>', kind, links))
        position = end
    parts.append(format_html("{}", body[position:]))
    return format_html_join("", "{}", ((part,) for part in parts))
