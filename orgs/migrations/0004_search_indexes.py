from django.db import migrations, models

from bionet.lib.migrations import TRIGRAM_EXTENSION, postgresql_only, trigram_index
import orgs.search
from orgs.search import search_columns

TRIGRAM_INDEXES = [
    trigram_index("orgs_org_name_ko_trgm", "orgs_organization", "name_ko"),
    trigram_index("orgs_org_name_en_trgm", "orgs_organization", "name_en"),
    trigram_index("orgs_orgname_name_trgm", "orgs_organizationname", "name"),
]
# Serves Organization.objects.search() for queries of any length (see orgs/search.py).
GRAMS_INDEX = (
    "CREATE INDEX IF NOT EXISTS orgs_org_search_grams_gin ON orgs_organization "
    "USING gin (search_grams)",
    "DROP INDEX IF EXISTS orgs_org_search_grams_gin",
)


def fill_search_columns(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    for organization in Organization.objects.prefetch_related("names").iterator(chunk_size=2000):
        aliases = [alias.name for alias in organization.names.all()]
        names, grams = search_columns(
            organization.name_ko, organization.name_en, organization.slug, *aliases
        )
        Organization.objects.filter(pk=organization.pk).update(
            search_names=names, search_grams=grams
        )


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0003_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="search_names",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="All names, slug and aliases, one a line, kept for fast search.",
                verbose_name="search names",
            ),
        ),
        migrations.AddField(
            model_name="organization",
            name="search_grams",
            field=orgs.search.GramsField(
                blank=True,
                editable=False,
                help_text="Characters and character pairs of all names, kept for fast search.",
                verbose_name="search grams",
            ),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["name_ko"], name="orgs_org_name_idx"),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["region", "name_ko"], name="orgs_org_region_name_idx"),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["updated"], name="orgs_org_updated_idx"),
        ),
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop),
        postgresql_only(
            [TRIGRAM_EXTENSION, *(create for create, _ in TRIGRAM_INDEXES), GRAMS_INDEX[0]],
            [GRAMS_INDEX[1], *(drop for _, drop in TRIGRAM_INDEXES)],
        ),
    ]
