"""Creates the "Curators" group: staff who enter and correct directory records.

Curators add, change and view every directory record. They may delete only the records that
live inside another one (an alias, a cluster membership, an agreement's party), which the admin's
inlines need; organizations, clusters, agreements and news items stay undeletable for them, and
they get no permission at all on users or groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Curators"

DIRECTORY_MODELS = {
    "orgs": ["organization", "organizationname"],
    "clusters": ["cluster", "clustermembership"],
    "agreements": ["newsitem", "agreement", "agreementparty"],
}
DELETABLE = {"organizationname", "clustermembership", "agreementparty"}


def create_curators_group(apps, schema_editor):
    # Permissions are normally created after the last migration has run; make sure they
    # exist now so the group can be given them on a fresh database.
    for label in DIRECTORY_MODELS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    codenames = []
    for models in DIRECTORY_MODELS.values():
        for model in models:
            actions = ["add", "change", "view"] + (["delete"] if model in DELETABLE else [])
            codenames += [f"{action}_{model}" for action in actions]
    permissions = Permission.objects.filter(
        content_type__app_label__in=DIRECTORY_MODELS, codename__in=codenames
    )
    group.permissions.set(permissions)


def remove_curators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("orgs", "0001_initial"),
        ("clusters", "0001_initial"),
        ("agreements", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_curators_group, remove_curators_group)]
