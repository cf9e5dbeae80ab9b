"""After a write to what the network is drawn from, its analysis is queued (debounced: see
tasks.schedule_whole_network_analysis), so pages of a large network catch up without anyone
running ``analyse_network``. Writes that send no signal (bulk updates, raw SQL) are caught by
the data version: a page finding its analysis stale queues the same task."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from agreements.models import Agreement, AgreementParty
from clusters.models import Cluster, ClusterMembership
from orgs.models import Organization

from .tasks import schedule_whole_network_analysis

NETWORK_MODELS = [Agreement, AgreementParty, Organization, Cluster, ClusterMembership]


def analyse_after_commit(sender, **kwargs):
    # Once per transaction, however many records it writes (an import writes thousands).
    connection = transaction.get_connection()
    if not any(
        callback is schedule_whole_network_analysis
        for _savepoints, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(schedule_whole_network_analysis)


def connect():
    for model in NETWORK_MODELS:
        post_save.connect(analyse_after_commit, sender=model, dispatch_uid=f"network:{model}")
        post_delete.connect(analyse_after_commit, sender=model, dispatch_uid=f"network:{model}:d")
