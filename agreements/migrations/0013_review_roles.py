"""Who drafts and who publishes.

Curators may now publish and withdraw agreements and organizations. A new "Contributors" group
drafts: it adds and changes organizations, news items and agreements (with their aliases,
parties and citations) but cannot publish them, so a curator reviews what it enters.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATORS = "Curators"
CONTRIBUTORS = "Contributors"
PUBLISHING = {"orgs": ["publish_organization"], "agreements": ["publish_agreement"]}
DRAFTED = {
    "orgs": ["organization", "organizationname"],
    "clusters": ["cluster", "clustermembership"],
    "news": ["newsitem"],
    "agreements": ["agreement", "agreementparty", "agreementsource"],
}
# Records that live inside another one: the admin's inlines delete them.
DELETABLE = {"organizationname", "clustermembership", "agreementparty", "agreementsource"}
VIEW_ONLY = {"cluster", "clustermembership"}


def permissions(apps, codenames_by_app):
    Permission = apps.get_model("auth", "Permission")
    found = Permission.objects.none()
    for app_label, codenames in codenames_by_app.items():
        found |= Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    return found


def contributor_codenames() -> dict[str, list[str]]:
    codenames = {}
    for app_label, models in DRAFTED.items():
        codenames[app_label] = []
        for model in models:
            if model in VIEW_ONLY:
                actions = ["view"]
            else:
                actions = ["add", "change", "view"] + (["delete"] if model in DELETABLE else [])
            codenames[app_label] += [f"{action}_{model}" for action in actions]
    return codenames


def set_up(apps, schema_editor):
    # Permissions are normally created after the last migration has run.
    for app_label in DRAFTED:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    curators, _ = Group.objects.get_or_create(name=CURATORS)
    curators.permissions.add(*permissions(apps, PUBLISHING))
    contributors, _ = Group.objects.get_or_create(name=CONTRIBUTORS)
    contributors.permissions.set(permissions(apps, contributor_codenames()))


def tear_down(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=CONTRIBUTORS).delete()
    for curators in Group.objects.filter(name=CURATORS):
        curators.permissions.remove(*permissions(apps, PUBLISHING))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("orgs", "0006_review_status"),
        ("clusters", "0004_search_indexes"),
        ("news", "0002_tables_and_constraints_renamed"),
        ("agreements", "0012_review_status"),
    ]

    operations = [migrations.RunPython(set_up, tear_down)]
