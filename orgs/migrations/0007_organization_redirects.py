"""Old addresses of organizations, and readable slugs for those that had a generic one.

Organizations created from a news item got slugs like ``organization`` and ``organization-2``:
they get one from their English name, else their Korean name romanized, and their old
address redirects to the new one.
"""

import re

import django.db.models.deletion
from django.db import migrations, models

from bionet.lib.slugs import GENERIC_WORDS, readable_slug

GENERIC_SLUG = re.compile(rf"^(?:{'|'.join(sorted(GENERIC_WORDS))})(?:-[0-9]+)?$")


def readable_slugs(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    OrganizationRedirect = apps.get_model("orgs", "OrganizationRedirect")
    for organization in Organization.objects.order_by("pk"):
        if not GENERIC_SLUG.match(organization.slug):
            continue
        old_slug = organization.slug
        organization.slug = readable_slug(
            english=organization.name_en,
            korean=organization.name_ko,
            taken=lambda slug: Organization.objects.filter(slug=slug).exists()
            or OrganizationRedirect.objects.filter(old_slug=slug).exists(),
        )
        organization.save(update_fields=["slug"])
        OrganizationRedirect.objects.create(old_slug=old_slug, organization=organization)


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0006_review_status'),
    ]

    operations = [
        migrations.CreateModel(
            name='OrganizationRedirect',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('old_slug', models.SlugField(max_length=100, unique=True, verbose_name='old slug')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='redirects', to='orgs.organization', verbose_name='organization')),
            ],
            options={
                'verbose_name': 'old address',
                'verbose_name_plural': 'old addresses',
                'ordering': ['old_slug'],
            },
        ),
        migrations.RunPython(readable_slugs, migrations.RunPython.noop),
    ]
