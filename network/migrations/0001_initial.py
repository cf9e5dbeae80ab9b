"""NetworkVersion moves here from the agreements app: only Django's record of it; its table,
row and triggers stay as they are, and its content type is handed over."""

from django.db import migrations, models

from bionet.migrations._content_types import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agreements', '0009_cluster_kind_date_index'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='NetworkVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.CharField(max_length=32)),
                        ('counter', models.BigIntegerField(default=0)),
                    ],
                    options={
                        'verbose_name': 'network version',
                        'db_table': 'agreements_networkversion',
                    },
                ),
            ],
        ),
        move_content_types('agreements', 'network', ['networkversion']),
    ]
