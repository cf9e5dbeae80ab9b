"""Every agreement that existed before review states is published: it was already public."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0011_curators_cite_sources'),
        ('clusters', '0004_search_indexes'),
        ('news', '0002_tables_and_constraints_renamed'),
        ('orgs', '0006_review_status'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='agreement',
            options={'ordering': [models.OrderBy(models.F('date'), descending=True, nulls_last=True), 'title'], 'permissions': [('publish_agreement', 'Can publish and withdraw agreements')], 'verbose_name': 'agreement', 'verbose_name_plural': 'agreements'},
        ),
        migrations.AddField(
            model_name='agreement',
            name='review_status',
            field=models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('withdrawn', 'Withdrawn')], default='published', help_text='Drafts and withdrawn records are seen in the admin only.', max_length=16, verbose_name='review status'),
        ),
        migrations.AddField(
            model_name='historicalagreement',
            name='review_status',
            field=models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('withdrawn', 'Withdrawn')], default='published', help_text='Drafts and withdrawn records are seen in the admin only.', max_length=16, verbose_name='review status'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(('review_status__in', ['draft', 'published', 'withdrawn'])), name='agreements_agreement_review_status_valid'),
        ),
        migrations.AlterField(
            model_name='agreement',
            name='review_status',
            field=models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('withdrawn', 'Withdrawn')], default='draft', help_text='Drafts and withdrawn records are seen in the admin only.', max_length=16, verbose_name='review status'),
        ),
        migrations.AlterField(
            model_name='historicalagreement',
            name='review_status',
            field=models.CharField(choices=[('draft', 'Draft'), ('published', 'Published'), ('withdrawn', 'Withdrawn')], default='draft', help_text='Drafts and withdrawn records are seen in the admin only.', max_length=16, verbose_name='review status'),
        ),
    ]
