import axes.apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BionetConfig(AppConfig):
    """The project package as an app, for its management commands."""

    # Chosen by name: this module holds the django-axes config too.
    default = True
    name = "bionet"
    verbose_name = "Bionet"

    def ready(self):
        from .lib import lookups  # noqa: F401  registers __any_of


class AxesConfig(axes.apps.AppConfig):
    """django-axes (sign-in lockouts) as the admin names it: the app ships no name of its own
    and no Korean catalogue, so the Korean admin showed "AXES / Access attempts"."""

    verbose_name = _("Sign-in lockouts")
