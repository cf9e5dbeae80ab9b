"""Names and aliases in the form the directory now stores and searches: composed (NFC), with
full-width ASCII folded (see bionet.lib.text.normalize), and the search columns refreshed from
them. A decomposed "한국보건산업진흥원" saved before is found by every search afterwards."""

from collections import defaultdict

from django.db import migrations

from bionet.lib.text import normalize
from orgs.search import search_columns

BATCH = 2000


def normalize_aliases(OrganizationName):
    aliases = OrganizationName.objects.order_by("pk").values_list("pk", "organization", "name")
    last = 0
    while batch := list(aliases.filter(pk__gt=last)[:BATCH]):
        last = batch[-1][0]
        for pk, organization_id, name in batch:
            if normalize(name) == name:
                continue
            same = OrganizationName.objects.filter(
                organization=organization_id, name=normalize(name)
            )
            if same.exists():  # the organization has it already, as stored now
                OrganizationName.objects.filter(pk=pk).delete()
            else:
                OrganizationName.objects.filter(pk=pk).update(name=normalize(name))


def normalize_organizations(Organization, OrganizationName):
    organizations = Organization.objects.order_by("pk").values_list(
        "pk", "name_ko", "name_en", "slug"
    )
    last = 0
    while batch := list(organizations.filter(pk__gt=last)[:BATCH]):
        last = batch[-1][0]
        aliases = defaultdict(list)
        for organization_id, name in OrganizationName.objects.filter(
            organization__in=[row[0] for row in batch]
        ).values_list("organization", "name"):
            aliases[organization_id].append(name)
        updated = []
        for pk, name_ko, name_en, slug in batch:
            name_ko, name_en = normalize(name_ko), normalize(name_en)
            names, grams = search_columns(name_ko, name_en, slug, *aliases[pk])
            updated.append(
                Organization(
                    pk=pk, name_ko=name_ko, name_en=name_en, search_names=names, search_grams=grams
                )
            )
        Organization.objects.bulk_update(
            updated, ["name_ko", "name_en", "search_names", "search_grams"]
        )


def normalize_names(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    OrganizationName = apps.get_model("orgs", "OrganizationName")
    normalize_aliases(OrganizationName)
    normalize_organizations(Organization, OrganizationName)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0008_unspaced_search_names")]

    operations = [migrations.RunPython(normalize_names, migrations.RunPython.noop)]
