"""A migration operation for models that move between apps. (The leading underscore keeps
Django's migration loader from taking this module for a migration.)"""

from django.db import migrations


def move_content_types(from_app: str, to_app: str, models: list[str]) -> migrations.RunPython:
    """Hand the content types of ``models`` from ``from_app`` to ``to_app``, for a model that
    moved between apps: its permissions (and the groups holding them), admin log entries and
    history keep pointing at it. A content type the new app already has is replaced."""

    def move(source, target):
        def run(apps, schema_editor):
            content_types = apps.get_model("contenttypes", "ContentType").objects
            for model in models:
                old = content_types.filter(app_label=source, model=model)
                if old.exists():
                    content_types.filter(app_label=target, model=model).delete()
                    old.update(app_label=target)

        return run

    return migrations.RunPython(move(from_app, to_app), move(to_app, from_app), elidable=False)
