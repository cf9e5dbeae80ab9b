import datetime
from typing import NamedTuple

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, ProtectedError, Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bionet.lib.models import BilingualNamed, TimestampedModel, choices_check, count_of
from clusters.models import Cluster
from orgs.models import Organization


class NewsLanguage(models.TextChoices):
    KOREAN = "ko", _("Korean")
    ENGLISH = "en", _("English")


class NewsItemQuerySet(models.QuerySet):
    def mentioning_organization(self, organization):
        """News items whose main text names ``organization`` (by any of its names)."""
        return self._mentioning(organization=organization)

    def mentioning_cluster(self, cluster):
        """News items whose main text names ``cluster``."""
        return self._mentioning(cluster=cluster)

    def _mentioning(self, **target):
        mentions = NewsMention.objects.filter(news_item=OuterRef("pk"), **target)
        return self.filter(Exists(mentions))

    def search(self, query: str):
        """News items whose title, outlet, reporter or main text contains ``query``."""
        query = query.strip()
        if not query:
            return self
        return self.filter(
            Q(title__icontains=query)
            | Q(outlet__icontains=query)
            | Q(reporter__icontains=query)
            | Q(body__icontains=query)
        )

    def for_list(self):
        """Annotate how many agreements cite each news item; newest first."""
        # Meta.ordering does not apply to aggregating queries: order explicitly.
        citations = count_of(Agreement.sources.through.objects.all(), link="newsitem")
        return self.annotate(agreement_count=citations).order_by(
            models.F("published_on").desc(nulls_last=True), "title", "pk"
        )

    def citing(self, agreements):
        """The news items the given agreements cite."""
        # An IN over the citations of those agreements, not EXISTS per news item: the
        # databases then read the few citations once rather than probe for every news item.
        citations = Agreement.sources.through.objects.filter(agreement__in=agreements)
        return self.filter(pk__in=citations.values("newsitem"))


class NewsItem(TimestampedModel):
    """A news article that records are taken from and cite."""

    Language = NewsLanguage

    title = models.CharField(_("title"), max_length=300)
    outlet = models.CharField(
        _("outlet"), max_length=100, blank=True, help_text=_("Leave empty if the page omits it.")
    )
    reporter = models.CharField(_("reporter"), max_length=100, blank=True)
    published_on = models.DateField(
        _("published on"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the page gives no publication date."),
    )
    url = models.URLField(_("URL"), max_length=500, blank=True)
    body = models.TextField(
        _("main text"), help_text=_("The article itself, without page clutter.")
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.KOREAN
    )
    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        help_text=_("Generated test data, never curated: shown as such and removable at once."),
    )

    objects = NewsItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = [models.F("published_on").desc(nulls_last=True), "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["outlet", "title"],
                name="agreements_newsitem_unique_outlet_title",
                violation_error_message=_("This article is already in the directory."),
            ),
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="agreements_newsitem_unique_url",
                violation_error_message=_("An article with this URL is already in the directory."),
            ),
            models.CheckConstraint(
                condition=choices_check("language", NewsLanguage),
                name="agreements_newsitem_language_valid",
            ),
        ]
        indexes = [models.Index(fields=["published_on"], name="agreements_news_published_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:newsitem_detail", kwargs={"pk": self.pk})


class NewsMention(models.Model):
    """An organization or cluster named in a news item's main text, where it is named.

    Mentions are derived data: the mention detector recomputes them from the main text and the
    directory's names whenever either changes. Deleting a news item, organization or cluster
    therefore deletes its mentions with it (CASCADE) without losing anything a curator entered;
    the curated facts (agreements, parties, memberships) stay protected by their own PROTECT
    foreign keys.
    """

    news_item = models.ForeignKey(
        NewsItem, verbose_name=_("news item"), on_delete=models.CASCADE, related_name="mentions"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="news_mentions",
    )
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="news_mentions",
    )
    text = models.CharField(
        _("matched text"), max_length=200, help_text=_("The name as the article writes it.")
    )
    start = models.PositiveIntegerField(_("start"), help_text=_("Offset in the main text."))
    end = models.PositiveIntegerField(_("end"))

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        ordering = ["news_item", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False, cluster__isnull=True)
                | Q(organization__isnull=True, cluster__isnull=False),
                name="agreements_newsmention_one_target",
                violation_error_message=_("A mention names an organization or a cluster."),
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="agreements_newsmention_span_valid"
            ),
        ]

    def __str__(self):
        return f"{self.text} @{self.start}"

    @property
    def target(self):
        return self.organization or self.cluster


class FirstMatches(NamedTuple):
    """The first records a search shows, and how many match: ``count``, or more than that
    when ``capped``."""

    records: list
    count: int
    capped: bool


class AgreementQuerySet(models.QuerySet):
    # The most organizations a search passes to the database as a list (see first_matches).
    ORGANIZATIONS_LISTED = 2000

    def search(self, query: str):
        """Agreements whose title, summary or place, or a party's name or alias, holds ``query``."""
        query = query.strip()
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
        return by_text, Organization.objects.search(query)

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
        query = query.strip()
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

    def involving(self, organization):
        """Agreements the organization is a party to, in whatever role."""
        # An IN over the organization's parties, not an EXISTS per agreement: SQLite runs the
        # EXISTS by scanning every agreement (30 ms of an organization page at 100,000).
        parties = AgreementParty.objects.filter(organization=organization)
        return self.filter(pk__in=parties.values("agreement"))

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


class AgreementKind(models.TextChoices):
    MOU = "mou", _("MOU")
    LETTER_OF_INTENT = "loi", _("Letter of intent")
    COUNCIL = "council", _("Council")
    COMMITTEE = "committee", _("Organizing committee")
    JOINT_PROGRAM = "joint_program", _("Joint program")
    EVENT = "event", _("Event or forum")
    DESIGNATION = "designation", _("Designation")
    OTHER = "other", _("Other")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    UNKNOWN = "unknown", _("Unknown")


class AgreementStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONCLUDED = "concluded", _("Signed or held")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class Agreement(BilingualNamed, TimestampedModel):
    """An MOU, council, committee, joint program or event linking two or more organizations."""

    korean_name_field = "title"
    english_name_field = "title_en"

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
        max_length=8,
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
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
    )
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CONCLUDED
    )
    organizations = models.ManyToManyField(
        Organization,
        through="AgreementParty",
        related_name="agreements",
        verbose_name=_("parties"),
    )
    sources = models.ManyToManyField(NewsItem, related_name="agreements", verbose_name=_("sources"))

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
        constraints = [
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
            # indexes from migrations/0005_search_indexes.py.
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
        """The date at its precision for ``<time datetime>``: '2022-03-11', '2024-01', '2024'."""
        if self.date is None or self.date_precision == self.DatePrecision.UNKNOWN:
            return ""
        length = {self.DatePrecision.DAY: 10, self.DatePrecision.MONTH: 7}.get(
            self.date_precision, 4
        )
        return self.date.isoformat()[:length]

    def date_display(self) -> str:
        """The date at its precision, in the active language: '2024년 1월', 'March 11, 2022'."""
        return format_partial_date(self.date, self.date_precision)


def truncate_date(value: datetime.date | None, precision: str) -> datetime.date | None:
    """Drop the parts of a date finer than its precision: a month is stored as its first day."""
    if value is None:
        return None
    if precision == Agreement.DatePrecision.MONTH:
        return value.replace(day=1)
    if precision == Agreement.DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    return value


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    if value is None or precision == Agreement.DatePrecision.UNKNOWN:
        return gettext("Date unknown")
    if precision == Agreement.DatePrecision.DAY:
        return formats.date_format(value, "DATE_FORMAT")
    if precision == Agreement.DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    # Translators: a date format (Django's date syntax) for a year alone, e.g. "Y년" in Korean.
    return formats.date_format(value, pgettext("year-only date format", "Y"))


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


class AgreementParty(models.Model):
    """An organization's part in an agreement: signatory, chair, member, host ..."""

    Role = PartyRole

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="parties"
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


@receiver(pre_delete, sender=NewsItem)
def refuse_to_delete_a_cited_news_item(sender, instance, **kwargs):
    """
    A news item that agreements cite is their evidence: deleting it would silently strip the
    citation (a many-to-many row) from each of them, so it is protected like a foreign key.
    """
    citing = list(instance.agreements.all())
    if citing:
        raise ProtectedError(
            gettext("The news item “%(item)s” is cited by agreements.") % {"item": instance},
            set(citing),
        )


class NetworkVersion(models.Model):
    """The version of everything the collaboration network is drawn from: one row.

    Database triggers (migration 0007) bump ``counter`` on every insert, update and delete of
    agreements, parties, organizations, clusters and memberships, whoever writes them: the
    admin, bulk imports, raw SQL or another server process. The bump is part of the writing
    transaction, so a reader never sees a new version with old data. ``token`` is drawn anew
    whenever the row itself is created, so versions never repeat across databases or after
    the table is emptied.
    """

    token = models.CharField(max_length=32)
    counter = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("network version")

    def __str__(self):
        return f"{self.token}:{self.counter}"
