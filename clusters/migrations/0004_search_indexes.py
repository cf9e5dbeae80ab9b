from django.db import migrations, models

from bionet.lib.migrations import TRIGRAM_EXTENSION, postgresql_only, trigram_index

TRIGRAM_INDEXES = [
    trigram_index("clusters_cluster_name_ko_trgm", "clusters_cluster", "name_ko"),
    trigram_index("clusters_cluster_name_en_trgm", "clusters_cluster", "name_en"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("clusters", "0003_history"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="cluster",
            index=models.Index(fields=["name_ko"], name="clusters_cluster_name_idx"),
        ),
        postgresql_only(
            [TRIGRAM_EXTENSION, *(create for create, _ in TRIGRAM_INDEXES)],
            [drop for _, drop in TRIGRAM_INDEXES],
        ),
    ]
