"""Deleting a record only when nothing else depends on it, and saying what does."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, ProtectedError, RestrictedError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# How many dependents a refusal names before summing up the rest.
NAMED_DEPENDENTS = 10


def describe_dependents(dependents) -> str:
    """'agreement party “KHIDI (Signatory)”, cluster “Osong” and 3 more'."""
    dependents = list(dependents)
    named = [
        f"{obj._meta.verbose_name} “{obj}”"
        for obj in sorted(dependents[:NAMED_DEPENDENTS], key=lambda o: (o._meta.label, o.pk))
    ]
    rest = len(dependents) - len(named)
    if rest:
        named.append(ngettext("%(count)d more", "%(count)d more", rest) % {"count": rest})
    return ", ".join(named)


def delete_unless_depended_on(obj: Model) -> None:
    """
    Delete ``obj`` (and what belongs to it, as its CASCADE relations say), or raise a
    ValidationError naming the records that depend on it and would otherwise be lost.
    """
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError) as error:
        dependents = getattr(error, "protected_objects", None) or error.restricted_objects
        raise ValidationError(
            _("%(record)s cannot be deleted: %(dependents)s depend on it."),
            code="protected",
            params={
                "record": f"{capfirst(obj._meta.verbose_name)} “{obj}”",
                "dependents": describe_dependents(dependents),
            },
        ) from error
