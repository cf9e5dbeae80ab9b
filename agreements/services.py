"""Writes that span several models: agreements drafted from news items."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from clusters.models import Cluster
from news.models import NewsItem
from news.text import StatedDate
from orgs.models import Organization

from .models import Agreement, AgreementParty


def agreement_create_from_news_item(
    *,
    news_item: NewsItem,
    title: str,
    kind: str,
    status: str,
    organizations: Sequence[Organization],
    role: str,
    stated_date: StatedDate | None,
    cluster: Cluster | None = None,
) -> Agreement:
    """An agreement citing ``news_item``, its parties and its date as the text states it."""
    if len({organization.pk for organization in organizations}) < 2:
        raise ValidationError("An agreement links at least two organizations.")
    agreement = Agreement(title=title, kind=kind, status=status, cluster=cluster)
    if stated_date is not None:
        agreement.date = stated_date.date
        agreement.date_precision = stated_date.precision
        agreement.date_stated = stated_date.stated
        agreement.date_basis = stated_date.basis
    with transaction.atomic():
        agreement.full_clean()
        agreement.save()
        agreement.sources.add(news_item)
        for organization in organizations:
            party = AgreementParty(agreement=agreement, organization=organization, role=role)
            party.full_clean()
            party.save()
    return agreement
