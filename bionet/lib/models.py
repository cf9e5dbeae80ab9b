from django.db import models
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .slugs import romanized
from .text import NormalizedCharField, normalize


class TimestampedModel(models.Model):
    """Records when a row was first entered and last changed."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


def choices_check(field: str, choices: type[models.TextChoices], *, blank: bool = False):
    """A named CHECK constraint that keeps a choice column within its TextChoices."""
    condition = models.Q(**{f"{field}__in": choices.values})
    if blank:
        condition |= models.Q(**{field: ""})
    return condition


class NameField(models.CharField):
    """A name or title, kept in the form the directory stores and searches: composed (NFC),
    full-width ASCII folded (see bionet.lib.text.normalize).

    Forms clean it to that form (so the admin's inlines compare aliases as they will be
    stored), so do ``full_clean()`` and deserialization (``to_python``), and every save
    stores it so. Migrations see a plain CharField: the difference lives in Python only.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return normalize(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = self.to_python(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NormalizedCharField, **kwargs})

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class BilingualNamed:
    """A record named in Korean and, where known, English.

    Pages show the name in the active language first and the other one beneath it; a record
    without an English name shows its Korean name in both languages.
    """

    korean_name_field = "name_ko"
    english_name_field = "name_en"
    # Names get a romanization on English pages; an agreement's title (a sentence) does not.
    romanized_in_english = True

    def _names(self) -> tuple[str, str]:
        return getattr(self, self.korean_name_field), getattr(self, self.english_name_field)

    def _english_first(self) -> bool:
        korean, english = self._names()
        return bool(english) and (get_language() or "").startswith("en")

    @property
    def display_name(self) -> str:
        """The name in the active language, falling back to the Korean name."""
        korean, english = self._names()
        return english if self._english_first() else korean

    @property
    def display_name_language(self) -> str:
        return "en" if self._english_first() else "ko"

    @property
    def other_name(self) -> str:
        """The name in the other language; on an English page, a Korean name without an
        English one is spelt out in Revised Romanization instead (names only, not titles)."""
        korean, english = self._names()
        if not english and self.romanized_in_english and self._english_page():
            return romanized(korean).title()
        if not english or english == korean:
            return ""
        return korean if self._english_first() else english

    @property
    def other_name_language(self) -> str:
        korean, english = self._names()
        if not english and self._english_page():
            return "ko-Latn"
        return "ko" if self._english_first() else "en"

    def _english_page(self) -> bool:
        return (get_language() or "").startswith("en")


def count_of(related, *, link: str, distinct: str | None = None):
    """How many rows of ``related`` point at each outer row through ``link``, as a subquery;
    with ``distinct``, how many different values of that column they hold.

    A correlated count, not a join grouped over the whole table: a list page of 25 rows then
    counts the related rows of those 25 only, however large the table.
    """
    count = Count(distinct, distinct=True) if distinct else Count("*")
    counted = (
        related.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(count=count)
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("review status", "Draft")
    PUBLISHED = "published", pgettext_lazy("review status", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("review status", "Withdrawn")


class ShownNameQuerySet(models.QuerySet):
    """For ``BilingualNamed`` records: order by the name visitors see."""

    def with_shown_name(self):
        """Annotate ``shown_name``: the English name in English where there is one, else the
        Korean one, so that a list sorts by the names it shows."""
        korean = self.model.korean_name_field
        if (get_language() or "").startswith("en"):
            shown = Coalesce(NullIf(self.model.english_name_field, Value("")), korean)
        else:
            shown = F(korean)
        return self.annotate(shown_name=shown)


class ReviewRefused(Exception):
    """A publish or withdraw the directory's rules do not allow; ``str()`` says why."""


class ReviewedQuerySet(ShownNameQuerySet):
    """Reads that respect review: visitors see published records only."""

    def published(self):
        return self.filter(review_status=ReviewStatus.PUBLISHED)

    def drafts(self):
        return self.filter(review_status=ReviewStatus.DRAFT)


class ReviewedModel(models.Model):
    """A record a contributor drafts and a curator publishes (or withdraws).

    Only published records are shown to visitors: on every page, export, sitemap, search and
    network. Publishing and withdrawing need the model's ``publish_<model>`` permission.
    """

    ReviewStatus = ReviewStatus

    review_status = models.CharField(
        _("review status"),
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
        help_text=_("Drafts and withdrawn records are seen in the admin only."),
    )

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.review_status == ReviewStatus.PUBLISHED

    @classmethod
    def publish_permission(cls) -> str:
        """The permission a user needs to publish or withdraw records of this model."""
        return f"{cls._meta.app_label}.publish_{cls._meta.model_name}"
