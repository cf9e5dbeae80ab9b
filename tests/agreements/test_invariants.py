"""A published agreement links at least two organizations, whatever path writes its parties:
the parties' admin (delete action, delete page, a moved party), the agreement's page, an
organization merge, the CSV import, a restored backup and, on PostgreSQL, raw SQL.

Each refusal is a message naming the agreement, never a 500, and leaves the data as it was.
"""

import importlib
import json
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from agreements.imports import agreements_import
from agreements.models import Agreement, AgreementParty
from agreements.services import agreement_parties_check
from news.models import NewsItem
from orgs.models import Organization
from orgs.services import organization_merge
from tests.csv_helpers import csv_bytes
from tests.factories import AgreementFactory, AgreementPartyFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no deferred triggers"
)


def agreement_of(*organizations, roles=None, **kwargs) -> Agreement:
    agreement = AgreementFactory(**kwargs)
    roles = roles or ["signatory"] * len(organizations)
    for organization, role in zip(organizations, roles, strict=True):
        AgreementPartyFactory(agreement=agreement, organization=organization, role=role)
    return agreement


def parties(agreement) -> list[tuple[int, str]]:
    return sorted(agreement.parties.values_list("organization", "role"))


def named(agreement) -> str:
    """How a refusal names an agreement."""
    return f"“{agreement.title}” (#{agreement.pk})"


def errors(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


@pytest.fixture
def khidi():
    return OrganizationFactory(name_ko="한국보건산업진흥원", slug="khidi")


@pytest.fixture
def kribb():
    return OrganizationFactory(name_ko="한국생명공학연구원", slug="kribb")


@pytest.fixture
def mou(khidi, kribb):
    """A published agreement of two organizations: it can spare none."""
    return agreement_of(khidi, kribb, title="보산진·생명연 업무협약")


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


# The parties' changelist and pages ------------------------------------------------------------

CHANGELIST = "admin:agreements_agreementparty_changelist"


@pytest.mark.parametrize("confirmed", [False, True])
def test_delete_selected_is_refused_when_it_would_leave_an_agreement_short(
    curator_client, mou, confirmed
):
    before = parties(mou)
    selected = list(mou.parties.values_list("pk", flat=True))
    selection = {"action": "delete_selected", "_selected_action": selected}
    if confirmed:
        selection["post"] = "yes"

    response = curator_client.post(reverse(CHANGELIST), selection)

    assert response.status_code == 302
    shown = curator_client.get(response.url)
    assert len(errors(shown)) == 1 and named(mou) in errors(shown)[0]
    assert parties(mou) == before
    mou.refresh_from_db()
    assert mou.is_published


def test_delete_selected_names_every_agreement_it_would_leave_short(curator_client, mou, khidi):
    other = agreement_of(khidi, OrganizationFactory(), title="다른 협약")
    spared = agreement_of(khidi, OrganizationFactory(), OrganizationFactory(), title="셋의 협약")
    selected = AgreementParty.objects.filter(organization=khidi).values_list("pk", flat=True)

    response = curator_client.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": list(selected)},
        follow=True,
    )

    assert response.status_code == 200
    [message] = errors(response)
    assert named(mou) in message and named(other) in message
    assert named(spared) not in message
    assert AgreementParty.objects.filter(organization=khidi).count() == 3


def test_delete_selected_deletes_a_party_the_agreement_can_spare(curator_client, mou):
    third = AgreementPartyFactory(agreement=mou)
    selection = {"action": "delete_selected", "_selected_action": [third.pk]}

    asked = curator_client.post(reverse(CHANGELIST), selection)
    assert asked.status_code == 200  # Django's confirmation page
    deleted = curator_client.post(reverse(CHANGELIST), {**selection, "post": "yes"})

    assert deleted.status_code == 302
    assert not AgreementParty.objects.filter(pk=third.pk).exists()
    assert mou.parties.count() == 2


def test_the_delete_page_refuses_the_last_parties(curator_client, mou):
    party = mou.parties.first()
    url = reverse("admin:agreements_agreementparty_delete", args=[party.pk])

    for response in (curator_client.get(url), curator_client.post(url, {"post": "yes"})):
        assert response.status_code == 302
        assert response.url == reverse("admin:agreements_agreementparty_change", args=[party.pk])
    shown = curator_client.get(response.url)
    assert named(mou) in errors(shown)[0]
    assert AgreementParty.objects.filter(pk=party.pk).exists()


def party_form(party, **changes) -> dict:
    return {
        "agreement": party.agreement_id,
        "organization": party.organization_id,
        "role": party.role,
        "note": party.note,
        **changes,
    }


def test_moving_a_party_to_another_agreement_is_refused_when_it_leaves_one_short(
    curator_client, mou, kribb
):
    other = agreement_of(OrganizationFactory(), OrganizationFactory(), title="다른 협약")
    party = mou.parties.get(organization=kribb)
    url = reverse("admin:agreements_agreementparty_change", args=[party.pk])

    response = curator_client.post(url, party_form(party, agreement=other.pk))

    assert response.status_code == 200
    [error] = response.context["adminform"].form.non_field_errors()
    assert named(mou) in error
    party.refresh_from_db()
    assert party.agreement == mou
    assert other.parties.count() == 2


def test_giving_a_party_the_other_partys_organization_is_refused(curator_client, mou, khidi):
    party = mou.parties.exclude(organization=khidi).get()
    url = reverse("admin:agreements_agreementparty_change", args=[party.pk])

    response = curator_client.post(url, party_form(party, organization=khidi.pk, role="host"))

    assert response.status_code == 200
    assert named(mou) in response.context["adminform"].form.non_field_errors()[0]
    assert len({organization for organization, _role in parties(mou)}) == 2


def test_a_party_moves_when_its_agreement_can_spare_it(curator_client, mou):
    third = AgreementPartyFactory(agreement=mou)
    other = agreement_of(OrganizationFactory(), OrganizationFactory(), title="다른 협약")
    url = reverse("admin:agreements_agreementparty_change", args=[third.pk])

    response = curator_client.post(url, party_form(third, agreement=other.pk))

    assert response.status_code == 302
    third.refresh_from_db()
    assert third.agreement == other
    assert (mou.parties.count(), other.parties.count()) == (2, 3)


def test_the_same_role_twice_is_refused_by_the_unique_constraint(curator_client, mou, khidi):
    party = mou.parties.exclude(organization=khidi).get()
    other = agreement_of(khidi, OrganizationFactory(), OrganizationFactory(), title="다른 협약")
    url = reverse("admin:agreements_agreementparty_change", args=[party.pk])
    AgreementPartyFactory(agreement=mou)  # mou can spare the party: only the role repeats

    moved = party_form(party, agreement=other.pk, organization=khidi.pk)
    response = curator_client.post(url, moved)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    party.refresh_from_db()
    assert party.agreement == mou


# Drafts -----------------------------------------------------------------------------------


def test_a_draft_may_be_short_for_a_while_but_is_not_published_so(curator_client, khidi, kribb):
    draft = agreement_of(khidi, kribb, title="초안 협약", review_status="draft")
    party = draft.parties.get(organization=kribb)
    url = reverse("admin:agreements_agreementparty_delete", args=[party.pk])
    assert curator_client.post(url, {"post": "yes"}).status_code == 302
    assert draft.parties.count() == 1

    response = curator_client.post(
        reverse("admin:agreements_agreement_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert response.status_code == 200
    [error] = errors(response)
    assert draft.title in error
    draft.refresh_from_db()
    assert draft.review_status == "draft"


# The agreement's page -----------------------------------------------------------------------


def change_form(agreement, **changes) -> dict:
    """The agreement's admin page as it shows ``agreement``, with ``changes``."""
    data = {
        "title": agreement.title,
        "title_en": agreement.title_en,
        "kind": agreement.kind,
        "status": agreement.status,
        "date": agreement.date.isoformat(),
        "date_precision": agreement.date_precision,
        "review_status": agreement.review_status,
    }
    for prefix, rows, fields in [
        ("parties", agreement.parties.order_by("pk"), ["organization", "role", "note"]),
        ("citations", agreement.citations.order_by("pk"), ["newsitem"]),
    ]:
        rows = list(rows)
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": len(rows),
                f"{prefix}-INITIAL_FORMS": len(rows),
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for index, row in enumerate(rows):
            data[f"{prefix}-{index}-id"] = row.pk
            data[f"{prefix}-{index}-agreement"] = agreement.pk
            for field in fields:
                data[f"{prefix}-{index}-{field}"] = getattr(row, f"{field}_id", None) or getattr(
                    row, field
                )
    return {**data, **changes}


def test_removing_a_party_on_the_agreements_page_is_refused_when_it_leaves_one(curator_client, mou):
    before = parties(mou)
    url = reverse("admin:agreements_agreement_change", args=[mou.pk])

    response = curator_client.post(url, change_form(mou, **{"parties-1-DELETE": "on"}))

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert parties(mou) == before


def test_the_agreements_page_still_saves_a_valid_change(curator_client, mou):
    AgreementPartyFactory(agreement=mou)
    url = reverse("admin:agreements_agreement_change", args=[mou.pk])

    response = curator_client.post(
        url, change_form(mou, title="바뀐 제목", **{"parties-2-DELETE": "on"})
    )

    assert response.status_code == 302
    mou.refresh_from_db()
    assert (mou.title, mou.parties.count()) == ("바뀐 제목", 2)


def test_reverting_to_a_published_version_is_refused_when_the_parties_are_short(
    curator_client, mou, kribb
):
    published_version = mou.history.earliest()
    mou.review_status = "draft"
    mou.save()
    mou.parties.get(organization=kribb).delete()  # a draft may be short
    url = reverse("admin:agreements_agreement_simple_history", args=[mou.pk, published_version.pk])
    data = {key: value for key, value in change_form(mou).items() if "-" not in key}

    response = curator_client.post(url, {**data, "review_status": "published"})

    assert response.status_code == 302
    assert named(mou) in errors(curator_client.get(response.url))[0]
    mou.refresh_from_db()
    assert mou.review_status == "draft"


# Merging organizations ------------------------------------------------------------------------


@pytest.fixture
def duplicate():
    return OrganizationFactory(name_ko="보건산업진흥원", slug="khidi-duplicate")


def test_a_merge_leaving_an_agreement_with_one_organization_is_refused(khidi, duplicate):
    short = agreement_of(khidi, duplicate, title="같은 기관끼리 협약")
    roles = agreement_of(khidi, duplicate, roles=["signatory", "host"], title="역할만 다른 협약")
    before = [parties(short), parties(roles)]

    with pytest.raises(ValidationError) as refused:
        organization_merge(survivor=khidi, duplicate=duplicate)

    message = " ".join(refused.value.messages)
    assert named(short) in message and named(roles) in message
    assert "보건산업진흥원" in message
    assert [parties(short), parties(roles)] == before
    assert Organization.objects.filter(pk=duplicate.pk).exists()


def test_the_merge_action_shows_the_refusal_and_changes_nothing(curator_client, khidi, duplicate):
    short = agreement_of(khidi, duplicate, title="같은 기관끼리 협약")
    before = parties(short)

    response = curator_client.post(
        reverse("admin:orgs_organization_changelist"),
        {
            "action": "merge_organizations",
            "_selected_action": [khidi.pk, duplicate.pk],
            "confirm": "yes",
            "survivor": khidi.pk,
        },
        follow=True,
    )

    assert response.status_code == 200
    [error] = errors(response)
    assert named(short) in error
    assert Organization.objects.filter(pk__in=[khidi.pk, duplicate.pk]).count() == 2
    assert parties(short) == before


def test_a_merge_keeps_the_survivor_once_per_role_where_a_third_party_remains(khidi, duplicate):
    partner = OrganizationFactory()
    agreement = agreement_of(khidi, duplicate, partner, title="셋의 협약")

    result = organization_merge(survivor=khidi, duplicate=duplicate)

    assert parties(agreement) == sorted([(khidi.pk, "signatory"), (partner.pk, "signatory")])
    assert len(result.dropped) == 1


def test_a_merge_may_leave_a_draft_short(khidi, duplicate):
    draft = agreement_of(khidi, duplicate, title="초안 협약", review_status="draft")
    organization_merge(survivor=khidi, duplicate=duplicate)
    assert parties(draft) == [(khidi.pk, "signatory")]


# Import and restore ---------------------------------------------------------------------------


def test_an_import_giving_an_agreement_one_organization_is_refused(mou, khidi, in_english):
    news_item = mou.sources.get()
    source = f"{news_item.outlet} | {news_item.published_on} | {news_item.title} | {news_item.url}"
    header = ["id", "title", "kind", "date", "date_precision", "cluster", "parties", "sources"]
    one_organization = "khidi (signatory); khidi (host)"
    row = [mou.pk, mou.title, "mou", "2022-03-11", "day", "", one_organization, source]
    before = parties(mou)

    report = agreements_import(data=csv_bytes(header, row), commit=True)

    assert [(row.outcome, str(row.reason)) for row in report.rows] == [("error", "missing value")]
    assert parties(mou) == before


def test_a_backup_with_a_short_published_agreement_is_not_restored(tmp_path, mou, kribb):
    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup))
    records = json.loads(backup.read_text())
    left_out = ("agreements.agreementparty", mou.parties.get(organization=kribb).pk)
    records = [record for record in records if (record["model"], record["pk"]) != left_out]
    backup.write_text(json.dumps(records))
    AgreementParty.objects.all().delete()
    Agreement.objects.all().delete()
    NewsItem.objects.all().delete()
    Organization.objects.all().delete()

    with pytest.raises(CommandError) as refused:
        call_command("restore_directory", str(backup))

    assert named(mou) in str(refused.value)
    assert "is not a directory backup that fits" in str(refused.value)
    assert not Agreement.objects.exists() and not Organization.objects.exists()


# The service on its own, and the migration's data fix -----------------------------------------


def test_the_check_counts_organizations_not_roles_and_names_the_agreement(mou, khidi, kribb):
    kept = mou.parties.get(organization=khidi)
    with pytest.raises(ValidationError, match=re.escape(named(mou))):
        agreement_parties_check(
            agreement_ids=[mou.pk],
            without=mou.parties.exclude(pk=kept.pk).values("pk"),
            adding=[(mou.pk, khidi.pk)],
        )
    agreement_parties_check(
        agreement_ids=[mou.pk],
        without=mou.parties.exclude(pk=kept.pk).values("pk"),
        adding=[(mou.pk, kribb.pk)],
    )


def test_the_migration_sends_published_agreements_already_short_back_to_drafts(mou, khidi):
    short = agreement_of(khidi, title="이미 모자란 협약")
    migration = importlib.import_module(
        "agreements.migrations.0015_published_agreements_link_two_organizations"
    )

    migration.unpublish_short(apps, connection.schema_editor())

    short.refresh_from_db()
    mou.refresh_from_db()
    assert (short.review_status, mou.review_status) == ("draft", "published")


# PostgreSQL: the database's own guard -----------------------------------------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_committed_transaction_leaving_a_published_agreement_short_fails(khidi, kribb):
    with transaction.atomic():  # each statement would commit on its own
        mou = agreement_of(khidi, kribb, title="보산진·생명연 업무협약")
    party = mou.parties.get(organization=kribb)

    with (
        pytest.raises(IntegrityError, match=f"published agreement {mou.pk} "),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM agreements_agreementparty WHERE id = %s", [party.pk])

    assert parties(mou) == sorted([(khidi.pk, "signatory"), (kribb.pk, "signatory")])
    # Deferred to the commit: a transaction may take a party off and put another on.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM agreements_agreementparty WHERE id = %s", [party.pk])
        cursor.execute(
            "INSERT INTO agreements_agreementparty (agreement_id, organization_id, role, note) "
            "VALUES (%s, %s, 'host', '')",
            [mou.pk, OrganizationFactory().pk],
        )
    assert mou.parties.count() == 2


def checked_now(sql: str, params: list):
    """Run ``sql`` and check the deferred constraints at once, as a commit would."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@postgresql_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE agreements_agreementparty SET agreement_id = %(other)s WHERE id = %(party)s",
        "UPDATE agreements_agreementparty SET organization_id = %(khidi)s, role = 'host' "
        "WHERE id = %(party)s",
    ],
)
def test_the_trigger_refuses_a_party_moved_or_changed_in_sql(mou, khidi, kribb, sql):
    other = agreement_of(OrganizationFactory(), OrganizationFactory())
    party = mou.parties.get(organization=kribb)
    with pytest.raises(IntegrityError, match="fewer than two organizations"):
        checked_now(sql, {"other": other.pk, "party": party.pk, "khidi": khidi.pk})
    assert parties(mou) == sorted([(khidi.pk, "signatory"), (kribb.pk, "signatory")])


@postgresql_only
def test_the_trigger_refuses_publishing_a_short_agreement_in_sql(khidi):
    draft = agreement_of(khidi, title="초안 협약", review_status="draft")
    with pytest.raises(IntegrityError, match=f"published agreement {draft.pk} "):
        checked_now(
            "UPDATE agreements_agreement SET review_status = 'published' WHERE id = %s",
            [draft.pk],
        )
    checked_now("UPDATE agreements_agreement SET title = 'x' WHERE id = %s", [draft.pk])
