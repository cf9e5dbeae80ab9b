"""Template helpers for the curators' admin."""

from django import template
from django.urls import reverse

from agreements.models import Agreement
from orgs.models import Organization

register = template.Library()

REVIEWED_MODELS = [Agreement, Organization]


@register.inclusion_tag("admin/_review_queue.html", takes_context=True)
def review_queue(context):
    """The drafts waiting for review, by model, linked to their filtered change lists: shown
    on the admin's front page to everyone who may see them."""
    user = context["request"].user
    queues = []
    for model in REVIEWED_MODELS:
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        queues.append(
            {
                "label": opts.verbose_name_plural,
                "count": model.objects.drafts().count(),
                "url": f"{changelist}?review_status__exact={model.ReviewStatus.DRAFT}",
            }
        )
    return {"queues": queues}
