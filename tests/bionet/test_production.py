"""Production settings: `check --deploy` is clean, and responses carry the security headers."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "production-like-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": SECRET_KEY,
    "DJANGO_ALLOWED_HOSTS": "bionet.example",
}
EXPECTED_CSP = (
    "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'"
)


def run(args, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    environ.update(env, DJANGO_SETTINGS_MODULE="bionet.settings")
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environ, capture_output=True, text=True
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_notices_hsts_turned_off():
    result = run(["manage.py", "check", "--deploy"], **PRODUCTION, DJANGO_HSTS_SECONDS="0")
    assert "security.W004" in result.stderr


def test_it_refuses_to_start_without_allowed_hosts_when_debug_is_off():
    result = run(["manage.py", "check"], DJANGO_DEBUG="false", DJANGO_SECRET_KEY=SECRET_KEY)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must name the site's host names" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_HSTS_SECONDS", "a year", "DJANGO_HSTS_SECONDS='a year' is not a whole number"),
        ("DJANGO_HSTS_SECONDS", "-1", "DJANGO_HSTS_SECONDS='-1' must be at least 0"),
        ("AXES_FAILURE_LIMIT", "0", "AXES_FAILURE_LIMIT='0' must be at least 1"),
        ("DJANGO_SECURE_PROXY_SSL_HEADER", "maybe", "is not a yes/no value"),
    ],
)
def test_it_refuses_a_malformed_production_variable(variable, value, message):
    result = run(["manage.py", "check"], **PRODUCTION, **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


RESPONSES = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="bionet.example")
plain = client.get("/admin/login/")
proxied = client.get("/admin/login/", HTTP_X_FORWARDED_PROTO="https")
health = client.get("/healthz")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "proxied": [proxied.status_code, dict(proxied.headers),
                {name: dict(c) for name, c in proxied.cookies.items()}],
    "health": health.status_code,
}))
"""


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Static files gathered as a deployment gathers them: production pages need the manifest."""
    root = tmp_path_factory.mktemp("static")
    result = run(
        ["manage.py", "collectstatic", "--no-input"], **PRODUCTION, DJANGO_STATIC_ROOT=str(root)
    )
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def production_responses(static_root):
    def respond(**env):
        result = run(["-c", RESPONSES], **PRODUCTION, DJANGO_STATIC_ROOT=str(static_root), **env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return respond


def test_behind_a_https_proxy_pages_carry_hsts_and_secure_cookies(production_responses):
    responses = production_responses(DJANGO_SECURE_PROXY_SSL_HEADER="true")
    status, headers, cookies = responses["proxied"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Content-Security-Policy"] == EXPECTED_CSP
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert cookies["csrftoken"]["secure"] is True


LANGUAGE_COOKIE = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="bionet.example")
response = client.post("/i18n/setlang/", {"language": "en", "next": "/"},
                       HTTP_X_FORWARDED_PROTO="https")
print(json.dumps([response.status_code, dict(response.cookies["django_language"])]))
"""


def test_the_language_cookie_is_secure_and_same_site_lax_in_production():
    result = run(["-c", LANGUAGE_COOKIE], **PRODUCTION, DJANGO_SECURE_PROXY_SSL_HEADER="true")
    assert result.returncode == 0, result.stderr
    status, cookie = json.loads(result.stdout)
    assert status == 302
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_the_language_cookie_is_same_site_lax_but_not_secure_on_a_laptop(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    cookie = response.cookies["django_language"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]


def test_plain_http_is_redirected_to_https_but_the_health_check_is_not(production_responses):
    responses = production_responses(DJANGO_SECURE_PROXY_SSL_HEADER="true")
    assert responses["plain"] == [301, "https://bionet.example/admin/login/"]
    assert responses["health"] in (200, 503)  # answered, not redirected


def test_hsts_is_tuned_from_the_environment(production_responses):
    responses = production_responses(
        DJANGO_SECURE_PROXY_SSL_HEADER="true",
        DJANGO_HSTS_SECONDS="3600",
        DJANGO_HSTS_PRELOAD="false",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="false",
    )
    assert responses["proxied"][1]["Strict-Transport-Security"] == "max-age=3600"


def test_without_the_proxy_header_setting_a_forged_https_header_is_not_trusted(
    production_responses,
):
    responses = production_responses()
    assert responses["proxied"][0] == 301


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/organizations/",
        "/agreements/",
        "/admin/login/",
        "/no-such-page/",
        "/static/bionet/site.css",
    ],
)
def test_every_response_carries_the_content_security_policy(client, url):
    response = client.get(url)
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_admin_pages_have_no_inline_script_or_style(admin_client):
    """The admin works under `default-src 'self'`: nothing inline for the policy to block."""
    from tests.factories import AgreementPartyFactory

    party = AgreementPartyFactory()
    for url in [
        reverse("admin:index"),
        reverse("admin:orgs_organization_changelist"),
        reverse("admin:orgs_organization_change", args=[party.organization.pk]),
        reverse("admin:agreements_agreement_change", args=[party.agreement.pk]),
        reverse("admin:orgs_organization_history", args=[party.organization.pk]),
    ]:
        page = admin_client.get(url).content.decode()
        # django-simple-history's one inline style; the policy blocks it, which only leaves
        # a top border on the history's paginator.
        page = page.replace('class="paginator" style="border-top: 0"', 'class="paginator"')
        assert " style=" not in page, url
        for script in page.split("<script")[1:]:
            tag = script.split(">", 1)[0]
            assert " src=" in tag or 'type="application/json"' in tag, (url, tag)
