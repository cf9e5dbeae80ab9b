"""News items the directory's records are taken from, and the names they mention."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bionet.lib.models import NameField, TimestampedModel, choices_check
from bionet.lib.text import normalize
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
        query = normalize(query).strip()
        if not query:
            return self
        return self.filter(
            Q(title__icontains=query)
            | Q(outlet__icontains=query)
            | Q(reporter__icontains=query)
            | Q(body__icontains=query)
        )

    def for_list(self):
        """Newest first, undated last."""
        return self.order_by(models.F("published_on").desc(nulls_last=True), "title", "pk")


class NewsItem(TimestampedModel):
    """A news article that records are taken from and cite."""

    Language = NewsLanguage

    title = NameField(_("title"), max_length=300)
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
        _("main text"),
        blank=True,
        help_text=_(
            "The article itself, without page clutter: for curators only, never shown publicly. "
            "Empty for a news item known by its citation only."
        ),
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("What the article reports, in the directory's own words: shown publicly."),
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
                name="news_newsitem_unique_outlet_title",
                violation_error_message=_("This article is already in the directory."),
            ),
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="news_newsitem_unique_url",
                violation_error_message=_("An article with this URL is already in the directory."),
            ),
            models.CheckConstraint(
                condition=choices_check("language", NewsLanguage),
                name="news_newsitem_language_valid",
            ),
        ]
        indexes = [models.Index(fields=["published_on"], name="news_newsitem_published_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:newsitem_detail", kwargs={"pk": self.pk})


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
                name="news_newsmention_one_target",
                violation_error_message=_("A mention names an organization or a cluster."),
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="news_newsmention_span_valid"
            ),
        ]

    def __str__(self):
        return f"{self.text} @{self.start}"

    @property
    def target(self):
        return self.organization or self.cluster
