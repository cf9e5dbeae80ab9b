"""Keep each organization's search columns in step with its names and aliases; tell the apps
built on organizations of a merge before it happens."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver

from .models import Organization, OrganizationName

# Sent by orgs.services.organization_merge with ``survivor`` and ``duplicate``, in the merge's
# transaction before anything is moved. A receiver refuses the merge by raising
# ValidationError, whose message the curator sees (agreements: agreement_parties_check_merge).
organization_merging = Signal()


@receiver(pre_save, sender=Organization)
def index_names(sender, instance, using, **kwargs):
    # Also runs for fixtures (raw saves), which call neither save() nor clean().
    aliases = []
    if instance.pk is not None:
        aliases = OrganizationName.objects.using(using).filter(organization_id=instance.pk)
        aliases = list(aliases.values_list("name", flat=True))
    instance.index_names(aliases)


@receiver(post_save, sender=OrganizationName)
@receiver(post_delete, sender=OrganizationName)
def refresh_search_columns(sender, instance, using, **kwargs):
    Organization.objects.using(using).filter(pk=instance.organization_id).refresh_search_columns()
