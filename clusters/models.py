from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from bionet.lib.models import (
    BilingualNamed,
    NameField,
    ShownNameQuerySet,
    TimestampedModel,
    choices_check,
    count_of,
)
from bionet.lib.text import normalize
from orgs.choices import Region
from orgs.models import Organization


class ClusterQuerySet(ShownNameQuerySet):
    def search(self, query: str):
        query = normalize(query).strip()
        if not query:
            return self
        return self.filter(
            Q(name_ko__icontains=query) | Q(name_en__icontains=query) | Q(city__icontains=query)
        )

    def with_member_count(self):
        """Annotate the number of member organizations of each cluster."""
        # A subquery, not a join: with_agreement_counts() adds a second count, and joining both
        # relations would multiply a cluster's members by its agreements before counting.
        return self.annotate(
            member_count=count_of(
                ClusterMembership.objects.published(), link="cluster", distinct="organization"
            )
        )

    def for_list(self):
        """Everything a list row shows but its agreement count (agreements.models adds it)."""
        return (
            self.select_related("operator")
            .with_member_count()
            .with_shown_name()
            .order_by("shown_name", "pk")
        )

    def for_detail(self, members: int = 200):
        """A cluster with its operator and first ``members`` memberships prefetched.

        The memberships, with their organizations and in the order of the organizations'
        names, go to ``listed_memberships``; the organization list filtered by the cluster
        shows the rest.
        """
        return self.select_related("operator").prefetch_related(
            Prefetch(
                "memberships",
                queryset=ClusterMembership.objects.published()
                .select_related("organization")
                .order_by("organization__name_ko", "organization", "role")[:members],
                to_attr="listed_memberships",
            )
        )


class ClusterKind(models.TextChoices):
    MEDICAL_COMPLEX = "medical_complex", _("High-tech medical complex")
    BIO_CLUSTER = "bio_cluster", _("Bio cluster")
    INDUSTRIAL_COMPLEX = "industrial_complex", _("Industrial complex")
    RND_ZONE = "rnd_zone", _("Special R&D zone")
    TECHNO_VALLEY = "techno_valley", _("Techno valley")
    STARTUP_HUB = "startup_hub", _("Startup hub")
    FREE_ECONOMIC_ZONE = "free_economic_zone", _("Free economic zone")
    OTHER = "other", _("Other")


class Cluster(BilingualNamed, TimestampedModel):
    """A place where bio-industry organizations gather: a complex, hub, zone or valley."""

    Kind = ClusterKind

    name_ko = NameField(_("Korean name"), max_length=200)
    name_en = NameField(_("English name"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices)
    city = models.CharField(
        _("city or district"), max_length=100, blank=True, help_text=_("e.g. 청주시 흥덕구")
    )
    operator = models.ForeignKey(
        Organization,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operated_clusters",
        help_text=_("The body that runs the cluster, where a source names one."),
    )
    members = models.ManyToManyField(
        Organization,
        through="ClusterMembership",
        related_name="clusters",
        verbose_name=_("members"),
    )
    description = models.TextField(_("description"), blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    website = models.URLField(_("website"), blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("The year it was designated or opened, where a source reports it."),
    )
    founded_basis = models.CharField(
        _("basis of the founding year"),
        max_length=300,
        blank=True,
        help_text=_("What the year rests on, e.g. the designation reported by a news item."),
    )

    is_synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        help_text=_("Generated test data, never curated: shown as such and removable at once."),
    )

    objects = ClusterQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name_ko"]
        indexes = [models.Index(fields=["name_ko"], name="clusters_cluster_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=choices_check("kind", ClusterKind), name="clusters_cluster_kind_valid"
            ),
            models.CheckConstraint(
                condition=choices_check("region", Region), name="clusters_cluster_region_valid"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="clusters_cluster_coordinates_valid",
                violation_error_message=_(
                    "Give both latitude (-90 to 90) and longitude (-180 to 180), or neither."
                ),
            ),
        ]

    def __str__(self):
        return self.name_ko

    def get_absolute_url(self):
        return reverse("clusters:cluster_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))

    def members_by_kind(self) -> list[tuple[str, list[tuple[Organization, list[str]]]]]:
        """Members grouped by organization kind: ``[(kind label, [(organization, [roles])])]``.

        Kinds come in the order of ``Organization.Kind``; an organization holding several
        roles appears once with all of them. Uses the memberships ``for_detail()`` prefetched,
        if it did.
        """
        memberships = getattr(self, "listed_memberships", None)
        if memberships is None:
            memberships = self.memberships.published().select_related("organization")
        roles_by_organization: dict[int, tuple[Organization, list[str]]] = {}
        for membership in memberships:
            organization = membership.organization
            entry = roles_by_organization.setdefault(organization.pk, (organization, []))
            entry[1].append(membership.get_role_display())
        groups = []
        for kind, label in Organization.Kind.choices:
            members = [entry for entry in roles_by_organization.values() if entry[0].kind == kind]
            if members:
                groups.append((label, members))
        return groups

    def member_count(self) -> int:
        """How many published organizations belong to the cluster, in whatever roles."""
        return self.memberships.published().values("organization").distinct().count()

    def map_point(self) -> dict:
        """The cluster as a point for ``clusters.maps``, named in the active language."""
        return {
            "name": self.display_name,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "url": self.get_absolute_url(),
        }

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ClusterMembershipQuerySet(models.QuerySet):
    def published(self):
        """Memberships of published organizations: the ones visitors see."""
        return self.filter(organization__review_status=Organization.ReviewStatus.PUBLISHED)


class MembershipRole(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    ANCHOR = "anchor", _("Anchor institution")
    RESIDENT = "resident", _("Resident")
    PARTNER = "partner", _("Partner")
    SUPPORT = "support", _("Support agency")
    COMMISSIONER = "commissioner", _("Commissioning body")
    OTHER = "other", _("Other")


class ClusterMembership(models.Model):
    """An organization's place in a cluster: resident, anchor, partner ..."""

    Role = MembershipRole

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="cluster_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    since = models.DateField(_("since"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ClusterMembershipQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cluster membership")
        verbose_name_plural = _("cluster memberships")
        ordering = ["cluster", "role", "organization__name_ko"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "organization", "role"],
                name="clusters_membership_unique_role",
                violation_error_message=_(
                    "This organization already has this role in this cluster."
                ),
            ),
            models.CheckConstraint(
                condition=choices_check("role", MembershipRole),
                name="clusters_membership_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.cluster} ({self.get_role_display()})"

    def clean(self):
        super().clean()
        # Synthetic records must stay removable without touching curated ones.
        try:
            mixed = self.cluster.is_synthetic != self.organization.is_synthetic
        except ObjectDoesNotExist:
            return
        if mixed:
            raise ValidationError(
                {
                    "organization": _(
                        "Curated clusters have only curated members, and synthetic clusters "
                        "only synthetic ones."
                    )
                }
            )
