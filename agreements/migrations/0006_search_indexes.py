from django.db import migrations, models

from bionet.lib.migrations import TRIGRAM_EXTENSION, postgresql_only, trigram_index

TRIGRAM_INDEXES = [
    trigram_index("agreements_agr_title_trgm", "agreements_agreement", "title"),
    trigram_index("agreements_agr_title_en_trgm", "agreements_agreement", "title_en"),
]
# The default orders, newest first with undated records last, as Meta.ordering spells them.
# SQLite accepts no NULLS LAST in an index, so these are PostgreSQL's only.
ORDERING_INDEXES = [
    (
        "CREATE INDEX IF NOT EXISTS agreements_agr_newest_idx ON agreements_agreement "
        '("date" DESC NULLS LAST, "title")',
        "DROP INDEX IF EXISTS agreements_agr_newest_idx",
    ),
    (
        "CREATE INDEX IF NOT EXISTS agreements_agr_kind_newest_idx ON agreements_agreement "
        '("kind", "date" DESC NULLS LAST, "title")',
        "DROP INDEX IF EXISTS agreements_agr_kind_newest_idx",
    ),
    (
        "CREATE INDEX IF NOT EXISTS agreements_news_newest_idx ON agreements_newsitem "
        '("published_on" DESC NULLS LAST, "title")',
        "DROP INDEX IF EXISTS agreements_news_newest_idx",
    ),
]


class Migration(migrations.Migration):

    dependencies = [
        ("agreements", "0005_history"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(fields=["title"], name="agreements_agr_title_idx"),
        ),
        postgresql_only(
            [
                TRIGRAM_EXTENSION,
                *(create for create, _ in TRIGRAM_INDEXES),
                *(create for create, _ in ORDERING_INDEXES),
            ],
            [drop for _, drop in [*TRIGRAM_INDEXES, *ORDERING_INDEXES]],
        ),
    ]
