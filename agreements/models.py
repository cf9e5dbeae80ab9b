import datetime
from typing import NamedTuple

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bionet.lib.dates import (
    DatePrecision,
    format_partial_date,
    partial_date_iso,
    truncate_date,
)
from bionet.lib.models import (
    BilingualNamed,
    ReviewedModel,
    ReviewedQuerySet,
    ReviewStatus,
    TimestampedModel,
    choices_check,
    count_of,
)
from bionet.lib.text import normalize
from clusters.models import Cluster
from news.models import NewsItem
from orgs.models import Organization


class FirstMatches(NamedTuple):
    """The first records a search shows, and how many match: ``count``, or more than that
    when ``capped``."""

    records: list
    count: int
    capped: bool


class AgreementQuerySet(ReviewedQuerySet):
    # The most organizations a search passes to the database as a list (see first_matches).
    ORGANIZATIONS_LISTED = 2000

    def search(self, query: str):
        """Agreements whose title, summary or place, or a party's name or alias, holds ``query``."""
        query = normalize(query).strip()
        if not query:
            return self
        by_text, organizations = self._search_parts(query)
        # The agreements of the matching organizations, read once through the organizations'
        # search index and the parties' organization index (an IN the databases hash), not an
        # EXISTS probed for every agreement.
        by_party = AgreementParty.objects.filter(organization__in=organizations.values("pk"))
        return self.filter(by_text | Q(pk__in=by_party.values("agreement")))

    def _search_parts(self, query: str):
        """The search's two halves: a condition on the agreement's own text, and the
        organizations whose names hold ``query`` (whose agreements match too)."""
        by_text = (
            Q(title__icontains=query)
            | Q(title_en__icontains=query)
            | Q(summary__icontains=query)
            | Q(place__icontains=query)
        )
        return by_text, Organization.objects.published().search(query)

    def first_matches(self, query: str, *, shown: int, cap: int) -> FirstMatches:
        """The ``shown`` newest agreements that :meth:`search` finds, and how many there are,
        counted up to ``cap``: six queries, whose cost does not grow with the directory.

        A common word matches a share of every agreement ("진흥" is in one title of five), so
        an exact count, or a union of every match, reads a share of the whole table. The
        search is split into its two halves instead, text and parties, each of which the
        databases can serve from an index or by walking the newest-first order until enough
        rows are found; each is read up to ``cap`` + 1 rows for the count, and its ``shown``
        newest rows for the page.
        """
        query = normalize(query).strip()
        by_text, organizations = self._search_parts(query)
        by_text = self.filter(by_text)
        # The matching organizations first, as a list when there are few, so that the
        # planner sees how many parties it will meet: estimated from the subquery, a rare
        # name looks common and is sought by walking every agreement (5.7 s at 1,000,000).
        organizations = organizations.order_by().values_list("pk", flat=True)
        listed = list(organizations[: self.ORGANIZATIONS_LISTED + 1])
        if len(listed) <= self.ORGANIZATIONS_LISTED:
            organizations = listed
        by_party = self.filter(
            Exists(
                AgreementParty.objects.filter(
                    agreement=OuterRef("pk"), organization__in=organizations
                )
            )
        )
        found, newest = set(), set()
        for part in (by_text, by_party) if listed else (by_text,):
            found.update(part.order_by().values_list("pk", flat=True)[: cap + 1])
            newest.update(part.values_list("pk", flat=True)[:shown])
        records = self.filter(pk__in=newest).for_list()[:shown]
        return FirstMatches(list(records), min(len(found), cap), len(found) > cap)

    def cited_news_items(self, news_items=None):
        """The news items these agreements cite, among ``news_items`` when given."""
        # An IN over the citations of these agreements, not EXISTS per news item: the
        # databases then read the few citations once rather than probe for every news item.
        news_items = NewsItem.objects.all() if news_items is None else news_items
        citations = AgreementSource.objects.filter(agreement__in=self)
        return news_items.filter(pk__in=citations.values("newsitem"))

    def likely_same_event(
        self, *, organization_ids, date=None, news_items=(), exclude=None, limit: int = 10
    ):
        """Agreements probably recording the event being entered: those already citing one of
        ``news_items``, and those sharing two of its parties (both, if it names two) with a
        date within SAME_EVENT_DAYS of ``date`` or no date; any date when ``date`` is None.
        Most shared parties first."""
        organization_ids = set(organization_ids)
        shared_needed = min(2, len(organization_ids))
        condition = Q(pk__in=[])
        if news_items:
            citing = AgreementSource.objects.filter(newsitem__in=news_items).values("agreement")
            condition |= Q(pk__in=citing)
        if shared_needed:
            sharing = (
                AgreementParty.objects.filter(organization__in=organization_ids)
                .order_by()
                .values("agreement")
                .annotate(shared=Count("organization", distinct=True))
                .filter(shared__gte=shared_needed)
                .values("agreement")
            )
            near = Q()
            if date is not None:
                window = datetime.timedelta(days=SAME_EVENT_DAYS)
                near = Q(date__range=(date - window, date + window)) | Q(date__isnull=True)
            condition |= Q(pk__in=sharing) & near
        found = self.filter(condition)
        if exclude is not None:
            found = found.exclude(pk=exclude)
        shared = Count(
            "parties__organization",
            filter=Q(parties__organization__in=organization_ids),
            distinct=True,
        )
        return found.annotate(shared_parties=shared).order_by("-shared_parties", "-date", "pk")[
            :limit
        ]

    def involving(self, organization):
        """Agreements the organization is a party to, in whatever role."""
        # An IN over the organization's parties, not an EXISTS per agreement: SQLite runs the
        # EXISTS by scanning every agreement (30 ms of an organization page at 100,000).
        parties = AgreementParty.objects.filter(organization=organization)
        return self.filter(pk__in=parties.values("agreement"))

    def short_of_parties(self, *, without=None):
        """Those linking fewer than MINIMUM_ORGANIZATIONS organizations, their parties
        ``without`` (ids, or a query of them) left out: what removing those would leave short.
        Each carries ``organization_count``."""
        kept = Q() if without is None else ~Q(parties__in=without)
        organizations = Count("parties__organization", filter=kept, distinct=True)
        return self.annotate(organization_count=organizations).filter(
            organization_count__lt=MINIMUM_ORGANIZATIONS
        )

    def with_party_count(self):
        """Annotate the number of parties; newest first (aggregates drop Meta.ordering)."""
        parties = count_of(AgreementParty.objects.all(), link="agreement")
        return self.annotate(party_count=parties).order_by(
            models.F("date").desc(nulls_last=True), "title", "pk"
        )

    def for_list(self):
        """Everything a list row shows, in a fixed number of queries."""
        return self.select_related("cluster").prefetch_related(
            Prefetch(
                "parties",
                queryset=AgreementParty.objects.select_related("organization").order_by(
                    "role", "organization__name_ko"
                ),
            ),
        )

    def for_detail(self):
        """An agreement with its cluster, parties and sources, in a fixed number of queries."""
        return self.for_list().prefetch_related("sources")


# Two records of the same parties this close in time are probably one event.
SAME_EVENT_DAYS = 31

# An agreement links at least this many organizations (see agreements.services).
MINIMUM_ORGANIZATIONS = 2


class AgreementKind(models.TextChoices):
    MOU = "mou", _("MOU")
    LETTER_OF_INTENT = "loi", _("Letter of intent")
    COUNCIL = "council", _("Council")
    COMMITTEE = "committee", _("Organizing committee")
    JOINT_PROGRAM = "joint_program", _("Joint program")
    EVENT = "event", _("Event or forum")
    DESIGNATION = "designation", _("Designation")
    OTHER = "other", _("Other")


class AgreementStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONCLUDED = "concluded", _("Signed or held")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class AgreementSource(models.Model):
    """A news item an agreement cites: the evidence for it.

    PROTECT: a cited news item cannot be deleted, since that would silently strip the citation
    from the agreement.
    """

    agreement = models.ForeignKey(
        "Agreement", verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="citations"
    )
    newsitem = models.ForeignKey(
        NewsItem, verbose_name=_("news item"), on_delete=models.PROTECT, related_name="citations"
    )

    class Meta:
        db_table = "agreements_agreement_sources"
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        unique_together = [("agreement", "newsitem")]

    def __str__(self):
        # Named in refusals to delete a cited news item: say which agreement would lose it.
        return gettext("%(agreement)s, citing %(news_item)s") % {
            "agreement": self.agreement,
            "news_item": self.newsitem,
        }


class Agreement(BilingualNamed, ReviewedModel, TimestampedModel):
    """An MOU, council, committee, joint program or event linking two or more organizations."""

    korean_name_field = "title"
    english_name_field = "title_en"
    romanized_in_english = False

    Kind = AgreementKind

    DatePrecision = DatePrecision

    Status = AgreementStatus

    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("For a month or a year, the first day of it. Empty when unknown."),
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=16,
        choices=DatePrecision.choices,
        default=DatePrecision.UNKNOWN,
    )
    date_stated = models.CharField(
        _("date as stated"),
        max_length=100,
        blank=True,
        help_text=_("The date exactly as the source words it, e.g. “5월 22일” or “지난 7일”."),
    )
    date_basis = models.CharField(
        _("basis of the date"),
        max_length=300,
        blank=True,
        help_text=_("How the date was worked out, e.g. the year taken from the publication date."),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    # No index of its own: agreements_agr_cluster_idx (cluster, kind, date) finds a cluster's
    # agreements.
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        db_index=False,
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("In the directory's own words, in Korean.")
    )
    summary_en = models.TextField(
        _("English summary"), blank=True, help_text=_("The same summary in English.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CONCLUDED
    )
    organizations = models.ManyToManyField(
        Organization,
        through="AgreementParty",
        related_name="agreements",
        verbose_name=_("parties"),
    )
    sources = models.ManyToManyField(
        NewsItem, through=AgreementSource, related_name="agreements", verbose_name=_("sources")
    )

    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        help_text=_("Generated test data, never curated: shown as such and removable at once."),
    )

    objects = AgreementQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = [models.F("date").desc(nulls_last=True), "title"]
        permissions = [("publish_agreement", _("Can publish and withdraw agreements"))]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("review_status", ReviewStatus),
                name="agreements_agreement_review_status_valid",
            ),
            models.CheckConstraint(
                condition=choices_check("kind", AgreementKind),
                name="agreements_agreement_kind_valid",
            ),
            models.CheckConstraint(
                condition=choices_check("status", AgreementStatus),
                name="agreements_agreement_status_valid",
            ),
            models.CheckConstraint(
                condition=choices_check("date_precision", DatePrecision),
                name="agreements_agreement_date_precision_valid",
            ),
            models.CheckConstraint(
                condition=(Q(date_precision="unknown") & Q(date__isnull=True))
                | (~Q(date_precision="unknown") & Q(date__isnull=False)),
                name="agreements_agreement_date_matches_precision",
                violation_error_message=_(
                    "A known date needs a precision of day, month or year; an unknown one, no date."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["date"], name="agreements_agr_date_idx"),
            models.Index(fields=["kind", "date"], name="agreements_agr_kind_date_idx"),
            # A cluster's agreements of a kind over some years (its page, the list's filters
            # and exports), without reading the kind's agreements of every cluster.
            models.Index(fields=["cluster", "kind", "date"], name="agreements_agr_cluster_idx"),
            # The list's "title" order. The default order (date descending, undated last)
            # needs NULLS LAST in the index, which SQLite refuses: PostgreSQL gets those
            # indexes from migrations/0006_search_indexes.py.
            models.Index(fields=["title"], name="agreements_agr_title_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:agreement_detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        unknown = self.date_precision == self.DatePrecision.UNKNOWN
        if unknown and self.date is not None:
            raise ValidationError(
                {"date_precision": _("Choose day, month or year for a date that is given.")}
            )
        if not unknown and self.date is None:
            raise ValidationError({"date": _("Give the date, or set its precision to unknown.")})
        self.date = truncate_date(self.date, self.date_precision)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    @property
    def date_iso(self) -> str:
        """The date at its precision for ``<time datetime>`` (see partial_date_iso)."""
        return partial_date_iso(self.date, self.date_precision)

    @property
    def summary_in_language(self) -> dict:
        """The summary in the active language where written, else the Korean one:
        ``{"text": ..., "language": "ko" | "en"}``."""
        if self.summary_en and (get_language() or "").startswith("en"):
            return {"text": self.summary_en, "language": "en"}
        return {"text": self.summary, "language": "ko"}

    def date_display(self) -> str:
        """The date at its precision, in the active language: '2024년 1월', 'March 11, 2022'."""
        return format_partial_date(self.date, self.date_precision)


class PartyRole(models.TextChoices):
    SIGNATORY = "signatory", _("Signatory")
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    HOST = "host", _("Host")
    ORGANIZER = "organizer", _("Organizer")
    CO_ORGANIZER = "co_organizer", _("Co-organizer")
    OPERATOR = "operator", _("Operator")
    DESIGNATOR = "designator", _("Designating body")
    DESIGNEE = "designee", _("Designee")
    PARTICIPANT = "participant", _("Participant")
    SUPPORTER = "supporter", _("Supporter")


class AgreementPartyQuerySet(models.QuerySet):
    """Reads over parties: who an organization works with."""

    def published(self):
        """Parties of published agreements (whose organizations are published too: see
        AgreementParty.clean)."""
        return self.filter(agreement__review_status=ReviewStatus.PUBLISHED)

    def partners_of(self, organization):
        """The organizations sharing at least one agreement with ``organization``, in one query.

        Each carries ``shared_agreements`` (how many) and ``latest_date`` (of the most recent
        shared agreement with a known date); the most frequent partners come first. See
        :meth:`top_partners_of` for the precision of that date.
        """
        # Filtering before annotating makes the counts cover shared agreements only.
        return (
            Organization.objects.filter(
                agreement_parties__agreement__parties__organization=organization,
                agreement_parties__agreement__review_status=ReviewStatus.PUBLISHED,
            )
            .exclude(pk=organization.pk)
            .annotate(
                shared_agreements=Count("agreement_parties__agreement", distinct=True),
                latest_date=Max("agreement_parties__agreement__date"),
            )
            .order_by(
                "-shared_agreements", models.F("latest_date").desc(nulls_last=True), "name_ko"
            )
        )

    def top_partners_of(self, organization, limit: int) -> list[Organization]:
        """The first ``limit`` of :meth:`partners_of`, each also carrying
        ``latest_date_precision``: two queries.

        The precisions are read from the organization's own shared agreements in one query,
        not by a subquery per partner, which the database answers by reading all of the
        partner's parties (a national hub among them has thousands: 137 ms for 50 partners at
        1,000,000 agreements on PostgreSQL).
        """
        partners = list(self.partners_of(organization)[:limit])
        own_agreements = self.filter(organization=organization).values("agreement")
        shared = self.filter(
            agreement__in=own_agreements,
            organization__in=[partner.pk for partner in partners],
            agreement__date__isnull=False,
        ).values_list("organization", "agreement__date", "agreement__date_precision")
        latest = {}
        # The latest date; between shared agreements of that date, the first precision by
        # name ("day" before "month"), as the agreement list orders them.
        for organization, date, precision in sorted(shared, key=lambda row: (row[1], row[2])):
            if organization not in latest or date > latest[organization][0]:
                latest[organization] = (date, precision)
        for partner in partners:
            partner.latest_date_precision = latest.get(partner.pk, (None, None))[1]
        return partners

    def partner_count_of(self, organization) -> int:
        """How many organizations share at least one agreement with ``organization``."""
        return (
            self.filter(agreement__parties__organization=organization)
            .exclude(organization=organization)
            .values("organization")
            .distinct()
            .count()
        )


class AgreementParty(models.Model):
    """An organization's part in an agreement: signatory, chair, member, host ..."""

    Role = PartyRole

    # No index of its own: the unique (agreement, organization, role) index finds an
    # agreement's parties, and one index fewer is less to write for every party.
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="parties",
        db_index=False,
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("e.g. who signed, as the source says.")
    )

    objects = AgreementPartyQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["agreement", "role", "organization__name_ko"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organization", "role"],
                name="agreements_party_unique_role",
                violation_error_message=_(
                    "This organization already has this role in this agreement."
                ),
            ),
            models.CheckConstraint(
                condition=choices_check("role", PartyRole), name="agreements_party_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"

    def clean(self):
        super().clean()
        # Synthetic records must stay removable without touching curated ones.
        try:
            mixed = self.agreement.is_synthetic != self.organization.is_synthetic
        except ObjectDoesNotExist:
            return
        if mixed:
            raise ValidationError(
                {
                    "organization": _(
                        "Curated agreements have only curated parties, and synthetic agreements "
                        "only synthetic ones."
                    )
                }
            )
        # Visitors see a published agreement's parties: none of them may be unpublished.
        if self.agreement.is_published and not self.organization.is_published:
            raise ValidationError(
                {
                    "organization": _(
                        "“%(organization)s” is not published yet: publish it first, or publish "
                        "this agreement with the “Publish” action, which publishes its "
                        "organizations too."
                    )
                    % {"organization": self.organization}
                }
            )


def with_agreement_counts(queryset):
    """Organizations, clusters or news items, each annotated with ``agreement_count``: how many
    published agreements it is a party to, holds, or is cited by."""
    # A correlated count per row, not a join grouped over the whole table: a page of 25 rows
    # counts the agreements of those 25 only.
    counts = {
        Organization: lambda: count_of(
            AgreementParty.objects.published(), link="organization", distinct="agreement"
        ),
        Cluster: lambda: count_of(Agreement.objects.published(), link="cluster"),
        NewsItem: lambda: count_of(
            AgreementSource.objects.filter(agreement__review_status=ReviewStatus.PUBLISHED),
            link="newsitem",
        ),
    }
    return queryset.annotate(agreement_count=counts[queryset.model]())
