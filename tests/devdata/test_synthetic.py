"""Synthetic directories: marked, deterministic, realistic in shape, and removable at once."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from agreements.models import Agreement, AgreementParty
from clusters.models import Cluster, ClusterMembership
from news.models import NewsItem
from orgs.models import Organization, OrganizationName
from tests.bionet.test_seed import MODELS
from tests.factories import AgreementFactory, ClusterFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def generate(orgs=80, agreements=300, seed=1):
    call_command(
        "generate_synthetic", orgs=orgs, agreements=agreements, seed=seed, stdout=StringIO()
    )


def snapshot():
    """Every synthetic record by its content, independent of primary keys."""
    organizations = Organization.objects.filter(is_synthetic=True)
    return {
        "organizations": sorted(organizations.values_list("slug", "name_ko", "name_en", "kind")),
        "aliases": sorted(
            OrganizationName.objects.filter(organization__is_synthetic=True).values_list(
                "organization__slug", "name", "kind"
            )
        ),
        "parties": sorted(
            AgreementParty.objects.filter(agreement__is_synthetic=True).values_list(
                "agreement__title", "agreement__date", "organization__slug", "role"
            )
        ),
        "news": sorted(NewsItem.objects.filter(is_synthetic=True).values_list("title", "url")),
    }


def curated_rows():
    return {model.__name__: sorted(model.objects.values_list()) for model in MODELS}


def test_it_marks_every_record_synthetic_and_links_only_synthetic_records(seed):
    generate()
    assert Organization.objects.filter(is_synthetic=True).count() == 80
    assert Agreement.objects.filter(is_synthetic=True).count() == 300
    assert Cluster.objects.filter(is_synthetic=True).exists()
    assert NewsItem.objects.filter(is_synthetic=True).exists()
    assert not AgreementParty.objects.filter(
        agreement__is_synthetic=True, organization__is_synthetic=False
    ).exists()
    assert not ClusterMembership.objects.filter(
        cluster__is_synthetic=True, organization__is_synthetic=False
    ).exists()
    assert not Agreement.objects.filter(is_synthetic=True, sources__is_synthetic=False).exists()
    synthetic_slugs = Organization.objects.filter(is_synthetic=True).values_list("slug", flat=True)
    assert all(slug.startswith("syn-") for slug in synthetic_slugs)


def test_it_gives_each_agreement_two_to_six_parties_and_a_source(db):
    generate()
    for agreement in Agreement.objects.prefetch_related("parties", "sources"):
        assert 2 <= len({p.organization_id for p in agreement.parties.all()}) <= 6
        assert agreement.sources.all()
        agreement.full_clean()


def test_partner_counts_are_skewed_towards_a_few_hubs(db):
    generate(orgs=200, agreements=1000)
    counts = sorted((org.agreements.count() for org in Organization.objects.all()), reverse=True)
    median = counts[len(counts) // 2]
    assert counts[0] >= 10 * max(median, 1)


def test_organizations_have_korean_and_english_names_and_aliases(db):
    generate()
    institute = Organization.objects.filter(kind="research_institute").first()
    assert institute.name_ko.endswith(("연구원", "연구소", "기술원"))
    acronym = institute.names.get(kind="acronym").name
    assert acronym == "".join(w[0] for w in institute.name_en.split() if w[0].isupper())
    assert Organization.objects.search(acronym).filter(pk=institute.pk).exists()


def test_the_same_seed_gives_the_same_records(db):
    generate(seed=7)
    first = snapshot()
    call_command("remove_synthetic", stdout=StringIO())
    generate(seed=7)
    assert snapshot() == first
    call_command("remove_synthetic", stdout=StringIO())
    generate(seed=8)
    assert snapshot()["organizations"] != first["organizations"]


def test_removing_deletes_all_synthetic_records_and_leaves_curated_ones_untouched(seed):
    curated = curated_rows()
    generate()
    call_command("remove_synthetic", stdout=StringIO())
    assert curated_rows() == curated
    assert not Organization.objects.filter(is_synthetic=True).exists()
    assert not Agreement.objects.filter(is_synthetic=True).exists()


def test_generate_with_remove_flag_removes(seed):
    curated = curated_rows()
    generate()
    call_command("generate_synthetic", remove=True, stdout=StringIO())
    assert curated_rows() == curated


def test_removing_refuses_and_deletes_nothing_while_a_curated_agreement_has_a_synthetic_party(
    seed,
):
    generate()
    curated_agreement = Agreement.objects.filter(is_synthetic=False).first()
    synthetic_org = Organization.objects.filter(is_synthetic=True).first()
    AgreementParty.objects.create(
        agreement=curated_agreement, organization=synthetic_org, role="signatory"
    )
    count = Organization.objects.count()
    with pytest.raises(CommandError, match="1 parties of curated agreements"):
        call_command("remove_synthetic", stdout=StringIO())
    assert Organization.objects.count() == count


def test_generating_twice_is_refused(db):
    generate(orgs=10, agreements=10)
    with pytest.raises(CommandError, match="remove them first"):
        generate(orgs=10, agreements=10)


def test_it_shows_progress_and_a_summary(db):
    out = StringIO()
    call_command("generate_synthetic", orgs=20, agreements=30, seed=1, stdout=out)
    assert "agreements [##############################] 30/30" in out.getvalue()
    assert "Created 20 organizations" in out.getvalue()


def test_a_curated_agreement_cannot_take_a_synthetic_party(db, in_english):
    synthetic = Organization.objects.create(
        name_ko="합성연구원", slug="syn-x", kind="research_institute", is_synthetic=True
    )
    party = AgreementParty(agreement=AgreementFactory(), organization=synthetic, role="signatory")
    with pytest.raises(ValidationError, match="only curated parties"):
        party.full_clean()


def test_a_curated_cluster_cannot_take_a_synthetic_member(db, in_english):
    synthetic = OrganizationFactory(is_synthetic=True)
    membership = ClusterMembership(
        cluster=ClusterFactory(), organization=synthetic, role="resident"
    )
    with pytest.raises(ValidationError, match="only curated members"):
        membership.full_clean()
