"""Writes that span several models: agreements drafted from news items, and review."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bionet.lib.dates import DatePrecision
from bionet.lib.models import ReviewRefused, ReviewStatus
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
    parties: Sequence[tuple[Organization, str]],
    stated_date: StatedDate | None,
    year: int | None = None,
    year_basis: str = "",
    cluster: Cluster | None = None,
    title_en: str = "",
    summary: str = "",
) -> Agreement:
    """A draft agreement citing ``news_item``, with each party in its role and the date as the
    text states it. A date stated without its year takes ``year`` when the curator knows it,
    with ``year_basis`` saying what it rests on."""
    if len({organization.pk for organization, _role in parties}) < 2:
        raise ValidationError(_("An agreement links at least two organizations."))
    agreement = Agreement(
        title=title, title_en=title_en, kind=kind, status=status, cluster=cluster, summary=summary
    )
    if stated_date is not None:
        agreement.date = stated_date.date
        agreement.date_precision = stated_date.precision
        agreement.date_stated = stated_date.stated
        agreement.date_basis = stated_date.basis
        if year is not None and stated_date.precision == DatePrecision.MONTH_DAY:
            agreement.date = stated_date.date.replace(year=year)
            agreement.date_precision = DatePrecision.DAY
            agreement.date_basis = _("%(stated)s The year: %(basis)s") % {
                "stated": stated_date.basis,
                "basis": year_basis,
            }
    with transaction.atomic():
        agreement.full_clean()
        agreement.save()
        agreement.sources.add(news_item)
        for organization, role in dict.fromkeys(parties):
            party = AgreementParty(agreement=agreement, organization=organization, role=role)
            party.full_clean()
            party.save()
    return agreement


def agreement_cite(*, agreement: Agreement, news_item: NewsItem, user) -> bool:
    """Add ``news_item`` to the sources of ``agreement`` (the same event, reported again):
    False if it already cites it. Changing a published agreement needs the publish
    permission."""
    if agreement.is_published and not user.has_perm(Agreement.publish_permission()):
        raise ReviewRefused(_("Only a curator changes a published agreement."))
    if agreement.sources.filter(pk=news_item.pk).exists():
        return False
    agreement._history_user = user
    agreement.sources.add(news_item)
    return True


def agreement_publish(*, agreement: Agreement, user) -> list[Organization]:
    """Publish a draft or withdrawn agreement with its unpublished organizations, so that
    visitors never meet a party they cannot open. Returns the organizations published too."""
    if not user.has_perm(Agreement.publish_permission()):
        raise ReviewRefused(_("You may draft agreements, not publish them."))
    organizations = [
        party.organization
        for party in agreement.parties.select_related("organization")
        if not party.organization.is_published
    ]
    if organizations and not user.has_perm(Organization.publish_permission()):
        raise ReviewRefused(_("Its organizations need publishing too, which you may not do."))
    with transaction.atomic():
        for organization in dict.fromkeys(organizations):
            _set_review_status(organization, ReviewStatus.PUBLISHED, user)
        _set_review_status(agreement, ReviewStatus.PUBLISHED, user)
    return list(dict.fromkeys(organizations))


def organization_publish(*, organization: Organization, user) -> None:
    if not user.has_perm(Organization.publish_permission()):
        raise ReviewRefused(_("You may draft organizations, not publish them."))
    _set_review_status(organization, ReviewStatus.PUBLISHED, user)


def review_withdraw(*, record: Agreement | Organization, user) -> None:
    """Take a published agreement or organization off the public pages. An organization that
    is a party to published agreements stays: withdraw those first."""
    if not user.has_perm(type(record).publish_permission()):
        raise ReviewRefused(_("You may not withdraw published records."))
    if isinstance(record, Organization):
        published = AgreementParty.objects.published().filter(organization=record)
        if published.exists():
            raise ReviewRefused(
                _("“%(name)s” is a party to %(count)d published agreements: withdraw them first.")
                % {"name": record, "count": published.values("agreement").distinct().count()}
            )
    _set_review_status(record, ReviewStatus.WITHDRAWN, user)


def _set_review_status(record, status: str, user) -> None:
    record.review_status = status
    record._history_user = user
    record.save(update_fields=["review_status", "updated"])
