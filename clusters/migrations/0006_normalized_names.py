"""Cluster names in the form the directory now stores and searches: composed (NFC), with
full-width ASCII folded (see bionet.lib.text.normalize)."""

from django.db import migrations

from bionet.lib.text import normalize


def normalize_names(apps, schema_editor):
    Cluster = apps.get_model("clusters", "Cluster")
    for cluster in Cluster.objects.only("name_ko", "name_en").iterator():
        name_ko, name_en = normalize(cluster.name_ko), normalize(cluster.name_en)
        if (name_ko, name_en) != (cluster.name_ko, cluster.name_en):
            Cluster.objects.filter(pk=cluster.pk).update(name_ko=name_ko, name_en=name_en)


class Migration(migrations.Migration):
    dependencies = [("clusters", "0005_founding_and_operators")]

    operations = [migrations.RunPython(normalize_names, migrations.RunPython.noop)]
