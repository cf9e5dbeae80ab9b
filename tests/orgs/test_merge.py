"""Merging two records of the same organization moves everything to the survivor, in one go."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.urls import reverse

from agreements.models import AgreementParty
from clusters.models import ClusterMembership
from orgs.models import Organization, OrganizationName
from orgs.services import organization_merge
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def khidi():
    return OrganizationFactory(name_ko="한국보건산업진흥원", name_en="KHIDI", slug="khidi")


@pytest.fixture
def duplicate():
    return OrganizationFactory(
        name_ko="보건산업진흥원",
        name_en="Korea Health Industry Development Institute",
        slug="korea-health-industry-development-institute",
        ror_id="04h9pn542",
        wikidata_qid="Q12345",
        website="https://www.khidi.or.kr",
    )


def test_it_moves_parties_memberships_operated_clusters_children_and_aliases(
    khidi, duplicate, admin_user
):
    party = AgreementPartyFactory(organization=duplicate)
    membership = ClusterMembershipFactory(organization=duplicate)
    cluster = ClusterFactory(operator=duplicate)
    child = OrganizationFactory(parent=duplicate)
    alias = OrganizationNameFactory(organization=duplicate, name="보산진")

    result = organization_merge(survivor=khidi, duplicate=duplicate, user=admin_user)

    assert not Organization.objects.filter(pk=duplicate.pk).exists()
    assert result.moved == 5
    for record in [party, membership, alias]:
        record.refresh_from_db()
        assert record.organization == khidi
    cluster.refresh_from_db()
    child.refresh_from_db()
    assert cluster.operator == khidi
    assert child.parent == khidi


def test_it_keeps_the_duplicates_names_as_aliases_and_fills_missing_identifiers(khidi, duplicate):
    organization_merge(survivor=khidi, duplicate=duplicate)
    khidi.refresh_from_db()
    assert set(khidi.names.values_list("name", "kind", "language")) == {
        ("보건산업진흥원", "other", "ko"),
        ("Korea Health Industry Development Institute", "other", "en"),
    }
    assert (khidi.ror_id, khidi.wikidata_qid) == ("04h9pn542", "Q12345")
    assert khidi.website == "https://www.khidi.or.kr"
    assert Organization.objects.named("보건산업진흥원").get() == khidi


def test_it_keeps_the_survivors_own_identifiers(khidi, duplicate):
    khidi.ror_id = "01an7q238"
    khidi.save()
    organization_merge(survivor=khidi, duplicate=duplicate)
    khidi.refresh_from_db()
    assert khidi.ror_id == "01an7q238"
    assert khidi.wikidata_qid == "Q12345"


def test_it_drops_records_that_would_repeat_the_survivors(khidi, duplicate):
    agreement = AgreementFactory()
    partner = AgreementPartyFactory(agreement=agreement, role="signatory").organization
    AgreementPartyFactory(agreement=agreement, organization=khidi, role="signatory")
    AgreementPartyFactory(agreement=agreement, organization=duplicate, role="signatory")
    kept_role = AgreementPartyFactory(agreement=agreement, organization=duplicate, role="host")
    cluster = ClusterFactory()
    ClusterMembershipFactory(cluster=cluster, organization=khidi, role="resident")
    ClusterMembershipFactory(cluster=cluster, organization=duplicate, role="resident")
    OrganizationNameFactory(organization=khidi, name="KHIDI 진흥원")
    OrganizationNameFactory(organization=duplicate, name="KHIDI 진흥원")

    result = organization_merge(survivor=khidi, duplicate=duplicate)

    assert sorted(agreement.parties.values_list("organization", "role")) == sorted(
        [(khidi.pk, "host"), (khidi.pk, "signatory"), (partner.pk, "signatory")]
    )
    assert agreement.parties.get(role="host").pk == kept_role.pk
    assert list(cluster.memberships.values_list("organization", "role")) == [(khidi.pk, "resident")]
    assert khidi.names.filter(name="KHIDI 진흥원").count() == 1
    assert len(result.dropped) == 3


def test_it_refuses_to_merge_an_organization_into_itself(khidi, in_english):
    with pytest.raises(ValidationError, match="into itself"):
        organization_merge(survivor=khidi, duplicate=khidi)


def test_it_refuses_to_merge_an_organization_into_its_descendant(khidi, in_english):
    hospital = OrganizationFactory(parent=khidi)
    ward = OrganizationFactory(parent=hospital)
    with pytest.raises(ValidationError, match="belongs to it"):
        organization_merge(survivor=ward, duplicate=khidi)
    assert Organization.objects.filter(pk=khidi.pk).exists()


def test_it_merges_a_child_into_its_parent(khidi):
    branch = OrganizationFactory(parent=khidi)
    AgreementPartyFactory(organization=branch)
    organization_merge(survivor=khidi, duplicate=branch)
    assert khidi.agreement_parties.count() == 1
    assert not Organization.objects.filter(pk=branch.pk).exists()


def test_a_failure_half_way_leaves_everything_as_it_was(khidi, duplicate, monkeypatch):
    party = AgreementPartyFactory(organization=duplicate)

    def refuse(self, *args, **kwargs):
        raise ValidationError("refused")

    monkeypatch.setattr(Organization, "full_clean", refuse)
    with pytest.raises(ValidationError):
        organization_merge(survivor=khidi, duplicate=duplicate)
    party.refresh_from_db()
    assert party.organization == duplicate
    assert Organization.objects.filter(pk=duplicate.pk).exists()


def test_the_history_names_the_merge_and_the_curator(khidi, duplicate, admin_user):
    party = AgreementPartyFactory(organization=duplicate)
    organization_merge(survivor=khidi, duplicate=duplicate, user=admin_user)
    moved = party.history.first()
    assert moved.history_user == admin_user
    assert moved.history_change_reason.startswith("Merged “보건산업진흥원”")
    deleted = Organization.history.filter(id=duplicate.pk, history_type="-").get()
    assert deleted.history_user == admin_user


@pytest.fixture
def mention_model():
    """
    A model from another app pointing at organizations, as news mentions will, created for
    this test only: the merge must cover relations it has never heard of.
    """

    class Mention(models.Model):
        organization = models.ForeignKey(
            Organization, on_delete=models.PROTECT, related_name="test_mentions"
        )
        newsitem_id = models.IntegerField()

        class Meta:
            app_label = "orgs"
            constraints = [
                models.UniqueConstraint(
                    fields=["newsitem_id", "organization"], name="test_mention_unique"
                )
            ]

        def __str__(self):
            return f"{self.organization} in news item {self.newsitem_id}"

    # Created inside the test's transaction (rolled back with it); SQLite's schema editor
    # refuses to be entered there, so its statements are run directly.
    try:
        editor = connection.schema_editor()
        editor.deferred_sql = []
        editor.create_model(Mention)
        for statement in editor.deferred_sql:
            editor.execute(statement)
        yield Mention
    finally:
        del apps.all_models["orgs"]["mention"]
        apps.clear_cache()


def test_it_moves_relations_added_by_other_apps(khidi, duplicate, mention_model):
    moved = mention_model.objects.create(organization=duplicate, newsitem_id=1)
    mention_model.objects.create(organization=khidi, newsitem_id=2)
    mention_model.objects.create(organization=duplicate, newsitem_id=2)
    organization_merge(survivor=khidi, duplicate=duplicate)
    assert sorted(mention_model.objects.values_list("organization", "newsitem_id")) == [
        (khidi.pk, 1),
        (khidi.pk, 2),
    ]
    assert mention_model.objects.get(newsitem_id=1).pk == moved.pk


def test_the_admin_action_asks_which_to_keep_then_merges(admin_client, khidi, duplicate):
    AgreementPartyFactory(organization=duplicate)
    changelist = reverse("admin:orgs_organization_changelist")
    selection = {"action": "merge_organizations", "_selected_action": [khidi.pk, duplicate.pk]}

    response = admin_client.post(changelist, selection)
    assert response.status_code == 200
    assert list(response.context["organizations"]) == [duplicate, khidi]
    assert Organization.objects.count() == 2

    response = admin_client.post(
        changelist, {**selection, "confirm": "yes", "survivor": khidi.pk}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert "한국보건산업진흥원" in str(list(response.context["messages"])[0])
    assert list(Organization.objects.all()) == [khidi]
    assert AgreementParty.objects.get().organization == khidi


def test_the_admin_action_needs_two_organizations(admin_client, khidi):
    response = admin_client.post(
        reverse("admin:orgs_organization_changelist"),
        {"action": "merge_organizations", "_selected_action": [khidi.pk]},
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]
    assert Organization.objects.count() == 1


def test_a_curator_may_merge(client, curator, khidi, duplicate):
    ClusterMembershipFactory(organization=duplicate)
    client.force_login(curator)
    response = client.post(
        reverse("admin:orgs_organization_changelist"),
        {
            "action": "merge_organizations",
            "_selected_action": [khidi.pk, duplicate.pk],
            "confirm": "yes",
            "survivor": khidi.pk,
        },
    )
    assert response.status_code == 302
    assert ClusterMembership.objects.get().organization == khidi
    assert OrganizationName.objects.filter(organization=khidi).count() == 2
