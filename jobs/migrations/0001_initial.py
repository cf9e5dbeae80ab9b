"""Background tasks as curators see them (a proxy of django-tasks-db's results), and the
Curators group's right to see them and retry failed ones."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"
CODENAMES = ["view_backgroundtask", "change_backgroundtask"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("jobs")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="jobs", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=GROUP_NAME):
        group.permissions.remove(*group.permissions.filter(codename__in=CODENAMES))


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.CreateModel(
            name="BackgroundTask",
            fields=[],
            options={
                "verbose_name": "background task",
                "verbose_name_plural": "background tasks",
                "ordering": ["-enqueued_at"],
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("django_tasks_database.dbtaskresult",),
        ),
        migrations.RunPython(grant, revoke),
    ]
