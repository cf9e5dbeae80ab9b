"""The search columns also hold each name written without spaces, so that "한국 보건 산업
진흥원" finds 한국보건산업진흥원 and "이화여자대학교산학협력단" finds 이화여자대학교 산학협력단."""

from collections import defaultdict

from django.db import migrations

from orgs.search import search_columns

BATCH = 2000


def refresh(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    OrganizationName = apps.get_model("orgs", "OrganizationName")
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
            names, grams = search_columns(name_ko, name_en, slug, *aliases[pk])
            updated.append(Organization(pk=pk, search_names=names, search_grams=grams))
        Organization.objects.bulk_update(updated, ["search_names", "search_grams"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0007_organization_redirects")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
