"""On PostgreSQL each process keeps the pages' version in memory and is told of every
committed write (LISTEN/NOTIFY), so a 304 costs no query and a write is still seen at once."""

import time

import pytest
from django.db import connection
from django.test import Client

from httpcache import watch as watching
from httpcache.watch import VersionWatch, page_version, read_page_version
from network.cache import DataVersion, bump_analyses_generation
from tests.factories import OrganizationFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's NOTIFY"),
    pytest.mark.django_db(transaction=True),
]

KHIDI = "/organizations/khidi/"


def eventually(condition, seconds=5.0):
    """Whether ``condition()`` holds within ``seconds``: the listening thread needs a moment
    to read what it was told."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def version_watch():
    # Reading the version again only when told: what it learns, it learns from NOTIFY.
    watch = VersionWatch(refresh_seconds=600, trusted_seconds=600)
    try:
        assert eventually(lambda: watch.current() is not None)
        yield watch
    finally:
        watch.stop()  # its connection would keep the test database from being dropped


@pytest.fixture
def watched_pages(settings, version_watch, monkeypatch):
    """Requests read the version from a watch, as in production."""
    settings.PAGE_VERSION_NOTIFICATIONS = True
    monkeypatch.setattr(watching, "watch", version_watch)
    return version_watch


def test_the_watch_knows_the_stored_version(version_watch):
    assert version_watch.current() == read_page_version()


def test_a_committed_write_is_announced_to_the_watch(version_watch):
    before = version_watch.current()
    OrganizationFactory()
    assert eventually(lambda: version_watch.current() != before)
    assert version_watch.current() == read_page_version()


def test_a_stored_background_analysis_is_announced_to_the_watch(version_watch):
    before = version_watch.current()
    bump_analyses_generation()
    assert eventually(lambda: version_watch.current() != before)
    assert version_watch.current().tag.endswith(":1")


def test_a_version_the_watch_stopped_confirming_is_not_trusted(watched_pages):
    stale = DataVersion("an old version", None)
    watched_pages._known = (stale, time.monotonic() - watched_pages.trusted_seconds - 1)
    assert page_version() == read_page_version()


def test_a_304_from_the_watched_version_costs_no_query(
    seed, watched_pages, django_assert_max_num_queries
):
    first = Client().get(KHIDI)
    with django_assert_max_num_queries(0):
        response = Client().get(KHIDI, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304


def test_a_committed_write_is_seen_by_the_next_request_once_announced(seed, watched_pages):
    first = Client().get(KHIDI)
    before = watched_pages.current()
    OrganizationFactory()
    assert eventually(lambda: watched_pages.current() != before)
    response = Client().get(KHIDI, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]


def test_a_stopped_watch_can_start_again(version_watch):
    version_watch.stop()
    assert eventually(lambda: version_watch.current() is not None)
    OrganizationFactory()
    assert eventually(lambda: version_watch.current() == read_page_version())
