"""Writes that touch several models: merging two organizations, deleting one safely."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .models import Organization, OrganizationName
from .signals import organization_merging

# Fields the survivor takes from the duplicate when it has none of its own.
FILLED_FROM_DUPLICATE = ["name_en", "region", "website", "description", "ror_id", "wikidata_qid"]


@dataclass
class MergeResult:
    survivor: Organization
    moved: int = 0
    dropped: list[str] = field(default_factory=list)


def organization_merge(
    *, survivor: Organization, duplicate: Organization, user=None
) -> MergeResult:
    """
    Merge ``duplicate`` into ``survivor``, two records of the same organization, then delete
    the duplicate. In one transaction:

    - every record that refers to the duplicate (parties, cluster memberships, operated
      clusters, child organizations, aliases, and whatever other apps add) is moved to the
      survivor; one that would then repeat a record the survivor already has (same agreement
      and role, same cluster and role, same alias) is dropped instead;
    - the duplicate's Korean and English names become aliases of the survivor;
    - the survivor's empty fields (English name, region, website, description, ROR and
      Wikidata IDs) are filled from the duplicate.

    Refuses to merge an organization into itself or into one of its own descendants, and
    whatever a receiver of ``organization_merging`` refuses: the agreements app refuses a
    merge that would leave a published agreement linking one organization, where both were
    its only parties (agreements.services.agreement_parties_check_merge).
    """
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("An organization cannot be merged into itself."), code="self")
    if duplicate.pk in _ancestor_pks(survivor):
        raise ValidationError(
            _("%(duplicate)s cannot be merged into %(survivor)s, which belongs to it."),
            code="descendant",
            params={"duplicate": duplicate, "survivor": survivor},
        )
    reason = f"Merged “{duplicate}” (#{duplicate.pk}) into “{survivor}” (#{survivor.pk})"
    result = MergeResult(survivor=survivor)

    with transaction.atomic():
        survivor = Organization.objects.select_for_update().get(pk=survivor.pk)
        duplicate = Organization.objects.select_for_update().get(pk=duplicate.pk)
        result.survivor = survivor
        organization_merging.send(Organization, survivor=survivor, duplicate=duplicate)
        for model, fk in _references_to(Organization):
            for row in model._base_manager.filter(**{fk.name: duplicate}).order_by("pk"):
                _track(row, user, reason)
                if _repeats_a_survivor_record(row, fk, survivor):
                    result.dropped.append(f"{model._meta.verbose_name} “{row}”")
                    row.delete()
                    continue
                setattr(row, fk.attname, survivor.pk)
                row.save(update_fields=[fk.name])
                result.moved += 1

        filled = {name: getattr(duplicate, name) for name in FILLED_FROM_DUPLICATE}
        former_names = [
            (duplicate.name_ko, OrganizationName.Language.KOREAN),
            (duplicate.name_en, OrganizationName.Language.ENGLISH),
        ]
        _track(duplicate, user, reason)
        duplicate.delete()

        for name, value in filled.items():
            if value and not getattr(survivor, name):
                setattr(survivor, name, value)
        _track(survivor, user, reason)
        survivor.full_clean()
        survivor.save()

        known = {survivor.name_ko, survivor.name_en} | set(
            survivor.names.values_list("name", flat=True)
        )
        for name, language in former_names:
            if name and name not in known:
                alias = OrganizationName(
                    organization=survivor,
                    name=name,
                    kind=OrganizationName.Kind.OTHER,
                    language=language,
                )
                alias.full_clean()
                _track(alias, user, reason)
                alias.save()
                known.add(name)
    return result


def _ancestor_pks(organization: Organization) -> set[int]:
    pks: set[int] = set()
    parent_pk = organization.parent_id
    while parent_pk is not None and parent_pk not in pks:
        pks.add(parent_pk)
        parent_pk = (
            Organization.objects.filter(pk=parent_pk).values_list("parent_id", flat=True).first()
        )
    return pks


def _references_to(model: type[models.Model]) -> list[tuple[type[models.Model], models.Field]]:
    """
    Every (model, foreign key) that points at ``model``, read from the model registry so that
    relations added by any app are covered: reverse foreign keys and one-to-ones, and the
    tables behind plain many-to-many fields (through models declared by hand appear as
    foreign keys of their own). Hidden relations (related_name="+", e.g. audit history,
    which must keep naming the record as it was) are left alone.
    """
    references = []
    for relation in model._meta.related_objects:
        if relation.many_to_many:
            through = relation.through
            if through._meta.auto_created:
                name = relation.field.m2m_reverse_field_name()
                references.append((through, through._meta.get_field(name)))
        else:
            references.append((relation.related_model, relation.field))
    for m2m in model._meta.many_to_many:
        through = m2m.remote_field.through
        if through._meta.auto_created:
            references.append((through, through._meta.get_field(m2m.m2m_field_name())))
    return references


def _repeats_a_survivor_record(row: models.Model, fk: models.Field, survivor) -> bool:
    """Whether moving ``row`` to ``survivor`` would break one of its model's uniqueness rules."""
    model = type(row)
    others = model._base_manager.exclude(pk=row.pk)
    if fk.unique:
        if others.filter(**{fk.name: survivor}).exists():
            raise ValidationError(
                _("Both organizations have a %(record)s; only one can be kept."),
                code="one_to_one",
                params={"record": model._meta.verbose_name},
            )
        return False
    for fields, condition in _unique_field_sets(model):
        if fk.name not in fields:
            continue
        same = {
            name: (
                survivor.pk
                if name == fk.name
                else getattr(row, model._meta.get_field(name).attname)
            )
            for name in fields
        }
        clashing = others.filter(**{model._meta.get_field(n).attname: v for n, v in same.items()})
        if condition is not None:
            if not model._base_manager.filter(condition, pk=row.pk).exists():
                continue
            clashing = clashing.filter(condition)
        if clashing.exists():
            return True
    return False


def _unique_field_sets(model: type[models.Model]):
    for fields in model._meta.unique_together:
        yield tuple(fields), None
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            yield tuple(constraint.fields), constraint.condition


def _track(instance: models.Model, user, reason: str) -> None:
    """Name the curator and the reason in the audit history of a change made here."""
    if user is not None:
        instance._history_user = user
    instance._change_reason = reason
