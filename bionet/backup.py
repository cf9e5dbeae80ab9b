"""
What a backup of the directory holds: every curated record, and nothing synthetic.

Records marked is_synthetic (generated test data) are left out with everything that belongs to
them: a synthetic organization's aliases, memberships and parties, a synthetic cluster's
memberships, a synthetic agreement's parties. Accounts, groups and the audit history are not
directory content and are left out too (see README, "Backup and restore").
"""

from django.apps import apps
from django.db.models import Q

# In an order that restores without forward references (foreign keys are checked at commit
# anyway, so the order is for readers of the file).
DIRECTORY_MODELS = [
    "orgs.Organization",
    "orgs.OrganizationName",
    "clusters.Cluster",
    "clusters.ClusterMembership",
    "agreements.NewsItem",
    "agreements.Agreement",
    "agreements.AgreementParty",
]


def directory_model(label):
    return apps.get_model(label)


def curated_querysets():
    """(model label, queryset) for every curated record, each in primary-key order."""
    curated = Q(is_synthetic=False)
    filters = {
        "orgs.Organization": curated,
        "orgs.OrganizationName": Q(organization__is_synthetic=False),
        "clusters.Cluster": curated,
        "clusters.ClusterMembership": Q(cluster__is_synthetic=False)
        & Q(organization__is_synthetic=False),
        "agreements.NewsItem": curated,
        "agreements.Agreement": curated,
        "agreements.AgreementParty": Q(agreement__is_synthetic=False)
        & Q(organization__is_synthetic=False),
    }
    return [
        (label, directory_model(label)._default_manager.filter(filters[label]).order_by("pk"))
        for label in DIRECTORY_MODELS
    ]


def curated_records_pointing_at_synthetic_ones() -> list[str]:
    """Curated records whose own fields name a synthetic record: a backup would break them."""
    Organization = directory_model("orgs.Organization")
    Cluster = directory_model("clusters.Cluster")
    Agreement = directory_model("agreements.Agreement")
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
    return {label: directory_model(label)._default_manager.count() for label in DIRECTORY_MODELS}
