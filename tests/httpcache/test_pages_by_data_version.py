"""Public pages, exports and API answers are served by the data's version: ETags and
Last-Modified from the last write, 304s without rendering, Cache-Control a shared cache can
use, a server-side copy of each anonymous page, and nothing cached for a signed-in curator.
Every kind of write makes the next request see it."""

from email.utils import parsedate_to_datetime

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from agreements.models import AgreementParty
from news.models import NewsItem
from orgs.imports import organizations_import
from orgs.models import Organization, OrganizationRedirect
from orgs.services import organization_merge
from tests.bionet.test_backup import empty_the_directory
from tests.bionet.test_history import organization_form
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    NewsItemFactory,
    OrganizationFactory,
    OrganizationNameFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_copies(settings, no_page_copies):
    """The server keeps copies of pages, as it does outside tests."""
    settings.CACHES = {
        **settings.CACHES,
        settings.PAGE_CACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-pages",
        },
    }
    caches[settings.PAGE_CACHE_ALIAS].clear()  # kept in memory across tests by its location


KHIDI = "/organizations/khidi/"
PUBLIC_ADDRESSES = [
    "/",
    "/en/",
    KHIDI,
    "/en/organizations/khidi/",
    "/organizations/",
    "/clusters/",
    "/agreements/",
    "/network/",
    "/search/?q=보산진",
    "/partnerships.csv",
    "/sitemap.xml",
    "/api/organizations/",
    "/api/schema/",
]


@pytest.fixture
def anonymous():
    return Client()


def page(client, address, **headers):
    response = client.get(address, headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode()


# What a public answer says about itself --------------------------------------------------


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_a_public_answer_names_its_version_and_may_be_kept_by_a_shared_cache(
    seed, anonymous, address
):
    response, _ = page(anonymous, address)
    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')
    assert parsedate_to_datetime(response["Last-Modified"])
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=600"
    assert "Accept-Encoding" in response["Vary"]
    # Nothing in a public answer belongs to one visitor.
    assert not response.cookies


def test_plain_addresses_vary_on_what_chooses_their_language_and_english_ones_do_not(
    seed, anonymous
):
    korean, _ = page(anonymous, KHIDI)
    english, _ = page(anonymous, "/en/organizations/khidi/")
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in korean["Vary"].split(",")}
    assert "Accept-Language" not in english["Vary"]
    assert korean["ETag"] != english["ETag"]


def test_a_plain_address_answered_in_english_has_the_english_etag(seed, anonymous):
    english, _ = page(anonymous, "/en/organizations/khidi/")
    asked_in_english, body = page(anonymous, KHIDI, accept_language="en")
    assert "Korea Health Industry Development Institute" in body
    assert asked_in_english["ETag"] == english["ETag"]


# 304 without rendering ----------------------------------------------------------------------


@pytest.mark.parametrize("address", [KHIDI, "/partnerships.csv", "/api/organizations/"])
def test_a_still_valid_etag_is_answered_304_with_one_query_and_no_body(
    seed, anonymous, address, django_assert_max_num_queries
):
    first, _ = page(anonymous, address)
    # One query: the data's version.
    with django_assert_max_num_queries(1):
        response = anonymous.get(address, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == first["ETag"]
    assert response["Cache-Control"].startswith("public")


def test_a_still_valid_date_is_answered_304(seed, anonymous):
    first, _ = page(anonymous, KHIDI)
    response = anonymous.get(KHIDI, headers={"if-modified-since": first["Last-Modified"]})
    assert response.status_code == 304


def test_a_head_request_gets_the_same_validators_and_no_body(seed, anonymous):
    get, _ = page(anonymous, KHIDI)
    head = anonymous.head(KHIDI)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]


# The server's copy -------------------------------------------------------------------------


@pytest.mark.parametrize("address", [KHIDI, "/network/", "/api/organizations/"])
def test_a_page_asked_again_is_sent_from_the_servers_copy_with_one_query(
    seed, anonymous, address, django_assert_max_num_queries
):
    first, body = page(anonymous, address)
    with django_assert_max_num_queries(1):
        again, body_again = page(anonymous, address)
    assert again.status_code == 200
    assert body_again == body
    assert again["ETag"] == first["ETag"]


def test_the_servers_copy_is_kept_compressed_for_clients_that_take_gzip(seed, anonymous):
    anonymous.get("/network/", headers={"accept-encoding": "gzip"})
    again = anonymous.get("/network/", headers={"accept-encoding": "gzip"})
    plain = anonymous.get("/network/")
    assert again["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    assert len(again.content) < len(plain.content)


def test_an_error_page_is_not_kept(seed, anonymous):
    assert anonymous.get("/organizations/no-such-organization/").status_code == 404
    response = anonymous.get("/organizations/no-such-organization/")
    assert response.status_code == 404
    assert "ETag" not in response


# Signed-in curators ------------------------------------------------------------------------


def test_nothing_is_cached_for_a_signed_in_curator(seed, client, curator):
    client.force_login(curator)
    response, _ = page(client, KHIDI)
    assert response.status_code == 200
    assert "ETag" not in response
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_curators_view_never_reaches_an_anonymous_visitor(seed, client, curator, anonymous):
    draft = OrganizationFactory(name_ko="초안기관", review_status="draft")
    client.force_login(curator)
    # A curator may see what visitors may not; whatever the curator was sent is not kept.
    page(client, "/organizations/")
    _, body = page(anonymous, "/organizations/")
    assert draft.name_ko not in body


# Every kind of write is seen on the next request -------------------------------------------


def seen_after(anonymous, address, write):
    """The page before and after ``write()``, and whether the ETag changed."""
    before, body_before = page(anonymous, address)
    write()
    after, body_after = page(anonymous, address)
    assert after.status_code == 200
    return body_before, body_after, before["ETag"] != after["ETag"]


def test_a_save_in_the_admin_is_seen_on_the_next_request(seed, anonymous, client, curator):
    khidi = Organization.objects.get(slug="khidi")
    client.force_login(curator)

    def save():
        response = client.post(
            reverse("admin:orgs_organization_change", args=[khidi.pk]),
            organization_form(khidi, description="관리 화면에서 고친 설명"),
        )
        assert response.status_code == 302

    before, after, new_etag = seen_after(anonymous, KHIDI, save)
    assert "관리 화면에서 고친 설명" not in before and "관리 화면에서 고친 설명" in after
    assert new_etag


def test_a_csv_import_is_seen_on_the_next_request(seed, anonymous):
    rows = (
        "id,slug,name_ko,name_en,aliases,kind,region,parent\n"
        ",imported-institute,가져온연구소,Imported Institute,,research_institute,,\n"
    ).encode()

    def import_rows():
        report = organizations_import(data=rows, commit=True)
        assert report.committed

    before, after, new_etag = seen_after(anonymous, "/organizations/?q=가져온", import_rows)
    assert "가져온연구소" not in before and "가져온연구소" in after
    assert new_etag


def test_a_merge_is_seen_on_the_next_request(seed, anonymous):
    khidi = Organization.objects.get(slug="khidi")
    duplicate = OrganizationFactory(name_ko="보건산업진흥원 중복", name_en="")

    def merge():
        organization_merge(survivor=khidi, duplicate=duplicate)

    before, after, new_etag = seen_after(anonymous, KHIDI, merge)
    assert "보건산업진흥원 중복" not in before and "보건산업진흥원 중복" in after
    assert new_etag


def test_a_restore_is_seen_on_the_next_request(seed, anonymous, tmp_path):
    backup = tmp_path / "directory.json"
    call_command("backup_directory", str(backup), verbosity=0)
    empty_the_directory()
    assert anonymous.get(KHIDI).status_code == 404
    first, _ = page(anonymous, "/organizations/")

    call_command("restore_directory", str(backup), verbosity=0)

    assert anonymous.get(KHIDI).status_code == 200
    again, _ = page(anonymous, "/organizations/")
    assert again["ETag"] != first["ETag"]


def test_a_write_in_raw_sql_is_seen_on_the_next_request(seed, anonymous):
    def update():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE orgs_organization SET description = %s WHERE slug = %s",
                ["SQL로 고친 설명", "khidi"],
            )

    before, after, new_etag = seen_after(anonymous, KHIDI, update)
    assert "SQL로 고친 설명" not in before and "SQL로 고친 설명" in after
    assert new_etag


@pytest.mark.parametrize(
    "write",
    [
        "alias",
        "old address",
        "news item",
        "source",
        "party",
    ],
)
def test_writes_to_every_table_pages_read_change_the_etag(seed, anonymous, write):
    khidi = Organization.objects.get(slug="khidi")
    agreement = AgreementFactory()
    AgreementPartyFactory(agreement=agreement, organization=khidi)
    AgreementPartyFactory(agreement=agreement)
    news = NewsItemFactory()
    writes = {
        "alias": lambda: OrganizationNameFactory(organization=khidi, name="새별칭"),
        "old address": lambda: OrganizationRedirect.objects.create(
            old_slug="old-khidi", organization=khidi
        ),
        "news item": lambda: NewsItem.objects.filter(pk=news.pk).update(title="새 제목"),
        "source": lambda: agreement.sources.add(news),
        "party": lambda: AgreementParty.objects.filter(agreement=agreement).update(role="host"),
    }
    _, _, new_etag = seen_after(anonymous, KHIDI, writes[write])
    assert new_etag


def test_every_address_but_the_admin_and_the_language_switch_is_public():
    from django.urls import URLPattern, URLResolver, get_resolver

    from httpcache.middleware import is_public

    def views(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from views(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                yield namespace, pattern.name, pattern.callback

    private = [
        (namespace, name)
        for namespace, name, view in views(get_resolver().url_patterns)
        if not is_public(view)
    ]
    assert private and {namespace for namespace, _ in private} <= {"admin", ""}
    assert [name for namespace, name in private if namespace == ""] == ["set_language"]
