import http.server
import os
import threading
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.dispatch import receiver
from django.test.signals import setting_changed
from django.urls import clear_url_caches
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property-based tests (tests/bionet/test_fuzz.py): a bounded run by default so the suite stays
# fast, a long one with HYPOTHESIS_PROFILE=thorough. Requests hit the database, so no deadline;
# the fixtures (seed data, client) are read-only and shared by all examples of one test.
_HYPOTHESIS_COMMON = {
    "deadline": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
hypothesis_settings.register_profile("default", max_examples=40, **_HYPOTHESIS_COMMON)
hypothesis_settings.register_profile("thorough", max_examples=400, **_HYPOTHESIS_COMMON)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item):
    """Tests build agreements party by party, and many leave a published one with a single
    party (a factory's party on its own): data that PostgreSQL refuses to commit (agreements
    migration 0015, a deferred constraint trigger). A test's transaction is never committed,
    but Django checks the deferred constraints when a test ends, as a commit would; so the
    test's published agreements become drafts just before, and only the rule's own tests
    (tests/agreements/test_invariants.py, which check at once or commit) meet the trigger.
    Foreign keys are checked as before."""
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE agreements_agreement SET review_status = 'draft' "
                "WHERE review_status = 'published'"
            )
    except DatabaseError:
        pass  # a test that broke its transaction: Django's teardown reports that


@pytest.fixture
def seed(db):
    """The curated seed data, loaded as `make run` loads it."""
    call_command("loaddata", "tests/data/seed.json", verbosity=0)
    call_command("refresh_mentions", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached, as after a deploy: a test database rolled back
    to the same data version could otherwise be mistaken for data already computed or pages
    already rendered."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def page_version_read_per_request(settings):
    """Tests write inside a transaction that is never committed, so PostgreSQL never announces
    their writes: each request reads the version itself (tests/httpcache/test_watch.py tests
    the announcements with committed writes)."""
    settings.PAGE_VERSION_NOTIFICATIONS = False


@pytest.fixture(autouse=True)
def no_page_copies(settings):
    """Pages are rendered for every request, so a test sees what its view does (its context,
    its queries); tests/httpcache turns the server's copies of pages back on."""
    settings.CACHES = {
        **settings.CACHES,
        settings.PAGE_CACHE_ALIAS: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }


@pytest.fixture(autouse=True)
def prepared_files_of_this_test(settings, tmp_path):
    """Files tasks prepare go to the test's own folder: data versions repeat across tests."""
    settings.PREPARED_FILES_DIR = tmp_path / "prepared"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Sign-in tests hash many passwords; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_language_left_active():
    """A request activates its language for the thread; reset it so no test inherits it."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def curator(db):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("curator", password="curator-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    return user


@pytest.fixture
def korean(settings):
    """Pages in Korean, the site's default language."""
    settings.LANGUAGE_CODE = "ko"


@pytest.fixture
def in_english(settings):
    """Pages and messages in English, for tests that check English wording."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def names_in(response, key="object_list"):
    """The Korean names (or titles) of the records a page lists."""
    return [getattr(record, "name_ko", None) or record.title for record in response.context[key]]


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (never a downloaded browser).

    Without it the browser tests skip, unless BIONET_REQUIRE_BROWSER=1 (as in CI), where a
    missing browser or Playwright is a failure.
    """

    def unavailable(reason: str):
        if os.environ.get("BIONET_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (BIONET_REQUIRE_BROWSER=1)")
        pytest.skip(reason)

    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests and
    # their fixtures make here are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class _SavedPages(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(Path(__file__).parent / "data" / "pages"), **kwargs)

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def saved_pages_server():
    """The saved news pages of tests/data/pages served on 127.0.0.1, as a news site would:
    ``saved_pages_server.url("biohealth_article.html")``."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SavedPages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = lambda name: f"http://127.0.0.1:{server.server_port}/{name}"
    yield server
    server.shutdown()


@receiver(setting_changed)
def forget_addresses_built_for_another_default_language(setting, **kwargs):
    """Tests that make English the default language (``settings.LANGUAGE_CODE = "en"``)
    change which language's addresses have no prefix: the addresses Django has already
    reversed and cached for each language no longer hold."""
    if setting == "LANGUAGE_CODE":
        clear_url_caches()


@pytest.fixture
def run_tasks():
    """Run every task that is due, as ``manage.py db_worker`` does, until none is left;
    answer how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker

    from jobs.models import BackgroundTask

    def run() -> int:
        before = BackgroundTask.objects.exclude(status="READY").count()
        # The worker closes connections it finds outside autocommit, as a long-running
        # process should; here that connection holds the test's transaction.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            run_worker()
        return BackgroundTask.objects.exclude(status="READY").count() - before

    def run_worker():
        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="tests",
            excluded_queue_names=[],
        ).run()

    return run
