"""What the API shows of each record: what its public page shows, as data.

Records a visitor cannot see never appear, not even as a reference: an organization's parent,
a cluster's operator and an agreement's parties are given only when published. News items are
citations (title, outlet, reporter, date, address, the curators' summary): never the article's
text, which the directory keeps for its curators only.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.models import Agreement, AgreementParty
from clusters.models import Cluster, ClusterMembership
from news.models import NewsItem
from orgs.models import Organization, OrganizationName


@extend_schema_field({"type": "string", "format": "uri"})
class PageUrlField(serializers.Field):
    """The absolute address of the record's page on the site (its get_absolute_url())."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        request = self.context.get("request")
        path = record.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


class AliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrganizationName
        fields = ["name", "kind", "language"]


class OrganizationReferenceSerializer(serializers.ModelSerializer):
    """An organization named in another record: its slug and names."""

    class Meta:
        model = Organization
        fields = ["slug", "name_ko", "name_en"]


class ClusterRoleSerializer(serializers.Serializer):
    """A cluster an organization operates or belongs to, and in what role."""

    slug = serializers.SlugField()
    name_ko = serializers.CharField()
    name_en = serializers.CharField()
    role = serializers.ChoiceField(choices=ClusterMembership.Role.choices)


class OrganizationSerializer(serializers.ModelSerializer):
    aliases = AliasSerializer(source="names", many=True, read_only=True)
    parent = serializers.SerializerMethodField(
        help_text="The slug of the body this one belongs to, when published."
    )
    clusters = serializers.SerializerMethodField(
        help_text="The clusters it operates (role operator) or belongs to, with each role."
    )
    agreement_count = serializers.IntegerField(
        read_only=True, help_text="How many published agreements it is a party to."
    )
    page_url = PageUrlField()

    class Meta:
        model = Organization
        fields = [
            "slug",
            "name_ko",
            "name_en",
            "aliases",
            "kind",
            "region",
            "parent",
            "description",
            "website",
            "ror_id",
            "wikidata_qid",
            "clusters",
            "agreement_count",
            "is_synthetic",
            "page_url",
        ]

    def get_parent(self, organization) -> str | None:
        parent = organization.parent
        return parent.slug if parent is not None and parent.is_published else None

    @extend_schema_field(ClusterRoleSerializer(many=True))
    def get_clusters(self, organization):
        roles = [
            (cluster, ClusterMembership.Role.OPERATOR)
            for cluster in organization.operated_clusters.all()
        ] + [
            (membership.cluster, membership.role)
            for membership in organization.cluster_memberships.all()
        ]
        listed = {}
        for cluster, role in roles:
            listed.setdefault((cluster.slug, role), (cluster, role))
        return [
            {"slug": c.slug, "name_ko": c.name_ko, "name_en": c.name_en, "role": role}
            for c, role in sorted(listed.values(), key=lambda entry: (entry[0].name_ko, entry[1]))
        ]


class CoordinatesSerializer(serializers.Serializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class ClusterSerializer(serializers.ModelSerializer):
    operator = serializers.SerializerMethodField(
        help_text="The body that runs the cluster, when a source names one and it is published."
    )
    coordinates = serializers.SerializerMethodField()
    member_count = serializers.IntegerField(
        read_only=True, help_text="How many published organizations belong to it."
    )
    agreement_count = serializers.IntegerField(
        read_only=True, help_text="How many published agreements are held in it."
    )
    page_url = PageUrlField()

    class Meta:
        model = Cluster
        fields = [
            "slug",
            "name_ko",
            "name_en",
            "kind",
            "region",
            "city",
            "operator",
            "coordinates",
            "founded_year",
            "description",
            "website",
            "member_count",
            "agreement_count",
            "is_synthetic",
            "page_url",
        ]

    @extend_schema_field(OrganizationReferenceSerializer(allow_null=True))
    def get_operator(self, cluster):
        operator = cluster.operator
        if operator is None or not operator.is_published:
            return None
        return OrganizationReferenceSerializer(operator).data

    @extend_schema_field(CoordinatesSerializer(allow_null=True))
    def get_coordinates(self, cluster):
        if not cluster.has_coordinates:
            return None
        return {"latitude": float(cluster.latitude), "longitude": float(cluster.longitude)}


class PartySerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    name_ko = serializers.CharField(source="organization.name_ko", read_only=True)
    name_en = serializers.CharField(source="organization.name_en", read_only=True)

    class Meta:
        model = AgreementParty
        fields = ["organization", "name_ko", "name_en", "role", "note"]


class CitationSerializer(serializers.ModelSerializer):
    """A news item as a citation: where and when it was published, never its text."""

    class Meta:
        model = NewsItem
        fields = ["id", "title", "outlet", "reporter", "published_on", "url"]


class AgreementSerializer(serializers.ModelSerializer):
    date = serializers.SerializerMethodField(
        help_text=(
            "The date at its precision: 2022-03-11 (day), 2024-01 (month), 2024 (year), "
            "05-29 (month and day, year unknown); null when unknown."
        )
    )
    cluster = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parties = PartySerializer(source="public_parties", many=True, read_only=True)
    sources = CitationSerializer(many=True, read_only=True)
    page_url = PageUrlField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "title_en",
            "kind",
            "status",
            "date",
            "date_precision",
            "date_stated",
            "place",
            "cluster",
            "summary",
            "summary_en",
            "parties",
            "sources",
            "is_synthetic",
            "page_url",
        ]

    def get_date(self, agreement) -> str | None:
        return agreement.date_iso or None


class NewsItemSerializer(serializers.ModelSerializer):
    """A news item as a citation, with the published agreements citing it."""

    agreements = serializers.SerializerMethodField(
        help_text="The ids of the published agreements citing it."
    )
    page_url = PageUrlField()

    class Meta:
        model = NewsItem
        fields = [
            "id",
            "title",
            "outlet",
            "reporter",
            "published_on",
            "url",
            "language",
            "summary",
            "agreements",
            "is_synthetic",
            "page_url",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_agreements(self, news_item):
        return sorted(agreement.pk for agreement in news_item.citing_agreements)
