"""A backup holds every curated record exactly and nothing synthetic; it restores into an
empty database, and only there."""

import datetime
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


# Times and broken files -----------------------------------------------------------------------


def test_times_survive_a_round_trip_to_the_microsecond(tmp_path):
    organization = OrganizationFactory()
    moment = datetime.datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=datetime.UTC)
    Organization.objects.filter(pk=organization.pk).update(created=moment, updated=moment)
    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup))
    empty_the_directory()
    call_command("restore_directory", str(backup))
    restored = Organization.objects.get()
    assert (restored.created, restored.updated) == (moment, moment)
    assert '"2025-03-04T05:06:07.123456Z"' in backup.read_text()


@pytest.fixture
def backup_bytes(tmp_path):
    """A backup of a directory with Korean names, as bytes; the directory emptied after."""
    OrganizationFactory(name_ko="한국보건산업진흥원")
    OrganizationFactory(name_ko="서울대학교병원")
    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup))
    empty_the_directory()
    return backup.read_bytes()


def restore_refused(tmp_path, data: bytes) -> str:
    """The CommandError's message restoring ``data`` (a CommandError, never a traceback);
    nothing is restored."""
    damaged = tmp_path / "damaged.json"
    damaged.write_bytes(data)
    with pytest.raises(CommandError) as refused:
        call_command("restore_directory", str(damaged))
    assert not Organization.objects.exists()
    message = str(refused.value)
    assert message.startswith(f"{damaged} is not a directory backup")
    assert not message.rstrip(".").endswith(":")
    return message


def test_a_backup_cut_in_the_middle_of_a_character_is_named_as_cut_short(tmp_path, backup_bytes):
    cut = backup_bytes.index("진흥원".encode()) + 1  # one byte into a three-byte character
    message = restore_refused(tmp_path, backup_bytes[:cut])
    assert f"it ends in the middle of a character (byte {cut - 1}): it was cut short" in message


def test_a_binary_file_is_named_as_not_utf8_at_its_first_bad_byte(tmp_path):
    message = restore_refused(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "it is not UTF-8 text (byte 0 is 0x89): is it a backup at all?" in message


def test_a_backup_cut_at_a_clean_point_says_where_the_json_ends(tmp_path, backup_bytes):
    text = backup_bytes.decode()
    cut = text.index("},\n") + 2  # just after the first record and its comma
    lines = text[:cut].splitlines()
    message = restore_refused(tmp_path, text[:cut].encode())
    assert (
        f"it is not JSON: Expecting value at line {len(lines)}, column {len(lines[-1]) + 1} "
        "(the file ends there: was it cut short?)"
    ) in message


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"model": "orgs.organization"}', "it holds a JSON dict, not a list of records"),
        ("[1, 2]", "record 1 is not a record with a model and its fields"),
        ('[{"model": "orgs.organization", "pk": 1}]', "record 1 is not a record with a model"),
        ("", "it is not JSON: Expecting value at line 1, column 1"),
        ("[" * 100_000, "it is JSON nested far deeper than a backup is"),
    ],
)
def test_json_that_is_not_a_list_of_records_is_named(tmp_path, content, reason):
    assert reason in restore_refused(tmp_path, content.encode())


def test_a_record_that_does_not_fit_names_the_field(tmp_path):
    record = '[{"model": "orgs.organization", "pk": 1, "fields": {"no_such_field": 1}}]'
    message = restore_refused(tmp_path, record.encode())
    assert "is not a directory backup that fits: " in message
    assert "no_such_field" in message
