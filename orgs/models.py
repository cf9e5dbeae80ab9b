from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bionet.lib.models import (
    BilingualNamed,
    NameField,
    ReviewedModel,
    ReviewedQuerySet,
    ReviewStatus,
    TimestampedModel,
    choices_check,
)
from bionet.lib.slugs import readable_slug
from bionet.lib.text import normalize

from .choices import Region
from .search import HANGUL, GramsField, HasGrams, query_grams, search_columns, unspaced

ror_id_validator = RegexValidator(
    r"^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$",
    _("A ROR ID has nine characters, e.g. 04h9pn542 (without https://ror.org/)."),
)
wikidata_qid_validator = RegexValidator(
    r"^Q[1-9][0-9]*$", _("A Wikidata item ID looks like Q12345.")
)


class OrganizationQuerySet(ReviewedQuerySet):
    def search(self, query: str):
        """Organizations whose Korean or English name, slug or any alias contains ``query``;
        a Korean query also written without its spaces ("한국 보건 산업 진흥원" finds
        한국보건산업진흥원), as Korean names are spaced either way. The query is read in the
        form names are stored in (see bionet.lib.text.normalize): decomposed Hangul and
        full-width letters find what they spell."""
        query = normalize(query).strip()
        if not query:
            return self
        if unspaced(query) != query and HANGUL.search(query):
            return self._search(query) | self._search(unspaced(query))
        return self._search(query)

    def _search(self, query: str):
        if connections[self.db].vendor == "postgresql" and (grams := query_grams(query)):
            # The grams' GIN index finds the organizations holding every gram of the query
            # (see orgs/search.py). A query of one or two characters is a gram itself, so
            # holding it is containing it; a longer one's grams may lie apart, and the
            # substring test on all the names keeps exactly those that contain it.
            if len(query) <= 2:
                return self.filter(HasGrams(grams))
            return self.filter(HasGrams(grams), search_names__icontains=query)
        return self.names_contain(query)

    def names_contain(self, query: str):
        """The plain substring match over every name (and each written without spaces);
        ``search()`` finds the same, faster."""
        query = normalize(query)
        aliases = OrganizationName.objects.filter(
            organization=OuterRef("pk"), name__icontains=query
        )
        return self.filter(
            Q(name_ko__icontains=query)
            | Q(name_en__icontains=query)
            | Q(slug__icontains=query)
            | Exists(aliases)
            | Q(search_names__icontains=query)  # also the names written without spaces
        )

    def refresh_search_columns(self):
        """Recompute the search columns of these organizations from their names and aliases."""
        for organization in self.prefetch_related("names"):
            organization.index_names([alias.name for alias in organization.names.all()])
            Organization.objects.filter(pk=organization.pk).update(
                search_names=organization.search_names, search_grams=organization.search_grams
            )

    def for_list(self):
        """Everything a list row shows, in a fixed number of queries."""
        return self.select_related("parent").with_shown_name().order_by("shown_name", "pk")

    def for_detail(self):
        """An organization with its names, parent, sub-units and clusters prefetched."""
        return self.select_related("parent").prefetch_related(
            "names", "children", "operated_clusters", "cluster_memberships__cluster"
        )

    def get_by_name(self, name: str, *, candidates: int = 6) -> "Organization":
        """The one organization known exactly by ``name`` (see :meth:`named`): raises
        ``Organization.DoesNotExist``, or :class:`AmbiguousName` listing up to ``candidates``
        organizations' slugs."""
        matches = list(self.named(name).order_by("slug")[:candidates])
        if not matches:
            raise self.model.DoesNotExist(name)
        if len(matches) > 1:
            raise AmbiguousName(name, [match.slug for match in matches])
        return matches[0]

    def named(self, name: str):
        """Organizations known exactly by ``name``: slug, Korean or English name, or alias
        (``name`` read in the form names are stored in)."""
        name = normalize(name).strip()
        alias_match = OrganizationName.objects.filter(
            organization=OuterRef("pk"), name__iexact=name
        )
        return self.filter(
            Q(slug=name) | Q(name_ko=name) | Q(name_en__iexact=name) | Exists(alias_match)
        )


def ancestry_error() -> ValidationError:
    """The refusal of a parent that is the organization itself or one of its descendants."""
    return ValidationError({"parent": _("An organization cannot be its own ancestor.")})


class AmbiguousName(Exception):
    """Several organizations are known by one name: ``slugs`` says which."""

    def __init__(self, name: str, slugs: list[str]):
        super().__init__(name, slugs)
        self.name, self.slugs = name, slugs


class OrganizationKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    HOSPITAL = "hospital", _("Hospital")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    MINISTRY = "ministry", _("Government ministry or central agency")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    PUBLIC_AGENCY = "public_agency", _("Public agency or foundation")
    ASSOCIATION = "association", _("Association or consortium")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class Organization(BilingualNamed, ReviewedModel, TimestampedModel):
    """A research institute, hospital, university, agency, ministry or company."""

    Kind = OrganizationKind

    name_ko = NameField(_("Korean name"), max_length=200)
    name_en = NameField(_("English name"), max_length=200, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("The organization's address on the site."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The body this one belongs to, e.g. a university for its hospital."),
    )
    region = models.CharField(_("region"), max_length=16, choices=Region.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    ror_id = models.CharField(_("ROR ID"), max_length=9, blank=True, validators=[ror_id_validator])
    wikidata_qid = models.CharField(
        _("Wikidata ID"), max_length=20, blank=True, validators=[wikidata_qid_validator]
    )

    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        help_text=_("Generated test data, never curated: shown as such and removable at once."),
    )

    search_names = models.TextField(
        _("search names"),
        blank=True,
        editable=False,
        help_text=_("All names, slug and aliases, one a line, kept for fast search."),
    )
    search_grams = GramsField(
        _("search grams"),
        blank=True,
        editable=False,
        help_text=_("Characters and character pairs of all names, kept for fast search."),
    )

    objects = OrganizationQuerySet.as_manager()

    # The search columns are derived from the names: history records the names themselves.
    history = HistoricalRecords(excluded_fields=["search_names", "search_grams"])

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name_ko"]
        permissions = [("publish_organization", _("Can publish and withdraw organizations"))]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("review_status", ReviewStatus),
                name="orgs_organization_review_status_valid",
            ),
            models.CheckConstraint(
                condition=choices_check("kind", OrganizationKind),
                name="orgs_organization_kind_valid",
            ),
            models.CheckConstraint(
                condition=choices_check("region", Region, blank=True),
                name="orgs_organization_region_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="orgs_organization_not_own_parent"
            ),
            models.UniqueConstraint(
                fields=["ror_id"],
                condition=~Q(ror_id=""),
                name="orgs_organization_ror_id_unique",
                violation_error_message=_("Another organization has this ROR ID."),
            ),
            models.UniqueConstraint(
                fields=["wikidata_qid"],
                condition=~Q(wikidata_qid=""),
                name="orgs_organization_wikidata_qid_unique",
                violation_error_message=_("Another organization has this Wikidata ID."),
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "name_ko"], name="orgs_org_kind_name_idx"),
            # The list's default order, its region filter and its "recently updated" order.
            models.Index(fields=["name_ko"], name="orgs_org_name_idx"),
            models.Index(fields=["region", "name_ko"], name="orgs_org_region_name_idx"),
            # Both filters at once (e.g. Seoul's universities): counted and listed in name
            # order without reading every university or every organization in Seoul.
            models.Index(fields=["kind", "region", "name_ko"], name="orgs_org_kind_region_idx"),
            models.Index(fields=["updated"], name="orgs_org_updated_idx"),
        ]

    def __str__(self):
        return self.name_ko

    def get_absolute_url(self):
        return reverse("orgs:organization_detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        organization = super().from_db(db, field_names, values)
        # The address it was loaded with: a new one leaves a redirect from the old (save()).
        organization._loaded_slug = organization.__dict__.get("slug")
        return organization

    def save(self, *args, **kwargs):
        old_slug = getattr(self, "_loaded_slug", None)
        super().save(*args, **kwargs)
        if old_slug and old_slug != self.slug:
            OrganizationRedirect.objects.update_or_create(
                old_slug=old_slug, defaults={"organization": self}
            )
            OrganizationRedirect.objects.filter(old_slug=self.slug).delete()
        self._loaded_slug = self.slug

    def readable_slug(self) -> str:
        """A new address from its names (see bionet.lib.slugs.readable_slug)."""
        others = Organization.objects.exclude(pk=self.pk)
        return readable_slug(
            english=self.name_en,
            korean=self.name_ko,
            taken=lambda slug: (
                others.filter(slug=slug).exists()
                or OrganizationRedirect.objects.filter(old_slug=slug).exists()
            ),
        )

    def clean(self):
        super().clean()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ancestry_error()
            ancestor = ancestor.parent

    def index_names(self, alias_names):
        """Fill the search columns from the names and the given aliases' names."""
        self.search_names, self.search_grams = search_columns(
            self.name_ko, self.name_en, self.slug, *alias_names
        )

    @property
    def ror_url(self) -> str:
        return f"https://ror.org/{self.ror_id}" if self.ror_id else ""

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata_qid}" if self.wikidata_qid else ""


class NameKind(models.TextChoices):
    ACRONYM = "acronym", _("Acronym")
    SHORT = "short", _("Short name")
    FORMER = "former", _("Former name")
    ENGLISH = "english", _("English variant")
    MISSPELLING = "misspelling", _("Misspelling seen in the news")
    OTHER = "other", _("Other name")


class NameLanguage(models.TextChoices):
    KOREAN = "ko", _("Korean")
    ENGLISH = "en", _("English")
    OTHER = "other", _("Other")


class OrganizationRedirectQuerySet(models.QuerySet):
    def destination(self, old_slug: str) -> "Organization | None":
        """The published organization that had ``old_slug`` as its address, if any."""
        moved = self.filter(
            old_slug=old_slug, organization__review_status=ReviewStatus.PUBLISHED
        ).select_related("organization")
        return moved[0].organization if moved else None


class OrganizationRedirect(models.Model):
    """An address an organization had: visitors following an old link are sent on."""

    old_slug = models.SlugField(_("old slug"), max_length=100, unique=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="redirects",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganizationRedirectQuerySet.as_manager()

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {self.organization.slug}"


class OrganizationName(models.Model):
    """Another name an organization goes by: acronym, short name, former name, variant."""

    Kind = NameKind

    Language = NameLanguage

    # No index of its own: the unique (organization, name) index finds an organization's
    # names, and one index fewer is less to write for every alias an import adds.
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="names",
        db_index=False,
    )
    name = NameField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.KOREAN
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("other name")
        verbose_name_plural = _("other names")
        ordering = ["organization", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="orgs_organizationname_unique_per_organization",
                violation_error_message=_("This organization already has this name."),
            ),
            models.CheckConstraint(
                condition=choices_check("kind", NameKind), name="orgs_organizationname_kind_valid"
            ),
            models.CheckConstraint(
                condition=choices_check("language", NameLanguage),
                name="orgs_organizationname_language_valid",
            ),
        ]
        indexes = [models.Index(fields=["name"], name="orgs_orgname_name_idx")]

    def __str__(self):
        return self.name
