"""Writes that span several models: agreements drafted from news items, review, and the
rules every write to parties keeps.

The rules (see agreement_parties_check): a published agreement links at least two
organizations, and an organization is a party once per agreement and role.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bionet.lib.dates import DatePrecision
from bionet.lib.models import ReviewRefused, ReviewStatus
from clusters.models import Cluster
from news.models import NewsItem
from news.text import StatedDate
from orgs.models import Organization

from .models import MINIMUM_ORGANIZATIONS, Agreement, AgreementParty

# The agreements a refusal names; the others are counted.
NAMED_IN_REFUSALS = 10


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
    if len({organization.pk for organization, _role in parties}) < MINIMUM_ORGANIZATIONS:
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
    visitors never meet a party they cannot open. Returns the organizations published too.
    Refused for one linking fewer than two organizations (see agreement_parties_check)."""
    if not user.has_perm(Agreement.publish_permission()):
        raise ReviewRefused(_("You may draft agreements, not publish them."))
    if Agreement.objects.filter(pk=agreement.pk).short_of_parties().exists():
        raise ReviewRefused(
            _("It links fewer than two organizations: give it another party first.")
        )
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


# The rules every write to parties keeps --------------------------------------------------------


def agreement_parties_check(
    *,
    agreement_ids: Iterable[int] | models.QuerySet,
    without: Iterable[int] | models.QuerySet | None = None,
    adding: Iterable[tuple[int, int]] = (),
) -> None:
    """Refuse (ValidationError, naming them) a write that would leave a published agreement
    among ``agreement_ids`` linking fewer than two organizations: once its parties
    ``without`` (ids, or a query of them) are gone and the ``adding`` (agreement id,
    organization id) pairs are parties. Called in the write's transaction, before it (or
    after it, with nothing left out or added).

    The rules, and who keeps them:

    - **A published agreement links at least two organizations** (two parties of one
      organization, in two roles, are one). Every path that takes a party away checks here
      first: the parties' admin (deleting one or many, moving one to another agreement or
      changing its organization), merging two organizations (agreement_parties_check_merge),
      restoring a backup; publishing checks the agreement (agreement_publish). On PostgreSQL a
      deferred constraint trigger (migration 0015) refuses, at commit, any transaction that
      leaves one short, whatever wrote it; on SQLite these checks are the guard.
    - **Drafts and withdrawn agreements may be short for a while.** Visitors, exports and the
      network never see them, and a curator putting a party on the right agreement, or
      merging two records of one organization that both sign a draft, should not first have
      to complete a record nobody sees yet; a short one cannot be published. The forms that
      write an agreement whole still ask two organizations of every one, drafts included:
      the agreement's admin page (its party inline), drafting from a news item, the CSV
      import.
    - **An organization is a party once per agreement and role**: the unique constraint
      agreements_party_unique_role, on both databases. Forms show its message; a merge drops
      the duplicate's party that would repeat one of the survivor's.
    """
    short = list(
        Agreement.objects.published()
        .filter(pk__in=agreement_ids)
        .short_of_parties(without=without)
        .order_by("pk")
    )
    adding = list(adding)
    if short and adding:
        organizations = defaultdict(set)
        kept = AgreementParty.objects.filter(agreement__in=short)
        if without is not None:
            kept = kept.exclude(pk__in=without)
        for agreement_id, organization_id in [
            *kept.values_list("agreement", "organization"),
            *adding,
        ]:
            organizations[agreement_id].add(organization_id)
        short = [a for a in short if len(organizations[a.pk]) < MINIMUM_ORGANIZATIONS]
    if short:
        raise ValidationError(
            ngettext(
                "A published agreement links at least two organizations; %(agreements)s would "
                "link fewer. Give it another party first, or withdraw it.",
                "A published agreement links at least two organizations; %(agreements)s would "
                "link fewer. Give them another party first, or withdraw them.",
                len(short),
            )
            % {"agreements": named_agreements(short)},
            code="too_few_parties",
        )


def agreement_parties_delete(*, parties: models.QuerySet) -> int:
    """Delete ``parties``, unless that leaves a published agreement short (see
    agreement_parties_check). Returns how many were deleted."""
    with transaction.atomic():
        agreement_parties_check(
            agreement_ids=parties.values("agreement"), without=parties.values("pk")
        )
        deleted, _by_model = parties.delete()
    return deleted


def agreement_parties_check_merge(*, survivor: Organization, duplicate: Organization) -> None:
    """Refuse merging ``duplicate`` into ``survivor`` (orgs.services.organization_merge) where
    both are parties to a published agreement that no third organization is party to.

    The merge's outcome for an agreement both are parties to: the survivor keeps its
    parties; the duplicate's party in a role the survivor holds too is dropped, in another
    role it becomes the survivor's. The agreement then links one organization fewer. With a
    third organization left it still links two, and the merge goes ahead; without one a
    published agreement would link one organization with itself, so the merge is refused,
    naming it. Two records of one organization cannot be the two sides of an agreement: the
    curator gives it its real other party (or withdraws it) and merges then. A draft is left
    with the survivor alone, to be completed before it is published.
    """
    shared = AgreementParty.objects.filter(organization=survivor).values("agreement")
    lost = AgreementParty.objects.filter(organization=duplicate, agreement__in=shared)
    try:
        agreement_parties_check(agreement_ids=lost.values("agreement"), without=lost.values("pk"))
    except ValidationError as error:
        raise ValidationError(
            _("“%(duplicate)s” cannot be merged into “%(survivor)s”: %(reason)s")
            % {"duplicate": duplicate, "survivor": survivor, "reason": " ".join(error.messages)},
            code="too_few_parties",
        ) from error


def named_agreements(agreements: Sequence[Agreement]) -> str:
    """“Title” (#12), “Title” (#15) and 3 more: the agreements a refusal names."""
    shown = agreements[:NAMED_IN_REFUSALS]
    named = ", ".join(f"“{agreement}” (#{agreement.pk})" for agreement in shown)
    more = len(agreements) - NAMED_IN_REFUSALS
    if more > 0:
        named += " " + ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
    return named
