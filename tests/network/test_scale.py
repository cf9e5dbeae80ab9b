"""The network at scale: ego and cluster networks read from their own records only, and the
whole network's products cached until the data changes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from agreements.models import AgreementParty
from clusters.models import Cluster
from network.cache import data_version, whole_network_ranks
from network.drawing import draw
from network.graph import cluster_members, load_members, load_neighbourhood, load_network
from network.metrics import sorted_subgraph
from network.models import NetworkVersion
from network.partials import ego_context
from orgs.models import Organization
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ClusterMembershipFactory,
    OrganizationFactory,
)
from tests.network_helpers import ego_network


def edges_with_data(graph):
    return sorted((*sorted((u, v)), data) for u, v, data in graph.edges(data=True))


def same_graph(first, second):
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert edges_with_data(first) == edges_with_data(second)


@pytest.mark.parametrize("steps", [1, 2])
def test_an_ego_network_read_from_the_neighbourhood_is_the_cut_of_the_whole_network(seed, steps):
    whole = load_network()

    for organization in Organization.objects.filter(slug__in=list(whole)):
        same_graph(
            load_neighbourhood(organization, steps),
            ego_network(whole, organization.slug, steps),
        )


def test_an_ego_network_keeps_links_between_partners_made_without_the_organization(db):
    ego, first, second, far, farther = OrganizationFactory.create_batch(5)
    for pair in ((ego, first), (ego, second), (first, second), (second, far), (far, farther)):
        agreement = AgreementFactory()
        for organization in pair:
            AgreementPartyFactory(agreement=agreement, organization=organization)

    one_step = load_neighbourhood(ego, 1)
    two_steps = load_neighbourhood(ego, 2)

    assert sorted(one_step) == sorted(o.slug for o in (ego, first, second))
    assert one_step.has_edge(first.slug, second.slug)
    assert sorted(two_steps) == sorted(o.slug for o in (ego, first, second, far))
    assert not two_steps.has_edge(far.slug, farther.slug)


def test_a_cluster_network_read_from_its_members_is_the_cut_of_the_whole_network(seed):
    whole = load_network(organizations=Organization.objects.all())

    for cluster in Cluster.objects.all():
        members = cluster_members(cluster)
        same_graph(
            load_members(members),
            sorted_subgraph(whole, members.values_list("slug", flat=True)),
        )


def crowd(count):
    """An organization with ``count`` partners, each with ``count`` partners of their own."""
    ego = OrganizationFactory()
    for _ in range(count):
        agreement = AgreementFactory()
        partner = OrganizationFactory()
        AgreementPartyFactory(agreement=agreement, organization=ego)
        AgreementPartyFactory(agreement=agreement, organization=partner)
        for _ in range(count):
            AgreementPartyFactory(
                agreement=AgreementPartyFactory(organization=partner).agreement,
                organization=OrganizationFactory(),
            )
    return ego


@pytest.mark.parametrize("count", [2, 6])
def test_the_ego_partial_needs_the_same_queries_for_small_and_large_neighbourhoods(
    db, django_assert_num_queries, count
):
    ego = crowd(count)
    whole_network_ranks()  # ranks cached, as on every request after the first

    # the data's version; the organizations one and two steps away with their shared
    # agreements; the neighbourhood's parties, organizations and clusters
    with django_assert_num_queries(6):
        context = ego_context(ego, steps=2)["ego_network"]

    assert context["drawing"].shown == 1 + count + count * count
    assert context["partner_count"] == count


@pytest.mark.parametrize("count", [4, 8])
def test_a_large_ego_network_is_cut_to_the_strongest_ties_in_the_same_queries(
    db, django_assert_num_queries, settings, count
):
    settings.NETWORK_DRAWING_NODES = 6
    ego = crowd(count)
    closest = ego.agreement_parties.first().agreement.parties.exclude(organization=ego).get()
    AgreementPartyFactory(
        agreement=AgreementPartyFactory(organization=ego).agreement,
        organization=closest.organization,
    )
    whole_network_ranks()

    with django_assert_num_queries(6):
        context = ego_context(ego, steps=2)["ego_network"]

    drawing = context["drawing"]
    assert (drawing.shown, drawing.total) == (6, 1 + count + count * count)
    assert drawing.is_cut
    assert closest.organization.get_absolute_url() in drawing.svg
    assert context["partner_count"] == count


def network_slugs(client, **filters):
    response = client.get(reverse("network:network"), filters)
    assert response.status_code == 200
    return {row["organization"]["slug"] for row in response.context["table"]}


def test_a_new_agreement_shows_on_the_cached_network_page(db, client):
    first, second, newcomer = OrganizationFactory.create_batch(3)
    agreement = AgreementFactory()
    AgreementPartyFactory(agreement=agreement, organization=first)
    AgreementPartyFactory(agreement=agreement, organization=second)
    assert network_slugs(client) == {first.slug, second.slug}

    AgreementPartyFactory(agreement=agreement, organization=newcomer)

    assert network_slugs(client) == {first.slug, second.slug, newcomer.slug}


def test_a_party_moved_to_another_organization_shows_on_the_cached_network_page(db, client):
    first, second, replacement = OrganizationFactory.create_batch(3)
    agreement = AgreementFactory()
    AgreementPartyFactory(agreement=agreement, organization=first)
    party = AgreementPartyFactory(agreement=agreement, organization=second)
    assert network_slugs(client) == {first.slug, second.slug}

    # A bulk update: no signal is sent, no timestamp changes.
    AgreementParty.objects.filter(pk=party.pk).update(organization=replacement)

    assert network_slugs(client) == {first.slug, replacement.slug}


def test_a_deleted_agreement_leaves_the_cached_network_page(db, client):
    first, second, third = OrganizationFactory.create_batch(3)
    kept, deleted = AgreementFactory.create_batch(2)
    for agreement, pair in ((kept, (first, second)), (deleted, (second, third))):
        for organization in pair:
            AgreementPartyFactory(agreement=agreement, organization=organization)
    assert network_slugs(client) == {first.slug, second.slug, third.slug}

    deleted.delete()

    assert network_slugs(client) == {first.slug, second.slug}


def test_a_new_membership_changes_the_cached_ranks_and_a_rename_the_version(db):
    first, second = OrganizationFactory.create_batch(2)
    agreement = AgreementFactory()
    AgreementPartyFactory(agreement=agreement, organization=first)
    AgreementPartyFactory(agreement=agreement, organization=second)
    version = data_version()
    ranks = {r["metric"]: r["value"] for r in whole_network_ranks().value.of(first.slug)}
    assert ranks["brokerage"] == 0

    membership = ClusterMembershipFactory(organization=second)

    assert data_version() != version
    ranks = {r["metric"]: r["value"] for r in whole_network_ranks().value.of(first.slug)}
    assert ranks["brokerage"] == 1
    version = data_version()
    first.name_ko = "새 이름"
    first.save()
    assert data_version() != version
    version = data_version()
    membership.delete()
    assert data_version() != version


def test_writes_that_send_no_signals_change_the_version(db):
    first, second = OrganizationFactory.create_batch(2)
    agreement = AgreementFactory()
    version = data_version()

    AgreementParty.objects.bulk_create(
        [
            AgreementParty(agreement=agreement, organization=o, role="signatory")
            for o in (first, second)
        ]
    )
    assert data_version() != version
    version = data_version()
    Organization.objects.filter(pk=first.pk).update(name_en="Renamed in bulk")
    assert data_version() != version
    version = data_version()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM agreements_agreementparty")
    assert data_version() != version


def test_a_rolled_back_write_leaves_the_version(db):
    OrganizationFactory()
    version = data_version()

    with pytest.raises(RuntimeError), transaction.atomic():
        OrganizationFactory()
        raise RuntimeError("abandoned")

    assert data_version() == version


def test_reading_the_version_is_one_query_at_any_size(db, django_assert_num_queries):
    AgreementFactory.create_batch(3)
    with django_assert_num_queries(1) as captured:
        data_version()
    # A lookup by primary key: nothing that reads the tables the network is built from.
    sql = captured.captured_queries[0]["sql"].upper()
    assert "COUNT(" not in sql and "SUM(" not in sql and "AGREEMENTPARTY" not in sql


def test_without_a_version_row_nothing_is_served_from_the_cache(db):
    NetworkVersion.objects.all().delete()

    assert data_version() != data_version()
    OrganizationFactory()  # the next write starts a new row, with a token of its own
    assert data_version() == data_version()


def test_filtered_networks_are_cached_apart(db, client):
    first, second, third = OrganizationFactory.create_batch(3)
    for kind, pair in (("mou", (first, second)), ("council", (second, third))):
        agreement = AgreementFactory(kind=kind)
        for organization in pair:
            AgreementPartyFactory(agreement=agreement, organization=organization)

    assert network_slugs(client) == {first.slug, second.slug, third.slug}
    assert network_slugs(client, kind="mou") == {first.slug, second.slug}
    assert network_slugs(client, kind="council") == {second.slug, third.slug}


@pytest.mark.parametrize("steps", [1, 2])
def test_the_ego_partial_draws_what_the_whole_network_cut_around_the_organization_draws(
    seed, steps
):
    whole = load_network()
    ministry = Organization.objects.get(slug="ministry-of-health-and-welfare")

    drawing = ego_context(ministry, steps=steps)["ego_network"]["drawing"]

    expected = draw(
        ego_network(whole, ministry.slug, steps),
        title=gettext("Collaboration network of %(name)s") % {"name": ministry},
        highlight=ministry.slug,
        id_prefix=f"ego-{ministry.slug}",
    )
    assert drawing.svg == expected.svg
    assert (drawing.shown, drawing.total) == (expected.shown, expected.total)


def make_pair_network():
    first, second, third = OrganizationFactory.create_batch(3)
    for pair in ((first, second), (second, third)):
        agreement = AgreementFactory()
        for organization in pair:
            AgreementPartyFactory(agreement=agreement, organization=organization)
    return first, second, third


def test_a_network_too_large_to_analyse_now_is_never_analysed_in_the_request(
    db, client, settings, in_english
):
    make_pair_network()
    settings.NETWORK_PARTIES_PER_REQUEST = 3  # the network has 4 parties

    with CaptureQueriesContext(connection) as first:
        response = client.get(reverse("network:network"))
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("network:network"))

    assert response.status_code == 200
    assert "drawing" not in response.context
    assert "being analysed in the background" in response.content.decode()
    assert "GraphML" in response.content.decode()  # the files are still offered
    # The parties are counted once for this version of the data, and the analysis queued
    # once: asked again, the page only checks that the queued task is still waiting.
    assert not any("COUNT" in query["sql"] for query in again.captured_queries)
    assert not any("INSERT" in query["sql"] for query in again.captured_queries)
    assert len(again) < len(first)


def test_analyse_network_feeds_the_pages_of_a_large_network(db, client, settings, in_english):
    first, second, _third = make_pair_network()
    settings.NETWORK_PARTIES_PER_REQUEST = 3
    organization_page = reverse("orgs:organization_detail", args=[second.slug])
    page = client.get(organization_page).content.decode()
    assert "The ranks among all organizations have not been computed yet" in page

    call_command("analyse_network", stdout=StringIO(), stderr=StringIO())

    response = client.get(reverse("network:network"))
    assert response.context["summary"]["organizations"] == 3
    assert "has changed since" not in response.content.decode()
    ranks = client.get(organization_page).context["ego_network"]["ranks"]
    assert {r["metric"]: r["value"] for r in ranks}["degree"] == 2

    first.name_en = "Renamed"
    first.save()  # a new version: the analysis above is now the latest, not the current one

    response = client.get(reverse("network:network"))
    assert response.context["summary"]["organizations"] == 3
    assert "the directory has changed since" in response.content.decode()
    page = client.get(organization_page)
    assert page.context["ego_network"]["ranks"] == ranks
    assert "the directory has changed since" in page.content.decode()


def test_a_filtered_network_under_the_limit_is_analysed_while_the_whole_is_not(
    db, client, settings
):
    make_pair_network()  # two agreements of the same kind, 4 parties
    council = AgreementFactory(kind="council")
    for organization in OrganizationFactory.create_batch(2):
        AgreementPartyFactory(agreement=council, organization=organization)
    settings.NETWORK_PARTIES_PER_REQUEST = 3

    response = client.get(reverse("network:network"), {"kind": "council"})

    assert response.context["summary"]["organizations"] == 2
    assert "drawing" not in client.get(reverse("network:network")).context


def test_an_ego_network_without_current_ranks_is_kept_until_new_ranks(db, client, settings):
    _first, second, _third = make_pair_network()
    settings.NETWORK_PARTIES_PER_REQUEST = 3
    page = reverse("network:organization_network", args=[second.slug])

    with CaptureQueriesContext(connection) as drawn:
        assert client.get(page).context["ego_network"]["ranks"] == []
    with CaptureQueriesContext(connection) as kept:
        assert client.get(page).context["ego_network"]["ranks"] == []
    # The data's version (httpcache), the organization and the data's version; the
    # neighbourhood is not read again.
    assert len(kept) == 3 < len(drawn)

    call_command("analyse_network", stdout=StringIO(), stderr=StringIO())

    assert client.get(page).context["ego_network"]["ranks"]


def test_a_cluster_network_follows_a_new_membership(db, client):
    first, second = OrganizationFactory.create_batch(2)
    agreement = AgreementFactory()
    for organization in (first, second):
        AgreementPartyFactory(agreement=agreement, organization=organization)
    membership = ClusterMembershipFactory(organization=first)
    page = reverse("network:cluster_network", args=[membership.cluster.slug])
    before = client.get(page).context["cluster_network"]
    assert before["link_count"] == 0

    ClusterMembershipFactory(cluster=membership.cluster, organization=second)

    after = client.get(page).context["cluster_network"]
    assert (after["member_count"], after["link_count"]) == (before["member_count"] + 1, 1)
