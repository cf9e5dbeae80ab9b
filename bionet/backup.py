"""
What a backup of the directory holds: every curated record, and nothing synthetic.

Records marked is_synthetic (generated test data) are left out with everything that belongs to
them: a synthetic organization's aliases, memberships and parties, a synthetic cluster's
memberships, a synthetic agreement's parties. Accounts, groups and the audit history are not
directory content and are left out too (see README, "Backup and restore").
"""

from django.db.models import Q

from agreements.models import Agreement, AgreementParty, AgreementSource
from clusters.models import Cluster, ClusterMembership
from news.models import NewsItem
from orgs.models import Organization, OrganizationName

from .models import LoadedRecord

# In an order that restores without forward references (foreign keys are checked at commit
# anyway, so the order is for readers of the file).
DIRECTORY_MODELS = [
    Organization,
    OrganizationName,
    Cluster,
    ClusterMembership,
    NewsItem,
    Agreement,
    AgreementParty,
    AgreementSource,
    # What the directory data loaded: restored, so that loading it again brings back nothing
    # a curator deleted.
    LoadedRecord,
]


def curated_querysets():
    """(model label, queryset) for every curated record, each in primary-key order."""
    curated = Q(is_synthetic=False)
    filters = {
        Organization: curated,
        OrganizationName: Q(organization__is_synthetic=False),
        Cluster: curated,
        ClusterMembership: Q(cluster__is_synthetic=False) & Q(organization__is_synthetic=False),
        NewsItem: curated,
        Agreement: curated,
        AgreementParty: Q(agreement__is_synthetic=False) & Q(organization__is_synthetic=False),
        AgreementSource: Q(agreement__is_synthetic=False) & Q(newsitem__is_synthetic=False),
        LoadedRecord: Q(),
    }
    return [
        (model._meta.label, model._default_manager.filter(filters[model]).order_by("pk"))
        for model in DIRECTORY_MODELS
    ]


def curated_records_pointing_at_synthetic_ones() -> list[str]:
    """Curated records whose own fields name a synthetic record: a backup would break them."""
    problems = [
        f"organization “{o}” has the synthetic parent “{o.parent}”"
        for o in Organization.objects.filter(is_synthetic=False, parent__is_synthetic=True)
    ]
    problems += [
        f"cluster “{c}” has the synthetic operator “{c.operator}”"
        for c in Cluster.objects.filter(is_synthetic=False, operator__is_synthetic=True)
    ]
    problems += [
        f"agreement “{a}” is placed in the synthetic cluster “{a.cluster}”"
        for a in Agreement.objects.filter(is_synthetic=False, cluster__is_synthetic=True)
    ]
    problems += [
        f"agreement “{a}” cites a synthetic news item"
        for a in Agreement.objects.filter(is_synthetic=False, sources__is_synthetic=True).distinct()
    ]
    return problems


def directory_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in DIRECTORY_MODELS}
