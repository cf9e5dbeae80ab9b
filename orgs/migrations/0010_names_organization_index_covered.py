"""An alias's organization loses its index of its own: the unique (organization, name) index
finds an organization's names as well, and every alias written updated both."""

import django.db.models.deletion
from django.db import migrations, models

from bionet.lib.migrations import without_own_index


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0009_normalized_names"),
    ]

    operations = [
        without_own_index(
            model_name="organizationname",
            name="organization",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="names",
                to="orgs.organization",
                verbose_name="organization",
            ),
            index="orgs_organizationname_organization_id_2b61ad37",
            table="orgs_organizationname",
            column="organization_id",
        ),
    ]
