"""NewsItem and NewsMention move here from the agreements app.

Only Django's record of the models moves: their tables, rows, history rows, constraints and
indexes stay as they are (the next migration renames them), and their content types, with the
permissions and the Curators group's grants on them, are handed over from agreements.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from bionet.migrations._content_types import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('agreements', '0009_cluster_kind_date_index'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('clusters', '0004_search_indexes'),
        ('orgs', '0005_kind_region_name_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalNewsItem',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created', models.DateTimeField(blank=True, editable=False, verbose_name='created')),
                        ('updated', models.DateTimeField(blank=True, editable=False, verbose_name='updated')),
                        ('title', models.CharField(max_length=300, verbose_name='title')),
                        ('outlet', models.CharField(blank=True, help_text='Leave empty if the page omits it.', max_length=100, verbose_name='outlet')),
                        ('reporter', models.CharField(blank=True, max_length=100, verbose_name='reporter')),
                        ('published_on', models.DateField(blank=True, help_text='Leave empty if the page gives no publication date.', null=True, verbose_name='published on')),
                        ('url', models.URLField(blank=True, max_length=500, verbose_name='URL')),
                        ('body', models.TextField(help_text='The article itself, without page clutter.', verbose_name='main text')),
                        ('language', models.CharField(choices=[('ko', 'Korean'), ('en', 'English')], default='ko', max_length=2, verbose_name='language')),
                        ('is_synthetic', models.BooleanField(default=False, editable=False, help_text='Generated test data, never curated: shown as such and removable at once.', verbose_name='synthetic')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical news item',
                        'verbose_name_plural': 'historical news items',
                        'db_table': 'agreements_historicalnewsitem',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='NewsItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('title', models.CharField(max_length=300, verbose_name='title')),
                        ('outlet', models.CharField(blank=True, help_text='Leave empty if the page omits it.', max_length=100, verbose_name='outlet')),
                        ('reporter', models.CharField(blank=True, max_length=100, verbose_name='reporter')),
                        ('published_on', models.DateField(blank=True, help_text='Leave empty if the page gives no publication date.', null=True, verbose_name='published on')),
                        ('url', models.URLField(blank=True, max_length=500, verbose_name='URL')),
                        ('body', models.TextField(help_text='The article itself, without page clutter.', verbose_name='main text')),
                        ('language', models.CharField(choices=[('ko', 'Korean'), ('en', 'English')], default='ko', max_length=2, verbose_name='language')),
                        ('is_synthetic', models.BooleanField(default=False, editable=False, help_text='Generated test data, never curated: shown as such and removable at once.', verbose_name='synthetic')),
                    ],
                    options={
                        'verbose_name': 'news item',
                        'verbose_name_plural': 'news items',
                        'db_table': 'agreements_newsitem',
                        'ordering': [models.OrderBy(models.F('published_on'), descending=True, nulls_last=True), 'title'],
                        'indexes': [models.Index(fields=['published_on'], name='agreements_news_published_idx')],
                        'constraints': [models.UniqueConstraint(fields=('outlet', 'title'), name='agreements_newsitem_unique_outlet_title', violation_error_message='This article is already in the directory.'), models.UniqueConstraint(condition=models.Q(('url', ''), _negated=True), fields=('url',), name='agreements_newsitem_unique_url', violation_error_message='An article with this URL is already in the directory.'), models.CheckConstraint(condition=models.Q(('language__in', ['ko', 'en'])), name='agreements_newsitem_language_valid')],
                    },
                ),
                migrations.CreateModel(
                    name='NewsMention',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.CharField(help_text='The name as the article writes it.', max_length=200, verbose_name='matched text')),
                        ('start', models.PositiveIntegerField(help_text='Offset in the main text.', verbose_name='start')),
                        ('end', models.PositiveIntegerField(verbose_name='end')),
                        ('cluster', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='news_mentions', to='clusters.cluster', verbose_name='cluster')),
                        ('news_item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mentions', to='news.newsitem', verbose_name='news item')),
                        ('organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='news_mentions', to='orgs.organization', verbose_name='organization')),
                    ],
                    options={
                        'verbose_name': 'mention',
                        'verbose_name_plural': 'mentions',
                        'db_table': 'agreements_newsmention',
                        'ordering': ['news_item', 'start'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('cluster__isnull', True), ('organization__isnull', False)), models.Q(('cluster__isnull', False), ('organization__isnull', True)), _connector='OR'), name='agreements_newsmention_one_target', violation_error_message='A mention names an organization or a cluster.'), models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='agreements_newsmention_span_valid')],
                    },
                ),
            ],
        ),
        move_content_types('agreements', 'news', ['newsitem', 'historicalnewsitem', 'newsmention']),
    ]
