"""Keep stored mentions in step with the directory's names.

A name, English name, alias or cluster name that is added, changed or removed refreshes the
mentions of the news items it may affect; so does a CSV import of organizations, once for all
the names it wrote in bulk. Fixture loading (``raw``) is skipped: after
``loaddata``, run ``manage.py refresh_mentions``.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from clusters.models import Cluster
from orgs.imports import names_imported
from orgs.models import Organization, OrganizationName

from . import services
from .models import NewsItem


@receiver(post_save, sender=Organization, dispatch_uid="mentions_organization_saved")
def organization_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        services.mentions_refresh_for_names(organization=instance)


@receiver(names_imported, sender=Organization, dispatch_uid="mentions_names_imported")
def organizations_imported(sender, organizations, names, created, **kwargs):
    services.mentions_refresh_for_organizations(
        organizations=organizations, names=names, created=created
    )


@receiver(post_save, sender=Cluster, dispatch_uid="mentions_cluster_saved")
def cluster_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        services.mentions_refresh_for_names(cluster=instance)


@receiver(post_save, sender=OrganizationName, dispatch_uid="mentions_alias_saved")
@receiver(post_delete, sender=OrganizationName, dispatch_uid="mentions_alias_deleted")
def alias_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    organization = Organization.objects.filter(pk=instance.organization_id).first()
    if organization is None:  # The alias goes with its organization.
        return
    # Marks the name set as changed for every process's cached automaton.
    Organization.objects.filter(pk=organization.pk).update(updated=timezone.now())
    services.mentions_refresh_for_names(organization=organization)


@receiver(pre_delete, sender=Organization, dispatch_uid="mentions_organization_deleting")
@receiver(pre_delete, sender=Cluster, dispatch_uid="mentions_cluster_deleting")
def remember_mentioning_news(sender, instance, **kwargs):
    lookup = "mentions__organization" if sender is Organization else "mentions__cluster"
    instance._mentioning_news_ids = list(
        NewsItem.objects.filter(**{lookup: instance}).values_list("pk", flat=True).distinct()
    )


@receiver(post_delete, sender=Organization, dispatch_uid="mentions_organization_deleted")
@receiver(post_delete, sender=Cluster, dispatch_uid="mentions_cluster_deleted")
def name_removed(sender, instance, **kwargs):
    # A shorter name the removed one covered ("BMS" in "한국BMS제약") may now be the match.
    news_ids = getattr(instance, "_mentioning_news_ids", [])
    if news_ids:
        services.mentions_refresh_news_ids(news_item_ids=news_ids)
