from django.apps import AppConfig


class BionetConfig(AppConfig):
    """The project package as an app, for its management commands."""

    name = "bionet"
    verbose_name = "Bionet"
