"""Agreements keep their rules when organizations change under them."""

from django.dispatch import receiver

from orgs.models import Organization
from orgs.signals import organization_merging

from .services import agreement_parties_check_merge


@receiver(organization_merging, sender=Organization)
def refuse_a_merge_leaving_agreements_short(sender, survivor, duplicate, **kwargs):
    agreement_parties_check_merge(survivor=survivor, duplicate=duplicate)
