"""A backup holds every curated record exactly and nothing synthetic; it restores into an
empty database, and only there."""

import json

import pytest
from django.core.management import CommandError, call_command

from agreements.models import Agreement, AgreementParty
from clusters.models import Cluster, ClusterMembership
from news.models import NewsItem, NewsMention
from orgs.models import Organization, OrganizationName
from tests.factories import (
    DIRECTORY_MODELS,
    AgreementFactory,
    AgreementPartyFactory,
    ClusterMembershipFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

pytestmark = pytest.mark.django_db


def snapshot():
    """Every field of every directory record, and every agreement's sources."""
    rows = {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in DIRECTORY_MODELS
    }
    rows["sources"] = sorted(Agreement.sources.through.objects.values_list("agreement", "newsitem"))
    # Mentions are recomputed on restore rather than stored: compare them without their keys.
    rows["mentions"] = sorted(
        NewsMention.objects.values_list("news_item", "organization", "cluster", "start", "end"),
        key=repr,
    )
    return rows


def empty_the_directory():
    AgreementParty.objects.all().delete()
    Agreement.objects.all().delete()
    NewsItem.objects.all().delete()
    ClusterMembership.objects.all().delete()
    Cluster.objects.all().delete()
    Organization.objects.update(parent=None)
    Organization.objects.all().delete()


def test_the_seed_data_survives_a_round_trip_exactly(seed, tmp_path):
    before = snapshot()
    assert all(before.values())
    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup), verbosity=0)
    empty_the_directory()
    assert not any(snapshot().values())

    call_command("restore_directory", str(backup), verbosity=0)

    assert snapshot() == before


def test_records_added_after_a_restore_get_new_keys(seed, tmp_path):
    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup))
    highest = Organization.objects.order_by("-pk").first().pk
    empty_the_directory()
    call_command("restore_directory", str(backup))
    assert OrganizationFactory().pk > highest


def test_synthetic_records_and_what_belongs_to_them_are_left_out(tmp_path):
    curated = OrganizationFactory(name_ko="한국보건산업진흥원")
    partner = OrganizationFactory(name_ko="서울대학교병원")
    synthetic = OrganizationFactory(name_ko="합성기관", is_synthetic=True)
    OrganizationNameFactory(organization=synthetic, name="합성별칭")
    ClusterMembershipFactory(organization=synthetic)
    kept = AgreementFactory(title="업무협약")
    AgreementPartyFactory(agreement=kept, organization=curated)
    AgreementPartyFactory(agreement=kept, organization=partner)
    generated = AgreementFactory(title="합성협약", is_synthetic=True)
    AgreementPartyFactory(agreement=generated, organization=curated)
    AgreementPartyFactory(agreement=generated, organization=synthetic)

    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup))
    records = json.loads(backup.read_text())

    def saved(model):
        return sorted(r["pk"] for r in records if r["model"] == model._meta.label_lower)

    assert synthetic.pk not in saved(Organization)
    assert curated.pk in saved(Organization)
    assert saved(OrganizationName) == []
    assert saved(ClusterMembership) == []
    assert saved(Agreement) == [kept.pk]
    assert saved(AgreementParty) == sorted(kept.parties.values_list("pk", flat=True))
    assert "합성" not in backup.read_text()


def test_a_curated_record_pointing_at_a_synthetic_one_stops_the_backup(tmp_path):
    OrganizationFactory(
        name_ko="서울대학교병원", parent=OrganizationFactory(name_ko="합성대학", is_synthetic=True)
    )
    with pytest.raises(CommandError, match="“서울대학교병원” has the synthetic parent “합성대학”"):
        call_command("backup_directory", str(tmp_path / "directory.json"))


def test_a_restore_into_a_database_with_records_is_refused(seed, tmp_path):
    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup))
    before = snapshot()
    with pytest.raises(CommandError, match="already holds directory records"):
        call_command("restore_directory", str(backup))
    assert snapshot() == before


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_is_restored(tmp_path):
    damaged = tmp_path / "damaged.json"
    damaged.write_text('[{"model": "orgs.organization", "pk": 1, "fields": {"name_ko": ')
    with pytest.raises(CommandError, match="is not a directory backup"):
        call_command("restore_directory", str(damaged))
    users = tmp_path / "users.json"
    users.write_text('[{"model": "auth.group", "pk": 99, "fields": {"name": "x"}}]')
    with pytest.raises(CommandError, match="not directory content"):
        call_command("restore_directory", str(users))
    assert not Organization.objects.exists()


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("restore_directory", str(tmp_path / "nowhere.json"))
