import datetime

import factory

from agreements.models import Agreement, AgreementParty
from clusters.models import Cluster, ClusterMembership
from news.models import NewsItem
from orgs.models import Organization, OrganizationName


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name_ko = factory.Sequence(lambda n: f"테스트연구원{n}")
    name_en = factory.Sequence(lambda n: f"Test Institute {n}")
    slug = factory.Sequence(lambda n: f"test-institute-{n}")
    kind = Organization.Kind.RESEARCH_INSTITUTE
    region = "seoul"
    review_status = Organization.ReviewStatus.PUBLISHED


class OrganizationNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationName

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"TI{n}")
    kind = OrganizationName.Kind.ACRONYM
    language = OrganizationName.Language.ENGLISH


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    name_ko = factory.Sequence(lambda n: f"테스트클러스터{n}")
    name_en = factory.Sequence(lambda n: f"Test Cluster {n}")
    slug = factory.Sequence(lambda n: f"test-cluster-{n}")
    kind = Cluster.Kind.BIO_CLUSTER
    region = "chungbuk"
    operator = factory.SubFactory(OrganizationFactory)


class ClusterMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterMembership

    cluster = factory.SubFactory(ClusterFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = ClusterMembership.Role.RESIDENT


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem

    title = factory.Sequence(lambda n: f"바이오 협약 기사 {n}")
    outlet = "테스트신문"
    reporter = "홍길동"
    published_on = datetime.date(2024, 11, 11)
    body = "기사 본문."


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"업무협약 {n}")
    kind = Agreement.Kind.MOU
    date = datetime.date(2022, 3, 11)
    date_precision = Agreement.DatePrecision.DAY
    review_status = Agreement.ReviewStatus.PUBLISHED

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create:
            self.sources.set(extracted if extracted is not None else [NewsItemFactory()])


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = AgreementParty.Role.SIGNATORY


# Every curated directory model, in the order records depend on each other.
DIRECTORY_MODELS = [
    Organization,
    OrganizationName,
    Cluster,
    ClusterMembership,
    NewsItem,
    Agreement,
    AgreementParty,
]


def organization_with_partners(count: int, **kwargs) -> Organization:
    """An organization sharing one agreement with each of ``count`` partners, in a cluster."""
    organization = OrganizationFactory(**kwargs)
    cluster = ClusterFactory()
    ClusterMembershipFactory(cluster=cluster, organization=organization)
    for _ in range(count):
        agreement = AgreementFactory(cluster=cluster)
        AgreementPartyFactory(agreement=agreement, organization=organization)
        AgreementPartyFactory(agreement=agreement)
        OrganizationNameFactory(organization=organization)
        OrganizationFactory(parent=organization)
    return organization
