"""Organizations are drafted, then published by a curator. Every organization that
existed before review states is published: it was already public."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0005_kind_region_name_index'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='organization',
            options={'ordering': ['name_ko'], 'permissions': [('publish_organization', 'Can publish and withdraw organizations')], 'verbose_name': 'organization', 'verbose_name_plural': 'organizations'},
        ),
        migrations.AddField(
            model_name='historicalorganization',
            name='review_status',
            field=models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('withdrawn', 'Withdrawn')], default='published', help_text='Drafts and withdrawn records are seen in the admin only.', max_length=16, verbose_name='review status'),
        ),
        migrations.AddField(
            model_name='organization',
            name='review_status',
            field=models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('withdrawn', 'Withdrawn')], default='published', help_text='Drafts and withdrawn records are seen in the admin only.', max_length=16, verbose_name='review status'),
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=models.CheckConstraint(condition=models.Q(('review_status__in', ['draft', 'published', 'withdrawn'])), name='orgs_organization_review_status_valid'),
        ),
        migrations.AlterField(
            model_name='organization',
            name='review_status',
            field=models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('withdrawn', 'Withdrawn')], default='draft', help_text='Drafts and withdrawn records are seen in the admin only.', max_length=16, verbose_name='review status'),
        ),
        migrations.AlterField(
            model_name='historicalorganization',
            name='review_status',
            field=models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('withdrawn', 'Withdrawn')], default='draft', help_text='Drafts and withdrawn records are seen in the admin only.', max_length=16, verbose_name='review status'),
        ),
    ]
