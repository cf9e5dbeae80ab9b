"""When the database is unreachable the site says so politely; /healthz reports its state."""

import base64
import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database_down():
    """Every new cursor fails as it does when the server refuses connections."""
    refused = OperationalError("connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=refused):
        yield


@pytest.fixture
def production_errors(settings):
    """Error pages as visitors see them: no debug page, no exception passed to the test."""
    settings.DEBUG = False
    # A failure before language negotiation renders in the default language.
    settings.LANGUAGE_CODE = "en"
    return Client(raise_request_exception=False, headers={"accept-language": "en"})


def test_healthz_reports_a_reachable_database_with_one_trivial_query(
    client, django_assert_num_queries
):
    with django_assert_num_queries(1) as captured:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok"}
    assert captured.captured_queries[0]["sql"] == "SELECT 1"
    assert response["Cache-Control"] == "no-store"


def test_healthz_reports_an_unreachable_database(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable"}


def test_healthz_needs_no_session_no_allowed_host_and_sets_no_cookie(client):
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.cookies == {}


def test_a_page_answers_503_with_a_friendly_page_when_the_database_is_down(
    production_errors, database_down
):
    response = production_errors.get(reverse("orgs:organization_list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "cannot reach its database" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_a_page_answers_503_even_with_debug_on(client, database_down):
    response = client.get(reverse("orgs:organization_list"))
    assert response.status_code == 503


def test_a_database_failure_outside_the_view_answers_503_too(production_errors):
    with mock.patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_request",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = production_errors.get(reverse("orgs:organization_list"))
    assert response.status_code == 503
    assert "cannot reach its database" in response.content.decode()


def test_an_unexpected_error_answers_500_with_a_friendly_page(production_errors):
    with mock.patch("orgs.views.OrganizationListView.get", side_effect=RuntimeError("bug")):
        response = production_errors.get(reverse("orgs:organization_list"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "RuntimeError" not in page


def test_an_unknown_address_answers_404_with_a_way_back(production_errors):
    OrganizationFactory(slug="khidi")
    response = production_errors.get("/organizations/no-such-organization/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'href="/"' in response.content.decode()


def test_a_request_for_an_unknown_host_answers_400(production_errors):
    response = production_errors.get("/organizations/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_real_postgresql_server_that_is_not_there_gives_503_not_a_traceback():
    """The whole stack in production mode, pointed at a port nobody listens on."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    environ.update(
        DJANGO_SETTINGS_MODULE="bionet.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="s" * 50,
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"postgres://bionet@127.0.0.1:{closed_port()}/bionet?connect_timeout=2",
        DJANGO_LOG_LEVEL="CRITICAL",
    )
    script = (
        "import json, django; django.setup();"
        "from django.test.utils import override_settings;"
        "override_settings(LANGUAGE_CODE='en').enable();"
        "from django.test import Client; c = Client(raise_request_exception=False);"
        "h = c.get('/healthz'); p = c.get('/organizations/', secure=True);"
        "print(json.dumps([h.status_code, h.json(), p.status_code, p['Retry-After'],"
        " 'cannot reach its database' in p.content.decode()]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [503, {"database": "unavailable"}, 503, "30", True]


def test_the_error_pages_style_is_allowed_by_its_hash_and_nothing_else_is(
    production_errors, database_down
):
    response = production_errors.get(reverse("orgs:organization_list"))
    page = response.content.decode()
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert response["Content-Security-Policy"].split("; ")[:2] == [
        "default-src 'none'",
        f"style-src 'sha256-{digest}'",
    ]
    assert "<script" not in page and "style=" not in page
