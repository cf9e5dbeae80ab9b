"""NewsItem and NewsMention now live in the news app, NetworkVersion in the network app, and an
agreement's sources are an explicit model, AgreementSource, that protects a cited news item.

Only Django's record of the models changes: the citation table keeps its rows (it is the
table the many-to-many field had), and the history of citations is renamed to follow the new
model's name.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0009_cluster_kind_date_index"),
        ("news", "0001_initial"),
        ("network", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AgreementSource",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "agreement",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="citations",
                                to="agreements.agreement",
                                verbose_name="agreement",
                            ),
                        ),
                        (
                            "newsitem",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="citations",
                                to="news.newsitem",
                                verbose_name="news item",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "citation",
                        "verbose_name_plural": "citations",
                        "db_table": "agreements_agreement_sources",
                        "unique_together": {("agreement", "newsitem")},
                    },
                ),
                migrations.AlterField(
                    model_name="agreement",
                    name="sources",
                    field=models.ManyToManyField(
                        related_name="agreements",
                        through="agreements.AgreementSource",
                        to="news.newsitem",
                        verbose_name="sources",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalagreement_sources",
                    name="newsitem",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="news.newsitem",
                    ),
                ),
                migrations.DeleteModel(name="NewsMention"),
                migrations.DeleteModel(name="HistoricalNewsItem"),
                migrations.DeleteModel(name="NewsItem"),
                migrations.DeleteModel(name="NetworkVersion"),
            ],
        ),
        migrations.RenameModel("HistoricalAgreement_sources", "HistoricalAgreementSource"),
        migrations.AlterModelOptions(
            name="historicalagreementsource",
            options={"verbose_name": "HistoricalAgreementSource"},
        ),
        # The history of citations copies the new model's fields (their verbose names).
        migrations.AlterField(
            model_name="historicalagreementsource",
            name="agreement",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="agreements.agreement",
                verbose_name="agreement",
            ),
        ),
        migrations.AlterField(
            model_name="historicalagreementsource",
            name="newsitem",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="news.newsitem",
                verbose_name="news item",
            ),
        ),
    ]
