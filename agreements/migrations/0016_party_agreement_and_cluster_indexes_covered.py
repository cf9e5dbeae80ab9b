"""A party's agreement and an agreement's cluster lose their indexes of their own: the unique
(agreement, organization, role) index finds an agreement's parties, and
agreements_agr_cluster_idx (cluster, kind, date) a cluster's agreements; every party and
agreement written updated both."""

import django.db.models.deletion
from django.db import migrations, models

from bionet.lib.migrations import without_own_index


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0015_published_agreements_link_two_organizations"),
        ("clusters", "0006_normalized_names"),
    ]

    operations = [
        without_own_index(
            model_name="agreement",
            name="cluster",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agreements",
                to="clusters.cluster",
                verbose_name="cluster",
            ),
            index="agreements_agreement_cluster_id_e3f9e100",
            table="agreements_agreement",
            column="cluster_id",
        ),
        without_own_index(
            model_name="agreementparty",
            name="agreement",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="parties",
                to="agreements.agreement",
                verbose_name="agreement",
            ),
            index="agreements_agreementparty_agreement_id_15a1ff1d",
            table="agreements_agreementparty",
            column="agreement_id",
        ),
    ]
